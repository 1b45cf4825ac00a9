"""The dashboard's figures, each from one aggregate query (or, for the percentiles on
SQLite, a count and one small query per percentile). Nothing here loops over rows.

Every function takes a ``DashboardFilters`` and returns plain data; ``panels`` turns it
into figures, charts and tables."""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connections, router, transaction
from django.db.models import Count, F, Func, IntegerField, Q, Subquery
from django.utils import timezone

from beneficiaries.models import Beneficiary, Gender, Region
from requests_app.models import Program, StatusChange, SupportRequest
from requests_app.workflow import AWAITING_DECISION, OPEN_STATUSES, Status

from .periods import Period
from .stats import HoursBetween, aggregate_with_percentiles

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
    # Figures already computed for these filters while one page is built: two panels
    # that show the same figure (deliveries) share one query. Not part of equality.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def memoized(self, name: str, compute):
        if name not in self.memo:
            self.memo[name] = compute(self)
        return self.memo[name]

    @property
    def narrowed(self) -> bool:
        return self.program is not None or self.channel is not None or bool(self.region)

    def request_q(self, via: str = "") -> Q:
        """Program, channel and region as a condition on the request; ``via`` is the path
        to it from another model (e.g. "support_request__"), so they become joins there."""
        condition = Q()
        if self.program is not None:
            condition &= Q(**{f"{via}program": self.program})
        if self.channel is not None:
            condition &= Q(**{f"{via}channel": self.channel})
        if self.region:
            condition &= Q(**{f"{via}beneficiary__region": self.region})
        return condition

    def requests(self):
        """Support requests matching program, channel and region (not the period)."""
        return SupportRequest.objects.filter(self.request_q())

    def as_dict(self) -> dict:
        data = self.period.as_filters()
        if self.program is not None:
            data["program"] = self.program.code
        if self.channel is not None:
            data["channel"] = self.channel.code
        if self.region:
            data["region"] = self.region
        return data


def _month_counts(field_name: str, period: Period) -> dict:
    return {
        f"{field_name}_{i}": Count(
            "pk", filter=Q(**{f"{field_name}__gte": lo, f"{field_name}__lt": hi})
        )
        for i, (lo, hi) in enumerate(period.boundaries())
    }


def requests_per_month(filters: DashboardFilters) -> dict:
    """Requests received and requests decided per month of the period: one query (one
    pass over the requests submitted or decided in the period)."""
    period = filters.period
    row = (
        filters.requests()
        .filter(
            Q(submitted_at__gte=period.start, submitted_at__lt=period.end)
            | Q(decided_at__gte=period.start, decided_at__lt=period.end)
        )
        .aggregate(**_month_counts("submitted_at", period), **_month_counts("decided_at", period))
    )
    months = range(len(period.months))
    return {
        "received": [row[f"submitted_at_{i}"] or 0 for i in months],
        "decided": [row[f"decided_at_{i}"] or 0 for i in months],
    }


def received_per_month(filters: DashboardFilters) -> list[int]:
    return filters.memoized("requests_per_month", requests_per_month)["received"]


def decided_per_month(filters: DashboardFilters) -> list[int]:
    return filters.memoized("requests_per_month", requests_per_month)["decided"]


def _delivered_per_month(filters: DashboardFilters) -> dict:
    period = filters.period
    changes = StatusChange.objects.filter(
        to_status=Status.DELIVERED, created_at__gte=period.start, created_at__lt=period.end
    )
    # The filters as joins on the request (no IN-subquery over every request).
    changes = changes.filter(filters.request_q("support_request__"))
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


def delivered_per_month(filters: DashboardFilters) -> dict:
    """Deliveries per month (a move to "delivered") and the direct beneficiaries they
    served, in one query on the status history (shared by the volumes and reach panels)."""
    return filters.memoized("delivered_per_month", _delivered_per_month)


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
    decided = filters.requests().filter(decided_at__gte=period.start, decided_at__lt=period.end)
    row = aggregate_with_percentiles(
        decided,
        {"n": Count("pk"), "on_time": Count("pk", filter=Q(decided_at__lte=F("decision_due_at")))},
        HoursBetween("submitted_at", "decided_at"),
        {"p50": 0.5, "p90": 0.9},
    )
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


