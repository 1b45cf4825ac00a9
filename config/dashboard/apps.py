from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "config.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard and exports")

    def ready(self):
        from . import builtin  # noqa: F401 - declares the built-in panels
