from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Sum
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template import TemplateSyntaxError
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.dashboard.exports import ExportMixin
from config.hijri import dual_date_html

from .forms import InteractionLogForm, InteractionReferForm, PeriodForm, ReachUploadForm
from .models import (
    Channel,
    Interaction,
    Notification,
    NotificationTemplate,
    OutreachItem,
    OutreachReach,
    ReachImport,
)
from .notify import SAMPLE_CONTEXT, sms_parts, text_engine
from .services import (
    interaction_answer,
    interaction_log,
    interaction_refer_to_researcher,
    notification_preview,
    notification_retry,
    reach_import_apply,
    reach_import_max_bytes,
    reach_import_preview,
)

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
class ChannelAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["name_ar", "name_en", "code", "is_active", "sort_order"]
    actions = ["export_csv", "export_xlsx"]
    export_fields = ["code", "name_ar", "name_en", "is_active", "sort_order"]
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
class NotificationAdmin(ExportMixin, admin.ModelAdmin):
    """What was said to whom, how, and whether it went. Read-only: a message is changed
    only by sending it (the retry action calls the service)."""

    list_display = ["created", "recipient", "event", "channel", "status_and_error", "attempts"]
    list_filter = ["status", "transport", "event", "channel"]
    search_fields = ["recipient_name", "to", "provider_message_id"]
    list_select_related = ["channel"]
    show_full_result_count = False
    list_per_page = 50
    actions = ["retry_selected", "export_csv", "export_xlsx"]
    export_fields = [
        "created_at",
        "event",
        "transport",
        "channel__name_ar",
        "language",
        "status",
        "attempts",
        "last_attempt_at",
        "sent_at",
        "provider_message_id",
    ]
    # Who it went to, what it said (names, references, amounts) and the provider's error
    # (which often repeats the number): only for those who may see personal data.
    export_sensitive_fields = ["recipient_name", "to", "subject", "body", "error"]
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
class NotificationTemplateAdmin(ExportMixin, SimpleHistoryAdmin):
    """The wording of each message, per event, transport and language, for managers."""

    actions = ["export_csv", "export_xlsx"]
    export_fields = ["event", "transport", "language", "subject", "body", "updated_at"]

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


# -- the contact log ----------------------------------------------------------------------


