"""Fast bulk inserts for demo and benchmark data.

A million-row demo must not take an afternoon: rows are written with ``COPY … FROM STDIN``
on PostgreSQL (psycopg 3) and one ``executemany`` per batch on SQLite, instead of through
model instances. The values must be the ones the services would store; rows skip
django-simple-history (demo records start without history, like imported ones).

For a big load on PostgreSQL, ``deferred_indexes`` drops the tables' secondary indexes
and foreign keys first and builds them again at the end (one sorted build and one
validating join each, far cheaper than maintaining them row by row); run it inside a
transaction so a failed load leaves the schema as it was.

Building the rows is Python's work, on one core; ``build_in_processes`` spreads it over
forked processes on PostgreSQL (each chunk of rows built with its own random generator
and sent back as COPY text), while one connection writes everything in the caller's
transaction: the load stays all-or-nothing, and a seed gives the same rows whatever the
number of processes."""

import collections
import itertools
import json
import multiprocessing
import os
import queue
import threading
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, models

try:  # psycopg's own COPY text formatter (C with psycopg[binary]), for the worker processes
    from psycopg._copy_base import TextFormatter
    from psycopg.adapt import Transformer
except ImportError:  # pragma: no cover - another psycopg layout: build rows in-process
    TextFormatter = Transformer = None


class BulkTable:
    """Rows for one model as dicts of attnames; anything missing takes the field default;
    dates, datetimes and decimals are adapted for the database.

    ``maker(*attnames)`` returns a function of those values, in that order, that builds a
    row tuple without going through a dict: the fast path for millions of rows."""

    def __init__(self, model: type[models.Model], *, with_id: bool = False):
        ops = connection.ops
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.attnames = [f.attname for f in self.fields]
        self.table = ops.quote_name(model._meta.db_table)
        self.columns = ", ".join(ops.quote_name(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})"
        self.defaults = {
            f.attname: (None if f.null or f.primary_key else f.get_default()) for f in self.fields
        }
        self.adapt = {}
        if connection.vendor != "postgresql":  # psycopg adapts Python values itself
            for f in self.fields:
                if isinstance(f, models.DateTimeField):
                    self.adapt[f.attname] = ops.adapt_datetimefield_value
                elif isinstance(f, models.DateField):
                    self.adapt[f.attname] = ops.adapt_datefield_value
                elif isinstance(f, models.DecimalField):
                    self.adapt[f.attname] = ops.adapt_decimalfield_value
        for f in self.fields:
            if isinstance(f, models.FileField):
                self.adapt[f.attname] = str
            elif isinstance(f, models.JSONField):
                self.adapt[f.attname] = lambda value, f=f: json.dumps(
                    value, cls=f.encoder, ensure_ascii=False
                )
        for attname, adapt in self.adapt.items():
            if self.defaults[attname] is not None:
                self.defaults[attname] = adapt(self.defaults[attname])

    def row(self, values: dict) -> tuple:
        merged = self.defaults | values
        for attname, adapt in self.adapt.items():
            value = merged[attname]
            if value is not None and attname in values:
                merged[attname] = adapt(value)
        return tuple(merged[a] for a in self.attnames)

    def maker(self, *attnames: str):
        """A fast row builder: ``make = table.maker("a_id", "b")`` then ``make(1, "x")``.
        Attnames not named take their default (which must not be a per-row value)."""
        unknown = set(attnames) - set(self.attnames)
        if unknown:
            raise ValueError(f"{self.model.__name__} has no columns {sorted(unknown)}")
        scope = {"D": [self.defaults[a] for a in self.attnames], "A": self.adapt}
        args = [f"v{i}" for i in range(len(attnames))]
        parts = []
        for index, attname in enumerate(self.attnames):
            if attname in attnames:
                arg = args[attnames.index(attname)]
                if attname in self.adapt:
                    parts.append(f"(None if {arg} is None else A[{attname!r}]({arg}))")
                else:
                    parts.append(arg)
            else:
                parts.append(f"D[{index}]")
        source = f"lambda {', '.join(args)}: ({', '.join(parts)},)"
        return eval(source, scope)  # noqa: S307 - built from field names only

    def insert(self, cursor, rows: list[tuple]) -> None:
        if not rows:
            return
        if connection.vendor == "postgresql":
            self._copy(cursor.cursor, rows)
        else:
            cursor.executemany(self.sql, rows)

    def _copy(self, raw_cursor, rows: "list[tuple] | CopyText") -> None:
        with raw_cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
            if isinstance(rows, CopyText):
                copy.write(rows.data)
                return
            write_row = copy.write_row
            for row in rows:
                write_row(row)


