"""Reads of requests shared by the back-office, the tracking page and the committee."""

import datetime
from itertools import chain

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import StatusChange, SupportRequest
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


def request_timeline(support_request: SupportRequest) -> list[dict]:
    """Status changes, research reports, referrals and messages of one request, oldest first.

    A fixed number of queries whatever the length of the history."""
    entries = []
    for change in StatusChange.objects.filter(support_request=support_request).select_related(
        "actor"
    ):
        entries.append({"kind": "status", "at": change.created_at, "object": change})
    for report in support_request.research_reports.select_related("researcher"):
        entries.append({"kind": "research", "at": report.created_at, "object": report})
    for referral in support_request.referrals.select_related("created_by"):
        entries.append({"kind": "referral", "at": referral.created_at, "object": referral})
    from channels_app.selectors import notifications_for

    for notification in notifications_for(support_request):
        entries.append(
            {"kind": "notification", "at": notification.created_at, "object": notification}
        )
    return sorted(chain(entries), key=lambda entry: entry["at"])
