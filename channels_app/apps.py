from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsAppConfig(AppConfig):
    name = "channels_app"
    verbose_name = _("Channels and contacts")

    def ready(self):
        from . import checks  # noqa: F401 - registers the SMS settings check
        from .timeline import register_default_sources

        register_default_sources()

        from . import privacy

        privacy.register()  # the contact log in the data export and anonymisation

        from config.dashboard.panels import register_panel

        from .dashboard import contacts_source, indirect_reach_source

        register_panel(
            "contacts", source=contacts_source, permission="channels_app.view_interaction"
        )
        register_panel(
            "indirect_reach",
            source=indirect_reach_source,
            permission="channels_app.view_outreachitem",
        )
