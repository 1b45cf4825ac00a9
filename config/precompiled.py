"""Querysets whose SQL is compiled once per shape, not once per page (issue #11).

An object page asks the database the same handful of questions on every view, only about
another row: the request with its person, program, channel, officer and decision; its
checks; its timeline. Django compiles each of them anew, and at a hundred and twenty
columns and six joins the compiling costs more than the database (about a third of the
request page's SQL time). ``precompiled(queryset, key)`` marks a queryset so that its
SQL, and the column map that turns rows into objects, is kept after the first compile;
a later queryset of the same shape compiles only its WHERE clause and reuses the rest.

"The same shape" is checked, not assumed: the caller's key, the database alias, the
model, the joins, the select_related tree, the ordering, the slice, the deferred fields
and the WHERE clause's SQL (its values aside) must all match. Anything the cache does not
know how to reuse (annotations, values(), a subquery, a combinator, parameters outside
WHERE, an update or delete) is compiled as usual."""

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models.sql.query import Query

ENABLED = True

_CACHE: dict[tuple, tuple] = {}
_CACHE_LIMIT = 500
_PLAIN = "SQLCompiler"


def precompiled(queryset, key: str):
    """A copy of ``queryset`` whose SQL is kept per shape under ``key`` (a name for the
    place that builds it, e.g. ``"request page: request"``). A queryset already read
    (a prefetched relation) is returned as it is."""
    if queryset._result_cache is not None:
        return queryset
    queryset = queryset.all()
    query = queryset.query
    if type(query) is Query:
        query.__class__ = PrecompiledQuery
    if isinstance(query, PrecompiledQuery):
        query.precompiled_key = key
    return queryset


class PrecompiledQuery(Query):
    precompiled_key = None

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler = super().get_compiler(using, connection, elide_empty)
        # Plain reads only: an insert, update, delete or aggregate compiler (subclasses
        # of SQLCompiler, each with its own name) is left as it is.
        if ENABLED and self.precompiled_key is not None and type(compiler).__name__ == _PLAIN:
            compiler.as_sql = _cached_as_sql(compiler, compiler.as_sql)
        return compiler


def _shape(query, using) -> tuple | None:
    """Everything but the WHERE clause that decides the query's SQL; None for a query
    this module leaves alone."""
    if (
        query.annotations
        or query.values_select
        or query.extra
        or query.combinator
        or query.subquery
        or query.select_for_update
        or query.distinct_fields
        or query.group_by is not None
        or query.select
        or query.extra_order_by
        or query.extra_tables
        or query.explain_info
    ):
        return None
    return (
        query.precompiled_key,
        using,
        query.model,
        tuple(
            (alias, join.identity, getattr(join, "join_type", None))
            for alias, join in query.alias_map.items()
        ),
        tuple(query.alias_refcount.items()),
        repr(query.select_related),
        tuple(map(str, query.order_by)),
        query.default_ordering,
        query.standard_ordering,
        query.low_mark,
        query.high_mark,
        (frozenset(query.deferred_loading[0]), query.deferred_loading[1]),
        query.distinct,
    )


def _restore(compiler, state) -> None:
    (
        compiler.select,
        compiler.klass_info,
        compiler.annotation_col_map,
        compiler.col_count,
        compiler.has_extra_select,
    ) = state


def _cached_as_sql(compiler, as_sql):
    def cached_as_sql(with_limits=True, with_col_aliases=False):
        query = compiler.query
        if not with_limits or with_col_aliases:
            return as_sql(with_limits, with_col_aliases)
        shape = _shape(query, compiler.using)
        if shape is None:
            return as_sql(with_limits, with_col_aliases)
        try:
            where_sql, where_params = compiler.compile(query.where)
        except FullResultSet:
            where_sql, where_params = "", ()
        except EmptyResultSet:
            entry = _CACHE.get(shape)
            if entry is None or not compiler.elide_empty:
                return as_sql(with_limits, with_col_aliases)
            # Nothing to ask, as as_sql() finds after compiling every column: the
            # column map (the same for the whole shape) is all the caller reads.
            _restore(compiler, entry[2])
            raise
        where_params = tuple(where_params)
        entry = _CACHE.get(shape)
        if entry is not None and entry[0] == where_sql:
            _restore(compiler, entry[2])
            return entry[1], where_params
        sql, params = as_sql(with_limits, with_col_aliases)
        # Kept only when every parameter is the WHERE clause's, in its order: the cached
        # text then takes another row's values as they are.
        if tuple(params) == where_params and where_sql in sql:
            if len(_CACHE) >= _CACHE_LIMIT:
                _CACHE.clear()
            _CACHE[shape] = (
                where_sql,
                sql,
                (
                    compiler.select,
                    compiler.klass_info,
                    compiler.annotation_col_map,
                    compiler.col_count,
                    compiler.has_extra_select,
                ),
            )
        return sql, params

    return cached_as_sql


def clear() -> None:
    """Forget every kept SQL text (tests that change the schema or the connection)."""
    _CACHE.clear()
