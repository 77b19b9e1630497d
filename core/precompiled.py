"""Queries whose SQL is written once per process: for a read that runs on every request with the same shape and
only one value different (a listing by its id), Django's compiler — turning the queryset into SQL, column by
column — cost more than PostgreSQL's reading: ~1.3 ms of a listing's 2.5 ms of Python, on every listing page.

`precompiled_list(key, build, value)` runs `build(value)` as Django would, except that the SQL (and what the
compiler learnt while writing it: the columns, the related models, the annotations) is taken from the first time
this process ran the shape named `key` — with `value` put in place of the one parameter that differs. Everything
after the SQL is Django's own: the rows become model instances with their related objects, converters applied.

How the one parameter is found: the first time, the shape is compiled with a sentinel in place of `value`, and the
SQL is kept only if the sentinel is exactly one of its parameters. Otherwise (the value folded into the SQL, or
used twice) the shape is marked as not precompilable and every call runs the plain queryset — always correct,
only not faster. `key` must name one shape: the same `build` (its filters, joins and annotations) every time.

On PostgreSQL the kept SQL is also sent with its parameters bound on the server (a cursor of Django's
`ServerBindingCursor`, wrapped as Django wraps every cursor: its error types, `execute_wrapper`s, the query log),
so psycopg can prepare it once per connection (`prepare_threshold`, settings' `DB_PREPARE_THRESHOLD`): PostgreSQL
then plans it once instead of on every request — for a listing with its seller, workshop and category joined,
planning was most of PostgreSQL's work (1.3 → 0.35 ms of its CPU per listing page). Every other query keeps
Django's default client-side binding, which psycopg never prepares.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.base import ServerBindingCursor  # (psycopg 3: a dependency everywhere)
from django.db.models import Model, QuerySet

# An id no row has (ids are positive); never reaches the database.
SENTINEL = -7_391_204_117_003
_NOT_PRECOMPILABLE = object()
_SHAPES: dict[tuple[str, str], Any] = {}  # by database vendor and key: this project reads from one database

M = TypeVar("M", bound=Model)


def _compile(queryset: QuerySet[Any]) -> Any:
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    at = [i for i, param in enumerate(params) if param == SENTINEL]
    if len(at) != 1 or compiler.has_extra_select:  # (extra columns are trimmed by Django's own execute_sql)
        return _NOT_PRECOMPILABLE
    return queryset, compiler, sql, tuple(params), at[0]


def precompiled_list(key: str, build: Callable[[Any], QuerySet[M]], value: Any) -> list[M]:
    """The rows of `build(value)`, with the SQL written once per process for the shape `key` (see above). `value`
    must be one the queryset's filter takes as it is (an int for an id): it goes into the SQL's parameters without
    the field's own preparing."""
    kept = (connections[DEFAULT_DB_ALIAS].vendor, key)  # SQL for the database it was written for
    shape = _SHAPES.get(kept)
    if shape is None:
        shape = _SHAPES[kept] = _compile(build(SENTINEL))
    if shape is _NOT_PRECOMPILABLE:
        return list(build(value))
    built, compiler, sql, params, at = shape
    queryset = built.all()  # a fresh queryset of the same shape (its own results); its SQL is the one kept
    ours = copy.copy(compiler)  # the columns and related models it found; this thread's connection, our values
    ours.connection = connections[built.db]
    ours.query = queryset.query
    values = (*params[:at], value, *params[at + 1 :])
    ours.as_sql = lambda *args, **kwargs: (sql, values)
    if ours.connection.vendor == "postgresql":
        ours.execute_sql = lambda *args, **kwargs: [_fetch_bound(ours.connection, sql, values)]
    # This queryset only (never cloned from here): its query hands the iterator the compiler above.
    queryset.query.get_compiler = lambda *args, **kwargs: ours  # type: ignore[method-assign]
    return list(queryset)


def _fetch_bound(connection: Any, sql: str, values: tuple[Any, ...]) -> list[Any]:
    """The rows, through a server-binding cursor that Django wraps as it wraps its own (`connection.cursor()`
    does the same with the client-binding one)."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = connection._prepare_cursor(ServerBindingCursor(connection.connection))  # type: ignore[call-arg]
    with cursor:
        cursor.execute(sql, values)
        return cursor.fetchall()  # type: ignore[no-any-return]


def forget() -> None:
    """Drop every kept shape (tests that change what a shape compiles to)."""
    _SHAPES.clear()
