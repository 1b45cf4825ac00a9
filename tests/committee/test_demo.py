"""seed_demo gives the default committee its members, weekly meetings, votes and decisions."""

import io

import pytest
from django.core.management import call_command

from requests_app.models import Committee, CommitteeMeeting, CommitteeVote, Decision, SupportRequest
from requests_app.workflow import Status

pytestmark = pytest.mark.django_db


def test_demo_decided_requests_have_their_decision_and_votes():
    call_command("seed_demo", "--beneficiaries", "120", "--requests", "300", stdout=io.StringIO())
    committee = Committee.objects.get(is_default=True)
    assert committee.members.count() == 3 and committee.chair is not None
    decided = SupportRequest.objects.filter(decided_at__isnull=False)
    assert decided.exists()
    assert Decision.objects.count() == decided.count()
    for decision in Decision.objects.select_related("support_request")[:20]:
        assert decision.meeting is not None
        assert decision.reason
        expected = (
            Status.REJECTED
            if decision.support_request.status_changes.filter(to_status=Status.REJECTED).exists()
            else Status.APPROVED
        )
        assert decision.outcome == expected
    assert CommitteeVote.objects.count() == 3 * decided.count()
    assert CommitteeMeeting.objects.exists()
    assert not SupportRequest.objects.filter(
        status=Status.COMMITTEE_REVIEW, decision__isnull=False
    ).exists()
