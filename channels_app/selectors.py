"""Reads that several pages and commands share: notifications, and the channel picture
(contacts per channel, inquiries answered on time, reach of published content)."""

import datetime
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from config.dashboard.stats import HoursBetween, aggregate_with_percentiles
from config.dates import day_range

from .models import Channel, Interaction, Notification, OutreachReach


def notifications_for(obj: models.Model) -> QuerySet[Notification]:
    """The messages about one record (a support request, a complaint…), oldest first,
    for its timeline. One query, served by the (related_type, related_id, created_at)
    index; the channel comes with each row."""
    return (
        Notification.objects.filter(
            related_type=ContentType.objects.get_for_model(obj), related_id=obj.pk
        )
        .select_related("channel")
        .order_by("created_at", "id")
    )


def notifications_for_many(objects: Iterable[models.Model]) -> QuerySet[Notification]:
    """The messages about several records at once (a beneficiary's requests and
    complaints), oldest first, in one query."""
    by_type: dict[ContentType, list[int]] = {}
    for obj in objects:
        by_type.setdefault(ContentType.objects.get_for_model(obj), []).append(obj.pk)
    if not by_type:
        return Notification.objects.none()
    condition = Q()
    for content_type, ids in by_type.items():
        condition |= Q(related_type=content_type, related_id__in=ids)
    return (
        Notification.objects.filter(condition)
        .select_related("channel")
        .order_by("created_at", "id")
    )


def notifications_to_retry(*, max_attempts: int) -> QuerySet[Notification]:
    """Failed messages that have been tried fewer than ``max_attempts`` times, oldest
    first."""
    return Notification.objects.filter(
        status=Notification.Status.FAILED, attempts__lt=max_attempts
    ).order_by("created_at", "id")


def notifications_stuck(*, older_than: datetime.timedelta) -> QuerySet[Notification]:
    """Messages still "queued" or "sending" long after they should have gone: the task
    queue was down, or a worker stopped mid-send."""
    cutoff = timezone.now() - older_than
    return Notification.objects.filter(
        Q(status=Notification.Status.QUEUED, created_at__lt=cutoff, last_attempt_at__isnull=True)
        | Q(status=Notification.Status.QUEUED, last_attempt_at__lt=cutoff)
        | Q(status=Notification.Status.SENDING, last_attempt_at__lt=cutoff)
    ).order_by("created_at", "id")


# -- the channel picture (contacts, answers, reach); the dashboard reuses these -------------


def channel_mix(start: datetime.date, end: datetime.date) -> list[dict]:
    """Contacts per channel and direction between two dates (inclusive), every active
    channel listed, in the policy's order. Two queries."""
    begin, finish = day_range(start, end)
    counts = {
        (row["channel_id"], row["direction"]): row["n"]
        for row in Interaction.objects.filter(occurred_at__gte=begin, occurred_at__lt=finish)
        .values("channel_id", "direction")
        .annotate(n=Count("id"))
        .order_by()
    }
    rows = []
    for channel in Channel.objects.all():
        incoming = counts.get((channel.pk, Interaction.Direction.INCOMING), 0)
        outgoing = counts.get((channel.pk, Interaction.Direction.OUTGOING), 0)
        if not channel.is_active and not (incoming or outgoing):
            continue
        rows.append(
            {
                "channel": channel,
                "incoming": incoming,
                "outgoing": outgoing,
                "total": incoming + outgoing,
            }
        )
    return rows


def monthly_contacts(start: datetime.date, end: datetime.date) -> list[dict]:
    """Contacts per month and channel: [{"month": date, "counts": {channel_id: n}, "total": n}]."""
    begin, finish = day_range(start, end)
    months: dict[datetime.date, dict] = {}
    for row in (
        Interaction.objects.filter(occurred_at__gte=begin, occurred_at__lt=finish)
        .annotate(month=TruncMonth("occurred_at"))
        .values("month", "channel_id")
        .annotate(n=Count("id"))
        .order_by("month")
    ):
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        entry = months.setdefault(month, {"month": month, "counts": {}, "total": 0})
        entry["counts"][row["channel_id"]] = row["n"]
        entry["total"] += row["n"]
    return list(months.values())


