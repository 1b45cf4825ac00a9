"""A paginator for the back-office that does not count a million rows on every page.

Django's admin asks its paginator for ``count`` on every list page; on PostgreSQL a
COUNT(*) over a large table costs 30–45 ms at a million rows (issue #11). Above a
threshold we use the planner's row estimate instead (EXPLAIN, a fraction of a
millisecond): the page says "about N results", and paging still works because the last
page is simply shorter. Small results are counted exactly."""

import base64
import binascii
import datetime
import decimal
import json
import time
import uuid
import zlib

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import Count, IntegerField, Q, Window
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query
from django.utils.functional import cached_property

EXACT_BELOW = 10_000


def planner_estimate(queryset) -> int | None:
    """PostgreSQL's estimate of how many rows the queryset returns, or None elsewhere.
    Asked once per queryset object (a list page and its paginator share one)."""
    if "_planner_estimate" in queryset.__dict__:
        return queryset.__dict__["_planner_estimate"]
    estimate = queryset.__dict__["_planner_estimate"] = _planner_estimate(queryset)
    return estimate


# The planner's estimates of the last minute, per query: the same list page asked again
# (the next page, the same filter) reuses its figure instead of a query and a plan. The
# figure is the planner's guess from the table's statistics, which ANALYZE refreshes far
# less often than this; the page still says "about N".
ESTIMATE_SECONDS = 60
_estimates: dict[tuple, tuple[float, int]] = {}


def _planner_estimate(queryset) -> int | None:
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    # Without the list's joined columns: the count does not need them, and planning a
    # four-way join costs milliseconds of its own.
    try:
        sql, params = queryset.order_by().select_related(None).query.sql_with_params()
    except EmptyResultSet:  # a condition that matches nothing (e.g. pk__in=[])
        return 0
    key = (
        connection.alias,
        connection.settings_dict["NAME"],
        sql,
        tuple(_to_the_minute(value) for value in params),
    )
    try:
        expires, estimate = _estimates.get(key, (0.0, 0))
    except TypeError:  # a parameter that cannot be a key (a list): asked every time
        key, expires = None, 0.0
    now = time.monotonic()
    if expires > now:
        return estimate
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    if key is not None:
        if len(_estimates) >= 2000:
            _estimates.clear()
        _estimates[key] = (now + ESTIMATE_SECONDS, estimate)
    return estimate


def _to_the_minute(value):
    """A query parameter as the estimates' key holds it: a moment to the minute. A list
    filtered by the time of the request ("overdue": due before now) has a new statement
    every microsecond, and asked the planner on every page; within a minute its figure
    is the same guess ("about N")."""
    if isinstance(value, datetime.datetime):
        return value.replace(second=0, microsecond=0)
    return value


class EstimatedCountPaginator(Paginator):
    is_estimate = False

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if hasattr(object_list, "query"):
            estimate = planner_estimate(object_list)
            if estimate is not None and estimate >= EXACT_BELOW:
                self.is_estimate = True
                return estimate
        return super().count


# -- keyset ("seek") pages -----------------------------------------------------------------
#
# A deep OFFSET page makes the database walk past every earlier row (and, for a list with
# joined columns, join them all). A keyset page starts from the sort key of the row just
# before it instead, so it costs what the first page costs. The admin lists built on
# config/admin_lists.py put such a key in their "next" and "previous" links.

CURSOR_VAR = "cursor"


def keyset_fields(model, ordering) -> list[tuple[models.Field, bool]] | None:
    """The ordering as (field, descending) pairs when a seek can replace OFFSET: plain,
    non-null columns of the model itself, one of them unique (a total order). None when
    the order needs OFFSET (a related or nullable column, an expression)."""
    pairs = []
    for item in ordering:
        if not isinstance(item, str):
            return None
        descending = item.startswith("-")
        name = item.lstrip("-+")
        if name == "pk":
            field = model._meta.pk
        elif LOOKUP_SEP in name or name == "?":
            return None
        else:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                return None
        if not getattr(field, "concrete", False) or field.is_relation or field.null:
            return None
        if not cursor_may_carry(field):
            return None
        pairs.append((field, descending))
        if field.primary_key or field.unique:
            return pairs  # the order is total; later columns never decide
    return None


