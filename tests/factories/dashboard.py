"""Requests at known dates for the dashboard's hand-computed figures."""

import datetime
import zoneinfo

from requests_app.models import StatusChange
from requests_app.workflow import Status

from .requests_app import SupportRequestFactory

__all__ = ["decided_request", "delivered_request", "riyadh"]


def riyadh(year, month, day, hour=10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=zoneinfo.ZoneInfo("Asia/Riyadh"))


def decided_request(*, submitted, days_to_decide, status=Status.APPROVED, **kwargs):
    """A request submitted at ``submitted`` and decided ``days_to_decide`` days later."""
    return SupportRequestFactory(
        submitted_at=submitted,
        decided_at=submitted + datetime.timedelta(days=days_to_decide),
        status=status,
        **kwargs,
    )


def delivered_request(*, submitted, delivered, **kwargs):
    request = decided_request(
        submitted=submitted, days_to_decide=1, status=Status.DELIVERED, **kwargs
    )
    StatusChange.objects.create(
        support_request=request,
        from_status=Status.IN_DELIVERY,
        to_status=Status.DELIVERED,
        created_at=delivered,
    )
    return request
