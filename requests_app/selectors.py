"""Reads of requests shared by the back-office, the tracking page and the committee."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import SupportRequest
from .workflow import AWAITING_DECISION, OPEN_STATUSES, Status


def open_requests() -> QuerySet[SupportRequest]:
    return SupportRequest.objects.filter(status__in=OPEN_STATUSES)


def overdue_q(now: datetime.datetime | None = None) -> Q:
    """Awaiting a decision past the due date, clock running (a paused request is not late)."""
    now = now or timezone.now()
    return Q(status__in=AWAITING_DECISION, decision_due_at__lt=now, clock_paused_at__isnull=True)


def due_within_q(days: int, now: datetime.datetime | None = None) -> Q:
    now = now or timezone.now()
    return Q(
        status__in=AWAITING_DECISION,
        decision_due_at__gte=now,
        decision_due_at__lt=now + datetime.timedelta(days=days),
        clock_paused_at__isnull=True,
    )


def latest_note_for_applicant(support_request: SupportRequest) -> str:
    """What the applicant is asked for, when the request waits on them."""
    if support_request.status != Status.NEEDS_INFO:
        return ""
    change = (
        support_request.status_changes.filter(to_status=Status.NEEDS_INFO)
        .order_by("-created_at", "-pk")
        .first()
    )
    return change.note if change else ""


def request_timeline(support_request: SupportRequest, kinds=None) -> list:
    """Everything that happened with one request, oldest first: status changes, research
    reports, referrals, messages, contacts and whatever other parts registered
    (channels_app.timeline). A fixed number of queries whatever the length of the history."""
    from channels_app.timeline import request_timeline as shared_timeline

    return shared_timeline(support_request, kinds=kinds)
