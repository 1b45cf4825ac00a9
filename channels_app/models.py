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
