"""The export log in the back-office: read-only, for managers and the auditor."""

from django.contrib import admin

from .models import ExportLog


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "what", "format", "rows", "included_sensitive"]
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
