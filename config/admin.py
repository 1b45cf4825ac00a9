"""The back-office shows the association's name (templates/admin/base_site.html)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_title = _("Mustafid back-office")
admin.site.index_title = _("Back-office")
