from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template import TemplateSyntaxError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from config.hijri import dual_date_html

from .models import Channel, Notification, NotificationTemplate
from .notify import SAMPLE_CONTEXT, sms_parts, text_engine
from .services import notification_preview, notification_retry

COMMON_KEYS = ["recipient_name", "association_name", "association_phone", "association_website"]
STATUS_COLOURS = {
    Notification.Status.QUEUED: "#6b7280",
    Notification.Status.SENDING: "#2563eb",
    Notification.Status.SENT: "#15803d",
    Notification.Status.FAILED: "#b91c1c",
    Notification.Status.SKIPPED_OPT_OUT: "#92400e",
    Notification.Status.SKIPPED_NO_ADDRESS: "#92400e",
}


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name_ar", "name_en", "code", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    list_filter = ["is_active"]
    search_fields = ["name_ar", "name_en", "code"]
    readonly_fields = ["code"]

    def get_readonly_fields(self, request, obj=None):
        # The code is what the rest of the system refers to: fixed once created.
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        # Contacts and requests point at channels; retire one by unticking "active".
        return False


def _when(value):
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return format_html(
        '{}<br><bdi class="time" dir="ltr">{}</bdi>', dual_date_html(local), local.strftime("%H:%M")
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What was said to whom, how, and whether it went. Read-only: a message is changed
    only by sending it (the retry action calls the service)."""

    list_display = ["created", "recipient", "event", "channel", "status_and_error", "attempts"]
    list_filter = ["status", "transport", "event", "channel"]
    search_fields = ["recipient_name", "to", "provider_message_id"]
    list_select_related = ["channel"]
    show_full_result_count = False
    list_per_page = 50
    actions = ["retry_selected"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "status_badge",
                    "event",
                    "recipient_name",
                    "address",
                    "transport",
                    "channel",
                    "language",
                    "concerns",
                ]
            },
        ),
        (_("Message"), {"fields": ["subject", "body", "template", "context"]}),
        (
            _("Sending history"),
            {
                "fields": [
                    "created",
                    "last_attempt",
                    "sent",
                    "attempts",
                    "provider_message_id",
                    "error",
                ]
            },
        ),
    ]
    readonly_fields = [
        "status_badge",
        "event",
        "recipient_name",
        "address",
        "transport",
        "channel",
        "language",
        "concerns",
        "subject",
        "body",
        "template",
        "context",
        "created",
        "last_attempt",
        "sent",
        "attempts",
        "provider_message_id",
        "error",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("channels_app.retry_notification")

    class Media:
        css = {"all": ["channels_app/admin.css"]}

    @admin.display(description=_("to"), ordering="to")
    def address(self, obj):
        # A mobile number or an address reads left to right, even on an Arabic page.
        return format_html('<bdi dir="ltr">{}</bdi>', obj.to) if obj.to else "—"

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, obj):
        return _when(obj.created_at)

    @admin.display(description=_("last attempt"))
    def last_attempt(self, obj):
        return _when(obj.last_attempt_at)

    @admin.display(description=_("sent"))
    def sent(self, obj):
        return _when(obj.sent_at)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<strong style="color: {}">{}</strong>',
            STATUS_COLOURS.get(obj.status, "inherit"),
            obj.get_status_display(),
        )

    @admin.display(description=_("recipient"), ordering="recipient_name")
    def recipient(self, obj):
        return format_html(
            '{}<br><bdi class="address" dir="ltr">{}</bdi>', obj.recipient_name, obj.to or "—"
        )

    @admin.display(description=_("status"), ordering="status")
    def status_and_error(self, obj):
        if not obj.error:
            return self.status_badge(obj)
        first_line = obj.error.splitlines()[0]
        if len(first_line) > 80:
            first_line = f"{first_line[:79]}…"
        return format_html(
            '{}<br><small class="error" dir="auto">{}</small>', self.status_badge(obj), first_line
        )

    @admin.display(description=_("concerns"))
    def concerns(self, obj):
        if obj.related_type_id is None:
            return "—"
        related = obj.related
        if related is None:
            return format_html("{} #{}", obj.related_type, obj.related_id)
        try:
            url = reverse(
                f"admin:{obj.related_type.app_label}_{obj.related_type.model}_change",
                args=[obj.related_id],
            )
        except NoReverseMatch:
            return str(related)
        return format_html('<a href="{}">{}</a>', url, related)

    @admin.action(description=_("Send the selected failed messages again"), permissions=["retry"])
    def retry_selected(self, request, queryset):
        retried, not_failed = [], 0
        for notification in queryset.select_related("channel"):
            try:
                notification_retry(notification=notification)
            except ValidationError:
                not_failed += 1
                continue
            retried.append(notification.pk)
        if retried:
            outcome = dict.fromkeys(Notification.Status.values, 0)
            for status in Notification.objects.filter(pk__in=retried).values_list(
                "status", flat=True
            ):
                outcome[status] += 1
            waiting = outcome[Notification.Status.QUEUED] + outcome[Notification.Status.SENDING]
            parts = [
                ngettext(
                    "Tried %(count)d message again.",
                    "Tried %(count)d messages again.",
                    len(retried),
                )
                % {"count": len(retried)}
            ]
            if outcome[Notification.Status.SENT]:
                parts.append(_("Sent: %(count)d.") % {"count": outcome[Notification.Status.SENT]})
            if outcome[Notification.Status.FAILED]:
                parts.append(
                    _("Failed again: %(count)d.") % {"count": outcome[Notification.Status.FAILED]}
                )
            if waiting:
                parts.append(_("Waiting for the worker: %(count)d.") % {"count": waiting})
            self.message_user(
                request,
                " ".join(str(part) for part in parts),
                messages.WARNING if outcome[Notification.Status.FAILED] else messages.SUCCESS,
            )
        if not_failed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected message had not failed and was left alone.",
                    "%(count)d selected messages had not failed and were left alone.",
                    not_failed,
                )
                % {"count": not_failed},
                messages.WARNING,
            )


class NotificationTemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ["event", "transport", "language", "subject", "body"]
        widgets = {
            "subject": forms.TextInput(attrs={"size": 80, "dir": "auto"}),
            "body": forms.Textarea(attrs={"rows": 10, "cols": 80, "dir": "auto"}),
        }

    def _check_syntax(self, field):
        text = self.cleaned_data.get(field, "")
        try:
            text_engine().from_string(text)
        except TemplateSyntaxError as exc:
            raise ValidationError(
                _("This text cannot be used as a template: %(error)s"),
                code="template_syntax",
                params={"error": exc},
            ) from exc
        return text

    def clean_subject(self):
        return self._check_syntax("subject")

    def clean_body(self):
        return self._check_syntax("body")

    def clean(self):
        cleaned = super().clean()
        # On an existing template the transport is read-only, so not in the form.
        transport = cleaned.get("transport") or self.instance.transport
        if (
            transport == Notification.Transport.EMAIL
            and not (cleaned.get("subject") or "").strip()
            and "subject" not in self.errors
        ):
            self.add_error("subject", _("An e-mail needs a subject."))
        return cleaned


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(SimpleHistoryAdmin):
    """The wording of each message, per event, transport and language, for managers."""

    form = NotificationTemplateForm
    list_display = ["event", "transport", "language", "excerpt", "updated_at"]
    list_filter = ["event", "transport", "language"]
    search_fields = ["subject", "body"]
    show_full_result_count = False
    readonly_fields = ["preview", "values_available"]
    fieldsets = [
        (None, {"fields": ["event", "transport", "language", "subject", "body"]}),
        (_("Preview with example values"), {"fields": ["preview", "values_available"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Which message a template is for is fixed once written; add another for a new one.
        fixed = ["event", "transport", "language"] if obj else []
        return [*fixed, *self.readonly_fields]

    def has_delete_permission(self, request, obj=None):
        # Every event needs its wording; change the text instead of removing it.
        return False

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        text = " ".join(obj.body.split())
        return text if len(text) <= 90 else f"{text[:89]}…"

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the template to see a preview.")
        try:
            subject, body = notification_preview(template=obj)
        except Exception as exc:  # noqa: BLE001 - shown to the editor, not raised
            return format_html('<span style="color: #b91c1c">{}</span>', exc)
        direction = "rtl" if obj.language == "ar" else "ltr"
        text = format_html(
            '<div dir="{}" style="white-space: pre-wrap; max-width: 40em">{}</div>', direction, body
        )
        if obj.transport == Notification.Transport.SMS:
            count, parts = sms_parts(body)
            info = ngettext(
                "%(count)d characters, %(parts)d SMS part",
                "%(count)d characters, %(parts)d SMS parts",
                parts,
            ) % {"count": count, "parts": parts}
            return format_html("{}<p>{}</p>", text, info)
        return format_html(
            '<p><strong>{}:</strong> <span dir="{}">{}</span></p>{}',
            _("subject"),
            direction,
            subject,
            text,
        )

    @admin.display(description=_("values you can use"))
    def values_available(self, obj):
        keys = [*SAMPLE_CONTEXT.get(obj.event, {}), *COMMON_KEYS] if obj else COMMON_KEYS
        return format_html_join(
            " ",
            '<code dir="ltr" style="white-space: nowrap">{{{{ {} }}}}</code>',
            ((k,) for k in keys),
        )
