"""The dashboard's figures, each from one aggregate query (or, for the percentiles on
SQLite, a count and one small query per percentile). Nothing here loops over rows.

Every function takes a ``DashboardFilters`` and returns plain data; ``panels`` turns it
into figures, charts and tables."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.utils import timezone

from beneficiaries.models import Beneficiary, Gender, Region
from requests_app.models import Program, StatusChange, SupportRequest
from requests_app.workflow import AWAITING_DECISION, OPEN_STATUSES, Status

from .periods import Period
from .stats import HoursBetween, PercentileCont, has_percentile_cont, percentiles_fallback

OVERDUE_LIST_SIZE = 20
# Age bands (years, upper bound excluded); the last one is open-ended.
AGE_BANDS = [(0, 18), (18, 30), (30, 45), (45, 60), (60, None)]


@dataclass(frozen=True)
class DashboardFilters:
    period: Period
    program: Program | None = None
    channel: object | None = None  # channels_app.Channel
    region: str = ""
    extra: dict = field(default_factory=dict)

    def requests(self):
        """Support requests matching program, channel and region (not the period)."""
        queryset = SupportRequest.objects.all()
        if self.program is not None:
            queryset = queryset.filter(program=self.program)
        if self.channel is not None:
            queryset = queryset.filter(channel=self.channel)
        if self.region:
            queryset = queryset.filter(beneficiary__region=self.region)
        return queryset

    def as_dict(self) -> dict:
        data = self.period.as_filters()
        if self.program is not None:
            data["program"] = self.program.code
        if self.channel is not None:
            data["channel"] = self.channel.code
        if self.region:
            data["region"] = self.region
        return data


def _per_month(queryset, field_name: str, period: Period) -> list[int]:
    """Rows of ``queryset`` per month of the period, by ``field_name``: one query."""
    aggregates = {
        f"m{i}": Count("pk", filter=Q(**{f"{field_name}__gte": lo, f"{field_name}__lt": hi}))
        for i, (lo, hi) in enumerate(period.boundaries())
    }
    in_period = {f"{field_name}__gte": period.start, f"{field_name}__lt": period.end}
    row = queryset.filter(**in_period).aggregate(**aggregates)
    return [row[f"m{i}"] or 0 for i in range(len(period.months))]


def received_per_month(filters: DashboardFilters) -> list[int]:
    return _per_month(filters.requests(), "submitted_at", filters.period)


def decided_per_month(filters: DashboardFilters) -> list[int]:
    return _per_month(filters.requests(), "decided_at", filters.period)


def delivered_per_month(filters: DashboardFilters) -> dict:
    """Deliveries per month (a move to "delivered") and the direct beneficiaries they
    served, in one query on the status history."""
    period = filters.period
    changes = StatusChange.objects.filter(
        to_status=Status.DELIVERED,
        support_request__in=filters.requests().values("pk"),
        created_at__gte=period.start,
        created_at__lt=period.end,
    )
    aggregates = {
        f"m{i}": Count("pk", filter=Q(created_at__gte=lo, created_at__lt=hi))
        for i, (lo, hi) in enumerate(period.boundaries())
    }
    row = changes.aggregate(
        served=Count(
            "support_request__beneficiary",
            distinct=True,
            filter=Q(support_request__beneficiary__kind=Beneficiary.Kind.DIRECT),
        ),
        **aggregates,
    )
    return {
        "per_month": [row[f"m{i}"] or 0 for i in range(len(period.months))],
        "served": row["served"] or 0,
    }


def backlog_by_stage(filters: DashboardFilters) -> list[tuple[str, int]]:
    """Open requests now, per stage in workflow order (the period does not apply)."""
    rows = (
        filters.requests()
        .filter(status__in=OPEN_STATUSES)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = {row["status"]: row["n"] for row in rows}
    return [(status, counts.get(status, 0)) for status in OPEN_STATUSES]


def time_to_decision(filters: DashboardFilters) -> dict:
    """Requests decided in the period: how many, how many within the promised days,
    median and 90th percentile of hours from submission to decision."""
    period = filters.period
    decided = (
        filters.requests()
        .filter(decided_at__gte=period.start, decided_at__lt=period.end)
        .annotate(hours=HoursBetween("submitted_at", "decided_at"))
    )
    aggregates = {
        "n": Count("pk"),
        "on_time": Count("pk", filter=Q(decided_at__lte=F("decision_due_at"))),
    }
    if has_percentile_cont():
        aggregates["p50"] = PercentileCont("hours", 0.5)
        aggregates["p90"] = PercentileCont("hours", 0.9)
    row = decided.order_by().aggregate(**aggregates)
    if not has_percentile_cont():
        row["p50"], row["p90"] = percentiles_fallback(decided, "hours", [0.5, 0.9], row["n"])
    n = row["n"] or 0
    return {
        "decided": n,
        "on_time": row["on_time"] or 0,
        "on_time_share": (row["on_time"] / n) if n else None,
        "median_hours": row["p50"],
        "p90_hours": row["p90"],
    }


def _start_of_today() -> datetime.datetime:
    today = timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))


def overdue(filters: DashboardFilters, *, limit: int = OVERDUE_LIST_SIZE) -> dict:
    """Requests still awaiting a decision whose due day has passed (clock not paused),
    most overdue first; the total comes with the page of rows (a window count)."""
    rows = list(
        filters.requests()
        .filter(
            status__in=AWAITING_DECISION,
            clock_paused_at__isnull=True,
            decision_due_at__lt=_start_of_today(),
        )
        .select_related("program", "channel", "beneficiary")
        .annotate(total=Window(Count("pk")))
        .order_by("decision_due_at", "id")[:limit]
    )
    return {"total": rows[0].total if rows else 0, "rows": rows}


def channel_mix(filters: DashboardFilters) -> list[dict]:
    """Requests submitted in the period per channel (code, names, count)."""
    period = filters.period
    rows = (
        filters.requests()
        .filter(submitted_at__gte=period.start, submitted_at__lt=period.end)
        .order_by()
        .values("channel__code", "channel__name_ar", "channel__name_en", "channel__sort_order")
        .annotate(n=Count("pk"))
        .order_by("-n", "channel__sort_order")
    )
    return list(rows)


def _age_q(reference: datetime.date, low: int, high: int | None) -> Q:
    """Born so as to be between low (included) and high (excluded) years old on reference."""

    def years_before(years: int) -> datetime.date:
        try:
            return reference.replace(year=reference.year - years)
        except ValueError:  # 29 February
            return reference.replace(year=reference.year - years, day=28)

    q = Q(birth_date__lte=years_before(low))
    if high is not None:
        q &= Q(birth_date__gt=years_before(high))
    return q


def beneficiaries_profile(filters: DashboardFilters) -> dict:
    """Direct beneficiaries with a request submitted in the period, by region, gender and
    age band (age on the last day of the period), and indirect beneficiaries registered
    in the period: one query."""
    period = filters.period
    direct_ids = (
        filters.requests()
        .filter(submitted_at__gte=period.start, submitted_at__lt=period.end)
        .values("beneficiary_id")
    )
    indirect = Q(
        kind=Beneficiary.Kind.INDIRECT, created_at__gte=period.start, created_at__lt=period.end
    )
    if filters.region:
        indirect &= Q(region=filters.region)
    if filters.program is not None or filters.channel is not None:
        indirect = Q(pk__in=[])  # indirect reach has no program or request channel
    is_direct = Q(kind=Beneficiary.Kind.DIRECT)
    reference = period.last_day
    aggregates = {
        "direct": Count("pk", filter=is_direct),
        "indirect": Count("pk", filter=Q(kind=Beneficiary.Kind.INDIRECT)),
        "region__": Count("pk", filter=is_direct & Q(region="")),
        "gender__": Count("pk", filter=is_direct & Q(gender="")),
        "age__": Count("pk", filter=is_direct & Q(birth_date__isnull=True)),
    }
    for value in Region.values:
        aggregates[f"region_{value}"] = Count("pk", filter=is_direct & Q(region=value))
    for value in Gender.values:
        aggregates[f"gender_{value}"] = Count("pk", filter=is_direct & Q(gender=value))
    for low, high in AGE_BANDS:
        aggregates[f"age_{low}"] = Count("pk", filter=is_direct & _age_q(reference, low, high))
    row = Beneficiary.objects.filter((is_direct & Q(pk__in=direct_ids)) | indirect).aggregate(
        **aggregates
    )
    return row
