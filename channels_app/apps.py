from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsAppConfig(AppConfig):
    name = "channels_app"
    verbose_name = _("Channels and contacts")

    def ready(self):
        from . import checks  # noqa: F401 - registers the SMS settings check
        from .timeline import register_default_sources

        register_default_sources()
