"""The back-office shows the association's name (templates/admin/base_site.html) and is
tuned for large tables: no full COUNT(*) per list page on PostgreSQL (config/pagination.py)
and no navigation sidebar, which rebuilt the whole app list on every page (about a fifth
of a list page's time); the admin home lists the same links."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.pagination import EstimatedCountPaginator

admin.site.site_title = _("Mustafid back-office")
admin.site.index_title = _("Back-office")
admin.site.enable_nav_sidebar = False
admin.ModelAdmin.paginator = EstimatedCountPaginator
