from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Programs and support requests")

    def ready(self):
        from .timeline import register

        register()  # status changes, research reports, referrals in the shared timeline

        from . import privacy

        privacy.register()  # decisions, deliveries in the data export; their anonymisation
