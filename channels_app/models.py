"""Channels of communication (POL-5), outbound notifications and their templates."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.bilingual import pick


class Channel(models.Model):
    """A way the association and its beneficiaries reach each other (POL-5)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self.name_ar, self.name_en)


class NotificationEvent(models.TextChoices):
    """What happened that the applicant is told about. Other parts may add events; each
    needs its templates (a data migration or the back-office)."""

    REQUEST_RECEIVED = "request_received", _("Request received")
    INFO_NEEDED = "info_needed", _("Information needed")
    REFERRED_RESEARCH = "referred_research", _("Referred to the social researcher")
    REFERRED_EXTERNAL = "referred_external", _("Referred to another association")
    DECIDED_APPROVED = "decided_approved", _("Request approved")
    DECIDED_REJECTED = "decided_rejected", _("Request rejected")
    SERVICE_DELIVERED = "service_delivered", _("Service delivered")
    SURVEY_INVITATION = "survey_invitation", _("Satisfaction survey invitation")
    FEEDBACK_RECEIVED = "feedback_received", _("Complaint or suggestion received")
    FEEDBACK_REPLY = "feedback_reply", _("Reply to a complaint or suggestion")


class NotificationTransport(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    # Written to the log only: development and demonstrations.
    CONSOLE = "console", _("Console (log only)")


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED_OPT_OUT = "skipped_opt_out", _("Not sent: the person opted out")
    SKIPPED_NO_ADDRESS = "skipped_no_address", _("Not sent: no mobile or e-mail")


TEMPLATE_TRANSPORTS = [NotificationTransport.SMS, NotificationTransport.EMAIL]


class NotificationTemplate(models.Model):
    """The wording of one message: an event, told by SMS or e-mail, in one language."""

    event = models.CharField(_("event"), max_length=40, choices=NotificationEvent.choices)
    transport = models.CharField(
        _("sent by"),
        max_length=10,
        choices=[(t.value, t.label) for t in TEMPLATE_TRANSPORTS],
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(
        _("subject"),
        max_length=300,
        blank=True,
        help_text=_("E-mail only. Django template syntax, e.g. {{ reference }}."),
    )
    body = models.TextField(
        _("text"),
        help_text=_(
            "Django template syntax: {{ reference }}, {{ due_date|dual_date }}, "
            "{% if note %}…{% endif %}. Keep an SMS short (about 160 characters)."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "transport", "language"]
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "transport", "language"], name="notification_template_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(transport__in=[t.value for t in TEMPLATE_TRANSPORTS]),
                name="notification_template_transport",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_event_display()} · {self.get_transport_display()} · "
            f"{self.get_language_display()}"
        )


