"""Programs and the support-request workflow (POL-7): the request, its status history,
the verification checklist, the social researcher's report and external referrals."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.bilingual import pick

from . import reference as references
from .workflow import AWAITING_DECISION, OPEN_STATUSES, Status


class Program(models.Model):
    """A program the association runs, with its eligibility rules and its promise (POL-7.7, 7.10)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    eligibility_ar = models.TextField(_("who is eligible (Arabic)"), blank=True)
    eligibility_en = models.TextField(_("who is eligible (English)"), blank=True)
    required_document_types = models.JSONField(
        _("required documents"),
        default=list,
        blank=True,
        help_text=_("The document types an applicant must provide."),
    )
    decision_days = models.PositiveSmallIntegerField(
        _("days to decide"),
        default=14,
        validators=[MinValueValidator(1)],
        help_text=_("The promised time from submission to the committee's answer (POL-7.7)."),
    )
    quorum = models.PositiveSmallIntegerField(
        _("committee quorum"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Votes needed before the committee's decision is taken."),
    )
    is_open = models.BooleanField(_("open for applications"), default=True)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    committee = models.ForeignKey(
        "requests_app.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programs",
        verbose_name=_("research committee"),
        help_text=_(
            "The committee that decides this program's requests; empty: the default committee. "
            "A decision is taken when the quorum of votes is cast (recusals do not count), by "
            "the majority of approvals and rejections; a tie is broken by the chair's vote."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "name_ar"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision_days__gte=1), name="program_decision_days_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(quorum__gte=1), name="program_quorum_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self.name_ar, self.name_en)

    @property
    def description(self) -> str:
        return pick(self.description_ar, self.description_en)

    @property
    def eligibility(self) -> str:
        return pick(self.eligibility_ar, self.eligibility_en)

    def accepts_applications(self, on=None) -> bool:
        day = on or timezone.localdate()
        if not self.is_open:
            return False
        if self.opens_on and day < self.opens_on:
            return False
        return not (self.closes_on and day > self.closes_on)


class SupportKind(models.TextChoices):
    CASH = "cash", _("Financial support")
    IN_KIND = "in_kind", _("In-kind support")
    VOUCHER = "voucher", _("Voucher")
    SERVICE = "service", _("Service or program participation")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class SupportRequest(models.Model):
    """A beneficiary's support request (طلب دعم مستفيد), from intake to closing."""

    Status = Status

    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=references.new_reference, editable=False
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        related_name="support_requests",
        verbose_name=_("beneficiary"),
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="requests", verbose_name=_("program")
    )
    channel = models.ForeignKey(
        "channels_app.Channel",
        on_delete=models.PROTECT,
        related_name="support_requests",
        verbose_name=_("channel"),
    )
    need = models.TextField(_("the need, in the applicant's words"))
    support_kind = models.CharField(
        _("support requested"), max_length=20, choices=SupportKind.choices, default=SupportKind.CASH
    )
    amount_requested = models.DecimalField(
        _("amount requested (SAR)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, editable=False
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
        verbose_name=_("assigned officer"),
    )
    assigned_researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="researched_requests",
        verbose_name=_("social researcher"),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)
    decision_due_at = models.DateTimeField(_("decision due"), editable=False)
    clock_paused_at = models.DateTimeField(
        _("clock paused since"), null=True, blank=True, editable=False
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    # POL-7.6: the applicant signs the data as correct (typed full name as signature).
    declaration_name = models.CharField(_("declaration signed by"), max_length=200, blank=True)
    declaration_signed_at = models.DateTimeField(_("declaration signed"), null=True, blank=True)
    declaration_ip = models.GenericIPAddressField(
        _("declaration signed from"), null=True, blank=True
    )
    # POL-7.9: applying is consent to the program's rules.
    rules_accepted_at = models.DateTimeField(_("program rules accepted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The beneficiary's folded name (Beneficiary.name_normalized), copied here so the
    # back-office's name search reads one trigram index instead of probing the requests
    # of every matching person (issue #11). Filled when the request is made and kept in
    # step by Beneficiary.save() (renames, merges, anonymisation); not in the history.
    beneficiary_name_normalized = models.CharField(
        _("beneficiary's normalised name"),
        max_length=2 * 200 + 1,  # as Beneficiary.name_normalized
        blank=True,
        default="",
        # In the database too: the previous release's code (still serving while 0010 runs,
        # not in one transaction) inserts requests without naming this column.
        db_default="",
        editable=False,
    )
    history = HistoricalRecords(excluded_fields=["updated_at", "beneficiary_name_normalized"])

    class Meta:
        # The id breaks ties so the admin adds no "-pk" of its own, which would stop
        # PostgreSQL from reading the list in index order (issue #11).
        ordering = ["decision_due_at", "id"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        permissions = [
            ("verify_supportrequest", _("Can verify requests and move them before the committee")),
            ("deliver_supportrequest", _("Can record service delivery")),
            ("decide_supportrequest", _("Can record a committee decision")),
            ("research_supportrequest", _("Can file a social research report")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "program"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="one_open_request_per_beneficiary_program",
            ),
        ]
        indexes = [
            models.Index(fields=["decision_due_at", "id"], name="request_due_id"),
            models.Index(fields=["status", "decision_due_at"], name="request_status_due"),
            models.Index(
                fields=["program", "status", "decision_due_at"], name="request_program_status_due"
            ),
            models.Index(
                fields=["assigned_officer", "status", "decision_due_at"],
                name="request_officer_status_due",
            ),
            models.Index(fields=["channel", "status"], name="request_channel_status"),
            models.Index(fields=["-submitted_at"], name="request_submitted"),
            # The dashboard's decided-per-period figures (issue 10).
            models.Index(fields=["decided_at"], name="request_decided"),
            # /committee/: the review queue read in its order (due date, id) from any
            # position, the keyset pages (issue 11); only the requests in review.
            models.Index(
                fields=["decision_due_at", "id"],
                condition=models.Q(status=Status.COMMITTEE_REVIEW),
                name="request_committee_queue",
            ),
            # The dashboard's live overdue list and its count: only the requests still
            # awaiting a decision with the clock running, oldest due day first (issue 10);
            # the back-office's "overdue" and "due within" filters read it too (issue 11).
            models.Index(
                fields=["decision_due_at", "id"],
                condition=models.Q(status__in=AWAITING_DECISION, clock_paused_at__isnull=True),
                name="request_awaiting_due",
            ),
            # A name search joins a few thousand people to their requests and keeps the
            # soonest due: an index-only read per person (issue 11).
            models.Index(
                fields=["beneficiary", "decision_due_at", "id"], name="request_person_due"
            ),
        ]

    def __str__(self) -> str:
        return self.display_reference

    def save(self, *args, **kwargs):
        if self._state.adding and self.beneficiary_id and not self.beneficiary_name_normalized:
            self.beneficiary_name_normalized = self.beneficiary.name_normalized
        super().save(*args, **kwargs)

    @property
    def display_reference(self) -> str:
        return references.display(self.reference)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_awaiting_decision(self) -> bool:
        from .workflow import AWAITING_DECISION

        return self.status in AWAITING_DECISION

    def effective_due_at(self, now=None):
        """The due date as it stands now: while the clock is paused, the pause so far is added."""
        if self.clock_paused_at:
            now = now or timezone.now()
            return self.decision_due_at + (now - self.clock_paused_at)
        return self.decision_due_at

    def days_left(self, now=None) -> int | None:
        """Whole days until the decision is due (negative when overdue); None once decided."""
        if not self.is_awaiting_decision:
            return None
        now = now or timezone.now()
        due = timezone.localdate(self.effective_due_at(now))
        return (due - timezone.localdate(now)).days

    def is_overdue(self, now=None) -> bool:
        left = self.days_left(now)
        return left is not None and left < 0 and not self.clock_paused_at


class StatusChange(models.Model):
    """One move of a request from one status to another, with who moved it and why."""

    support_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        related_name="status_changes",
        verbose_name=_("support request"),
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [
            models.Index(
                fields=["support_request", "created_at"], name="statuschange_request_time"
            ),
            # The dashboard's deliveries per period (issue 10).
            models.Index(fields=["to_status", "created_at"], name="statuschange_to_time"),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"

    @property
    def by_applicant(self) -> bool:
        return self.actor_id is None


class DocumentCheck(models.Model):
    """The officer's check of one required document against the request (POL-7.3)."""

    support_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.CASCADE,
        related_name="document_checks",
        verbose_name=_("support request"),
    )
    document_type = models.CharField(_("document type"), max_length=30)
    document = models.ForeignKey(
        "beneficiaries.BeneficiaryDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="request_checks",
        verbose_name=_("document"),
    )
    present = models.BooleanField(_("present"), default=False)
    valid_on_submission = models.BooleanField(_("valid on the submission date"), default=False)
    matches_record = models.BooleanField(_("matches the record"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked"), default=timezone.now)

    class Meta:
        verbose_name = _("document check")
        verbose_name_plural = _("document checks")
        constraints = [
            models.UniqueConstraint(
                fields=["support_request", "document_type"], name="one_check_per_required_document"
            ),
        ]

    def __str__(self) -> str:
        return self.document_type

    @property
    def passed(self) -> bool:
        return self.present and self.valid_on_submission and self.matches_record


class ResearchMethod(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    PHONE_CALL = "phone_call", _("Phone call")
    OFFICE_INTERVIEW = "office_interview", _("Interview at the office")


class ResearchReport(models.Model):
    """The social researcher's field report on a referred request (POL-7.5)."""

    support_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        related_name="research_reports",
        verbose_name=_("support request"),
    )
    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="research_reports",
        verbose_name=_("researcher"),
    )
    method = models.CharField(_("how"), max_length=20, choices=ResearchMethod.choices)
    visited_on = models.DateField(_("date of the visit or call"))
    findings = models.TextField(_("findings"))
    recommendation = models.TextField(_("recommendation"))
    created_at = models.DateTimeField(_("filed"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("social research report")
        verbose_name_plural = _("social research reports")
        indexes = [
            models.Index(fields=["support_request", "created_at"], name="research_request_time")
        ]

    def __str__(self) -> str:
        return f"{self.support_request} · {self.get_method_display()}"


class Referral(models.Model):
    """A request outside the association's remit, referred to the competent association (POL-7.12)."""

    support_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("support request"),
    )
    association_name = models.CharField(_("association referred to"), max_length=200)
    association_contact = models.CharField(_("its contact"), max_length=200, blank=True)
    association_license = models.CharField(_("its license number"), max_length=40, blank=True)
    reason = models.TextField(_("reason"))
    outcome = models.TextField(_("outcome, if learned"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
    )
    created_at = models.DateTimeField(_("referred"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("referral to another association")
        verbose_name_plural = _("referrals to other associations")
        indexes = [
            models.Index(fields=["support_request", "created_at"], name="referral_request_time")
        ]

    def __str__(self) -> str:
        return self.association_name


# -- the public portal (issue #6) --------------------------------------------------------


def _pending_upload_to(instance: "PendingDocument", filename: str) -> str:
    """A random name in private storage, like registered documents; never the typed name."""
    import uuid
    from pathlib import PurePosixPath

    suffix = PurePosixPath(filename).suffix.lower()[:6]
    return f"portal/pending/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class PendingApplication(models.Model):
    """An application an applicant is filling in on the public site, step by step, before
    it is submitted: what they typed so far, held server-side so nothing is lost."""

    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("program"),
    )
    data = models.JSONField(_("typed data"), default=dict, blank=True)
    step = models.CharField(_("step reached"), max_length=20, default="start")
    language = models.CharField(_("language"), max_length=5, default="ar")
    submitted_request = models.OneToOneField(
        SupportRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted request"),
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("application in progress")
        verbose_name_plural = _("applications in progress")
        indexes = [models.Index(fields=["expires_at"], name="pending_application_expiry")]

    def __str__(self) -> str:
        return f"{self.program or '—'} · {self.created_at:%Y-%m-%d}"


class PendingDocument(models.Model):
    """A document uploaded during an application in progress, kept across steps and
    failed submissions so the applicant never uploads it twice."""

    application = models.ForeignKey(
        PendingApplication,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application in progress"),
    )
    document_type = models.CharField(_("document type"), max_length=30)
    file = models.FileField(_("file"), upload_to=_pending_upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("uploaded document in progress")
        verbose_name_plural = _("uploaded documents in progress")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "document_type"], name="one_pending_document_per_type"
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def document_type_label(self) -> str:
        from beneficiaries.models import BeneficiaryDocument

        return dict(BeneficiaryDocument.DocumentType.choices).get(
            self.document_type, self.document_type
        )


class ApplicantUpdate(models.Model):
    """A value a returning applicant typed that differs from the verified record: kept
    for the officer to review, never written over the record by itself."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To review")
        APPLIED = "applied", _("Applied to the record")
        DISMISSED = "dismissed", _("Dismissed")

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        related_name="applicant_updates",
        verbose_name=_("beneficiary"),
    )
    support_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        related_name="applicant_updates",
        verbose_name=_("support request"),
    )
    field = models.CharField(_("field"), max_length=40)
    recorded_value = models.TextField(_("value on record"), blank=True)
    typed_value = models.TextField(_("value the applicant typed"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("change typed by the applicant")
        verbose_name_plural = _("changes typed by applicants")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="applicant_update_status"),
            models.Index(fields=["beneficiary", "-created_at"], name="applicant_update_person"),
        ]

    def __str__(self) -> str:
        # No values here: the string shows in lists to people who may not see them.
        return f"{self.field} · {self.support_request_id}"


# -- the research committee (POL-7.7) ------------------------------------------------------


class Committee(models.Model):
    """A research committee (لجنة البحث): the members who study requests and decide them."""

    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="committees",
        verbose_name=_("members"),
        help_text=_(
            "Users of the committee-member role who sit on this committee. The default "
            "committee with no members listed is every user of the committee-member role."
        ),
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_committees",
        verbose_name=_("chair"),
        help_text=_("Breaks a tie between approvals and rejections."),
    )
    is_default = models.BooleanField(
        _("default committee"),
        default=False,
        help_text=_("Reviews the programs that name no committee of their own."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["-is_default", "name_ar"]
        verbose_name = _("research committee")
        verbose_name_plural = _("research committees")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_committee",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self.name_ar, self.name_en)


class CommitteeMeeting(models.Model):
    """A meeting of a research committee: who attended, the requests on its agenda, its minutes."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("committee")
    )
    number = models.PositiveIntegerField(_("meeting number"))
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="committee_meetings_attended",
        verbose_name=_("members present"),
    )
    agenda = models.ManyToManyField(
        SupportRequest,
        blank=True,
        related_name="committee_meetings",
        verbose_name=_("requests on the agenda"),
    )
    notes = models.TextField(_("minutes notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-held_on", "-number"]
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "number"], name="one_meeting_number_per_committee"
            ),
        ]
        indexes = [models.Index(fields=["committee", "-held_on"], name="meeting_committee_date")]

    def __str__(self) -> str:
        return _("Meeting no. %(number)s") % {"number": self.number}


class Vote(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    ABSTAIN = "abstain", _("Abstain")
    RECUSE = "recuse", _("Recused (conflict of interest)")


class CommitteeVote(models.Model):
    """One member's current vote on a request, with the reason, or their recusal for a
    conflict of interest. Changed until the decision is taken; history keeps every change."""

    Vote = Vote

    support_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        related_name="committee_votes",
        verbose_name=_("support request"),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="committee_votes",
        verbose_name=_("member"),
    )
    vote = models.CharField(_("vote"), max_length=10, choices=Vote.choices)
    reason = models.TextField(_("reason"), blank=True)
    conflict_statement = models.TextField(_("conflict of interest statement"), blank=True)
    recommended_kind = models.CharField(
        _("recommended support"), max_length=20, choices=SupportKind.choices, blank=True
    )
    recommended_amount = models.DecimalField(
        _("recommended amount (SAR)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    meeting = models.ForeignKey(
        CommitteeMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes",
        verbose_name=_("meeting"),
    )
    cast_at = models.DateTimeField(_("cast"), default=timezone.now)
    # True until the committee decides the request (committee.decision_take_if_due): the
    # queue's "My vote: voted" filter reads a member's open votes through the partial index
    # vote_member_open instead of the hundreds of thousands they cast on decided requests.
    # db_default too: a vote written by the previous release's code during a deploy (which
    # does not name the column) must not fail.
    open = models.BooleanField(
        _("request not decided yet"), default=True, db_default=True, editable=False
    )
    history = HistoricalRecords(excluded_fields=["open"])

    class Meta:
        ordering = ["cast_at", "pk"]
        verbose_name = _("committee vote")
        verbose_name_plural = _("committee votes")
        constraints = [
            models.UniqueConstraint(
                fields=["support_request", "member"], name="one_vote_per_member_per_request"
            ),
            models.CheckConstraint(
                condition=~models.Q(vote="reject") | ~models.Q(reason=""),
                name="committeevote_reject_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(vote="recuse") | ~models.Q(conflict_statement=""),
                name="committeevote_recusal_has_statement",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "support_request"], name="vote_member_request"),
            models.Index(
                fields=["member", "support_request"],
                condition=models.Q(open=True),
                name="vote_member_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_vote_display()}"

    @property
    def counts(self) -> bool:
        """Recusals do not count towards the quorum."""
        return self.vote != Vote.RECUSE


class Decision(models.Model):
    """The committee's final, immutable answer on a request, with its reasons and the votes
    as they stood when it was taken (POL-7.7)."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    support_request = models.OneToOneField(
        SupportRequest,
        on_delete=models.PROTECT,
        related_name="decision",
        verbose_name=_("support request"),
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("committee")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("reason"))
    approved_kind = models.CharField(
        _("support approved"), max_length=20, choices=SupportKind.choices, blank=True
    )
    approved_amount = models.DecimalField(
        _("amount approved (SAR)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    meeting = models.ForeignKey(
        CommitteeMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("meeting"),
    )
    approvals = models.PositiveSmallIntegerField(_("approvals"), default=0)
    rejections = models.PositiveSmallIntegerField(_("rejections"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    recusals = models.PositiveSmallIntegerField(_("recusals"), default=0)
    tie_broken_by_chair = models.BooleanField(_("tie broken by the chair"), default=False)
    votes_snapshot = models.JSONField(_("the votes as they were"), default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("vote that completed the decision"),
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")
        indexes = [models.Index(fields=["meeting", "decided_at"], name="decision_meeting_time")]

    def __str__(self) -> str:
        return f"{self.support_request} · {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        # A decision is final (POL-7.7): written once by the committee service, never changed.
        if not self._state.adding:
            raise ValueError("A committee decision is final and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A committee decision is final and cannot be deleted.")

    @property
    def tally(self) -> str:
        return _(
            "%(approve)s approve, %(reject)s reject, %(abstain)s abstain, %(recuse)s recused"
        ) % {
            "approve": self.approvals,
            "reject": self.rejections,
            "abstain": self.abstentions,
            "recuse": self.recusals,
        }


# -- service delivery (POL-7.13) and program runs (POL-3.1) --------------------------------


def delivery_proof_upload_to(instance, filename: str) -> str:
    """A random name in private storage; the uploaded name is never part of a path."""
    import uuid
    from pathlib import PurePosixPath

    suffix = PurePosixPath(filename).suffix.lower()[:6]
    return f"requests/deliveries/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class DeliveryProofFile(models.fields.files.FieldFile):
    """A delivery proof's only URL is the permission-checked view (documents are private)."""

    @property
    def url(self) -> str:
        from django.urls import reverse

        self._require_file()
        if not getattr(self.instance, "pk", None):
            raise ValueError("An unsaved delivery has no proof URL yet.")
        return reverse("requests_app:delivery-proof", args=[self.instance.pk])


class DeliveryProofField(models.FileField):
    attr_class = DeliveryProofFile


class ProgramRun(models.Model):
    """One run (cohort) of a program, e.g. a training course, with its end date: when it
    ends each direct beneficiary served is invited to the satisfaction survey (POL-3.1)."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="runs", verbose_name=_("program")
    )
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    ended_at = models.DateTimeField(
        _("ended (survey invitations sent)"), null=True, blank=True, editable=False
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-ends_on", "-id"]
        verbose_name = _("program run")
        verbose_name_plural = _("program runs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="program_run_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["program", "-ends_on"], name="program_run_program_end")]

    def __str__(self) -> str:
        return f"{self.program} · {self.name}"


class DeliveryKind(models.TextChoices):
    CASH = "cash", _("Cash transfer to the beneficiary's IBAN")
    IN_KIND = "in_kind", _("In-kind support")
    VOUCHER = "voucher", _("Voucher")
    SERVICE = "service", _("Service session or program participation")


class ServiceDelivery(models.Model):
    """One delivery (instalment) of the service the committee approved (POL-7.13)."""

    Kind = DeliveryKind

    support_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("support request"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeliveryKind.choices)
    amount = models.DecimalField(
        _("amount (SAR)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), default=timezone.localdate)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("delivered by"),
    )
    reference = models.CharField(_("transfer or receipt reference"), max_length=100, blank=True)
    iban = models.CharField(_("IBAN paid to"), max_length=34, blank=True, editable=False)
    proof = DeliveryProofField(
        _("proof (receipt, transfer slip)"),
        upload_to=delivery_proof_upload_to,
        max_length=200,
        blank=True,
    )
    proof_content_type = models.CharField(max_length=100, blank=True, editable=False)
    program_run = models.ForeignKey(
        ProgramRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("program run"),
    )
    completes_service = models.BooleanField(
        _("last planned delivery"),
        default=True,
        help_text=_(
            "Tick when this delivery completes the service: the request becomes delivered."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["delivered_on", "id"]
        verbose_name = _("service delivery")
        verbose_name_plural = _("service deliveries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="delivery_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="cash") | models.Q(amount__gt=0),
                name="delivery_cash_has_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["support_request", "delivered_on"], name="delivery_request_day"),
            models.Index(fields=["-delivered_on"], name="delivery_day"),
        ]

    def __str__(self) -> str:
        return f"{self.support_request} · {self.get_kind_display()} · {self.delivered_on}"