def inquiries_answer_stats(start: datetime.date, end: datetime.date, now=None) -> dict:
    """Incoming inquiries received between two dates that had an answer due (POL-7.1):
    how many, answered on time, answered late, still open (and of those overdue), and
    the median hours to answer (percentile_cont in the database: one query on
    PostgreSQL)."""
    now = now or timezone.now()
    begin, finish = day_range(start, end)
    inquiries = Interaction.objects.filter(
        occurred_at__gte=begin, occurred_at__lt=finish, response_due_at__isnull=False
    )
    figures = aggregate_with_percentiles(
        inquiries,
        {
            "total": Count("id"),
            "answered": Count("id", filter=Q(answered_at__isnull=False)),
            "on_time": Count(
                "id", filter=Q(answered_at__isnull=False, answered_at__lte=F("response_due_at"))
            ),
            "open": Count("id", filter=Q(answered_at__isnull=True)),
            "overdue": Count("id", filter=Q(answered_at__isnull=True, response_due_at__lt=now)),
        },
        HoursBetween("occurred_at", "answered_at"),
        {"median_hours": 0.5},
        where=Q(answered_at__isnull=False),
    )
    figures["late"] = figures["answered"] - figures["on_time"]
    figures["on_time_rate"] = (
        round(100 * figures["on_time"] / figures["answered"]) if figures["answered"] else None
    )
    median = figures["median_hours"]
    figures["median_hours"] = round(median, 1) if median is not None else None
    return figures


def request_channels(start: datetime.date, end: datetime.date) -> list[dict]:
    """The channels support requests arrived through, submitted between two dates."""
    from requests_app.models import SupportRequest

    begin, finish = day_range(start, end)
    counts = dict(
        SupportRequest.objects.filter(submitted_at__gte=begin, submitted_at__lt=finish)
        .values_list("channel_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {"channel": channel, "requests": counts[channel.pk]}
        for channel in Channel.objects.all()
        if counts.get(channel.pk)
    ]


def indirect_reach(start: datetime.date, end: datetime.date) -> dict:
    """Indirect beneficiaries reached between two dates (POL-3.2), from the platforms'
    counts (no personal data) per channel, plus the indirect beneficiaries registered by
    name in the period (e.g. lecture attendees). A reach period counts when it starts
    within the dates."""
    from beneficiaries.models import Beneficiary

    per_channel = {
        row["item__channel_id"]: row
        for row in OutreachReach.objects.filter(period_start__gte=start, period_start__lte=end)
        .values("item__channel_id")
        .annotate(
            views=Sum("views"),
            reach=Sum("reach"),
            engagements=Sum("engagements"),
            downloads=Sum("downloads"),
            items=Count("item_id", distinct=True),
        )
        .order_by()
    }
    rows = []
    totals = {"views": 0, "reach": 0, "engagements": 0, "downloads": 0, "items": 0}
    for channel in Channel.objects.all():
        row = per_channel.get(channel.pk)
        if not row:
            continue
        entry = {"channel": channel, **{key: row[key] or 0 for key in totals}}
        for key in totals:
            totals[key] += entry[key]
        rows.append(entry)
    begin, finish = day_range(start, end)
    registered = Beneficiary.objects.filter(
        kind=Beneficiary.Kind.INDIRECT, created_at__gte=begin, created_at__lt=finish
    ).count()
    return {"channels": rows, "totals": totals, "registered_indirect": registered}


def monthly_reach(start: datetime.date, end: datetime.date) -> list[dict]:
    """Reach per month (by the month a reach period starts in), all channels together."""
    rows = []
    for row in (
        OutreachReach.objects.filter(period_start__gte=start, period_start__lte=end)
        .annotate(month=TruncMonth("period_start"))
        .values("month")
        .annotate(views=Sum("views"), reach=Sum("reach"), engagements=Sum("engagements"))
        .order_by("month")
    ):
        month = row["month"]
        rows.append(
            {**row, "month": month.date() if isinstance(month, datetime.datetime) else month}
        )
    return rows
