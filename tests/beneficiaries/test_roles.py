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


def test_the_researcher_and_committee_read_without_sensitive_data(researcher, committee_member):
    for user in (researcher, committee_member):
        assert user.has_perm("beneficiaries.view_beneficiary")
        assert not user.has_perm("beneficiaries.view_sensitive_data")