# Text columns whose values may travel in a link. A cursor is the last row's sort values
# in the URL (server logs, browser history, Referer): a list sorted by a person's name,
# identity number or mobile pages by OFFSET instead, so those never leave in a link.
CURSOR_TEXT_FIELDS = frozenset({"reference", "file_number"})


def cursor_may_carry(field) -> bool:
    if isinstance(field, (models.CharField, models.TextField)):
        return bool(field.choices) or field.name in CURSOR_TEXT_FIELDS
    return True


def _fingerprint(keyset) -> str:
    names = ",".join(("-" if desc else "") + field.attname for field, desc in keyset)
    return format(zlib.crc32(names.encode()) & 0xFFFF, "04x")


def _to_json(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


def encode_cursor(direction: str, row, keyset) -> str:
    """«a» (after) or «b» (before) the given row, in this keyset's order."""
    values = [_to_json(getattr(row, field.attname)) for field, _ in keyset]
    payload = json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode()
    token = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{direction[0]}{_fingerprint(keyset)}.{token}"


def decode_cursor(token: str, keyset) -> tuple[str, list] | None:
    """(direction, values) from a link's cursor, or None when there is none, it is
    damaged or it was made for another order (the page then falls back to ?p=N)."""
    if not token or not keyset or len(token) > 2000:
        return None
    direction = {"a": "after", "b": "before"}.get(token[0])
    head, _, body = token[1:].partition(".")
    if direction is None or head != _fingerprint(keyset):
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        if not isinstance(raw, list) or len(raw) != len(keyset):
            return None
        if any(isinstance(value, str) and "\x00" in value for value in raw):
            return None  # PostgreSQL refuses NUL in text: a damaged link, not a 500
        values = [field.to_python(value) for (field, _), value in zip(keyset, raw, strict=True)]
    except (ValueError, TypeError, ValidationError, binascii.Error):
        return None
    if any(value is None for value in values):
        return None
    return direction, values


def _seek_q(keyset, values, forward: bool) -> Q:
    """Rows after (forward) or before the key, in the keyset's order:
    a > x OR (a = x AND (b > y OR (b = y AND …))), with «a >= x» in front so the
    database starts its index scan at the key instead of filtering from the top."""
    condition = None
    for (field, descending), value in reversed(list(zip(keyset, values, strict=True))):
        op = "gt" if descending != forward else "lt"
        strict = Q(**{f"{field.attname}__{op}": value})
        condition = (
            strict if condition is None else strict | (Q(**{field.attname: value}) & condition)
        )
    (first, descending), value = keyset[0], values[0]
    bound = Q(**{f"{first.attname}__{'lte' if descending == forward else 'gte'}": value})
    if len(keyset) == 1:
        return condition
    return bound & condition


def _page(queryset, start: int, stop: int, keys_first: bool) -> list:
    """Rows ``start:stop`` of the queryset. ``keys_first``: read the page's primary keys
    alone, then join only those rows. A search matches rows in no index order, and
    PostgreSQL (which expects few matches) joins every match before sorting; with the
    keys first it sorts the matches and joins one page."""
    if not keys_first:
        return list(queryset[start:stop])
    keys = queryset.values("pk")[start:stop]
    # The outer query selects by key alone (the search's condition only in the keys'
    # subquery, so the planner is not tempted to scan for it again), with the list's
    # joins, columns and order.
    outer = queryset.model._base_manager.filter(pk__in=keys)
    outer.query.select_related = queryset.query.select_related
    outer.query.deferred_loading = queryset.query.deferred_loading
    outer._iterable_class = queryset._iterable_class  # the list's way of making rows
    outer.query.standard_ordering = queryset.query.standard_ordering
    return list(outer.order_by(*queryset.query.order_by))


def seek_rows(queryset, keyset, direction: str, values, per_page: int, keys_first=False):
    """One page after/before the key, and whether there is more beyond it."""
    forward = direction == "after"
    queryset = queryset.filter(_seek_q(keyset, values, forward))
    if not forward:
        queryset = queryset.reverse()
    rows = _page(queryset, 0, per_page + 1, keys_first)
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not forward:
        rows.reverse()
    return rows, more


def offset_rows(queryset, offset: int, per_page: int, keys_first=False):
    """The page at an OFFSET, and whether another follows. Past the first page only the
    primary keys are read at the offset (an index-only scan where the index allows),
    then the page's rows with their joins: the skipped rows are never joined."""
    rows = _page(queryset, max(offset, 0), max(offset, 0) + per_page + 1, keys_first or offset > 0)
    return rows[:per_page], len(rows) > per_page


# -- a search's page and its count, in one statement ------------------------------------
#
# A contains-search on the folded name (pg_trgm on PostgreSQL) matches rows in no index
# order: to sort them the database reads every match anyway, so the same statement
# counts them. The matches' keys and sort columns are gathered first in a MATERIALIZED
# CTE, capped at EXACT_BELOW + 1 rows: a fence the planner cannot see through, so it
# always gathers them by the trigram index and never walks the sort index filtering
# row after row because its estimate for «%name%» was high (that estimate moves in 1 %
# steps of the table, ~10,000 rows at a million, with the sample ANALYZE took). The
# page's rows, their joins and the count are then read from the CTE in the same
# statement (it was a key query with COUNT(*) OVER () and a second one for the rows).

SEARCH_MATCHES = "search_matches"
# Only a search the planner puts at twice the exact-count threshold or more goes
# straight to the sort index ("about N"): one 1 % step of its estimate is noise.
SEARCH_ESTIMATE_BELOW = 2 * EXACT_BELOW


def search_counts_itself(queryset) -> bool:
    """Whether a search's page should count its matches in the statement that sorts
    them (``counted_offset_rows``): not for a search the planner expects to match far
    more rows than are ever counted exactly — its page is read down the sort index and
    the paginator gives "about N". An order the CTE cannot carry (a related column) is
    counted by COUNT(*) OVER () below EXACT_BELOW only: with a window over all rows
    and a LIMIT, PostgreSQL costs an ordered walk of the sort index as if it stopped
    early, and at an estimate of ~10,000 it chooses that walk over every row (seconds
    at a million)."""
    if queryset.query.distinct or queryset.query.combinator:
        return False
    estimate = planner_estimate(queryset)
    if _search_sort_columns(queryset) is None:
        return estimate is None or estimate < EXACT_BELOW
    return estimate is None or estimate < SEARCH_ESTIMATE_BELOW


def _search_sort_columns(queryset) -> list[tuple[str, bool]] | None:
    """The list's order as (column, descending) pairs of the model's own concrete
    columns, or None when it sorts by something else (a related column, an
    expression): such a page is read by the window-count statement instead."""
    query = queryset.query
    if not query.standard_ordering or not query.order_by:
        return None
    model = queryset.model
    columns = []
    for item in query.order_by:
        if not isinstance(item, str) or item == "?" or LOOKUP_SEP in item.lstrip("-+"):
            return None
        name = item.lstrip("-+")
        try:
            field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if not getattr(field, "concrete", False) or field.is_relation or field.model is not model:
            return None  # a foreign key sorts by its model's ordering, not by its id
        if all(field.attname != seen for seen, _ in columns):  # a repeat never decides
            columns.append((field.attname, item.startswith("-")))
    return columns


class _WithMatchesQuery(Query):
    """A query whose SQL is preceded by the search's ``WITH search_matches AS
    MATERIALIZED (…)`` (``search_matches_sql``: the CTE's SQL and parameters)."""

    search_matches_sql = None

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler = super().get_compiler(using, connection, elide_empty)
        as_sql = compiler.as_sql
        head, head_params = self.search_matches_sql

        def with_matches(*args, **kwargs):
            sql, params = as_sql(*args, **kwargs)
            return f"{head} {sql}", (*head_params, *params)

        compiler.as_sql = with_matches
        return compiler


def counted_offset_rows(queryset, offset: int, per_page: int):
    """offset_rows for a search, with the number of all its matches read by the same
    statement: the rows, whether another page follows, and the count (None when the
    page is past the last match, or when there are more matches than are counted
    exactly — the page is then read down the sort index and the paginator counts)."""
    start = max(offset, 0)
    columns = _search_sort_columns(queryset)
    if columns is None:
        return _window_counted_rows(queryset, start, per_page)
    connection = connections[queryset.db]
    qn = connection.ops.quote_name
    pk_name = queryset.model._meta.pk.attname
    inner = queryset.order_by().values_list(pk_name, *(name for name, _ in columns))
    inner.query.select_related = False
    try:
        inner_sql, inner_params = inner[: EXACT_BELOW + 1].query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # a condition that matches nothing: the paginator counts 0
        return [], False, None
    names = ["k", *(f"s{i}" for i in range(len(columns)))]
    head = (
        f"WITH {qn(SEARCH_MATCHES)} ({', '.join(qn(n) for n in names)}) AS MATERIALIZED "
        f"({inner_sql})",
        inner_params,
    )
    order = ", ".join(
        f"{qn(f's{i}')} {'DESC' if descending else 'ASC'}"
        for i, (_, descending) in enumerate(columns)
    )
    page_keys = RawSQL(
        f"SELECT {qn('k')} FROM {qn(SEARCH_MATCHES)} ORDER BY {order} LIMIT %s OFFSET %s",
        (per_page + 1, start),
    )
    outer = queryset.model._base_manager.filter(pk__in=page_keys)
    outer.query.__class__ = _WithMatchesQuery
    outer.query.search_matches_sql = head
    outer.query.select_related = queryset.query.select_related
    outer.query.deferred_loading = queryset.query.deferred_loading
    outer._iterable_class = queryset._iterable_class  # the list's way of making rows
    outer = outer.annotate(
        _search_matches=RawSQL(
            f"SELECT COUNT(*) FROM {qn(SEARCH_MATCHES)}", (), output_field=IntegerField()
        )
    ).order_by(*queryset.query.order_by)
    rows = list(outer)
    if not rows and not start:
        return [], False, None
    if not rows or rows[0]._search_matches > EXACT_BELOW:
        # More matches than are counted exactly (and more than the planner thought):
        # this page was sorted from the first EXACT_BELOW + 1 only, or lies past them.
        # It is read down the sort index; the paginator gives the count.
        rows, has_next = offset_rows(queryset, start, per_page, keys_first=True)
        return rows, has_next, None
    count = rows[0]._search_matches
    for row in rows:
        del row._search_matches
    return rows[:per_page], len(rows) > per_page, count


def _window_counted_rows(queryset, start: int, per_page: int):
    """counted_offset_rows for an order the CTE cannot carry: the keys with
    COUNT(*) OVER (), then the page's rows by key."""
    keys = list(
        queryset.annotate(_matches=Window(Count("*"))).values_list("pk", "_matches")[
            start : start + per_page + 1
        ]
    )
    if not keys:
        return [], False, None
    outer = queryset.model._base_manager.filter(pk__in=[pk for pk, _ in keys])
    outer.query.select_related = queryset.query.select_related
    outer.query.deferred_loading = queryset.query.deferred_loading
    outer._iterable_class = queryset._iterable_class  # the list's way of making rows
    outer.query.standard_ordering = queryset.query.standard_ordering
    rows = list(outer.order_by(*queryset.query.order_by))
    return rows[:per_page], len(rows) > per_page, keys[0][1]