class Notification(models.Model):
    """One message to an applicant or beneficiary: what it said, how, and whether it went."""

    Event = NotificationEvent
    Transport = NotificationTransport
    Status = NotificationStatus

    recipient_name = models.CharField(_("recipient"), max_length=200)
    to = models.CharField(_("to"), max_length=254, blank=True)
    channel = models.ForeignKey(
        Channel,
        verbose_name=_("channel"),
        on_delete=models.PROTECT,
        related_name="notifications",
        db_index=False,  # covered by the (channel, created_at) index
    )
    transport = models.CharField(
        _("sent by"), max_length=10, choices=NotificationTransport.choices, blank=True
    )
    event = models.CharField(_("event"), max_length=40, choices=NotificationEvent.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    template = models.ForeignKey(
        NotificationTemplate,
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    context = models.JSONField(
        _("values"),
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text=_("The values the template was filled with."),
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=NotificationStatus.choices,
        default=NotificationStatus.QUEUED,
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    provider_message_id = models.CharField(_("provider's message ID"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    # What the message is about (a support request, a complaint…), without this app
    # depending on the apps that own those records.
    related_type = models.ForeignKey(
        ContentType,
        verbose_name=_("concerns (type)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    related_id = models.PositiveBigIntegerField(_("concerns (ID)"), null=True, blank=True)
    related = GenericForeignKey("related_type", "related_id")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        permissions = [("retry_notification", _("Can retry a failed notification"))]
        indexes = [
            # A request's (or complaint's) timeline lists its messages.
            models.Index(
                fields=["related_type", "related_id", "created_at"],
                name="notification_related_idx",
            ),
            # The back-office list: newest first, filtered by status, event, transport
            # or channel; the retry command reads failed rows.
            models.Index(fields=["-created_at"], name="notification_created_idx"),
            models.Index(fields=["status", "-created_at"], name="notification_status_idx"),
            models.Index(fields=["event", "-created_at"], name="notification_event_idx"),
            models.Index(fields=["transport", "-created_at"], name="notification_transport_idx"),
            models.Index(fields=["channel", "-created_at"], name="notification_channel_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(related_type__isnull=True, related_id__isnull=True)
                | models.Q(related_type__isnull=False, related_id__isnull=False),
                name="notification_related_both_or_neither",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=NotificationStatus.SENT)
                | models.Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} · {self.recipient_name}"

    @property
    def can_retry(self) -> bool:
        return self.status == NotificationStatus.FAILED


# -- the contact log (POL-5, POL-7.1) ------------------------------------------------------


class InteractionDirection(models.TextChoices):
    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


class InteractionCategory(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry")
    FOLLOW_UP = "follow_up", _("Follow-up")
    COMPLAINT = "complaint", _("Complaint")
    REFERRAL = "referral", _("Referral")
    INFORMATION = "information", _("Information")
    OTHER = "other", _("Other")


class Interaction(models.Model):
    """One contact with a beneficiary or an enquirer, on any channel, in either direction."""

    Direction = InteractionDirection
    Category = InteractionCategory

    channel = models.ForeignKey(
        Channel,
        verbose_name=_("channel"),
        on_delete=models.PROTECT,
        related_name="interactions",
        db_index=False,  # covered by the (channel, occurred_at) index
    )
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=InteractionDirection.choices,
        default=InteractionDirection.INCOMING,
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("beneficiary"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interactions",
        db_index=False,  # covered by the (beneficiary, occurred_at) index
    )
    # A person not registered: a name and how to reach them, nothing more (PDPL).
    contact_name = models.CharField(_("name (not registered)"), max_length=200, blank=True)
    contact_detail = models.CharField(
        _("mobile or e-mail (not registered)"), max_length=254, blank=True
    )
    support_request = models.ForeignKey(
        "requests_app.SupportRequest",
        verbose_name=_("support request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interactions",
        db_index=False,  # covered by the (support_request, occurred_at) index
    )
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=InteractionCategory.choices,
        default=InteractionCategory.INQUIRY,
    )
    summary = models.TextField(_("summary"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    response_due_at = models.DateTimeField(
        _("answer due"),
        null=True,
        blank=True,
        help_text=_("An incoming inquiry is answered by this time (POL-7.1)."),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # POL-7.5: where procedures are unclear, the social researcher explains them.
    referred_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred to the social researcher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_interactions",
    )
    referred_at = models.DateTimeField(_("referred"), null=True, blank=True)
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contact log")
        permissions = [("refer_interaction", _("Can refer an inquiry to the social researcher"))]
        indexes = [
            models.Index(fields=["-occurred_at", "-id"], name="interaction_newest"),
            models.Index(fields=["beneficiary", "occurred_at"], name="interaction_beneficiary"),
            models.Index(fields=["support_request", "occurred_at"], name="interaction_request"),
            models.Index(fields=["channel", "occurred_at"], name="interaction_channel"),
            models.Index(
                fields=["response_due_at"],
                condition=models.Q(response_due_at__isnull=False, answered_at__isnull=True),
                name="interaction_unanswered",
            ),
            models.Index(fields=["referred_to", "occurred_at"], name="interaction_referred"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(beneficiary__isnull=False) | ~models.Q(contact_name=""),
                name="interaction_has_person",
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True)
                | models.Q(answered_at__gte=models.F("occurred_at")),
                name="interaction_answered_after_contact",
            ),
            models.CheckConstraint(
                condition=models.Q(response_due_at__isnull=True)
                | models.Q(response_due_at__gte=models.F("occurred_at")),
                name="interaction_due_after_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.person_name}"

    @property
    def person_name(self) -> str:
        if self.beneficiary_id:
            return self.beneficiary.name
        return self.contact_name

    @property
    def awaits_answer(self) -> bool:
        return self.response_due_at is not None and self.answered_at is None

    def is_overdue(self, now=None) -> bool:
        return self.awaits_answer and self.response_due_at < (now or timezone.now())

    @property
    def answered_on_time(self) -> bool | None:
        if self.response_due_at is None or self.answered_at is None:
            return None
        return self.answered_at <= self.response_due_at


# -- indirect beneficiaries' reach (POL-3.2) -----------------------------------------------


class OutreachKind(models.TextChoices):
    POST = "post", _("Post")
    ARTICLE = "article", _("Article or web page")
    VIDEO = "video", _("Video")
    PUBLICATION = "publication", _("Publication")
    PRODUCT = "product", _("Product")
    CAMPAIGN = "campaign", _("Campaign")


class OutreachItem(models.Model):
    """Content the association published (a post, an article, a video…) whose audience are
    its indirect beneficiaries, counted without personal data."""

    Kind = OutreachKind

    kind = models.CharField(_("kind"), max_length=20, choices=OutreachKind.choices)
    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="outreach_items"
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), max_length=500, blank=True)
    published_on = models.DateField(_("published on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("published content")
        verbose_name_plural = _("published content")
        indexes = [
            models.Index(fields=["-published_on", "-id"], name="outreach_newest"),
            models.Index(fields=["url"], name="outreach_url"),
        ]

    def __str__(self) -> str:
        return self.title


class ReachImport(models.Model):
    """One CSV of reach figures exported from a platform: previewed, then imported whole
    or not at all."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed, not imported")
        IMPORTED = "imported", _("Imported")

    file_name = models.CharField(_("file"), max_length=255)
    content = models.TextField(_("content"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PREVIEWED
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("reach import")
        verbose_name_plural = _("reach imports")

    def __str__(self) -> str:
        return self.file_name


class OutreachReach(models.Model):
    """The audience one piece of content reached over one period, as the platform counts it."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        IMPORT = "import", _("Imported from a CSV")

    item = models.ForeignKey(
        OutreachItem,
        verbose_name=_("content"),
        on_delete=models.CASCADE,
        related_name="reach",
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    views = models.PositiveIntegerField(_("views"), default=0)
    reach = models.PositiveIntegerField(
        _("people reached"), default=0, help_text=_("Distinct people, as the platform counts.")
    )
    engagements = models.PositiveIntegerField(_("engagements"), default=0)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    reach_import = models.ForeignKey(
        ReachImport,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="figures",
    )

    class Meta:
        ordering = ["period_start", "id"]
        verbose_name = _("reach figures")
        verbose_name_plural = _("reach figures")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "period_start", "period_end"], name="outreach_reach_one_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="outreach_reach_period_order",
            ),
        ]
        indexes = [models.Index(fields=["period_start"], name="outreach_reach_period")]

    def __str__(self) -> str:
        return f"{self.item} · {self.period_start}–{self.period_end}"
