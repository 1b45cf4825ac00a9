"""The project-wide pieces that belong to no single domain app: the base layout's
template tags (Hijri dates), health check, roles and demo-data commands."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "config"
    label = "core"
    verbose_name = _("Mustafid")