class CopyText:
    """Rows already formatted for ``COPY … FROM STDIN`` (text format) by a worker process;
    ``len()`` is the number of rows."""

    __slots__ = ("data", "rows")

    def __init__(self, data: bytes, rows: int):
        self.data, self.rows = data, rows

    def __len__(self) -> int:
        return self.rows

    @classmethod
    def of(cls, rows: list[tuple]) -> "CopyText":
        formatter = TextFormatter(Transformer())
        write_row = formatter.write_row
        parts = [write_row(row) for row in rows]
        parts.append(formatter.end())
        return cls(b"".join(parts), len(rows))


def process_count(requested: int | None = None, *, big: bool = True) -> int:
    """How many processes should build a load's rows: 1 (in this process) on SQLite, for
    a small load, or where forking is not available; else ``requested`` or one a core."""
    if (
        not big
        or connection.vendor != "postgresql"
        or TextFormatter is None
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return 1
    return max(1, requested or os.cpu_count() or 1)


_BUILD = None  # (build, state) in a forked worker: inherited, never pickled


def _take_build(build_and_state):
    # The pool's initializer: with "fork" its arguments reach each worker (a replacement
    # for one that died too) by inheritance, not pickling.
    global _BUILD
    _BUILD = build_and_state


def _build_as_copy_text(chunk):
    build, state = _BUILD
    rows, extra = build(state, chunk)
    return {name: CopyText.of(table_rows) for name, table_rows in rows.items()}, extra


@contextmanager
def built_rows(build, state, chunks, processes: int = 1):
    """Yields an iterator of ``build(state, chunk)`` — ``(rows by table name, anything
    else)`` — for each chunk, in order. With ``processes`` > 1 the chunks are built by
    that many forked processes (``state`` is inherited, not pickled; the rows come back
    as ``CopyText``), at most two chunks ahead each; otherwise here, as tuples, one chunk
    at a time. Enter it before any thread starts (``Writer``): the processes are forked
    on entry, and forking a process that has threads may deadlock the child.

        with built_rows(build, state, chunks, processes) as batches, Writer() as writer:
            for rows, extra in batches:
                writer.write(...)
    """
    if processes <= 1:
        yield (build(state, chunk) for chunk in chunks)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_take_build, initargs=((build, state),)) as pool:
        chunks = iter(chunks)
        pending = collections.deque(
            pool.apply_async(_build_as_copy_text, (chunk,))
            for chunk in itertools.islice(chunks, 2 * processes)
        )

        def results():
            while pending:
                result = pending.popleft().get()
                pending.extend(
                    pool.apply_async(_build_as_copy_text, (chunk,))
                    for chunk in itertools.islice(chunks, 1)
                )
                yield result

        yield results()


def write_built(ctx, label, build, state, chunks, processes, tables, counts, *, total, counted):
    """Builds the chunks (``built_rows``) and writes each batch's rows to ``tables`` (name →
    BulkTable) as they come, adding to ``counts`` (by table name) and reporting progress by
    the rows of the table ``counted``; returns what the batches gave besides their rows,
    joined into one list."""
    extras = []
    done = 0
    with built_rows(build, state, chunks, processes) as batches, Writer() as writer:
        for rows, extra in batches:
            writer.write(*((table, rows[name]) for name, table in tables.items()))
            for name in tables:
                counts[name] += len(rows[name])
            extras.extend(extra)
            done += len(rows[counted])
            ctx.progress(label, done, total)
    return extras


