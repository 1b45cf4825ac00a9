from django.contrib import admin

from .models import Channel


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
