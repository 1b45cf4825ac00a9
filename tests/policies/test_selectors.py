"""version_in_force(kind), the contract other apps rely on, and review due dates."""

import datetime

import pytest

from policies.models import PolicyDocument, PolicyVersion
from policies.selectors import documents_due_for_review, officer_tools, version_in_force
from policies.services import policy_version_approve, policy_version_retire
from tests.factories import PolicyDocumentFactory, PolicyVersionFactory

pytestmark = pytest.mark.django_db
Kind = PolicyDocument.Kind


def test_on_a_fresh_install_the_standard_texts_are_drafts_not_in_force():
    for kind in (Kind.CONSENT, Kind.DECLARATION, Kind.PRIVACY_NOTICE, Kind.BENEFICIARY_RELATIONS):
        assert version_in_force(kind) is None
        assert PolicyVersion.objects.filter(document__kind=kind, status="draft").exists()


def test_version_in_force_returns_the_approved_version_of_the_kind(meeting, manager):
    draft = PolicyVersion.objects.get(document__kind=Kind.CONSENT)
    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    found = version_in_force(Kind.CONSENT)
    assert found.pk == draft.pk
    assert "أوافق" in found.body_ar_html
    assert version_in_force("consent").pk == draft.pk


def test_version_in_force_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="Unknown policy document kind"):
        version_in_force("concent")


def test_version_in_force_skips_inactive_documents_and_takes_the_first_in_order(meeting, manager):
    standard = PolicyVersion.objects.get(document__kind=Kind.PRIVACY_NOTICE)
    policy_version_approve(version=standard, meeting=meeting, actor=manager)
    earlier = PolicyVersionFactory(
        document=PolicyDocumentFactory(kind=Kind.PRIVACY_NOTICE, position=1)
    )
    assert version_in_force(Kind.PRIVACY_NOTICE).pk == standard.pk  # the earlier one is a draft
    policy_version_approve(version=earlier, meeting=meeting, actor=manager)
    assert version_in_force(Kind.PRIVACY_NOTICE).pk == earlier.pk
    PolicyDocument.objects.filter(pk=earlier.document_id).update(is_active=False)
    assert version_in_force(Kind.PRIVACY_NOTICE).pk == standard.pk


def test_version_in_force_is_none_after_the_version_is_retired(meeting, manager):
    draft = PolicyVersion.objects.get(document__kind=Kind.DECLARATION)
    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    policy_version_retire(version=draft, actor=manager)
    assert version_in_force(Kind.DECLARATION) is None


def test_a_document_whose_review_date_has_passed_is_due_for_review(meeting, manager):
    due = PolicyVersionFactory()
    later = PolicyVersionFactory()
    policy_version_approve(
        version=due,
        meeting=meeting,
        actor=manager,
        next_review_date=datetime.date(2025, 1, 1),
    )
    policy_version_approve(
        version=later,
        meeting=meeting,
        actor=manager,
        next_review_date=datetime.date(2030, 1, 1),
    )
    found = list(documents_due_for_review(today=datetime.date(2025, 6, 1)))
    assert found == [due.document]
    assert found[0].review_due_on == datetime.date(2025, 1, 1)
    assert found[0].version_number == due.number
    assert {d.pk for d in documents_due_for_review(today=datetime.date(2031, 1, 1))} == {
        due.document_id,
        later.document_id,
    }


def test_the_review_date_defaults_to_a_year_after_the_version_takes_effect(meeting, manager):
    version = policy_version_approve(version=PolicyVersionFactory(), meeting=meeting, actor=manager)
    assert version.next_review_date == datetime.date(2025, 9, 18)
    assert version.review_is_due(today=datetime.date(2025, 9, 18))
    assert not version.review_is_due(today=datetime.date(2025, 9, 17))


def test_officer_tools_list_the_pol_6_documents_in_order(meeting, manager):
    bylaws = PolicyVersionFactory(document=PolicyDocumentFactory(kind=Kind.BASIC_BYLAWS))
    policy_version_approve(version=bylaws, meeting=meeting, actor=manager)
    rows = officer_tools()
    assert [row.kind for row in rows][:4] == [
        Kind.BASIC_BYLAWS,
        Kind.SOCIAL_RESEARCH_GUIDE,
        Kind.SUPPORT_POLICY_GUIDE,
        Kind.SERVICE_DELIVERY_GUIDE,
    ]
    assert (
        rows[0].documents == [(bylaws.document, bylaws)] or rows[0].documents[0][1].pk == bylaws.pk
    )
    assert rows[1].documents == []
