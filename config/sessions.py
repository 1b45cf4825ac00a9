"""A signed-in page's session, member, permissions and authenticators in one query.

Django reads them with three queries before a staff page starts its own work: the session
row, then the member (``django.contrib.auth.get_user``), then the member's permissions
(config/auth.py, with django-otp's device check folded in). The session row here
(config.models.Session, ``SESSION_ENGINE = "config.sessions"``) also keeps whose session
it is, so one query joins session → member → permission keys → confirmed authenticators.

Everything else is Django's: the session's data, expiry, keys and saving are
``django.contrib.sessions.backends.db``'s; the member is accepted or refused by Django's
rules (the session's backend, ``is_active``, the session hash that a password change
alters), in a copy of ``django.contrib.auth.get_user`` whose only change is where the row
comes from (a test compares it with Django's own). Whenever the shortcut does not apply —
the session was read before the member (a public page), a session saved before this
existed, another backend — Django's ``get_user`` runs, as before."""

import functools
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth import get_user as django_get_user
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.auth.middleware import auser
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from config.auth import ALL, DEVICE, GROUP, USER, fill_permission_caches

# The kind of the query's row that holds the session and its member (the other kinds,
# permission keys and devices, are config/auth.py's).
SIGNED_IN = 0
# The attribute of a member read here holding the keys of their confirmed TOTP devices
# (config/twofactor.OTPMiddleware checks the session's device against it).
CONFIRMED_TOTP = "_mustafid_confirmed_totp"


class SignedIn(NamedTuple):
    user_id: object  # the id the session row names (None for an anonymous session)
    user: object  # that member, as ModelBackend.get_user reads them, or None if deleted


class SessionStore(db.SessionStore):
    """Django's database sessions, keeping the member's id beside the data."""

    @classmethod
    def get_model_class(cls):
        from config.models import Session

        return Session

    def create_model_instance(self, data):
        return _with_member(super().create_model_instance(data), data)

    async def acreate_model_instance(self, data):
        return _with_member(await super().acreate_model_instance(data), data)

    @classmethod
    def clear_expired(cls):
        super().clear_expired()
        _django_sessions().filter(expire_date__lt=timezone.now()).delete()

    @classmethod
    async def aclear_expired(cls):
        await super().aclear_expired()
        await _django_sessions().filter(expire_date__lt=timezone.now()).adelete()

    def load_signed_in(self) -> SignedIn | None:
        """Load the session (as ``load`` would) and, in the same query, the member it names
        with their permissions and confirmed authenticators. None when the session is
        already loaded, has no key or no row (the caller then goes Django's way: no query
        for a session without data, one for the member otherwise)."""
        if hasattr(self, "_session_cache") or self.session_key is None:
            return None
        alias = router.db_for_read(self.model)
        plan = _plan(alias)
        if plan is None or router.db_for_read(plan.user_model) != alias:
            return None
        connection = connections[alias]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, [self.session_key, now, True, True])
            rows = cursor.fetchall()
        head, permissions, devices = None, [], set()
        for row in rows:
            kind = row[0]
            if kind == SIGNED_IN:
                head = row
            elif kind == DEVICE:
                devices.add(row[2])
            else:
                permissions.append((row[2], kind))
        self.accessed = True
        if head is None:  # no such session, or expired: as db.SessionStore.load
            self._session_key = None
            self._session_cache = {}
            return None
        self._session_cache = self.decode(head[1])
        values = head[4:]
        if values[plan.pk_index] is None:  # no such member (deleted), or no member
            return SignedIn(head[3], None)
        if plan.converters:
            values = list(values)
            for index, col, functions in plan.converters:
                value = values[index]
                for function in functions:
                    value = function(value, col, connection)
                values[index] = value
        user = plan.user_model.from_db(alias, plan.attnames, values)
        fill_permission_caches(user, permissions)
        setattr(user, CONFIRMED_TOTP, frozenset(devices))
        return SignedIn(head[3], user)


def _with_member(obj, data):
    try:
        obj.user_id = get_user_model()._meta.pk.to_python(data.get(SESSION_KEY))
    except (ValidationError, TypeError, ValueError):
        obj.user_id = None  # not a member's id: read Django's way, and refused there
    return obj


def _django_sessions():
    """Django's own session table, which the upgrade to this one (migration
    core.0001_session) copies from but leaves for servers still on the previous release:
    its rows go as they expire."""
    from django.contrib.sessions.models import Session as DjangoSession

    return DjangoSession.objects.all()


class _Plan(NamedTuple):
    sql: str
    user_model: type
    attnames: list
    pk_index: int
    converters: list  # (index, col, functions): the ORM's conversions (SQLite's dates are text)


@functools.cache
def _plan(alias) -> _Plan | None:
    user_model = get_user_model()
    sql = _signed_in_sql(alias, user_model)
    if sql is None:
        return None
    connection = connections[alias]
    fields = user_model._meta.concrete_fields
    converters = []
    for index, field in enumerate(fields):
        col = field.get_col(user_model._meta.db_table)
        functions = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if functions:
            converters.append((index, col, functions))
    return _Plan(
        sql=sql,
        user_model=user_model,
        attnames=[field.attname for field in fields],
        pk_index=[field.primary_key for field in fields].index(True),
        converters=converters,
    )


