"""The association itself, its policy documents in their versions, and the board
meetings that approve them (POL-1.2, POL-6, POL-8)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.bilingual import pick
from config.hijri import to_hijri

from .hijri_text import HijriParts, parse_hijri_text
from .rendering import render_markdown

DEFAULT_NAME_AR = "الجمعية الأهلية"
DEFAULT_NAME_EN = "The Association"


class AssociationProfile(models.Model):
    """The association's identity as it appears on every page, letter and report."""

    name_ar = models.CharField(_("name (Arabic)"), max_length=200, default=DEFAULT_NAME_AR)
    name_en = models.CharField(
        _("name (English)"), max_length=200, blank=True, default=DEFAULT_NAME_EN
    )
    license_number = models.CharField(_("license number"), max_length=40, blank=True)
    logo = models.FileField(
        _("logo"),
        upload_to="association/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"])],
        help_text=_("PNG, JPEG or WebP."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    require_two_factor = models.BooleanField(
        _("require two-step sign-in for sensitive data"),
        default=False,
        help_text=_(
            "When on, staff who may see sensitive data (income, health, case notes) must "
            "sign in with a code from an authenticator app as well as their password."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("association profile")
        verbose_name_plural = _("association profile")
        constraints = [
            # There is one association per installation.
            models.CheckConstraint(condition=models.Q(pk=1), name="association_profile_singleton"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self.name_ar, self.name_en)


class PolicyDocument(models.Model):
    """A governance document the association keeps (a policy, a guide, a text the public
    signs), in successive versions its board approves (POL-1.2, POL-6, POL-8)."""

    class Kind(models.TextChoices):
        BENEFICIARY_RELATIONS = "beneficiary_relations", _("Beneficiary-relations policy")
        BASIC_BYLAWS = "basic_bylaws", _("Basic bylaws")
        SOCIAL_RESEARCH_GUIDE = "social_research_guide", _("Social-research services guide")
        SUPPORT_POLICY_GUIDE = "support_policy_guide", _("Beneficiary support policy guide")
        SERVICE_DELIVERY_GUIDE = "service_delivery_guide", _("Service-delivery guide")
        PRIVACY_NOTICE = "privacy_notice", _("Privacy notice")
        CONSENT = "consent", _("Consent text")
        DECLARATION = "declaration", _("Declaration text")
        PROGRAM_ELIGIBILITY = "program_eligibility", _("Program eligibility policy")
        OTHER = "other", pgettext_lazy("policy document kind", "Other")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        allow_unicode=False,
        help_text=_("The last part of the document's public address, e.g. privacy-notice."),
    )
    is_public = models.BooleanField(
        _("shown on the public site"),
        default=True,
        help_text=_("The version in force appears on /policies/ for everyone."),
    )
    is_active = models.BooleanField(
        pgettext_lazy("policy document", "active"),
        default=True,
        help_text=_("An inactive document is kept for the record but no longer used."),
    )
    position = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Smaller numbers come first in lists.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["kind", "is_active", "position"], name="policydoc_kind_active"),
            models.Index(fields=["is_public", "is_active", "position"], name="policydoc_public"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policies:detail", args=[self.slug])

    @property
    def title(self) -> str:
        return pick(self.title_ar, self.title_en)

    @property
    def is_policy(self) -> bool:
        """Policies read «this policy was approved»; other texts «this document»."""
        return self.kind in POLICY_KINDS


# The kinds the approval block calls «this policy» (the seeds' wording).
POLICY_KINDS = {
    PolicyDocument.Kind.BENEFICIARY_RELATIONS,
    PolicyDocument.Kind.SUPPORT_POLICY_GUIDE,
    PolicyDocument.Kind.PROGRAM_ELIGIBILITY,
}


class BoardMember(models.Model):
    """A member of the board of directors for one term, with their seat on it (POL-8)."""

    class Position(models.TextChoices):
        CHAIRMAN = "chairman", _("Chairman of the board")
        VICE_CHAIRMAN = "vice_chairman", _("Vice-chairman")
        FINANCIAL_SUPERVISOR = "financial_supervisor", _("Financial supervisor")
        MEMBER = "member", _("Member")

    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    position = models.CharField(
        pgettext_lazy("board seat", "position"),
        max_length=30,
        choices=Position.choices,
        default=Position.MEMBER,
    )
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("board member")
        verbose_name_plural = _("board members")
        ordering = ["-term_start", "position", "name_ar"]
        indexes = [
            models.Index(fields=["term_start", "term_end"], name="boardmember_term"),
            models.Index(fields=["position"], name="boardmember_position"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__isnull=True)
                | models.Q(term_end__gte=models.F("term_start")),
                name="boardmember_term_ends_after_it_starts",
                violation_error_message=_("The term cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.get_position_display()}"

    @property
    def name(self) -> str:
        return pick(self.name_ar, self.name_en)

    @property
    def position_rank(self) -> int:
        return POSITION_RANK[self.position]

    def serves_on(self, day) -> bool:
        return self.term_start <= day and (self.term_end is None or day <= self.term_end)


# Signature lines and member lists follow the seeds: chairman, vice, treasurer, members.
POSITION_RANK = {position: rank for rank, position in enumerate(BoardMember.Position.values)}


class BoardMeeting(models.Model):
    """A meeting of the board of directors as its minutes record it, with the Hijri date
    kept exactly as the minutes write it (POL-8)."""

    number = models.PositiveIntegerField(
        _("meeting number"), help_text=_("As the minutes number it: «meeting no. (3)».")
    )
    date = models.DateField(
        _("date (Gregorian)"),
        blank=True,
        help_text=_("Leave empty to compute it from the Hijri date."),
    )
    hijri_date_text = models.CharField(
        _("Hijri date as written in the minutes"),
        max_length=60,
        help_text=_("Type it as the minutes write it, e.g. ١٥/٣/١٤٤٦هـ or 1446-03-15."),
    )
    hijri_year = models.PositiveSmallIntegerField(_("Hijri year"), editable=False)
    hijri_month = models.PositiveSmallIntegerField(_("Hijri month"), editable=False)
    hijri_day = models.PositiveSmallIntegerField(_("Hijri day"), editable=False)
    place = models.CharField(_("place"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    members_present = models.ManyToManyField(
        BoardMember,
        through="BoardAttendance",
        related_name="meetings",
        verbose_name=_("members present"),
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("board meeting")
        verbose_name_plural = _("board meetings")
        ordering = ["-date", "-number"]
        indexes = [models.Index(fields=["-date", "-number"], name="boardmeeting_date")]
        constraints = [
            # Boards restart their numbering with each term, so the number alone is not
            # unique; the same number on the same day is the same meeting entered twice.
            models.UniqueConstraint(
                fields=["number", "date"],
                name="boardmeeting_number_date",
                violation_error_message=_(
                    "A meeting with this number on this date has already been entered."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(hijri_month__gte=1, hijri_month__lte=12)
                & models.Q(hijri_day__gte=1, hijri_day__lte=30),
                name="boardmeeting_hijri_parts_in_range",
            ),
        ]

    def __str__(self) -> str:
        if self.hijri_year is None:
            return _("Board meeting no. %(number)s") % {"number": self.number}
        return _("Board meeting no. %(number)s (%(hijri)s AH)") % {
            "number": self.number,
            "hijri": self.hijri_numeric,
        }

    @property
    def hijri_as_written(self) -> HijriParts:
        return HijriParts(self.hijri_year, self.hijri_month, self.hijri_day)

    @property
    def hijri_numeric(self) -> str:
        return self.hijri_as_written.numeric()

    @property
    def hijri_computed(self):
        """The Umm al-Qura date of the Gregorian date, or None out of range."""
        return to_hijri(self.date)

    @property
    def hijri_mismatch_days(self) -> int:
        """Days between the Hijri date as written and the Gregorian date (0: they agree).
        Minutes often follow the sighted month, one or two days off Umm al-Qura."""
        if self.date is None or self.hijri_year is None:
            return 0
        try:
            written = self.hijri_as_written.to_gregorian()
        except ValueError:
            return 0
        return (self.date - written).days

    @property
    def hijri_mismatch(self) -> bool:
        return self.hijri_mismatch_days != 0

    def clean(self) -> None:
        # The Hijri date is read from the text as typed, every time (an edit of the text
        # re-reads it), so a day that does not exist never reaches the database.
        text = (self.hijri_date_text or "").strip()
        if not text:
            return  # "required" is the field's own error
        try:
            parts = parse_hijri_text(text)
        except ValidationError as exc:
            raise ValidationError({"hijri_date_text": exc.error_list}) from None
        self.hijri_year, self.hijri_month, self.hijri_day = parts.year, parts.month, parts.day
        if self.date is None:
            self.date = parts.to_gregorian()


class BoardAttendance(models.Model):
    """A board member's presence at a meeting: those present approve and sign."""

    meeting = models.ForeignKey(
        BoardMeeting,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("board meeting"),
    )
    member = models.ForeignKey(
        BoardMember,
        on_delete=models.PROTECT,
        related_name="attendance",
        verbose_name=_("board member"),
    )

    class Meta:
        verbose_name = _("member present")
        verbose_name_plural = _("members present")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="boardattendance_once"),
        ]

    def __str__(self) -> str:
        return str(self.member)


class PolicyVersion(models.Model):
    """One wording of a policy document. Once the board approves it, it is the version in
    force and is never edited again: a change is a new draft version (POL-1.2, POL-8)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved (in force)")
        SUPERSEDED = "superseded", _("Superseded")
        RETIRED = "retired", pgettext_lazy("policy version", "Retired")

    document = models.ForeignKey(
        PolicyDocument,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=pgettext_lazy("policy document", "document"),
    )
    number = models.PositiveIntegerField(_("version number"), editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    body_ar = models.TextField(
        _("text (Arabic)"),
        help_text=_("Markdown: ## for a heading, 1. for a numbered clause, - for a bullet."),
    )
    body_en = models.TextField(
        _("text (English)"),
        blank=True,
        help_text=_("The English translation, in Markdown. Leave empty if there is none."),
    )
    change_note = models.TextField(
        _("what changed"),
        blank=True,
        help_text=_("A sentence or two for the board: what this version changes and why."),
    )
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    next_review_date = models.DateField(
        _("next review date"),
        null=True,
        blank=True,
        help_text=_("When the policy should be reviewed again (POL-1.2)."),
    )
    approved_meeting = models.ForeignKey(
        BoardMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="approved_versions",
        verbose_name=_("approved at board meeting"),
    )
    approved_at = models.DateTimeField(
        _("approval recorded"), null=True, blank=True, editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("approval recorded by"),
    )
    ended_at = models.DateTimeField(
        _("no longer in force since"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["document", "-number"]
        indexes = [
            models.Index(fields=["status", "next_review_date"], name="policyversion_review"),
            models.Index(fields=["document", "status"], name="policyversion_doc_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="policyversion_number_unique"
            ),
            # Exactly one version of a document is in force: the database itself refuses a
            # second approved version, whatever the code above it does.
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(status="approved"),
                name="policyversion_one_in_force",
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="policyversion_number_positive"
            ),
            # What the board approved points at the meeting that approved it.
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "retired"])
                | (
                    models.Q(approved_meeting__isnull=False)
                    & models.Q(effective_date__isnull=False)
                ),
                name="policyversion_approval_has_meeting",
            ),
            models.CheckConstraint(
                condition=models.Q(next_review_date__isnull=True)
                | models.Q(effective_date__isnull=True)
                | models.Q(next_review_date__gt=models.F("effective_date")),
                name="policyversion_review_after_effective",
                violation_error_message=_(
                    "The next review date must come after the effective date."
                ),
            ),
        ]
        permissions = [
            ("approve_policyversion", _("Can record a board approval of a policy version")),
        ]

    def __str__(self) -> str:
        return _("%(document)s, version %(number)s") % {
            "document": self.document.title,
            "number": self.number,
        }

    @property
    def is_in_force(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def body(self) -> str:
        """The Markdown for the active language, Arabic when there is no translation."""
        return pick(self.body_ar, self.body_en)

    @property
    def body_language(self) -> str:
        """The language code of :attr:`body` (a translation may be missing)."""
        english = (get_language() or "ar").startswith("en")
        return "en" if english and self.body_en else "ar"

    @property
    def body_html(self):
        return render_markdown(self.body)

    @property
    def body_ar_html(self):
        return render_markdown(self.body_ar)

    @property
    def body_en_html(self):
        return render_markdown(self.body_en)

    def review_is_due(self, today=None) -> bool:
        today = today or timezone.localdate()
        return bool(self.is_in_force and self.next_review_date and self.next_review_date <= today)


class PolicyAcknowledgement(models.Model):
    """A staff member's record that they have read a version of a policy in force."""

    version = models.ForeignKey(
        PolicyVersion,
        on_delete=models.PROTECT,
        related_name="acknowledgements",
        verbose_name=_("policy version"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="policy_acknowledgements",
        verbose_name=_("staff member"),
    )
    acknowledged_at = models.DateTimeField(_("read on"), default=timezone.now)

    class Meta:
        verbose_name = _("policy acknowledgement")
        verbose_name_plural = _("policy acknowledgements")
        ordering = ["-acknowledged_at"]
        indexes = [models.Index(fields=["-acknowledged_at"], name="policyack_when")]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="policyack_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.version}"


class OfficerTools(PolicyDocument):
    """The back-office entry to the relations officer's tools (POL-6): a door on the admin
    home page to the documents the officer works with; it holds no data of its own."""

    class Meta:
        proxy = True
        default_permissions = ()
        verbose_name = _("officer's tools (POL-6)")
        verbose_name_plural = _("officer's tools (POL-6)")
