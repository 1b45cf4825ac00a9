"""Managers keep the policies; officers, researchers and committee members read and
acknowledge them; the auditor reads."""

import pytest

pytestmark = pytest.mark.django_db


def test_managers_manage_documents_versions_meetings_and_approve(manager):
    for perm in (
        "policies.add_policydocument",
        "policies.change_policyversion",
        "policies.approve_policyversion",
        "policies.add_boardmeeting",
        "policies.add_boardmember",
        "policies.add_boardattendance",
        "policies.view_policyacknowledgement",
    ):
        assert manager.has_perm(perm), perm


def test_officers_and_researchers_read_and_acknowledge_but_do_not_approve(officer, researcher):
    for user in (officer, researcher):
        assert user.has_perm("policies.view_policydocument")
        assert user.has_perm("policies.view_policyversion")
        assert user.has_perm("policies.add_policyacknowledgement")
        assert not user.has_perm("policies.approve_policyversion")
        assert not user.has_perm("policies.change_policyversion")
        assert not user.has_perm("policies.view_policyacknowledgement")


def test_the_auditor_reads_policies_and_acknowledgements_but_changes_nothing(auditor):
    assert auditor.has_perm("policies.view_policyversion")
    assert auditor.has_perm("policies.view_boardmeeting")
    assert auditor.has_perm("policies.view_policyacknowledgement")
    assert not auditor.has_perm("policies.approve_policyversion")
    assert not auditor.has_perm("policies.add_policyacknowledgement")
