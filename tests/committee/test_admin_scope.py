"""A committee member reads, in the back-office, the meetings, votes and decisions of the
committees they sit on, not every committee's (POL-7.4: need to know); whoever reads
requests there sees them all."""

import pytest

from requests_app.models import Committee, CommitteeMeeting, CommitteeVote, Decision, Vote
from tests.factories import (
    CommitteeFactory,
    CommitteeMeetingFactory,
    CommitteeUserFactory,
    ProgramFactory,
    SupportRequestFactory,
)

pytestmark = pytest.mark.django_db

VOTES = "/admin/requests_app/committeevote/"
DECISIONS = "/admin/requests_app/decision/"
MEETINGS = "/admin/requests_app/committeemeeting/"


def _decided(case, committee, member, reason):
    CommitteeVote.objects.create(
        support_request=case, member=member, vote=Vote.REJECT, reason=reason
    )
    Decision.objects.create(
        support_request=case,
        committee=committee,
        outcome=Decision.Outcome.REJECTED,
        reason=reason,
        decided_by=member,
    )


@pytest.fixture
def two_committees(committee, members, program):
    """Ours (the ``committee`` fixture, members 1–4) and another with its own member, each
    with a decided case and a meeting."""
    outsider = CommitteeUserFactory(username="outsider")
    other = CommitteeFactory(members=[outsider], chair=outsider, name_en="Other committee")
    ours = SupportRequestFactory(program=program, in_committee=True)
    theirs = SupportRequestFactory(program=ProgramFactory(committee=other), in_committee=True)
    _decided(ours, committee, members[0], "سبب لجنتنا")
    _decided(theirs, other, outsider, "سبب اللجنة الأخرى")
    CommitteeMeetingFactory(committee=committee, place="قاعة لجنتنا")
    CommitteeMeetingFactory(committee=other, place="قاعة اللجنة الأخرى")
    return {"ours": ours, "theirs": theirs, "other": other, "outsider": outsider}


def _rows(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.context["cl"].result_list


def test_a_member_sees_only_their_committees_meetings_votes_and_decisions(
    client, members, committee, two_committees
):
    client.force_login(members[1])
    votes = _rows(client, VOTES)
    assert {vote.support_request_id for vote in votes} == {two_committees["ours"].pk}
    decisions = _rows(client, DECISIONS)
    assert {decision.committee_id for decision in decisions} == {committee.pk}
    meetings = _rows(client, MEETINGS)
    assert {meeting.committee_id for meeting in meetings} == {committee.pk}
    # Nor by the address of one.
    theirs = CommitteeVote.objects.get(support_request=two_committees["theirs"])
    response = client.get(f"{VOTES}{theirs.pk}/change/", follow=True)
    assert "سبب اللجنة الأخرى" not in response.content.decode()


def test_a_member_cannot_read_another_committees_meeting_through_its_history(
    client, members, committee, two_committees
):
    ours = CommitteeMeeting.objects.get(committee=committee)
    theirs = CommitteeMeeting.objects.get(committee=two_committees["other"])
    version = theirs.history.latest().history_id
    client.force_login(members[1])
    assert client.get(f"{MEETINGS}{ours.pk}/history/").status_code == 200
    assert client.get(f"{MEETINGS}{theirs.pk}/history/").status_code == 403
    assert client.get(f"{MEETINGS}{theirs.pk}/history/{version}/").status_code == 403
    client.force_login(two_committees["outsider"])
    assert client.get(f"{MEETINGS}{theirs.pk}/history/{version}/").status_code == 200


def test_the_default_committee_s_cases_and_a_member_s_own_votes_stay_visible(
    client, members, committee, two_committees
):
    """A program without a committee goes to the default one, on which every member sits
    while it lists nobody; a vote a member cast stays theirs to read after they leave."""
    default = Committee.objects.filter(is_default=True).first() or CommitteeFactory(is_default=True)
    assert not default.members.exists()
    unassigned = SupportRequestFactory(program=ProgramFactory(committee=None), in_committee=True)
    CommitteeVote.objects.create(support_request=unassigned, member=members[2], vote=Vote.APPROVE)
    committee.members.remove(members[1])
    client.force_login(members[1])
    assert {vote.support_request_id for vote in _rows(client, VOTES)} == {unassigned.pk}
    default.members.add(members[2])  # the default committee now lists its own members
    assert list(_rows(client, VOTES)) == []
    CommitteeVote.objects.create(
        support_request=two_committees["ours"], member=members[1], vote=Vote.APPROVE
    )
    assert {vote.member_id for vote in _rows(client, VOTES)} == {members[1].pk}


@pytest.mark.parametrize("who", ["manager", "auditor"])
def test_those_who_read_requests_see_every_committee(request, client, two_committees, who):
    client.force_login(request.getfixturevalue(who))
    assert len(_rows(client, VOTES)) == 2
    assert len(_rows(client, DECISIONS)) == 2
    assert len(_rows(client, MEETINGS)) == 2
