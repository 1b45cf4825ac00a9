"""The export log in the back-office: read-only, for managers and the auditor (and
itself exportable: downloading it is logged like any other list)."""

from django.contrib import admin

from .exports import ExportMixin
from .models import ExportLog


@admin.register(ExportLog)
class ExportLogAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["created_at", "user", "what", "format", "rows", "included_sensitive"]
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "created_at",
        "user__username",
        "what",
        "format",
        "rows",
        "included_sensitive",
        "filters",
    ]
    list_filter = ["format", "included_sensitive"]
    search_fields = ["what", "user__username"]
    list_select_related = ["user"]
    show_full_result_count = False
    date_hierarchy = None
    readonly_fields = [
        "created_at",
        "user",
        "what",
        "format",
        "filters",
        "rows",
        "included_sensitive",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Exports for the lists Django and the libraries register (users, groups, sign-in logs).
from . import third_party_admin  # noqa: E402, F401