class AwaitingAnswerFilter(admin.SimpleListFilter):
    title = _("answer")
    parameter_name = "answer"

    def lookups(self, request, model_admin):
        return [
            ("open", _("awaiting an answer")),
            ("overdue", _("answer overdue")),
            ("answered", _("answered")),
            ("referred_to_me", _("referred to me")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(response_due_at__isnull=False, answered_at__isnull=True)
        if self.value() == "overdue":
            return queryset.filter(response_due_at__lt=timezone.now(), answered_at__isnull=True)
        if self.value() == "answered":
            return queryset.filter(answered_at__isnull=False)
        if self.value() == "referred_to_me":
            return queryset.filter(referred_to=request.user)
        return queryset


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(message) for message in exc.messages)
    return str(exc) or gettext("You may not do this.")


@admin.register(Interaction)
class InteractionAdmin(ExportMixin, SimpleHistoryAdmin):
    """The contact log. Contacts are logged through the quick form (which calls the
    service); a logged contact is read-only, answered and referred by buttons."""

    list_display = [
        "when",
        "person",
        "channel",
        "direction",
        "category",
        "request_link",
        "answer",
        "staff_name",
    ]
    list_display_links = ["when"]
    list_filter = ["channel", "direction", "category", AwaitingAnswerFilter]
    list_select_related = ["channel", "beneficiary", "support_request", "staff"]
    search_fields = ["contact_name", "contact_detail", "summary"]
    show_full_result_count = False
    list_per_page = 50
    ordering = ["-occurred_at", "-id"]
    autocomplete_fields = ["beneficiary", "support_request"]
    actions = ["mark_answered", "export_csv", "export_xlsx"]
    export_fields = [
        "occurred_at",
        "channel__name_ar",
        "direction",
        "category",
        "beneficiary__file_number",
        "support_request__reference",
        "response_due_at",
        "answered_at",
        "staff__username",
    ]
    # What was said, and who said it when not registered, only for those who may see it.
    export_sensitive_fields = ["summary", "contact_name", "contact_detail"]
    export_access_log_path = "beneficiary_id"
    change_form_template = "admin/channels_app/interaction/change_form.html"
    change_list_template = "admin/channels_app/interaction/change_list.html"
    readonly_fields = [
        "channel",
        "direction",
        "beneficiary",
        "contact_name",
        "contact_detail",
        "support_request",
        "category",
        "summary",
        "staff",
        "occurred_at",
        "response_due_at",
        "answered_at",
        "referred_to",
        "referred_at",
    ]

    class Media:
        css = {"all": ["channels_app/admin.css", "requests_app/admin.css"]}

    def get_search_results(self, request, queryset, search_term):
        term = (search_term or "").strip()
        if not term:
            return queryset, False
        from beneficiaries.search import folded_name_contains

        return queryset.filter(
            Q(contact_name__icontains=term)
            | Q(contact_detail__icontains=term)
            | folded_name_contains("beneficiary__name_normalized", term)
        ), False

    # ---- columns
    @admin.display(description=_("when"), ordering="occurred_at")
    def when(self, obj):
        return _when(obj.occurred_at)

    @admin.display(description=_("person"))
    def person(self, obj):
        if obj.beneficiary_id:
            return obj.beneficiary.name
        return format_html("{} <small>({})</small>", obj.contact_name, gettext("not registered"))

    @admin.display(description=_("staff member"))
    def staff_name(self, obj):
        if obj.staff is None:
            return "—"
        return obj.staff.get_full_name() or obj.staff.get_username()

    @admin.display(description=_("request"))
    def request_link(self, obj):
        if not obj.support_request_id:
            return "—"
        return format_html(
            '<a class="req-ref" href="{}"><bdi dir="ltr">{}</bdi></a>',
            reverse("admin:requests_app_supportrequest_change", args=[obj.support_request_id]),
            obj.support_request.display_reference,
        )

    @admin.display(description=_("answer"))
    def answer(self, obj):
        if obj.response_due_at is None:
            return "—"
        if obj.answered_at:
            if obj.answered_on_time:
                return gettext("answered on time")
            return format_html('<span class="req-bad">{}</span>', gettext("answered late"))
        if obj.is_overdue():
            return format_html('<span class="req-bad">{}</span>', gettext("answer overdue"))
        return format_html("{} {}", gettext("due"), dual_date_html(obj.response_due_at))

    # ---- permissions
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_answer_permission(self, request):
        return request.user.has_perm("channels_app.add_interaction")

    # ---- actions and pages
    @admin.action(description=_("Mark the selected inquiries answered now"), permissions=["answer"])
    def mark_answered(self, request, queryset):
        done = 0
        for interaction in queryset.filter(answered_at__isnull=True, response_due_at__isnull=False):
            interaction_answer(interaction=interaction, actor=request.user)
            done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d inquiry marked answered.", "%(count)d inquiries marked answered.", done
            )
            % {"count": done},
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("log/", wrap(self.log_view), name="channels_app_interaction_log"),
            path("picture/", wrap(self.picture_view), name="channels_app_interaction_picture"),
            path(
                "<int:pk>/answer/",
                wrap(self.answer_view),
                name="channels_app_interaction_answer",
            ),
            path("<int:pk>/refer/", wrap(self.refer_view), name="channels_app_interaction_refer"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(
            reverse("admin:channels_app_interaction_log") + "?" + request.GET.urlencode()
        )

    def _page(self, request, template, title, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                **context,
            },
        )

    def log_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        from beneficiaries.models import Beneficiary
        from requests_app.models import SupportRequest

        initial = {"occurred_at": None}
        support_request = beneficiary = None
        if request.GET.get("support_request", "").isdigit():
            support_request = (
                SupportRequest.objects.select_related("beneficiary", "channel")
                .filter(pk=request.GET["support_request"])
                .first()
            )
        if support_request is not None:
            beneficiary = support_request.beneficiary
            initial["support_request"] = support_request.pk
        elif request.GET.get("beneficiary", "").isdigit():
            beneficiary = Beneficiary.objects.filter(pk=request.GET["beneficiary"]).first()
        if beneficiary is not None:
            initial["beneficiary"] = beneficiary.pk
            if beneficiary.preferred_channel_id:
                initial["channel"] = beneficiary.preferred_channel_id
        initial.setdefault(
            "channel", Channel.objects.filter(code="phone").values_list("pk", flat=True).first()
        )
        if request.GET.get("channel"):
            initial["channel"] = (
                Channel.objects.filter(code=request.GET["channel"])
                .values_list("pk", flat=True)
                .first()
            )
        if support_request is not None:
            default_next = reverse(
                "admin:requests_app_supportrequest_change", args=[support_request.pk]
            )
        elif beneficiary is not None:
            default_next = reverse("admin:beneficiaries_beneficiary_change", args=[beneficiary.pk])
        else:
            default_next = reverse("admin:channels_app_interaction_changelist")
        form = InteractionLogForm(request.POST or None, initial=initial, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            occurred_at = data.get("occurred_at") or timezone.now()
            try:
                interaction_log(
                    channel=data["channel"],
                    direction=data["direction"],
                    category=data["category"],
                    summary=data["summary"],
                    staff=request.user,
                    beneficiary=data.get("beneficiary"),
                    contact_name=data.get("contact_name", ""),
                    contact_detail=data.get("contact_detail", ""),
                    support_request=data.get("support_request"),
                    occurred_at=occurred_at,
                    response_due_at=data.get("response_due_at"),
                    answered_at=occurred_at if data.get("answered_now") else None,
                )
            except ValidationError as exc:
                _add_form_errors(form, exc)
            else:
                self.message_user(request, gettext("The contact was logged."), messages.SUCCESS)
                return HttpResponseRedirect(_next_url(request, default_next))
        return self._page(
            request,
            "admin/channels_app/interaction/log.html",
            gettext("Log a contact"),
            form=form,
            media=self.media + form.media,
            beneficiary=beneficiary,
            support_request=support_request,
            next=_next_url(request, default_next),
        )

    def answer_view(self, request, pk):
        interaction = get_object_or_404(Interaction, pk=pk)
        if request.method != "POST" or not self.has_answer_permission(request):
            raise PermissionDenied
        try:
            interaction_answer(interaction=interaction, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)
        else:
            self.message_user(request, gettext("The inquiry is marked answered."), messages.SUCCESS)
        return HttpResponseRedirect(
            _next_url(request, reverse("admin:channels_app_interaction_change", args=[pk]))
        )

    def refer_view(self, request, pk):
        if not request.user.has_perm("channels_app.refer_interaction"):
            raise PermissionDenied
        interaction = get_object_or_404(
            Interaction.objects.select_related("beneficiary", "support_request", "channel"), pk=pk
        )
        form = InteractionReferForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                interaction_refer_to_researcher(
                    interaction=interaction,
                    researcher=form.cleaned_data["researcher"],
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except (ValidationError, PermissionDenied) as exc:
                if isinstance(exc, ValidationError):
                    _add_form_errors(form, exc)
                else:
                    form.add_error(None, _error_text(exc))
            else:
                self.message_user(
                    request,
                    gettext("Referred to the social researcher."),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:channels_app_interaction_change", args=[pk])
                )
        return self._page(
            request,
            "admin/channels_app/interaction/refer.html",
            gettext("Refer to the social researcher"),
            form=form,
            original=interaction,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        interaction = Interaction.objects.filter(pk=object_id).first()
        extra_context = {
            **(extra_context or {}),
            "can_answer": interaction is not None
            and interaction.awaits_answer
            and self.has_answer_permission(request),
            "can_refer": interaction is not None
            and interaction.referred_to_id is None
            and request.user.has_perm("channels_app.refer_interaction"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def picture_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        from . import selectors

        form = PeriodForm(request.GET or None)
        start, end = form.period()
        if not form.is_bound:
            form = PeriodForm(initial={"start": start, "end": end})
        mix = selectors.channel_mix(start, end)
        channels = [row["channel"] for row in mix]
        months = selectors.monthly_contacts(start, end)
        for month in months:
            month["cells"] = [month["counts"].get(channel.pk, 0) for channel in channels]
        return self._page(
            request,
            "admin/channels_app/interaction/picture.html",
            gettext("The channel picture"),
            form=form,
            start=start,
            end=end,
            mix=mix,
            mix_totals={
                key: sum(row[key] for row in mix) for key in ("incoming", "outgoing", "total")
            },
            months=months,
            channels=channels,
            answers=selectors.inquiries_answer_stats(start, end),
            arrivals=selectors.request_channels(start, end),
            reach=selectors.indirect_reach(start, end),
            reach_months=selectors.monthly_reach(start, end),
        )


def _add_form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# -- indirect beneficiaries' reach ----------------------------------------------------------


class OutreachReachInline(admin.TabularInline):
    model = OutreachReach
    extra = 1
    fields = ["period_start", "period_end", "views", "reach", "engagements", "downloads", "source"]
    readonly_fields = ["source"]


@admin.register(OutreachItem)
class OutreachItemAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "channel", "published_on", "total_reach", "total_views"]
    list_filter = ["channel", "kind"]
    list_select_related = ["channel"]
    search_fields = ["title", "url"]
    show_full_result_count = False
    list_per_page = 50
    inlines = [OutreachReachInline]
    fields = ["kind", "channel", "title", "url", "published_on"]
    change_list_template = "admin/channels_app/outreachitem/change_list.html"
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "title",
        "kind",
        "channel__name_ar",
        "url",
        "published_on",
        "reach_total",
        "views_total",
        "created_by__username",
        "created_at",
    ]
    # The totals get_queryset sums over the item's reach figures, as on the screen.
    export_computed = {
        "reach_total": (_("people reached"), None),
        "views_total": (_("views"), None),
    }

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(reach_total=Sum("reach__reach"), views_total=Sum("reach__views"))
        )

    @admin.display(description=_("people reached"), ordering="reach_total")
    def total_reach(self, obj):
        return obj.reach_total or 0

    @admin.display(description=_("views"), ordering="views_total")
    def total_views(self, obj):
        return obj.views_total or 0

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("channels_app.delete_outreachitem") and (
            obj is None or not obj.reach.exists()
        )


@admin.register(ReachImport)
class ReachImportAdmin(ExportMixin, admin.ModelAdmin):
    """Upload a platform's CSV, see every row and every error, then import it whole."""

    actions = ["export_csv", "export_xlsx"]
    # The uploads themselves, not the file's content (the reach figures export from the
    # published content list).
    export_fields = [
        "uploaded_at",
        "file_name",
        "status",
        "rows",
        "uploaded_by__username",
        "imported_at",
    ]

    list_display = ["uploaded_at", "file_name", "status", "rows", "error_count", "uploaded_by"]
    list_filter = ["status"]
    list_select_related = ["uploaded_by"]
    show_full_result_count = False
    change_form_template = "admin/channels_app/reachimport/change_form.html"
    readonly_fields = ["file_name", "status", "rows", "uploaded_by", "uploaded_at", "imported_at"]
    fields = readonly_fields
    list_per_page = 50

    @admin.display(description=_("errors"))
    def error_count(self, obj):
        return len(obj.errors or [])

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="channels_app_reachimport_upload"),
            path("<int:pk>/apply/", wrap(self.apply_view), name="channels_app_reachimport_apply"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:channels_app_reachimport_upload"))

    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ReachUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > reach_import_max_bytes():
                    # Checked before reading, so a 50 MB file is never read into memory.
                    raise ValidationError(
                        gettext("The file is %(size)s MB; the largest accepted is %(limit)s MB.")
                        % {
                            "size": round(upload.size / 1024 / 1024, 1),
                            "limit": reach_import_max_bytes() // 1024 // 1024,
                        }
                    )
                reach_import = reach_import_preview(
                    file_name=upload.name, data=upload.read(), actor=request.user
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return HttpResponseRedirect(
                    reverse("admin:channels_app_reachimport_change", args=[reach_import.pk])
                )
        return TemplateResponse(
            request,
            "admin/channels_app/reachimport/upload.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Import reach figures"),
                "form": form,
                "max_mb": reach_import_max_bytes() // 1024 // 1024,
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        reach_import = get_object_or_404(ReachImport, pk=object_id)
        preview = None
        if reach_import.status == ReachImport.Status.PREVIEWED:
            from .reach_csv import parse

            preview = parse(reach_import.content)
        extra_context = {
            **(extra_context or {}),
            "preview": preview,
            "preview_rows": preview.rows[:200] if preview else [],
            "can_apply": preview is not None
            and not preview.errors
            and self.has_add_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def apply_view(self, request, pk):
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        reach_import = get_object_or_404(ReachImport, pk=pk)
        try:
            count = reach_import_apply(reach_import=reach_import, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                ngettext("%(count)d row imported.", "%(count)d rows imported.", count)
                % {"count": count},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:channels_app_reachimport_change", args=[pk]))
