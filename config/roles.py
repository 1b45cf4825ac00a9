"""The five roles of DESIGN.md as Django groups.

Each app says what its roles may do in ``<app>/roles.py`` with a ``GRANTS`` mapping
(role code → permission names "app_label.codename"); ``setup_roles`` gathers them, so an
app that adds models adds its grants beside them. The auditor reads everything that is
not sensitive: every ``view_`` permission of Mustafid's apps, nothing more."""

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext_lazy as _

PROJECT_APPS = [
    "core",
    "policies",
    "beneficiaries",
    "channels_app",
    "requests_app",
    "satisfaction",
    "dashboard",
]


@dataclass(frozen=True)
class Role:
    code: str
    group_name: str  # stable: code and tests look groups up by it
    label: object


RELATIONS_OFFICER = Role(
    "relations_officer", "موظف علاقات المستفيدين / Relations officer", _("Relations officer")
)
SOCIAL_RESEARCHER = Role(
    "social_researcher", "الباحث الاجتماعي / Social researcher", _("Social researcher")
)
COMMITTEE_MEMBER = Role(
    "committee_member", "عضو لجنة البحث / Committee member", _("Committee member")
)
MANAGER = Role("manager", "المدير / Manager", _("Manager"))
AUDITOR = Role("auditor", "المراجع / Auditor", _("Auditor (read-only)"))

ROLES = [RELATIONS_OFFICER, SOCIAL_RESEARCHER, COMMITTEE_MEMBER, MANAGER, AUDITOR]
ROLES_BY_CODE = {role.code: role for role in ROLES}


def collect_grants() -> dict[str, set[str]]:
    """Role code → "app_label.codename" names, from every project app's roles.py."""
    grants: dict[str, set[str]] = {role.code: set() for role in ROLES}
    for label in PROJECT_APPS:
        app_config = apps.get_app_config(label)
        try:
            module = import_module(f"{app_config.name}.roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.roles":
                raise
            continue
        for code, names in getattr(module, "GRANTS", {}).items():
            if code not in grants:
                raise ImproperlyConfigured(
                    f"{app_config.name}.roles grants to unknown role {code!r}"
                )
            grants[code].update(names)
    # The auditor's read-only view of everything except what needs view_sensitive_data.
    project_labels = set(PROJECT_APPS)
    for perm in Permission.objects.select_related("content_type").filter(
        content_type__app_label__in=project_labels, codename__startswith="view_"
    ):
        if perm.codename != "view_sensitive_data":
            grants[AUDITOR.code].add(f"{perm.content_type.app_label}.{perm.codename}")
    return grants


def _permission_lookup(names: set[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = {
        (perm.content_type.app_label, perm.codename): perm
        for perm in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in={app for app, _ in wanted}
        )
        if (perm.content_type.app_label, perm.codename) in wanted
    }
    missing = sorted(f"{app}.{codename}" for app, codename in wanted - found.keys())
    if missing:
        raise ImproperlyConfigured(
            "Permissions not found (run migrate first): " + ", ".join(missing)
        )
    return list(found.values())


@transaction.atomic
def setup_roles() -> dict[str, int]:
    """Create or update the five groups with exactly their permissions. Safe to run twice."""
    counts = {}
    for code, names in collect_grants().items():
        role = ROLES_BY_CODE[code]
        group, _created = Group.objects.get_or_create(name=role.group_name)
        permissions = _permission_lookup(names)
        group.permissions.set(permissions)
        counts[role.group_name] = len(permissions)
    return counts


def group_for(role: Role) -> Group:
    return Group.objects.get(name=role.group_name)