@contextmanager
def _on_one_core(model):
    """PostgreSQL: the queries inside run without parallel workers. The overdue count
    reads some 90k index entries at a million requests; on the two-core servers the
    association runs (issue 11) two workers and a leader fight the app for the cores and
    the count takes 60–110 ms instead of 35–60 ms alone. SET LOCAL ends with the
    transaction; inside a caller's transaction the setting is put back at once."""
    alias = router.db_for_read(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield
        return
    nested = connection.in_atomic_block
    with transaction.atomic(using=alias):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('max_parallel_workers_per_gather'),"
                " set_config('max_parallel_workers_per_gather', '0', true)"
            )
            previous = cursor.fetchone()[0]
        yield
        if nested:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('max_parallel_workers_per_gather', %s, true)", [previous]
                )


# COUNT(*) as a plain expression: no GROUP BY, one row (the count of a subquery).
_COUNT_ALL = Func(template="COUNT(*)", output_field=IntegerField())


def overdue(filters: DashboardFilters, *, limit: int = OVERDUE_LIST_SIZE) -> dict:
    """Requests still awaiting a decision whose due day has passed (clock not paused),
    most overdue first, and how many there are: one query, list and count both served by
    the partial index ``request_awaiting_due`` (no join for the count)."""
    waiting = filters.requests().filter(
        status__in=AWAITING_DECISION,
        clock_paused_at__isnull=True,
        decision_due_at__lt=_start_of_today(),
    )
    # The count rides on the list's query as a scalar subquery (computed once): one
    # statement; with no row to carry it, there is nothing overdue.
    total = waiting.order_by().annotate(n=_COUNT_ALL).values("n")
    with _on_one_core(SupportRequest):
        rows = list(
            waiting.select_related("program", "channel")
            .annotate(overdue_total=Subquery(total))
            .order_by("decision_due_at", "id")[:limit]
        )
    return {"total": rows[0].overdue_total if rows else 0, "rows": rows}


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
    age band (age on the last day of the period): one query (a semi-join on the requests
    of the period)."""
    period = filters.period
    direct_ids = (
        filters.requests()
        .filter(submitted_at__gte=period.start, submitted_at__lt=period.end)
        .values("beneficiary_id")
    )
    reference = period.last_day
    aggregates = {
        "direct": Count("pk"),
        "region__": Count("pk", filter=Q(region="")),
        "gender__": Count("pk", filter=Q(gender="")),
        "age__": Count("pk", filter=Q(birth_date__isnull=True)),
    }
    for value in Region.values:
        aggregates[f"region_{value}"] = Count("pk", filter=Q(region=value))
    for value in Gender.values:
        aggregates[f"gender_{value}"] = Count("pk", filter=Q(gender=value))
    for low, high in AGE_BANDS:
        aggregates[f"age_{low}"] = Count("pk", filter=_age_q(reference, low, high))
    return Beneficiary.objects.filter(kind=Beneficiary.Kind.DIRECT, pk__in=direct_ids).aggregate(
        **aggregates
    )


def indirect_registered(filters: DashboardFilters) -> int:
    """Indirect beneficiaries recorded in the registry in the period (in the region, when
    one is chosen). Indirect reach has no program or request channel: with either filter
    the figure is 0, without a query."""
    if filters.program is not None or filters.channel is not None:
        return 0
    period = filters.period
    people = Beneficiary.objects.filter(
        kind=Beneficiary.Kind.INDIRECT, created_at__gte=period.start, created_at__lt=period.end
    )
    if filters.region:
        people = people.filter(region=filters.region)
    return people.count()
