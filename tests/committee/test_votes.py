"""Votes, recusals, quorum and tie rules, and the decision they produce (POL-7.7)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from requests_app.committee import (
    committee_vote_cast,
    committee_vote_recuse,
    decision_pending_reason,
)
from requests_app.models import CommitteeVote, Decision, StatusChange, Vote
from requests_app.services import WorkflowError
from requests_app.workflow import Status
from tests.factories import CommitteeFactory, CommitteeUserFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db


def vote(case, member, choice, reason="", **kwargs):
    return committee_vote_cast(
        support_request=case, member=member, vote=choice, reason=reason, **kwargs
    )


def test_no_decision_before_the_quorum(case, members):
    vote(case, members[1], Vote.APPROVE, "الأسرة مستحقة")
    vote(case, members[2], Vote.APPROVE)
    case.refresh_from_db()
    assert case.status == Status.COMMITTEE_REVIEW
    assert not Decision.objects.exists()
    assert "2 of the 3" in decision_pending_reason(case)


def test_majority_at_quorum_approves_and_moves_the_request(case, members):
    vote(
        case,
        members[1],
        Vote.APPROVE,
        "الأسرة مستحقة",
        recommended_kind="cash",
        recommended_amount=Decimal("1500"),
    )
    vote(case, members[2], Vote.REJECT, "الدخل كاف")
    vote(case, members[3], Vote.APPROVE, "الحالة موثقة", recommended_amount=Decimal("1000"))
    case.refresh_from_db()
    decision = case.decision
    assert case.status == Status.APPROVED
    assert case.decided_at is not None
    assert decision.outcome == Decision.Outcome.APPROVED
    assert (decision.approvals, decision.rejections, decision.abstentions) == (2, 1, 0)
    assert "الأسرة مستحقة" in decision.reason and "الحالة موثقة" in decision.reason
    assert "الدخل كاف" not in decision.reason
    assert decision.approved_kind == "cash"
    assert decision.approved_amount == Decimal("1000")  # the smallest the approvers named
    assert len(decision.votes_snapshot) == 3
    change = StatusChange.objects.get(support_request=case, to_status=Status.APPROVED)
    assert change.note == decision.reason
    assert change.actor == members[3]


def test_majority_rejection_gives_the_applicant_the_reason(case, members):
    vote(case, members[1], Vote.REJECT, "لا تنطبق شروط البرنامج")
    vote(case, members[2], Vote.REJECT, "الدخل يتجاوز الحد")
    vote(case, members[3], Vote.ABSTAIN)
    case.refresh_from_db()
    assert case.status == Status.REJECTED
    assert case.decision.reason == "لا تنطبق شروط البرنامج؛ الدخل يتجاوز الحد"
    change = StatusChange.objects.get(support_request=case, to_status=Status.REJECTED)
    assert "الدخل يتجاوز الحد" in change.note


def test_a_tie_waits_for_more_votes(case, members):
    vote(case, members[1], Vote.APPROVE, "مستحقة")
    vote(case, members[2], Vote.REJECT, "غير مستحقة")
    vote(case, members[3], Vote.ABSTAIN)
    case.refresh_from_db()
    assert case.status == Status.COMMITTEE_REVIEW
    assert "tied" in decision_pending_reason(case)


def test_the_chair_breaks_a_tie(case, members, chair):
    vote(case, chair, Vote.APPROVE, "يرجح الرئيس القبول لظروف الأسرة")
    vote(case, members[1], Vote.REJECT, "الدخل كاف")
    vote(case, members[2], Vote.REJECT, "الدخل كاف")
    case.refresh_from_db()
    assert case.status == Status.REJECTED  # 2 to 1 at the quorum: the majority decides
    assert not case.decision.tie_broken_by_chair


def test_a_tie_at_the_quorum_is_decided_by_the_chair(members, chair):
    committee = CommitteeFactory(members=members, chair=chair)
    case = SupportRequestFactory(program__committee=committee, program__quorum=4, in_committee=True)
    vote(case, members[1], Vote.REJECT, "الدخل كاف")
    vote(case, members[2], Vote.APPROVE, "مستحقة")
    vote(case, members[3], Vote.REJECT, "الدخل كاف")
    vote(case, chair, Vote.APPROVE, "يرجح الرئيس القبول لظروف الأسرة")
    case.refresh_from_db()
    assert case.status == Status.APPROVED
    assert case.decision.tie_broken_by_chair
    assert case.decision.reason == "يرجح الرئيس القبول لظروف الأسرة"


def test_a_tie_with_the_chair_abstaining_stays_in_review(members, chair):
    committee = CommitteeFactory(members=members, chair=chair)
    case = SupportRequestFactory(program__committee=committee, program__quorum=3, in_committee=True)
    vote(case, members[1], Vote.REJECT, "الدخل كاف")
    vote(case, members[2], Vote.APPROVE, "مستحقة")
    vote(case, chair, Vote.ABSTAIN)
    case.refresh_from_db()
    assert case.status == Status.COMMITTEE_REVIEW
    vote(case, chair, Vote.APPROVE, "القبول")
    case.refresh_from_db()
    assert case.status == Status.APPROVED


def test_a_tie_without_a_chair_stays_in_review(members):
    committee = CommitteeFactory(members=members[:2])
    case = SupportRequestFactory(program__committee=committee, program__quorum=2, in_committee=True)
    vote(case, members[0], Vote.APPROVE)
    vote(case, members[1], Vote.REJECT, "سبب")
    case.refresh_from_db()
    assert case.status == Status.COMMITTEE_REVIEW
    assert not Decision.objects.exists()


def test_reject_needs_a_reason_and_nothing_changes(case, members):
    with pytest.raises(WorkflowError) as error:
        vote(case, members[1], Vote.REJECT, "   ")
    assert "reason" in error.value.message_dict
    assert not CommitteeVote.objects.exists()


def test_a_member_changes_their_vote_before_the_decision(case, members):
    vote(case, members[1], Vote.REJECT, "ناقص")
    vote(case, members[1], Vote.APPROVE, "اكتمل")
    current = CommitteeVote.objects.get(support_request=case, member=members[1])
    assert current.vote == Vote.APPROVE
    assert current.history.count() == 2
    assert CommitteeVote.objects.filter(support_request=case).count() == 1


def test_no_vote_change_after_the_decision(case, members):
    for member in members[1:]:
        vote(case, member, Vote.APPROVE, "مستحقة")
    with pytest.raises(WorkflowError, match="already decided"):
        vote(case, members[1], Vote.REJECT, "تراجعت")
    with pytest.raises(WorkflowError, match="already decided"):
        vote(case, members[0], Vote.APPROVE)
    assert Decision.objects.count() == 1
    assert CommitteeVote.objects.get(support_request=case, member=members[1]).vote == Vote.APPROVE


def test_recused_member_cannot_vote_and_does_not_count(case, members):
    committee_vote_recuse(support_request=case, member=members[1], statement="المتقدم ابن عمي")
    with pytest.raises(WorkflowError, match="recused"):
        vote(case, members[1], Vote.APPROVE)
    vote(case, members[2], Vote.APPROVE, "مستحقة")
    vote(case, members[3], Vote.APPROVE, "مستحقة")
    case.refresh_from_db()
    assert case.status == Status.COMMITTEE_REVIEW  # 2 counted votes, quorum 3
    vote(case, members[0], Vote.APPROVE, "مستحقة")
    case.refresh_from_db()
    assert case.decision.recusals == 1
    assert case.decision.approvals == 3


def test_recusal_withdraws_an_earlier_vote(case, members):
    vote(case, members[1], Vote.APPROVE)
    committee_vote_recuse(support_request=case, member=members[1], statement="قرابة")
    current = CommitteeVote.objects.get(support_request=case, member=members[1])
    assert current.vote == Vote.RECUSE
    assert current.conflict_statement == "قرابة"


def test_recusal_needs_a_statement(case, members):
    with pytest.raises(WorkflowError):
        committee_vote_recuse(support_request=case, member=members[1], statement="")
    assert not CommitteeVote.objects.exists()


def test_a_non_member_and_another_committees_member_cannot_vote(case, roles, outsider, officer):
    stranger = CommitteeUserFactory(username="stranger")
    CommitteeFactory(members=[stranger])
    for person in (outsider, officer, stranger):
        with pytest.raises(PermissionDenied):
            vote(case, person, Vote.APPROVE)
    assert not CommitteeVote.objects.exists()


def test_a_member_who_lost_the_role_cannot_vote(case, members):
    members[1].groups.clear()
    members[1] = type(members[1]).objects.get(pk=members[1].pk)  # fresh permission cache
    with pytest.raises(PermissionDenied):
        vote(case, members[1], Vote.APPROVE)


def test_no_vote_on_a_request_not_in_review(program, members):
    case = SupportRequestFactory(program=program, in_verification=True)
    with pytest.raises(WorkflowError, match="not before the committee"):
        vote(case, members[1], Vote.APPROVE)


def test_a_meeting_of_another_committee_is_refused(case, members):
    from tests.factories import CommitteeMeetingFactory

    meeting = CommitteeMeetingFactory()
    with pytest.raises(WorkflowError):
        vote(case, members[1], Vote.APPROVE, meeting=meeting)


def test_the_decision_records_the_meeting(case, members, committee):
    from tests.factories import CommitteeMeetingFactory

    meeting = CommitteeMeetingFactory(committee=committee)
    vote(case, members[1], Vote.APPROVE, "أ")
    vote(case, members[2], Vote.APPROVE, "ب")
    vote(case, members[3], Vote.APPROVE, "ج", meeting=meeting)
    case.refresh_from_db()
    assert case.decision.meeting == meeting
    assert list(meeting.decisions.all()) == [case.decision]


def test_default_committee_reviews_programs_without_their_own(committee_member):
    from requests_app.committee import committees_of, review_queue_for

    case = SupportRequestFactory(in_committee=True)
    assert case.program.committee is None
    default = committees_of(committee_member)
    assert [c.is_default for c in default] == [True]
    assert list(review_queue_for(committee_member)) == [case]
    vote(case, committee_member, Vote.APPROVE)
    assert CommitteeVote.objects.count() == 1


def test_a_second_decision_is_refused(case, members):
    for member in members[1:]:
        vote(case, member, Vote.APPROVE, "مستحقة")
    from requests_app.committee import decision_take_if_due

    assert (
        decision_take_if_due(
            support_request=case, committee=case.program.committee, actor=members[0]
        )
        is None
    )
    assert Decision.objects.count() == 1


def test_approve_without_decision_is_still_refused(case, members):
    from requests_app.services import support_request_transition

    with pytest.raises(WorkflowError, match="committee decision"):
        support_request_transition(
            support_request=case, to_status=Status.APPROVED, actor=members[1]
        )


def test_a_decision_cannot_be_changed_or_deleted(case, members):
    for member in members[1:]:
        vote(case, member, Vote.APPROVE, "مستحقة")
    decision = Decision.objects.get()
    decision.outcome = Decision.Outcome.REJECTED
    with pytest.raises(ValueError):
        decision.save()
    with pytest.raises(ValueError):
        decision.delete()
    assert Decision.objects.get().outcome == Decision.Outcome.APPROVED


def test_the_applicant_is_told_the_rejection_and_its_reason(
    case, members, django_capture_on_commit_callbacks
):
    from channels_app.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        vote(case, members[1], Vote.REJECT, "الدخل يتجاوز حد الاستحقاق")
        vote(case, members[2], Vote.REJECT, "الدخل يتجاوز حد الاستحقاق")
        vote(case, members[3], Vote.APPROVE, "مستحقة")
    message = Notification.objects.get(event="decided_rejected")
    # The short SMS says "rejected, call us"; the reason travels in the message's context
    # (the e-mail and the tracking page show it).
    assert message.context["reason"] == "الدخل يتجاوز حد الاستحقاق"


def test_a_quorum_the_committee_cannot_reach_is_said_plainly(case, members):
    for member in members[1:3]:
        committee_vote_recuse(support_request=case, member=member, statement="قرابة")
    # 4 members, 2 recused: 2 can vote, the quorum is 3.
    assert "Only 2 members can vote" in decision_pending_reason(case)
    case.program.quorum = 2
    case.program.save()
    assert "0 of the 2" in decision_pending_reason(case)
