"""Two members completing the quorum at the same moment: exactly one decision."""

import threading

import pytest
from django.db import connection

from requests_app.committee import committee_vote_cast
from requests_app.models import CommitteeVote, Decision, StatusChange, Vote
from requests_app.workflow import Status
from tests.factories import CommitteeFactory, CommitteeUserFactory, SupportRequestFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_members_voting_at_once_give_exactly_one_decision(roles):
    members = [CommitteeUserFactory(username=f"racer{i}") for i in range(3)]
    committee = CommitteeFactory(members=members)
    case = SupportRequestFactory(program__committee=committee, program__quorum=2, in_committee=True)
    committee_vote_cast(support_request=case, member=members[0], vote=Vote.APPROVE, reason="أ")
    barrier = threading.Barrier(2)
    outcomes = []

    def cast(member):
        try:
            barrier.wait()
            committee_vote_cast(support_request=case, member=member, vote=Vote.APPROVE, reason="ب")
            outcomes.append("voted")
        except Exception as exc:  # the second finds the decision taken
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(member,)) for member in members[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["WorkflowError", "voted"]
    assert Decision.objects.filter(support_request=case).count() == 1
    assert StatusChange.objects.filter(support_request=case, to_status=Status.APPROVED).count() == 1
    assert CommitteeVote.objects.filter(support_request=case).count() == 2
