"""The project-wide pieces that belong to no single domain app: the base layout's
template tags (Hijri dates), health check, roles and demo-data commands."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    name = "config"
    label = "core"
    verbose_name = _("Mustafid")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .twofactor import remember_device_at_login

        user_logged_in.connect(remember_device_at_login, dispatch_uid="mustafid-2fa-device")


class TwoStepConfig(AppConfig):
    """django-otp's TOTP devices, under a name staff understand in the back-office."""

    name = "django_otp.plugins.otp_totp"
    label = "otp_totp"
    default_auto_field = "django.db.models.AutoField"
    verbose_name = _("Two-step sign-in")


class BackgroundTasksConfig(TasksAppConfig):
    """django-tasks-db's queue of Django Tasks (production's worker reads it), under a name
    staff understand in the back-office."""

    verbose_name = _("Background tasks")
