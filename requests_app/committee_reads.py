"""Several independent reads in one round trip to PostgreSQL (the case file, issue 11).

A page that reads ten small lists waits ten times for the database: at 1M rows the case
file's reads each ran in well under a millisecond, and the waits between them were most
of the page's database time. ``read_together`` compiles each queryset as Django would,
sends their SQL as one text (psycopg's client-side binding runs several statements and
returns one result set each) and hands every queryset its own rows: each queryset is
then evaluated as usual (model instances, select_related, converters), only without a
query of its own.

Anywhere else (SQLite, server-side binding, a single queryset) the querysets are simply
evaluated one by one: the results are the same, only the round trips differ."""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import ModelIterable, QuerySet


def read_together(*querysets) -> None:
    """Fill the result caches of ``querysets`` (model querysets, possibly sliced, of one
    database); anything that is not a queryset, or was already read, is left alone."""
    pending = [qs for qs in querysets if isinstance(qs, QuerySet) and qs._result_cache is None]
    if not pending:
        return
    db = pending[0].db
    connection = connections[db]
    batch = [qs for qs in pending if _batchable(qs, db)]
    if _several_statements_at_once(connection) and len(batch) > 1:
        _read_in_one_trip(connection, batch)
    for qs in pending:
        qs._fetch_all()  # the rest, and the prefetches of the batch's


def _several_statements_at_once(connection) -> bool:
    """PostgreSQL with client-side binding (the default; DATABASE_PREPARE_THRESHOLD turns
    on server-side binding, which takes one statement per execute)."""
    return connection.vendor == "postgresql" and not connection.settings_dict.get(
        "OPTIONS", {}
    ).get("server_side_binding")


def _batchable(qs, db) -> bool:
    return qs._iterable_class is ModelIterable and qs.db == db


def _read_in_one_trip(connection, querysets) -> None:
    import psycopg

    compiled = []
    for qs in querysets:
        compiler = qs.query.get_compiler(using=qs.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            continue  # no query at all: evaluated the usual way
        compiled.append((qs, compiler, sql, params))
    if len(compiled) < 2:
        return
    with connection.cursor() as cursor:
        if not isinstance(cursor.cursor, psycopg.ClientCursor):
            return  # server-side binding runs one statement per execute
        cursor.execute(
            ";\n".join(sql for _qs, _compiler, sql, _params in compiled),
            [param for *_rest, params in compiled for param in params],
        )
        results = []
        for index in range(len(compiled)):
            if index:
                cursor.cursor.nextset()
            results.append(cursor.cursor.fetchall())
    for (qs, compiler, _sql, _params), rows in zip(compiled, results, strict=True):
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        _evaluate_with(qs, compiler, rows)


def _evaluate_with(qs, compiler, rows) -> None:
    """Evaluate ``qs`` through Django's own iterable, the compiler already compiled and
    its rows already fetched (what ``execute_sql`` would have returned)."""
    query = qs.query
    compiler.execute_sql = lambda *args, **kwargs: [rows]
    query.get_compiler = lambda *args, **kwargs: compiler
    try:
        qs._result_cache = list(qs._iterable_class(qs))
    finally:
        del query.get_compiler
