"""Back-office for deliveries and program runs. A delivery is recorded through
``delivery_record`` (which moves the request) and is not edited afterwards; ending a
run sends its survey invitations."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import SENSITIVE_PERMISSION
from config.dashboard.exports import ExportMixin

from .admin import SupportRequestAdmin
from .delivery import delivery_record, program_run_end
from .models import ProgramRun, ServiceDelivery


class ServiceDeliveryForm(forms.ModelForm):
    class Meta:
        model = ServiceDelivery
        fields = [
            "support_request",
            "kind",
            "amount",
            "quantity",
            "delivered_on",
            "reference",
            "program_run",
            "completes_service",
            "proof",
            "notes",
        ]

    def clean(self):
        data = super().clean()
        if self.errors or self.instance.pk:
            return data
        try:
            self.recorded = delivery_record(
                support_request=data["support_request"],
                kind=data.get("kind", ""),
                actor=self.actor,
                delivered_on=data.get("delivered_on"),
                amount=data.get("amount"),
                quantity=data.get("quantity"),
                reference=data.get("reference", ""),
                proof=data.get("proof"),
                program_run=data.get("program_run"),
                completes_service=data.get("completes_service", True),
                notes=data.get("notes", ""),
            )
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                raise
        return data


@admin.register(ServiceDelivery)
class ServiceDeliveryAdmin(ExportMixin, admin.ModelAdmin):
    form = ServiceDeliveryForm
    list_display = ["support_request", "kind", "amount", "quantity", "delivered_on", "delivered_by"]
    list_filter = ["kind", "delivered_on"]
    list_select_related = ["support_request", "delivered_by"]
    show_full_result_count = False
    autocomplete_fields = ["support_request"]
    search_fields = ["support_request__reference", "reference"]
    date_hierarchy = None
    ordering = ["-delivered_on", "-id"]
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "support_request__reference",
        "support_request__program__name_ar",
        "kind",
        "amount",
        "quantity",
        "delivered_on",
        "delivered_by__username",
        "reference",
    ]
    export_sensitive_fields = ["iban"]
    export_access_log_path = "support_request__beneficiary_id"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            *ServiceDeliveryForm.Meta.fields,
            "delivered_by",
            "iban",
            "created_at",
            "proof_link",
        ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ServiceDeliveryForm.Meta.fields
        fields = [f for f in ServiceDeliveryForm.Meta.fields if f != "proof"]
        fields = [*fields, "proof_link", "iban", "delivered_by", "created_at"]
        if not request.user.has_perm(SENSITIVE_PERMISSION):
            # The IBAN paid to and the notes are sensitive (POL-7.4), like the registry's.
            fields = [f for f in fields if f not in ("iban", "notes")]
        return fields

    @admin.display(description=_("proof"))
    def proof_link(self, obj):
        if not obj.proof:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("requests_app:delivery-proof", args=[obj.pk]),
            _("Download"),
        )

    def has_add_permission(self, request):
        return request.user.has_perm("requests_app.deliver_supportrequest")

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # delivery_record saved it while the form was checked.
        form.instance = form.recorded
        obj.pk = form.recorded.pk

    def response_add(self, request, obj, post_url_continue=None):
        delivery = obj
        delivery.refresh_from_db()
        request_obj = delivery.support_request
        messages.success(
            request,
            _("Delivery recorded. The request is now “%(status)s”.")
            % {"status": request_obj.get_status_display()},
        )
        return super().response_add(request, delivery, post_url_continue)


class ServiceDeliveryInline(admin.TabularInline):
    """The request's deliveries, read-only, with a link to record the next one."""

    model = ServiceDelivery
    extra = 0
    fields = [
        "delivered_on",
        "kind",
        "amount",
        "quantity",
        "reference",
        "delivered_by",
        "completes_service",
    ]
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("deliveries")
    template = "admin/requests_app/servicedelivery/inline.html"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Each row names its request (ServiceDelivery.__str__) and who delivered it: read
        # with the rows, not one query each (issue #11).
        return super().get_queryset(request).select_related("support_request", "delivered_by")


SupportRequestAdmin.inlines = [*getattr(SupportRequestAdmin, "inlines", []), ServiceDeliveryInline]


@admin.register(ProgramRun)
class ProgramRunAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["name", "program", "starts_on", "ends_on", "ended_at"]
    list_filter = ["program"]
    list_select_related = ["program"]
    show_full_result_count = False
    search_fields = ["name"]
    readonly_fields = ["ended_at", "ended_by"]
    actions = ["end_runs", "export_csv", "export_xlsx"]
    export_fields = [
        "program__name_ar",
        "name",
        "starts_on",
        "ends_on",
        "ended_at",
        "ended_by__username",
        "created_at",
    ]

    @admin.action(description=_("End the selected runs and send the survey invitations"))
    def end_runs(self, request, queryset):
        total = 0
        for run in queryset:
            try:
                total += program_run_end(program_run=run, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{run}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        messages.success(
            request, _("%(count)s participants were invited to the survey.") % {"count": total}
        )
