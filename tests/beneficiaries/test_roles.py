"""setup_roles grants the registry's permissions to the right people."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_officer_can_register_and_maintain_but_not_delete(officer):
    assert officer.has_perm("beneficiaries.add_beneficiary")
    assert officer.has_perm("beneficiaries.change_beneficiarydocument")
    assert not officer.has_perm("beneficiaries.delete_beneficiary")


def test_the_manager_reads_the_access_log_and_the_officer_does_not(manager, officer):
    assert manager.has_perm("beneficiaries.view_accesslog")
    assert not officer.has_perm("beneficiaries.view_accesslog")


def test_the_auditor_reads_everything_but_sensitive_data(auditor):
    assert auditor.has_perm("beneficiaries.view_beneficiary")
    assert auditor.has_perm("beneficiaries.view_accesslog")
    assert not auditor.has_perm("beneficiaries.view_sensitive_data")
    assert not auditor.has_perm("beneficiaries.change_beneficiary")


def test_the_researcher_reads_without_sensitive_data(researcher):
    assert researcher.has_perm("beneficiaries.view_beneficiary")
    assert not researcher.has_perm("beneficiaries.view_sensitive_data")


def test_committee_members_read_people_only_in_their_case_files(committee_member):
    # Not the registry: a member sees the people of their own committee's cases, in the
    # case file (tests/core/test_object_access.py covers another committee's member).
    assert not committee_member.has_perm("beneficiaries.view_beneficiary")
    assert not committee_member.has_perm("beneficiaries.view_sensitive_data")
