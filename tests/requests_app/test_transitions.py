"""The one transition function: every allowed move, every refused one, who may make it."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from requests_app.models import StatusChange
from requests_app.services import WorkflowError, support_request_transition
from requests_app.workflow import ALLOWED_MOVES, DECISION_MOVES, Status
from tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db

ALLOWED = [
    (source, target)
    for source, targets in ALLOWED_MOVES.items()
    for target in sorted(targets)
    if target not in DECISION_MOVES
    and not (source == Status.VERIFICATION and target == Status.COMMITTEE_REVIEW)
]
REFUSED = [
    (source, target)
    for source, target in itertools.product(Status.values, Status.values)
    if target not in ALLOWED_MOVES[source]
]


def note_for(target):
    return (
        "السبب: نقص في المستندات"
        if target in (Status.NEEDS_INFO, Status.REFERRED_EXTERNAL, Status.WITHDRAWN)
        else ""
    )


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=lambda v: str(v))
def test_every_allowed_move_is_made_and_recorded(source, target, manager):
    support_request = SupportRequestFactory(status=source)
    if target in (Status.IN_DELIVERY, Status.DELIVERED):  # the delivery guard (issue 8)
        from requests_app.models import ServiceDelivery

        ServiceDelivery.objects.create(
            support_request=support_request, kind="in_kind", delivered_by=manager
        )
    change = support_request_transition(
        support_request=support_request, to_status=target, actor=manager, note=note_for(target)
    )
    support_request.refresh_from_db()
    assert support_request.status == target
    assert (change.from_status, change.to_status, change.actor) == (source, target, manager)


@pytest.mark.parametrize(("source", "target"), REFUSED, ids=lambda v: str(v))
def test_every_move_not_in_the_table_is_refused_and_changes_nothing(source, target, manager):
    support_request = SupportRequestFactory(status=source)
    with pytest.raises(WorkflowError):
        support_request_transition(
            support_request=support_request, to_status=target, actor=manager, note="x"
        )
    support_request.refresh_from_db()
    assert support_request.status == source
    assert not StatusChange.objects.filter(support_request=support_request).exists()


def test_a_second_click_on_the_same_move_is_refused_clearly(manager):
    support_request = SupportRequestFactory()
    support_request_transition(
        support_request=support_request, to_status=Status.VERIFICATION, actor=manager
    )
    with pytest.raises(WorkflowError, match="already"):
        support_request_transition(
            support_request=support_request, to_status=Status.VERIFICATION, actor=manager
        )
    assert StatusChange.objects.filter(support_request=support_request).count() == 1


def test_a_stale_instance_cannot_move_the_request_twice(manager):
    support_request = SupportRequestFactory()
    stale = type(support_request).objects.get(pk=support_request.pk)
    support_request_transition(
        support_request=support_request, to_status=Status.WITHDRAWN, actor=manager, note="تراجع"
    )
    with pytest.raises(WorkflowError):
        support_request_transition(
            support_request=stale, to_status=Status.VERIFICATION, actor=manager
        )


@pytest.mark.parametrize("target", sorted(DECISION_MOVES))
def test_approve_and_reject_are_refused_without_a_committee_decision(target, manager):
    support_request = SupportRequestFactory(in_committee=True)
    with pytest.raises(WorkflowError, match="committee decision"):
        support_request_transition(support_request=support_request, to_status=target, actor=manager)


def test_needs_info_requires_a_note_the_applicant_can_read(officer):
    support_request = SupportRequestFactory(in_verification=True)
    with pytest.raises(WorkflowError, match="missing"):
        support_request_transition(
            support_request=support_request, to_status=Status.NEEDS_INFO, actor=officer, note="  "
        )


def test_an_auditor_cannot_move_a_request(auditor):
    support_request = SupportRequestFactory()
    with pytest.raises(PermissionDenied):
        support_request_transition(
            support_request=support_request, to_status=Status.VERIFICATION, actor=auditor
        )


def test_a_researcher_cannot_verify_but_can_return_a_researched_request(researcher):
    fresh = SupportRequestFactory()
    with pytest.raises(PermissionDenied):
        support_request_transition(
            support_request=fresh, to_status=Status.VERIFICATION, actor=researcher
        )
    referred = SupportRequestFactory(status=Status.REFERRED_RESEARCH)
    support_request_transition(
        support_request=referred, to_status=Status.VERIFICATION, actor=researcher
    )


def test_the_applicant_may_only_answer_or_withdraw():
    waiting = SupportRequestFactory(waiting_for_applicant=True)
    support_request_transition(
        support_request=waiting, to_status=Status.VERIFICATION, actor=None, note="أرفقت الصك"
    )
    other = SupportRequestFactory()
    with pytest.raises(PermissionDenied):
        support_request_transition(support_request=other, to_status=Status.VERIFICATION, actor=None)
    support_request_transition(
        support_request=other, to_status=Status.WITHDRAWN, actor=None, note="لم أعد بحاجة"
    )


def test_closing_and_withdrawing_stamp_the_closing_time(manager):
    support_request = SupportRequestFactory(status=Status.REJECTED)
    support_request_transition(
        support_request=support_request, to_status=Status.CLOSED, actor=manager
    )
    support_request.refresh_from_db()
    assert support_request.closed_at is not None
