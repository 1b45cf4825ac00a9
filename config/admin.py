"""The back-office shows the association's name (templates/admin/base_site.html) and is
tuned for large tables: no full COUNT(*) per list page on PostgreSQL (config/pagination.py)
and no navigation sidebar, which rebuilt the whole app list on every page (about a fifth
of a list page's time); the admin home lists the same links."""

from django.contrib import admin
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from config.pagination import EstimatedCountPaginator

admin.site.site_title = _("Mustafid back-office")
admin.site.index_title = _("Back-office")
admin.site.enable_nav_sidebar = False
admin.ModelAdmin.paginator = EstimatedCountPaginator


def _each_context(request, site=admin.site):
    """AdminSite.each_context with the app list built only when a template reads it: the
    admin builds it (every model's permissions and URLs, about a tenth of a list page's
    time) for each page, though only the index and the sidebar, which is off, show it."""
    script_name = request.META["SCRIPT_NAME"]
    site_url = script_name if site.site_url == "/" and script_name else site.site_url
    return {
        "site_title": site.site_title,
        "site_header": site.site_header,
        "site_url": site_url,
        "has_permission": site.has_permission(request),
        "available_apps": SimpleLazyObject(lambda: site.get_app_list(request)),
        "is_popup": False,
        "is_nav_sidebar_enabled": site.enable_nav_sidebar,
        "log_entries": site.get_log_entries(request),
    }


admin.site.each_context = _each_context
