from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from .models import AssociationProfile
from .services import association_profile_update


@admin.register(AssociationProfile)
class AssociationProfileAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["name_ar", "name_en", "license_number", "logo"]}),
        ("", {"fields": ["phone", "email", "address", "website"]}),
    ]

    def has_add_permission(self, request):
        return not AssociationProfile.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One association, one record: the list is a detour, open the record itself.
        if AssociationProfile.objects.filter(pk=1).exists():
            return HttpResponseRedirect(
                reverse("admin:policies_associationprofile_change", args=[1])
            )
        return HttpResponseRedirect(reverse("admin:policies_associationprofile_add"))

    def save_model(self, request, obj, form, change):
        association_profile_update(profile=obj)
