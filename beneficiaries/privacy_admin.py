"""The privacy back-office (PDPL): the queue of data-subject requests with their 30-day
clock, identity verification and answers; the beneficiary's data export (HTML to print
or save as PDF, and JSON); the record of processing activities; the breach register
with its 72-hour clock; and staff withdrawal of consents."""

import datetime
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.dashboard.exports import ExportMixin
from config.hijri import dual_date_html

from . import privacy, selectors
from .models import SENSITIVE_PERMISSION, AccessLog, BreachRecord, Consent, DataSubjectRequest
from .services import access_log_record, consent_withdraw

_CSS = {"all": ["beneficiaries/admin.css", "beneficiaries/privacy.css"]}


def _overdue(text, overdue: bool):
    if overdue:
        return format_html('<strong class="privacy-overdue">{}</strong>', text)
    return format_html("<span>{}</span>", text)


class OpenFirstFilter(admin.SimpleListFilter):
    """Open requests by default: the queue is the work still to answer."""

    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("all", _("All")),
            ("overdue", _("Overdue")),
            *DataSubjectRequest.Status.choices,
        ]

    def choices(self, changelist):
        value = self.value() or DataSubjectRequest.Status.OPEN
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or DataSubjectRequest.Status.OPEN
        if value == "all":
            return queryset
        if value == "overdue":
            return queryset.filter(status=DataSubjectRequest.Status.OPEN, due_at__lt=timezone.now())
        return queryset.filter(status=value)


class DataSubjectRequestForm(forms.ModelForm):
    class Meta:
        model = DataSubjectRequest
        fields = ["beneficiary", "kind", "details", "channel", "received_at"]

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        if received_at and received_at > timezone.now():
            raise ValidationError(_("The date received cannot be in the future."), code="future")
        return received_at


class VerifyForm(forms.Form):
    method = forms.ChoiceField(
        label=_("how the identity was verified"),
        choices=DataSubjectRequest.VerificationMethod.choices,
    )
    note = forms.CharField(
        label=_("verification note"),
        required=False,
        max_length=300,
        help_text=_("What was checked (do not type the identity number here)."),
    )


class ExtendForm(forms.Form):
    reason = forms.CharField(label=_("reason for the extension"), widget=forms.Textarea)


class AnswerForm(forms.Form):
    outcome = forms.CharField(label=_("answer"), widget=forms.Textarea, required=False)


class RefuseForm(forms.Form):
    outcome = forms.CharField(label=_("reason for refusing"), widget=forms.Textarea)


# step → (title, form, service call, success message)
def _verify(dsr, data, user):
    return privacy.data_subject_request_verify_identity(
        dsr=dsr, method=data["method"], note=data["note"], actor=user
    )


def _extend(dsr, data, user):
    return privacy.data_subject_request_extend(dsr=dsr, reason=data["reason"], actor=user)


def _complete(dsr, data, user):
    return privacy.data_subject_request_complete(dsr=dsr, outcome=data["outcome"], actor=user)


def _refuse(dsr, data, user):
    return privacy.data_subject_request_refuse(dsr=dsr, reason=data["outcome"], actor=user)


