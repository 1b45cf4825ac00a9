from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SatisfactionConfig(AppConfig):
    name = "satisfaction"
    verbose_name = _("Satisfaction, complaints and suggestions")

    def ready(self):
        from . import privacy

        privacy.register()  # feedback and named survey answers: data export, anonymisation
        from config.dashboard.panels import register_panel

        from .dashboard import feedback_source, satisfaction_source

        register_panel(
            "satisfaction",
            source=satisfaction_source,
            permission="satisfaction.view_surveyresponse",
        )
        register_panel("feedback", source=feedback_source, permission="satisfaction.view_feedback")
