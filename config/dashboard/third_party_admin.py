"""Exports for the back-office lists that Django and the libraries register: users and
groups (django.contrib.auth) and the sign-in logs (django-axes). Each admin is registered
again as a subclass of its own with the export actions; nothing else about it changes.

What a user's export never holds: the password hash, the permissions one by one (the
groups say what a person may do) and anything of the two-step devices but whether the
person has a confirmed one (see NOT_EXPORTABLE in exports.py). A user's e-mail is personal
data, in the download only with the sensitive permission; axes' logs keep the typed
username, address and browser but never the GET/POST data of the attempt."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Count, Exists, OuterRef, StringAgg, Value
from django.utils.translation import gettext_lazy as _

from .exports import ExportMixin


def _reregister(model, admin_class):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, admin_class)


def _two_step_enrolled():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))


class ExportingUserAdmin(ExportMixin, UserAdmin):
    actions = [*UserAdmin.actions, "export_csv", "export_xlsx"]
    export_fields = [
        "username",
        "first_name",
        "last_name",
        "is_active",
        "is_staff",
        "is_superuser",
        "group_names",
        "two_step",
        "last_login",
        "date_joined",
    ]
    export_sensitive_fields = ["email"]
    export_computed = {
        "group_names": (
            _("groups"),
            StringAgg("groups__name", Value(" | ")),
        ),
        "two_step": (_("two-step sign-in"), _two_step_enrolled()),
    }


class ExportingGroupAdmin(ExportMixin, GroupAdmin):
    actions = [*GroupAdmin.actions, "export_csv", "export_xlsx"]
    export_fields = ["name", "users_count", "permissions_count"]
    export_computed = {
        "users_count": (_("users"), Count("user", distinct=True)),
        "permissions_count": (_("permissions"), Count("permissions", distinct=True)),
    }


_reregister(User, ExportingUserAdmin)
_reregister(Group, ExportingGroupAdmin)


def _axes():
    from axes import admin as axes_admin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    common = ["attempt_time", "username", "ip_address", "user_agent", "path_info"]
    exporting = {
        AccessAttempt: (axes_admin.AccessAttemptAdmin, [*common, "failures_since_start"]),
        AccessFailureLog: (axes_admin.AccessFailureLogAdmin, [*common, "locked_out"]),
        AccessLog: (axes_admin.AccessLogAdmin, [*common, "logout_time"]),
    }
    for model, (base, fields) in exporting.items():
        if not admin.site.is_registered(model):
            continue  # AXES_ENABLE_ADMIN = False
        current = type(admin.site.get_model_admin(model))
        exporting_admin = type(
            f"Exporting{base.__name__}",
            (ExportMixin, current),
            {
                "__module__": __name__,
                "actions": [*(current.actions or []), "export_csv", "export_xlsx"],
                "export_fields": fields,
            },
        )
        _reregister(model, exporting_admin)


_axes()


def _background_tasks():
    """django-tasks-db's task list (production's queue, README: Background tasks): staff
    see waiting, stuck and failed tasks there, read-only. A traceback can quote what a
    gateway said about a person's address: only with the sensitive permission."""
    from django_tasks_db.models import DBTaskResult

    if not admin.site.is_registered(DBTaskResult):
        return
    current = type(admin.site.get_model_admin(DBTaskResult))
    exporting_admin = type(
        f"Exporting{current.__name__}",
        (ExportMixin, current),
        {
            "__module__": __name__,
            "actions": [*(current.actions or []), "export_csv", "export_xlsx"],
            "export_fields": [
                "id",
                "task_path",
                "args_kwargs",
                "status",
                "queue_name",
                "priority",
                "enqueued_at",
                "started_at",
                "finished_at",
                "worker_ids",
                "exception_class_path",
            ],
            "export_sensitive_fields": ["traceback"],
        },
    )
    _reregister(DBTaskResult, exporting_admin)


_background_tasks()
