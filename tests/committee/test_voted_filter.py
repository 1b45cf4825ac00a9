"""The queue's "My vote" filter at scale (issue 11): a member's votes on undecided requests
are "open" (CommitteeVote.open, the partial index vote_member_open), so "voted" reads those
few and not the hundreds of thousands the member cast on decided requests."""

import importlib

import pytest
from django.apps import apps

from requests_app import committee as committee_service
from requests_app.models import CommitteeVote, Decision, Vote
from requests_app.workflow import Status
from tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, members):
    client.force_login(members[1])
    return client


def _refs(client, query, rows) -> set[str]:
    html = client.get("/committee/?" + query).content.decode()
    return {row.display_reference for row in rows if row.display_reference in html}


def test_voted_lists_the_members_own_votes_in_review_and_not_voted_the_rest(
    member_client, program, members
):
    mine, theirs, nobodys = (
        SupportRequestFactory(program=program, in_committee=True) for _ in range(3)
    )
    CommitteeVote.objects.create(support_request=mine, member=members[1], vote=Vote.ABSTAIN)
    CommitteeVote.objects.create(support_request=theirs, member=members[2], vote=Vote.ABSTAIN)
    # A recusal is the member's answer too: it counts as voted.
    recused = SupportRequestFactory(program=program, in_committee=True)
    committee_service.committee_vote_recuse(
        support_request=recused, member=members[1], statement="قريب"
    )
    rows = [mine, theirs, nobodys, recused]
    assert _refs(member_client, "voted=yes", rows) == {
        mine.display_reference,
        recused.display_reference,
    }
    assert _refs(member_client, "voted=no", rows) == {
        theirs.display_reference,
        nobodys.display_reference,
    }


def test_a_decision_closes_the_votes_of_its_request_only(case, program, members):
    other = SupportRequestFactory(program=program, in_committee=True)
    CommitteeVote.objects.create(support_request=other, member=members[0], vote=Vote.APPROVE)
    for member in members[:3]:
        committee_service.committee_vote_cast(
            support_request=case, member=member, vote=Vote.APPROVE
        )
    case.refresh_from_db()
    assert case.status == Status.APPROVED
    assert not CommitteeVote.objects.filter(support_request=case, open=True).exists()
    assert CommitteeVote.objects.get(support_request=other).open


def test_a_new_vote_is_open(case, members):
    vote = committee_service.committee_vote_cast(
        support_request=case, member=members[0], vote=Vote.ABSTAIN
    )
    assert vote.open


def test_the_migration_opens_only_the_votes_of_undecided_requests(case, program, members):
    decided = SupportRequestFactory(program=program, status=Status.APPROVED)
    Decision.objects.create(
        support_request=decided,
        committee=program.committee,
        outcome=Decision.Outcome.APPROVED,
        reason="—",
        decided_by=members[0],
    )
    for request in (case, decided):
        CommitteeVote.objects.create(
            support_request=request, member=members[0], vote=Vote.APPROVE, open=False
        )
    migration = importlib.import_module("requests_app.migrations.0011_committee_vote_open")
    migration.open_undecided_votes(apps, None)
    assert CommitteeVote.objects.get(support_request=case).open
    assert not CommitteeVote.objects.get(support_request=decided).open


def test_the_voted_filter_reads_only_open_votes(
    member_client, program, members, django_assert_max_num_queries
):
    SupportRequestFactory(program=program, in_committee=True)
    with django_assert_max_num_queries(11) as captured:
        assert member_client.get("/committee/?voted=yes").status_code == 200
    page = next(
        q["sql"] for q in captured.captured_queries if "requests_app_supportrequest" in q["sql"]
    )
    assert 'U0"."open"' in page
