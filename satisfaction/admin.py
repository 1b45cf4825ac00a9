"""Back-office for surveys (questions inline; answered surveys are versioned, not
edited), invitations and responses (read-only; anonymous answers name nobody), and
complaints & suggestions (assign, reply, close through the services)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from config.dashboard.exports import ExportMixin

from .models import (
    Feedback,
    FeedbackStatus,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from .services import (
    SatisfactionError,
    feedback_assign,
    feedback_clean,
    feedback_close,
    feedback_reply,
    feedback_submit,
    survey_new_version,
)


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0
    fields = [
        "order",
        "kind",
        "text_ar",
        "text_en",
        "choices_ar",
        "choices_en",
        "required",
        "counts_for_csat",
    ]

    def _answered(self, obj):
        return obj is not None and obj.has_answers

    def has_add_permission(self, request, obj=None):
        return not self._answered(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._answered(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._answered(obj) and super().has_delete_permission(request, obj)


@admin.register(Survey)
class SurveyAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["title_ar", "program", "version", "is_active", "created_at"]
    list_filter = ["is_active", "program"]
    list_select_related = ["program"]
    show_full_result_count = False
    inlines = [SurveyQuestionInline]
    actions = ["new_version", "export_csv", "export_xlsx"]
    export_fields = [
        "title_ar",
        "title_en",
        "program__name_ar",
        "version",
        "is_active",
        "created_at",
    ]
    readonly_fields = ["version", "previous"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.has_answers:
            return [
                "program",
                "title_ar",
                "title_en",
                "intro_ar",
                "intro_en",
                "version",
                "previous",
            ]
        return self.readonly_fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        survey = self.get_object(request, object_id)
        if survey is not None and survey.has_answers and request.method == "GET":
            messages.info(
                request,
                _(
                    "This survey has answers, so it cannot be changed: use the action “Make a new version”."
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Make a new version (to change an answered survey)"))
    def new_version(self, request, queryset):
        for survey in queryset:
            try:
                new = survey_new_version(survey=survey, actor=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                continue
            messages.success(
                request,
                _("Version %(version)s created: %(survey)s")
                % {"version": new.version, "survey": new},
            )


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ExportMixin, ReadOnlyAdmin):
    list_display = [
        "beneficiary",
        "program",
        "program_run",
        "created_at",
        "expires_at",
        "reminded_at",
        "answered",
    ]
    list_filter = ["program"]
    list_select_related = ["beneficiary", "program", "program_run"]
    fields = [
        "survey",
        "beneficiary",
        "support_request",
        "program",
        "program_run",
        "channel",
        "created_at",
        "sent_at",
        "expires_at",
        "reminded_at",
        "answered",
    ]
    readonly_fields = fields
    actions = ["export_csv", "export_xlsx"]
    # Whether, never when, the person answered: the date could tie an anonymous answer
    # to this invitation (as on the screen).
    export_fields = [
        "beneficiary__file_number",
        "survey__title_ar",
        "program__name_ar",
        "program_run__name",
        "channel__name_ar",
        "created_at",
        "sent_at",
        "expires_at",
        "reminded_at",
        "has_answered",
    ]
    export_computed = {
        "has_answered": (
            _("has answered"),
            ExpressionWrapper(Q(responded_at__isnull=False), output_field=BooleanField()),
        ),
    }

    @admin.display(description=_("answered"), boolean=True)
    def answered(self, obj):
        # The date itself could tie an anonymous answer to this invitation.
        return obj.responded_at is not None


class SurveyAnswerInline(admin.TabularInline):
    model = SurveyAnswer
    fields = ["question", "number", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ExportMixin, ReadOnlyAdmin):
    list_display = ["answered_on", "program", "channel", "respondent"]
    list_filter = ["program", "channel", "anonymous"]
    list_select_related = ["program", "channel", "beneficiary"]
    fields = ["survey", "program", "program_run", "channel", "answered_on", "respondent"]
    readonly_fields = fields
    inlines = [SurveyAnswerInline]
    ordering = ["-submitted_at", "-id"]
    actions = ["export_csv", "export_xlsx"]
    # An anonymous answer names nobody and keeps only its month, as on the screen: the
    # day and the person are blank for it (never the officer, who would narrow it down).
    export_fields = [
        "survey__title_ar",
        "program__name_ar",
        "program_run__name",
        "channel__name_ar",
        "anonymous",
        "answered_year",
        "answered_month",
        "answered_on_named",
        "respondent_file",
    ]
    export_computed = {
        "answered_year": (_("year answered"), ExtractYear("submitted_at")),
        "answered_month": (_("month answered"), ExtractMonth("submitted_at")),
        "answered_on_named": (
            _("answered on (named answers only)"),
            Case(
                When(anonymous=False, then=F("submitted_at")),
                default=None,
                output_field=DateTimeField(),
            ),
        ),
        "respondent_file": (
            _("respondent's file number"),
            Case(
                When(anonymous=False, then=F("beneficiary__file_number")),
                default=Value(""),
                output_field=CharField(),
            ),
        ),
    }

    @admin.display(description=_("answered"), ordering="submitted_at")
    def answered_on(self, obj):
        if obj.anonymous:
            return timezone.localtime(obj.submitted_at).strftime("%Y-%m")
        return timezone.localdate(obj.submitted_at)

    @admin.display(description=_("respondent"))
    def respondent(self, obj):
        if obj.anonymous or obj.beneficiary is None:
            return _("Anonymous")
        return obj.beneficiary.name


class FeedbackAdminForm(forms.ModelForm):
    new_reply = forms.CharField(
        label=_("Reply to the sender"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent to the sender by SMS or e-mail if they left a number or address."),
    )
    close = forms.BooleanField(label=_("Close this message"), required=False)

    class Meta:
        model = Feedback
        fields = ["assigned_to"]

    def clean(self):
        from .models import FeedbackKind
        from .services import MAX_REPLY

        data = super().clean()
        reply = (data.get("new_reply") or "").strip()
        if len(reply) > MAX_REPLY:
            self.add_error(
                "new_reply",
                _("The reply is too long (at most %(max)s characters).") % {"max": MAX_REPLY},
            )
        if self.instance.status == FeedbackStatus.CLOSED and (reply or data.get("close")):
            raise ValidationError(_("This message is closed."))
        needs_reply = self.instance.kind in (FeedbackKind.COMPLAINT, FeedbackKind.INQUIRY)
        if data.get("close") and needs_reply and not (reply or self.instance.reply):
            self.add_error(
                "close", _("Reply to the sender before closing a complaint or an inquiry.")
            )
        return data


class FeedbackRecordForm(forms.ModelForm):
    """An officer records a message that came by phone, in person, by letter or on
    social media (POLICY: the association's channels), with the same checks and the same
    tracking code and acknowledgement as one sent through the public form."""

    channel = forms.ModelChoiceField(
        label=_("received through"),
        queryset=None,
        empty_label=None,
        help_text=_("How the message reached the association."),
    )
    kind = forms.ChoiceField(label=_("kind"), choices=Feedback.Kind.choices)
    message = forms.CharField(
        label=_("message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the sender said, in their words as far as possible."),
    )
    name = forms.CharField(label=_("name"), required=False, max_length=200)
    mobile = forms.CharField(
        label=_("mobile"),
        required=False,
        max_length=20,
        help_text=_("The tracking code and the reply are sent here by SMS."),
    )
    email = forms.CharField(label=_("e-mail"), required=False, max_length=254)
    request_reference = forms.CharField(label=_("request reference"), required=False)

    class Meta:
        model = Feedback
        fields = []

    def __init__(self, *args, **kwargs):
        from channels_app.models import Channel

        super().__init__(*args, **kwargs)
        channels = Channel.objects.filter(is_active=True).exclude(code="website")
        self.fields["channel"].queryset = channels.order_by("sort_order", "id")
        self.fields["channel"].initial = channels.filter(code="phone").first()

    def clean(self):
        data = super().clean()
        channel = data.get("channel")
        if channel is None or "kind" not in data or "message" not in data:
            return data
        try:
            feedback_clean(**self.message_fields())
        except SatisfactionError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data

    def message_fields(self) -> dict:
        """The form's values as feedback_clean and feedback_submit take them."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "message": data["message"],
            "name": data.get("name", ""),
            "mobile": data.get("mobile", ""),
            "email": data.get("email", ""),
            "request_reference": data.get("request_reference", ""),
            "channel_code": data["channel"].code,
        }

    def _post_clean(self):
        # The row is made by feedback_submit (tracking code, due date, acknowledgement),
        # not from this form's instance: the service's checks above are the validation.
        pass


class OpenFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("overdue", _("Overdue")), ("all", _("All"))]

    def choices(self, changelist):
        value = self.value() or "open"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        open_statuses = [FeedbackStatus.NEW, FeedbackStatus.IN_PROGRESS]
        if value == "open":
            return queryset.filter(status__in=open_statuses)
        if value == "overdue":
            return queryset.filter(status__in=open_statuses, due_on__lt=timezone.localdate())
        return queryset


@admin.register(Feedback)
class FeedbackAdmin(ExportMixin, admin.ModelAdmin):
    form = FeedbackAdminForm
    list_display = ["code", "kind", "status", "due", "channel", "assigned_to", "created_at"]
    list_filter = [OpenFilter, "kind", "status", "channel"]
    list_select_related = ["channel", "assigned_to"]
    show_full_result_count = False
    search_fields = ["tracking_code"]
    ordering = ["due_on", "id"]
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "tracking_code",
        "kind",
        "status",
        "channel__name_ar",
        "created_at",
        "due_on",
        "replied_at",
    ]
    export_sensitive_fields = ["message", "name", "mobile", "email", "reply"]
    export_access_log_path = "support_request__beneficiary_id"
    readonly_fields = [
        "tracking_code",
        "kind",
        "status",
        "message",
        "name",
        "mobile",
        "email",
        "request_link",
        "channel",
        "created_at",
        "due_on",
        "reply",
        "replied_by",
        "replied_at",
        "closed_at",
    ]
    fieldsets = [
        (None, {"fields": ["tracking_code", "kind", "status", "channel", "created_at", "due_on"]}),
        (_("The message"), {"fields": ["message", "name", "mobile", "email", "request_link"]}),
        (
            _("Handling"),
            {
                "fields": [
                    "assigned_to",
                    "reply",
                    "replied_by",
                    "replied_at",
                    "new_reply",
                    "close",
                    "closed_at",
                ]
            },
        ),
    ]

    @admin.display(description=_("tracking code"), ordering="tracking_code")
    def code(self, obj):
        return format_html('<bdi dir="ltr">{}</bdi>', obj.tracking_code)

    @admin.display(description=_("reply due"), ordering="due_on")
    def due(self, obj):
        if obj.is_overdue():
            return format_html('<strong class="overdue">{} ⚠</strong>', obj.due_on)
        return obj.due_on

    @admin.display(description=_("support request"))
    def request_link(self, obj):
        if obj.support_request_id is None:
            return obj.request_reference or "—"
        url = reverse("admin:requests_app_supportrequest_change", args=[obj.support_request_id])
        return format_html('<a href="{}">{}</a>', url, obj.support_request)

    add_fieldsets = [
        (None, {"fields": ["channel", "kind", "message"]}),
        (_("The sender"), {"fields": ["name", "mobile", "email", "request_reference"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = FeedbackRecordForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            feedback = feedback_submit(
                **form.message_fields(),
                language="ar",  # the sender's acknowledgement; Arabic first
                actor=request.user,
            )
            # The admin's message, log entry and redirect name the stored message.
            obj.__dict__.update(feedback.__dict__)
            return
        data = form.cleaned_data
        original = Feedback.objects.get(pk=obj.pk)
        try:
            if "assigned_to" in form.changed_data and data.get("assigned_to"):
                feedback_assign(feedback=original, assignee=data["assigned_to"], actor=request.user)
            if data.get("new_reply", "").strip():
                feedback_reply(feedback=original, reply=data["new_reply"], actor=request.user)
            if data.get("close"):
                feedback_close(feedback=original, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))

    def save_related(self, request, form, formsets, change):
        pass
