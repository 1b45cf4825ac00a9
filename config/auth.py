"""A staff member's permissions in one query instead of two.

Django's ModelBackend reads a user's permissions with two queries on the first check of
a request (the user's own, then their groups'); every staff page makes that check (the
two-step rule, the admin's view permission, the dashboard link in the header). The
backend below, listed just before ModelBackend, reads both sets in one UNION ALL into
the caches ModelBackend keeps on the user object (``_user_perm_cache`` and
``_group_perm_cache``), then answers nothing itself: ModelBackend answers from those
caches, with its own rules for inactive, anonymous and superusers, without a query.

It authenticates no one and has no ``get_user``: sign-in, the lock-out (django-axes),
the session's backend and ``Client.force_login`` stay ModelBackend's, so sessions made
before it existed stay valid. Nothing is kept beyond the request's user object, so a
permission taken away ends on the next request, as before."""

from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, Value


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
    columns = ("content_type__app_label", "codename")

    def tagged(queryset, tag, fields=columns):
        return queryset.values_list(*fields, Value(tag, output_field=CharField())).order_by()

    if user_obj.is_superuser:
        # ModelBackend gives a superuser every permission, from both sources.
        parts = [tagged(Permission.objects.all(), "all")]
    else:
        # Read from the link tables, with the member's groups as a subquery: the same
        # rows as ModelBackend's, with fewer joins for PostgreSQL to plan (about a third
        # less planning time, which is most of this query's cost).
        user_model = user_obj._meta.model
        named = tuple(f"permission__{column}" for column in columns)
        member_groups = user_model.groups.through.objects.filter(user=user_obj)
        parts = [
            tagged(
                user_model.user_permissions.through.objects.filter(user=user_obj), "user", named
            ),
            tagged(
                Group.permissions.through.objects.filter(
                    group_id__in=member_groups.values("group_id")
                ),
                "group",
                named,
            ),
        ]
    if totp_device_pk is not None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(pk=totp_device_pk, user=user_obj, confirmed=True)
        blank = Value("", output_field=CharField())
        parts.append(
            device.annotate(a=blank, b=blank).values_list("a", "b", Value("device")).order_by()
        )
    rows = parts[0].union(*parts[1:], all=True).order_by() if len(parts) > 1 else parts[0]
    found = {"user": set(), "group": set(), "all": set(), "device": set()}
    for app_label, codename, source in rows:
        found[source].add(f"{app_label}.{codename}")
    if user_obj.is_superuser:
        user_obj._user_perm_cache = found["all"]
        user_obj._group_perm_cache = set(found["all"])
    else:
        user_obj._user_perm_cache = found["user"]
        user_obj._group_perm_cache = found["group"]
    return bool(found["device"]) if totp_device_pk is not None else None


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
