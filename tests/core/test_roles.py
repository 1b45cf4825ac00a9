"""The five roles of DESIGN.md exist as groups with stable permissions."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from config.roles import AUDITOR, MANAGER, RELATIONS_OFFICER, ROLES

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        group.name: sorted(group.permissions.values_list("content_type__app_label", "codename"))
        for group in Group.objects.order_by("name")
    }


def test_setup_roles_creates_the_five_groups():
    call_command("setup_roles", verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) == {role.group_name for role in ROLES}


def test_setup_roles_twice_gives_the_same_groups_and_permissions():
    call_command("setup_roles", verbosity=0)
    first = snapshot()
    call_command("setup_roles", verbosity=0)
    assert snapshot() == first


def test_setup_roles_restores_a_permission_someone_removed():
    call_command("setup_roles", verbosity=0)
    group = Group.objects.get(name=MANAGER.group_name)
    group.permissions.clear()
    call_command("setup_roles", verbosity=0)
    assert group.permissions.filter(codename="change_associationprofile").exists()


def test_the_auditor_can_read_but_not_change():
    call_command("setup_roles", verbosity=0)
    codenames = set(
        Group.objects.get(name=AUDITOR.group_name).permissions.values_list("codename", flat=True)
    )
    assert codenames
    assert all(codename.startswith("view_") for codename in codenames)
    assert "view_sensitive_data" not in codenames


def test_the_relations_officer_cannot_change_the_association_profile(officer):
    assert officer.has_perm("policies.view_associationprofile")
    assert not officer.has_perm("policies.change_associationprofile")


def test_roles_use_stable_group_names():
    assert RELATIONS_OFFICER.group_name.endswith("Relations officer")
