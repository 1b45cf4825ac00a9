"""A staff member's permissions in one query instead of two.

Django's ModelBackend reads a user's permissions with two queries on the first check of
a request (the user's own, then their groups'); every staff page makes that check (the
two-step rule, the admin's view permission, the dashboard link in the header). The
backend below, listed just before ModelBackend, reads both sets in one UNION ALL into
the caches ModelBackend keeps on the user object (``_user_perm_cache`` and
``_group_perm_cache``), then answers nothing itself: ModelBackend answers from those
caches, with its own rules for inactive, anonymous and superusers, without a query.

The query reads the permissions' keys from the link tables only, without joining the
permission and content-type tables (PostgreSQL plans it in ~0.17 ms instead of ~1.1 ms
on bench1m); their names ("app_label.codename") come from a map kept per process, as
Django keeps content types (see ``_permission_names``).

It authenticates no one and has no ``get_user``: sign-in, the lock-out (django-axes),
the session's backend and ``Client.force_login`` stay ModelBackend's, so sessions made
before it existed stay valid. Who has which permission is read on every request, so a
permission taken away ends on the next request, as before."""

import functools
import time

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models.signals import post_delete, post_migrate, post_save

# The names of the permissions ("app_label.codename") by primary key, for the whole process.
# Permission and content-type rows are written by `migrate` and practically never edited;
# Django's own ContentType manager keeps them in process memory the same way. The map is
# read again when a query returns a key it does not know (a permission added since), when
# a Permission or ContentType is saved or deleted in this process, after `migrate` or
# `flush`, and at the latest after NAMES_MAX_AGE seconds (a rename made by another process).
NAMES_MAX_AGE = 600
# (monotonic time read, {key: name}); replaced whole, never changed in place, so a thread
# reading it meanwhile keeps a complete map.
_names: tuple[float, dict[int, str]] = (0.0, {})


def forget_permission_names(**kwargs) -> None:
    global _names
    _names = (0.0, {})


post_migrate.connect(forget_permission_names, dispatch_uid="mustafid-permission-names")
for _model in (Permission, ContentType):
    for _signal in (post_save, post_delete):
        _signal.connect(
            forget_permission_names,
            sender=_model,
            dispatch_uid=f"mustafid-permission-names-{_model.__name__}-{id(_signal)}",
        )


def _permission_names(keys) -> dict[int, str]:
    """The map from permission key to name, read again when stale or missing one of ``keys``."""
    global _names
    read_at, names = _names
    if names and time.monotonic() - read_at < NAMES_MAX_AGE and names.keys() >= set(keys):
        return names
    names = {
        pk: f"{app_label}.{codename}"
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        ).order_by()
    }
    _names = (time.monotonic(), names)
    return names


USER, GROUP, ALL, DEVICE = 1, 2, 3, 4


@functools.cache
def _sql_for(alias: str, user_model, superuser: bool, device: bool) -> str:
    return _sql(connections[alias], user_model, superuser=superuser, device=device)


def _sql(connection, user_model, *, superuser: bool, device: bool) -> str:
    """The query's text: the keys of the member's own and groups' permissions (or of every
    permission, for a superuser), each tagged with where it came from; no join to the
    permission or content-type tables, whose names come from the map above. Planning it
    costs PostgreSQL about a sixth of the ORM's three-way join (issue 11)."""
    q = connection.ops.quote_name

    def column(model, name):
        return q(model._meta.get_field(name).column)

    if superuser:
        parts = [
            f"SELECT {q(Permission._meta.pk.column)}, {ALL} FROM {q(Permission._meta.db_table)}"
        ]
    else:
        own = user_model.user_permissions.through
        member = user_model.groups.through
        granted = Group.permissions.through
        own_user = user_model.user_permissions.field.m2m_column_name()
        own_perm = user_model.user_permissions.field.m2m_reverse_name()
        member_user = user_model.groups.field.m2m_column_name()
        member_group = user_model.groups.field.m2m_reverse_name()
        granted_group = Group.permissions.field.m2m_column_name()
        granted_perm = Group.permissions.field.m2m_reverse_name()
        parts = [
            f"SELECT {q(own_perm)}, {USER} FROM {q(own._meta.db_table)} WHERE {q(own_user)} = %s",
            f"SELECT {q(granted_perm)}, {GROUP} FROM {q(granted._meta.db_table)} "
            f"WHERE {q(granted_group)} IN (SELECT {q(member_group)} FROM "
            f"{q(member._meta.db_table)} WHERE {q(member_user)} = %s)",
        ]
    if device:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        parts.append(
            f"SELECT 0, {DEVICE} FROM {q(TOTPDevice._meta.db_table)} "
            f"WHERE {column(TOTPDevice, 'id')} = %s AND {column(TOTPDevice, 'user')} = %s "
            f"AND {column(TOTPDevice, 'confirmed')} = %s"
        )
    return " UNION ALL ".join(parts)


def prefetch_permissions(user_obj, *, totp_device_pk=None) -> bool | None:
    """Fill ModelBackend's two permission caches on ``user_obj`` with one query, when
    ModelBackend would read them (an active, signed-in user; no object permission).

    With ``totp_device_pk`` (the authenticator a session was verified with), the same
    query also says whether that device is still this member's and confirmed: the check
    django-otp's middleware makes on every request, without a query of its own
    (config/twofactor.OTPMiddleware). Returns that answer, or None when nothing was read
    (the caches were already there, or the user is inactive or anonymous)."""
    if (
        not user_obj.is_active
        or user_obj.is_anonymous
        or hasattr(user_obj, "_user_perm_cache")
        or hasattr(user_obj, "_group_perm_cache")
    ):
        return None
    user_model = user_obj._meta.model
    connection = connections[router.db_for_read(Permission)]
    device = totp_device_pk is not None
    params = [] if user_obj.is_superuser else [user_obj.pk, user_obj.pk]
    if device:
        params += [totp_device_pk, user_obj.pk, True]
    sql = _sql_for(connection.alias, user_model, bool(user_obj.is_superuser), device)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    fill_permission_caches(user_obj, [(pk, source) for pk, source in rows if source != DEVICE])
    return any(source == DEVICE for pk, source in rows) if device else None


def fill_permission_caches(user_obj, rows) -> None:
    """ModelBackend's two caches on ``user_obj`` from ``rows`` of (permission key, source),
    source USER, GROUP or ALL (every permission: read for a superuser only)."""
    names = _permission_names({pk for pk, source in rows})
    found = {USER: set(), GROUP: set(), ALL: set()}
    for pk, source in rows:
        if pk in names:  # a permission deleted since the query: gone for Django too
            found[source].add(names[pk])
    if user_obj.is_superuser:
        # ModelBackend gives a superuser every permission, from both sources.
        user_obj._user_perm_cache = found[ALL]
        user_obj._group_perm_cache = set(found[ALL])
    else:
        user_obj._user_perm_cache = found[USER]
        user_obj._group_perm_cache = found[GROUP]


class PermissionsPrefetchBackend:
    """Listed before ``django.contrib.auth.backends.ModelBackend``: prefetches, then
    lets ModelBackend answer (every method here answers "no" / "nothing")."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if obj is None:
            prefetch_permissions(user_obj)
        return False

    def has_module_perms(self, user_obj, app_label):
        prefetch_permissions(user_obj)
        return False

    def get_user_permissions(self, user_obj, obj=None):
        if obj is None:
            prefetch_permissions(user_obj)
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        if obj is None:
            prefetch_permissions(user_obj)
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if obj is None:
            prefetch_permissions(user_obj)
        return set()
