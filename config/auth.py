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

from django.contrib.auth.models import Permission
from django.db.models import CharField, Value


def prefetch_permissions(user_obj) -> None:
    """Fill ModelBackend's two permission caches on ``user_obj`` with one query, when
    ModelBackend would read them (an active, signed-in user; no object permission)."""
    if (
        not user_obj.is_active
        or user_obj.is_anonymous
        or hasattr(user_obj, "_user_perm_cache")
        or hasattr(user_obj, "_group_perm_cache")
    ):
        return
    columns = ("content_type__app_label", "codename")
    if user_obj.is_superuser:
        # ModelBackend gives a superuser every permission, from both sources.
        perms = {f"{app}.{code}" for app, code in Permission.objects.values_list(*columns)}
        user_obj._user_perm_cache = perms
        user_obj._group_perm_cache = set(perms)
        return
    rows = (
        Permission.objects.filter(user=user_obj)
        .values_list(*columns, Value("user", output_field=CharField()))
        .order_by()
        .union(
            Permission.objects.filter(group__user=user_obj)
            .values_list(*columns, Value("group", output_field=CharField()))
            .order_by(),
            all=True,
        )
        .order_by()
    )
    found = {"user": set(), "group": set()}
    for app_label, codename, source in rows:
        found[source].add(f"{app_label}.{codename}")
    user_obj._user_perm_cache = found["user"]
    user_obj._group_perm_cache = found["group"]


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