STEPS = {
    "verify": (_("Verify the identity"), VerifyForm, _verify, _("The identity was verified.")),
    "extend": (
        _("Extend the answer once (30 more days)"),
        ExtendForm,
        _extend,
        _("The answer's due date was extended."),
    ),
    "complete": (_("Answer the request"), AnswerForm, _complete, _("The request was answered.")),
    "refuse": (_("Refuse the request"), RefuseForm, _refuse, _("The request was refused.")),
}


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(ExportMixin, SimpleHistoryAdmin):
    form = DataSubjectRequestForm
    list_display = [
        "received_at",
        "beneficiary_file",
        "kind",
        "status",
        "due_column",
        "verified_column",
        "extended_column",
    ]
    list_filter = [OpenFirstFilter, "kind"]
    list_select_related = ["beneficiary"]
    autocomplete_fields = ["beneficiary"]
    show_full_result_count = False
    search_fields = ["beneficiary__file_number"]
    search_help_text = _("Beneficiary's file number.")
    ordering = ["due_at", "id"]
    change_form_template = "admin/beneficiaries/datasubjectrequest/change_form.html"
    change_list_template = "admin/beneficiaries/datasubjectrequest/change_list.html"
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "received_at",
        "beneficiary__file_number",
        "kind",
        "status",
        "channel__name_ar",
        "due_at",
        "extended_at",
        "verified_at",
        "verified_by__username",
        "verification_method",
        "closed_at",
        "closed_by__username",
    ]
    # What the person asked, why the answer was extended, how their identity was checked
    # and what they were told: about the person, for those who may see sensitive data.
    export_sensitive_fields = ["details", "extension_reason", "verification_note", "outcome"]
    export_sensitive_permission = SENSITIVE_PERMISSION
    export_access_log_path = "beneficiary_id"
    readonly_fields = [
        "status",
        "due_at",
        "extended_at",
        "extension_reason",
        "verified_at",
        "verified_by",
        "verification_method",
        "verification_note",
        "closed_at",
        "closed_by",
        "outcome",
        "created_by",
    ]

    class Media:
        css = _CSS

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # What was received is fixed once recorded; the answer moves by the steps.
        return ["beneficiary", "kind", "details", "channel", "received_at", *self.readonly_fields]

    def get_fieldsets(self, request, obj=None):
        received = (None, {"fields": ["beneficiary", "kind", "details", "channel", "received_at"]})
        if obj is None:
            return [received]
        return [
            received,
            (
                _("The 30-day clock"),
                {"fields": ["status", "due_at", "extended_at", "extension_reason"]},
            ),
            (
                _("Identity verification"),
                {
                    "fields": [
                        "verified_at",
                        "verified_by",
                        "verification_method",
                        "verification_note",
                    ]
                },
            ),
            (_("Answer"), {"fields": ["closed_at", "closed_by", "outcome", "created_by"]}),
        ]

    @admin.display(description=_("beneficiary"), ordering="beneficiary__file_number")
    def beneficiary_file(self, obj):
        return obj.beneficiary.file_number or obj.beneficiary_id

    @admin.display(description=_("answer due"), ordering="due_at")
    def due_column(self, obj):
        text = timezone.localtime(obj.due_at).strftime("%Y-%m-%d")
        if obj.is_overdue():
            text = gettext("%(date)s — overdue") % {"date": text}
        return _overdue(text, obj.is_overdue())

    @admin.display(description=_("identity verified"), boolean=True)
    def verified_column(self, obj):
        return obj.is_verified

    @admin.display(description=_("extended"), boolean=True)
    def extended_column(self, obj):
        return obj.was_extended

    def save_model(self, request, obj, form, change):
        if change:  # nothing of a recorded request changes through the form
            return
        privacy.data_subject_request_open(
            dsr=obj,
            beneficiary=obj.beneficiary,
            kind=obj.kind,
            details=obj.details,
            channel=obj.channel,
            received_at=obj.received_at,
            actor=request.user,
        )

    def has_delete_permission(self, request, obj=None):
        return False

    # --- the steps, the export and the processing record --------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "processing-record/",
                wrap(self.processing_record_view),
                name="beneficiaries_processing_record",
            ),
            path(
                "<int:pk>/step/<str:step>/",
                wrap(self.step_view),
                name="{}_{}_step".format(*info),
            ),
            path(
                "<int:pk>/export/",
                wrap(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            path(
                "<int:pk>/export.json",
                wrap(self.export_json_view),
                name="{}_{}_export_json".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context.update(
                dsr=obj,
                dsr_overdue=obj.is_overdue(),
                can_step=self.has_change_permission(request, obj),
                can_export=self._can_export(request, obj),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, pk: int, step: str):
        dsr = get_object_or_404(DataSubjectRequest, pk=pk)
        if step not in STEPS:
            raise PermissionDenied
        if not self.has_change_permission(request, dsr):
            raise PermissionDenied
        title, form_class, call, done = STEPS[step]
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                call(dsr, form.cleaned_data, request.user)
            except ValidationError as exc:
                for field, errors in getattr(exc, "error_dict", {}).items():
                    target = field if field in form.fields else None
                    if field == "extension_reason":
                        target = "reason"
                    for error in errors:
                        form.add_error(target, error)
                if not hasattr(exc, "error_dict"):
                    form.add_error(None, exc)
            else:
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:beneficiaries_datasubjectrequest_change", args=[dsr.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "dsr": dsr,
            "form": form,
            "step": step,
        }
        return TemplateResponse(
            request, "admin/beneficiaries/datasubjectrequest/step.html", context
        )

    def _can_export(self, request, dsr) -> bool:
        return (
            self.has_view_permission(request, dsr)
            and selectors.can_see_sensitive_data(request.user)
            and dsr.is_verified
        )

    def _export_allowed(self, request, pk: int) -> DataSubjectRequest:
        dsr = get_object_or_404(DataSubjectRequest.objects.select_related("beneficiary"), pk=pk)
        if not self._can_export(request, dsr):
            raise PermissionDenied
        access_log_record(
            beneficiary=dsr.beneficiary,
            user=request.user,
            action=AccessLog.Action.EXPORT,
            request=request,
            detail=f"data-subject request #{dsr.pk}",
        )
        return dsr

    def export_view(self, request, pk: int):
        dsr = self._export_allowed(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Personal data held about %(file)s")
            % {"file": dsr.beneficiary.file_number or dsr.beneficiary_id},
            "opts": self.opts,
            "dsr": dsr,
            "beneficiary": dsr.beneficiary,
            "sections": _displayable(privacy.subject_data_export(dsr.beneficiary)),
            "generated_at": timezone.now(),
        }
        response = render(request, "admin/beneficiaries/privacy/subject_export.html", context)
        response["Cache-Control"] = "private, no-store"
        return response

    def export_json_view(self, request, pk: int):
        dsr = self._export_allowed(request, pk)
        payload = json.dumps(
            privacy.subject_data_json(dsr.beneficiary),
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
            indent=2,
        )
        response = HttpResponse(payload, content_type="application/json; charset=utf-8")
        name = dsr.beneficiary.file_number or f"beneficiary-{dsr.beneficiary_id}"
        response["Content-Disposition"] = f'attachment; filename="{name}-data.json"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def processing_record_view(self, request):
        if not request.user.has_perm("beneficiaries.view_processing_record"):
            raise PermissionDenied
        language = request.GET.get("lang")
        if language not in ("ar", "en"):
            language = translation.get_language() or "ar"
            language = "en" if language.startswith("en") else "ar"
        # Rendered now, inside the language, so the page's direction follows it.
        with translation.override(language):
            from policies.selectors import request_association_profile

            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Record of processing activities"),
                "opts": self.opts,
                "association": request_association_profile(request),
                "activities": privacy.processing_record(language),
                "retention": privacy.retention_periods(),
                "page_language": language,
                "generated_at": timezone.now(),
            }
            return render(request, "admin/beneficiaries/privacy/processing_record.html", context)


def _cell(value):
    """A value as the person reads it: dates in Hijri and Gregorian, yes/no."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value)
        return format_html(
            '{} <span dir="ltr">{}</span>', dual_date_html(local.date()), f"{local:%H:%M}"
        )
    if isinstance(value, datetime.date):
        return dual_date_html(value)
    return value


def _displayable(export: list[dict]) -> list[dict]:
    """Sections as headers + rows of cells for the HTML page."""
    sections = []
    for section in export:
        rows = section["rows"]
        single = isinstance(rows, dict)
        rows = [rows] if single else list(rows)
        keys = list(rows[0].keys()) if rows else list(section["labels"].keys())
        sections.append(
            {
                "name": section["name"],
                "label": section["label"],
                "single": single,
                "headers": [section["labels"].get(key, key) for key in keys],
                "rows": [[_cell(row.get(key)) for key in keys] for row in rows],
                "pairs": [(section["labels"].get(k, k), _cell(rows[0].get(k))) for k in keys]
                if single and rows
                else [],
            }
        )
    return sections


# --- breach register ----------------------------------------------------------------------


@admin.register(BreachRecord)
class BreachRecordAdmin(ExportMixin, SimpleHistoryAdmin):
    list_display = [
        "detected_at",
        "severity",
        "people_affected",
        "regulator_deadline",
        "regulator_notified_at",
        "people_notified_at",
    ]
    list_filter = ["severity"]
    show_full_result_count = False
    ordering = ["-detected_at", "-id"]
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "detected_at",
        "severity",
        "people_affected",
        "regulator_notified_at",
        "people_notified_at",
        "recorded_by__username",
        "created_at",
    ]
    # What happened, to which data and what was done may name or describe people.
    export_sensitive_fields = ["description", "data_categories", "actions"]
    export_sensitive_permission = SENSITIVE_PERMISSION
    readonly_fields = ["regulator_clock", "recorded_by", "created_at"]
    fields = [
        "detected_at",
        "regulator_clock",
        "severity",
        "description",
        "data_categories",
        "people_affected",
        "regulator_notified_at",
        "people_notified_at",
        "actions",
        "recorded_by",
        "created_at",
    ]

    class Media:
        css = _CSS

    def _clock(self, obj):
        due = timezone.localtime(obj.regulator_due_at).strftime("%Y-%m-%d %H:%M")
        if obj.regulator_notified_at is not None:
            if obj.regulator_overdue():
                return _overdue(gettext("%(due)s — notified late") % {"due": due}, True)
            return _overdue(gettext("%(due)s — notified in time") % {"due": due}, False)
        if obj.regulator_overdue():
            return _overdue(
                gettext("%(due)s — overdue: notify the regulator now") % {"due": due}, True
            )
        hours = int(obj.regulator_hours_left())
        return _overdue(
            ngettext(
                "%(due)s — %(hours)d hour left",
                "%(due)s — %(hours)d hours left",
                hours,
            )
            % {"due": due, "hours": hours},
            False,
        )

    @admin.display(description=_("regulator notification due (72 hours)"), ordering="detected_at")
    def regulator_deadline(self, obj):
        return self._clock(obj)

    @admin.display(description=_("regulator notification due (72 hours)"))
    def regulator_clock(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return self._clock(obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False


# --- consents: withdrawal by staff --------------------------------------------------------


class ConsentWithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("withdrawal note"),
        max_length=200,
        help_text=_("How the person asked to withdraw (phone call, visit, letter…)."),
    )


@admin.register(Consent)
class ConsentAdmin(ExportMixin, admin.ModelAdmin):
    list_display = [
        "beneficiary_file",
        "purpose",
        "text_version",
        "given_at",
        "withdrawn_at",
    ]
    list_filter = ["purpose"]
    list_select_related = ["beneficiary"]
    show_full_result_count = False
    search_fields = ["beneficiary__file_number"]
    search_help_text = _("Beneficiary's file number.")
    ordering = ["-given_at", "-id"]
    actions = ["withdraw_selected", "export_csv", "export_xlsx"]
    export_fields = [
        "beneficiary__file_number",
        "purpose",
        "text_version",
        "channel__name_ar",
        "given_at",
        "withdrawn_at",
        "recorded_by__username",
    ]
    # How the person asked to withdraw (a call, a visit…) is a note about them.
    export_sensitive_fields = ["withdrawal_note"]
    export_sensitive_permission = SENSITIVE_PERMISSION
    export_access_log_path = "beneficiary_id"
    readonly_fields = [
        "beneficiary",
        "purpose",
        "text_version",
        "text",
        "channel",
        "given_at",
        "withdrawn_at",
        "withdrawal_note",
        "recorded_by",
    ]

    @admin.display(description=_("beneficiary"), ordering="beneficiary__file_number")
    def beneficiary_file(self, obj):
        return obj.beneficiary.file_number or obj.beneficiary_id

    def has_add_permission(self, request):
        return False  # consents are given on the application or the beneficiary's form

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Withdraw the selected consents"), permissions=["change"])
    def withdraw_selected(self, request, queryset):
        form = ConsentWithdrawForm(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_bound and form.is_valid():
            count = 0
            for consent in queryset.filter(withdrawn_at__isnull=True):
                consent_withdraw(
                    consent=consent, note=form.cleaned_data["note"], actor=request.user
                )
                count += 1
            self.message_user(
                request,
                ngettext(
                    "%(count)d consent was withdrawn.", "%(count)d consents were withdrawn.", count
                )
                % {"count": count},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Withdraw consents"),
            "opts": self.opts,
            "consents": queryset.select_related("beneficiary")[:100],
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/beneficiaries/consent/withdraw.html", context)
