"""Back-office list of what returning applicants typed differently from their record."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import SENSITIVE_PERMISSION, Beneficiary
from config.dashboard.exports import ExportMixin

from ..models import ApplicantUpdate
from .services import applicant_update_review


@admin.register(ApplicantUpdate)
class ApplicantUpdateAdmin(ExportMixin, admin.ModelAdmin):
    list_select_related = ["beneficiary", "support_request"]
    list_filter = ["status"]
    show_full_result_count = False
    actions = ["apply_to_record", "dismiss", "export_csv", "export_xlsx"]
    export_fields = [
        "beneficiary__file_number",
        "support_request__reference",
        "field",
        "status",
        "created_at",
        "reviewed_by__username",
        "reviewed_at",
    ]
    # The values are a person's details (mobile, identity number, income…): in the
    # download only for those who may see sensitive data, whatever the field.
    export_sensitive_fields = ["recorded_value", "typed_value"]
    export_sensitive_permission = SENSITIVE_PERMISSION
    export_access_log_path = "beneficiary_id"

    def _columns(self, request):
        """Value columns made for this request: a sensitive value (income…) shows only to
        a role that may see sensitive data (POL-7.4)."""
        may_see = request.user.has_perm("beneficiaries.view_sensitive_data")

        def shown(obj, value):
            if obj.field in Beneficiary.SENSITIVE_FIELDS and not may_see:
                return gettext("(sensitive)")
            return value

        @admin.display(description=_("value on record"))
        def recorded(obj):
            return shown(obj, obj.recorded_value)

        @admin.display(description=_("value the applicant typed"))
        def typed(obj):
            return shown(obj, obj.typed_value)

        return recorded, typed

    def get_list_display(self, request):
        recorded, typed = self._columns(request)
        return ["beneficiary", "support_request", "field_label", recorded, typed, "status"]

    def get_fields(self, request, obj=None):
        values = ["recorded_value", "typed_value"]
        if (
            obj is not None
            and obj.field in Beneficiary.SENSITIVE_FIELDS
            and not request.user.has_perm("beneficiaries.view_sensitive_data")
        ):
            values = []
        return [
            "beneficiary",
            "support_request",
            "field_label",
            *values,
            "status",
            "created_at",
            "reviewed_by",
            "reviewed_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("field"))
    def field_label(self, obj):
        try:
            return Beneficiary._meta.get_field(obj.field).verbose_name
        except Exception:  # noqa: BLE001 - an unknown name is shown as stored
            return obj.field

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _review(self, request, queryset, apply: bool):
        done = 0
        for update in queryset:
            try:
                applicant_update_review(update=update, actor=request.user, apply=apply)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{update}: {exc}", messages.ERROR)
        self.message_user(request, gettext("%(count)d change(s) reviewed.") % {"count": done})

    @admin.action(description=_("Apply to the record"), permissions=["change"])
    def apply_to_record(self, request, queryset):
        self._review(request, queryset, apply=True)

    @admin.action(description=_("Dismiss"), permissions=["change"])
    def dismiss(self, request, queryset):
        self._review(request, queryset, apply=False)