class Writer:
    """Writes batches while the next ones are generated: on PostgreSQL a thread sends
    each batch with COPY on the same connection (and transaction) while Python builds
    the next batch, so the server's work overlaps the generator's; elsewhere batches are
    written at once. ``write(table, rows)``; leaving the block waits for the last batch
    and re-raises any error the thread met.

        with Writer() as writer:
            writer.write(table, rows)
    """

    def __init__(self, depth: int = 2):
        self.threaded = connection.vendor == "postgresql"
        self.jobs: queue.Queue = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None

    def __enter__(self):
        if self.threaded:
            connection.ensure_connection()
            raw = connection.connection  # psycopg connections may be shared by threads
            self.thread = threading.Thread(target=self._run, args=(raw,), daemon=True)
            self.thread.start()
        return self

    def _run(self, raw) -> None:
        with raw.cursor() as raw_cursor:
            while (job := self.jobs.get()) is not None:
                if self.error is None:
                    try:
                        for table, rows in job:
                            if rows:
                                table._copy(raw_cursor, rows)
                    except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
                        self.error = exc

    def write(self, *batches: tuple[BulkTable, list[tuple]]) -> None:
        """Queue one batch: ``(table, rows)`` pairs written in order."""
        if self.error is not None:
            raise self.error
        if not self.threaded:
            with connection.cursor() as cursor:
                for table, rows in batches:
                    table.insert(cursor, rows)
            return
        self.jobs.put(batches)

    def __exit__(self, exc_type, exc, tb):
        if self.thread is not None:
            self.jobs.put(None)
            self.thread.join()
        if self.error is not None and exc is None:
            raise self.error
        return False


def reset_sequences(*model_list: type[models.Model]) -> None:
    """Move the id sequences past rows inserted with explicit ids (PostgreSQL)."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(model_list)):
            cursor.execute(statement)


def _can_skip_foreign_key_checks(cursor) -> bool:
    """Superusers may turn off the foreign-key triggers for this transaction
    (``session_replication_role = replica``): rows built consistent need no check."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    if not (row and row[0]):
        return False
    cursor.execute("SET LOCAL session_replication_role = replica")
    return True


@contextmanager
def deferred_indexes(*model_list: type[models.Model], enabled: bool = True):
    """On PostgreSQL, drop the secondary indexes of these tables for the duration of a
    bulk load and build them again afterwards (one sorted build each, far cheaper than
    maintaining them row by row); foreign keys are not checked row by row either (as a
    superuser the checks are switched off for the transaction; otherwise the constraints
    are dropped and added back, which validates them in one join each). Primary keys and
    unique constraints stay: they guard the load. Use inside ``transaction.atomic()``;
    it yields whether it deferred anything."""
    if not enabled or connection.vendor != "postgresql" or not model_list:
        yield False
        return
    tables = [m._meta.db_table for m in model_list]
    with connection.cursor() as cursor:
        foreign_keys = []
        if not _can_skip_foreign_key_checks(cursor):
            cursor.execute(
                "SELECT c.conname, c.conrelid::regclass::text, pg_get_constraintdef(c.oid) "
                "FROM pg_constraint c "
                "WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)",
                [tables],
            )
            foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary "
            "AND i.indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conindid <> 0)",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, table, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield True  # the caller may say that the indexes are being built
    with connection.cursor() as cursor:
        # At least 256MB for the sorts (a server that allows more keeps its setting).
        cursor.execute(
            "SELECT set_config('maintenance_work_mem', '256MB', true) "
            "WHERE pg_size_bytes(current_setting('maintenance_work_mem')) < 256 * 1024 * 1024"
        )
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, table, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
