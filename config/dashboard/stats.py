"""Aggregates the ORM lacks: hours between two timestamps and percentiles.

PostgreSQL computes percentiles with ``percentile_cont`` in the same query as the other
figures. SQLite has no percentile function: there we count the rows once and read the
one or two rows around each percentile with ORDER BY … LIMIT 2 OFFSET k (the same linear
interpolation as ``percentile_cont``), so nothing loops over rows in Python."""

import math

from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Func, Q


class HoursBetween(Func):
    """Hours from ``start`` to ``end`` (both timestamps), as a float."""

    output_field = FloatField()
    arg_joiner = " - "

    def __init__(self, start, end, **extra):
        # The arguments are rendered "end - start".
        super().__init__(end, start, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)"
        )

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        sql2, params2 = compiler.compile(self.source_expressions[1])
        return f"((julianday({sql}) - julianday({sql2})) * 24.0)", (*params, *params2)


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont(p) WITHIN GROUP (ORDER BY expression)."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentiles_fallback(queryset, expression_name: str, fractions, count: int) -> list:
    """percentile_cont on a database without it: ``queryset`` is annotated with
    ``expression_name``; one small ORDER BY/OFFSET query per fraction."""
    if not count:
        return [None for _f in fractions]
    ordered = queryset.order_by(expression_name).values_list(expression_name, flat=True)
    results = []
    for fraction in fractions:
        rank = fraction * (count - 1)
        low = math.floor(rank)
        values = list(ordered[low : low + 2])
        if not values:
            results.append(None)
            continue
        if len(values) == 1 or rank == low:
            results.append(float(values[0]))
        else:
            results.append(float(values[0]) + (float(values[1]) - float(values[0])) * (rank - low))
    return results


def has_percentile_cont() -> bool:
    return connection.vendor == "postgresql"


def aggregate_with_percentiles(
    queryset, aggregates: dict, expression, fractions: dict, *, where: Q | None = None
) -> dict:
    """``queryset.aggregate(**aggregates)`` plus, under each name of ``fractions``, that
    percentile (``percentile_cont``) of ``expression`` over the rows matching ``where``
    (None when there are none). PostgreSQL: one query. Elsewhere: the same query with a
    count, then one small ORDER BY/OFFSET query per fraction."""
    aggregates = dict(aggregates)
    queryset = queryset.order_by()
    if has_percentile_cont():
        for name, fraction in fractions.items():
            aggregates[name] = PercentileCont(expression, fraction, filter=where)
        return queryset.aggregate(**aggregates)
    aggregates["_percentile_rows"] = Count("pk", filter=where)
    row = queryset.aggregate(**aggregates)
    count = row.pop("_percentile_rows") or 0
    rows = queryset.filter(where) if where is not None else queryset
    values = percentiles_fallback(
        rows.annotate(_percentile_value=expression),
        "_percentile_value",
        list(fractions.values()),
        count,
    )
    row.update(zip(fractions, values, strict=True))
    return row