def _signed_in_sql(alias, user_model) -> str | None:
    """The query's text: rows of (kind, session data, key, member's id, member's columns).
    One SIGNED_IN row (the session and its member, a LEFT JOIN), then the keys of the
    member's own and groups' permissions (or of every permission, for a superuser) and of
    their confirmed TOTP devices, each tagged with its kind, the other columns NULL.
    None if the member is not read the way ModelBackend reads them (a filtering manager)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from config.models import Session

    if type(user_model._default_manager).get_queryset is not models.Manager.get_queryset:
        return None
    connection = connections[alias]
    q = connection.ops.quote_name
    fields = user_model._meta.concrete_fields
    pad = ", ".join(["NULL"] * (len(fields) + 1))  # the member's id and columns

    def column(model, name):
        return q(model._meta.get_field(name).column)

    def table(model):
        return q(model._meta.db_table)

    own = user_model.user_permissions.through
    member = user_model.groups.through
    granted = Group.permissions.through
    uid = "(SELECT uid FROM s)"
    member_columns = ", ".join(f"u.{q(field.column)}" for field in fields)
    parts = [
        f"SELECT {SIGNED_IN}, s.data, NULL, s.uid, {member_columns} "
        f"FROM s LEFT JOIN {table(user_model)} u ON u.{q(user_model._meta.pk.column)} = s.uid",
        f"SELECT {USER}, NULL, {q(user_model.user_permissions.field.m2m_reverse_name())}, {pad} "
        f"FROM {table(own)} WHERE {q(user_model.user_permissions.field.m2m_column_name())} = {uid}",
        f"SELECT {GROUP}, NULL, {q(Group.permissions.field.m2m_reverse_name())}, {pad} "
        f"FROM {table(granted)} WHERE {q(Group.permissions.field.m2m_column_name())} IN "
        f"(SELECT {q(user_model.groups.field.m2m_reverse_name())} FROM {table(member)} "
        f"WHERE {q(user_model.groups.field.m2m_column_name())} = {uid})",
        f"SELECT {ALL}, NULL, {q(Permission._meta.pk.column)}, {pad} FROM {table(Permission)} "
        f"WHERE EXISTS (SELECT 1 FROM s JOIN {table(user_model)} su "
        f"ON su.{q(user_model._meta.pk.column)} = s.uid WHERE su.{column(user_model, 'is_superuser')} = %s)",
        f"SELECT {DEVICE}, NULL, {column(TOTPDevice, 'id')}, {pad} FROM {table(TOTPDevice)} "
        f"WHERE {column(TOTPDevice, 'user')} = {uid} AND {column(TOTPDevice, 'confirmed')} = %s",
    ]
    # The key column of the first part is NULL: the kinds after it give its type.
    return (
        f"WITH s AS (SELECT {column(Session, 'session_data')} AS data, "
        f"{column(Session, 'user')} AS uid FROM {table(Session)} "
        f"WHERE {column(Session, 'session_key')} = %s AND {column(Session, 'expire_date')} > %s) "
        + " UNION ALL ".join(parts)
    )


@functools.cache
def _reads_like_model_backend(backend_path) -> bool:
    backend = load_backend(backend_path)
    return type(backend).get_user is ModelBackend.get_user


def _prefetched_user(request):
    """The member ModelBackend.get_user would return for this session, read with the
    session; ``...`` when the shortcut does not apply (Django's get_user then runs)."""
    session = request.session
    found = session.load_signed_in() if isinstance(session, SessionStore) else None
    if found is None:
        return ...
    try:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return ...
    if (
        found.user_id is None
        or found.user_id != user_id
        or backend_path not in settings.AUTHENTICATION_BACKENDS
        or not _reads_like_model_backend(backend_path)
    ):
        return ...
    user = found.user
    if user is None:
        return None  # deleted
    return user if load_backend(backend_path).user_can_authenticate(user) else None


def get_user(request):
    """``django.contrib.auth.get_user`` with the member read by the session's query.

    From "Verify the session" on, a copy of Django 6.1's get_user (tests/core/
    test_sessions.py holds Django's text and fails when it changes)."""
    user = _prefetched_user(request)
    if user is ...:
        return django_get_user(request)
    # Verify the session
    if hasattr(user, "get_session_auth_hash"):
        session_hash = request.session.get(HASH_SESSION_KEY)
        if not session_hash:
            session_hash_verified = False
        else:
            session_auth_hash = user.get_session_auth_hash()
            session_hash_verified = constant_time_compare(session_hash, session_auth_hash)
        if not session_hash_verified:
            # If the current secret does not verify the session, try
            # with the fallback secrets and stop when a matching one is
            # found.
            if session_hash and any(
                constant_time_compare(session_hash, fallback_auth_hash)
                for fallback_auth_hash in user.get_session_auth_fallback_hash()
            ):
                request.session.cycle_key()
                request.session[HASH_SESSION_KEY] = session_auth_hash
            else:
                request.session.flush()
                user = None

    return user or AnonymousUser()


def _cached_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with ``request.user`` from ``get_user`` above (still lazy: read on first
    use, so a page that never asks who is signed in reads nothing)."""

    def __call__(self, request):
        if not hasattr(request, "session"):
            return super().__call__(request)  # Django's error
        request.user = SimpleLazyObject(functools.partial(_cached_user, request))
        request.auser = functools.partial(auser, request)
        return self.get_response(request)
