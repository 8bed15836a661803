"""ORM reads compiled once per thread and run again with another user's id.

The gallery's first page is the same query for every user but the owner's id, yet the ORM builds and
compiles it on every request (half of the page's CPU: issue 16). ``prepared_values`` builds the
queryset once with a placeholder user, keeps its SQL, parameters and compiler, and on later calls
only swaps the id in and runs it: the rows come back through that compiler's own converters, so they
are exactly what ``queryset.values(...)`` gives (the tests compare the two).
"""

import sqlite3
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.utils.dateparse import parse_datetime

from simpoc import hotsql

try:
    from psycopg.types.string import TextLoader
except ImportError:  # SQLite only
    TextLoader = None

# Stands for the user's id while compiling: no table's ids get near it, and it must appear in the
# parameters (a query that inlined it, or does not filter by the user, is refused).
PLACEHOLDER_ID = 7_340_912_553_118_061
# sqlite3's converter that leaves a column's stored text as text (``prepared_rows(as_text=...)``):
# named in the column's alias, which sqlite3 reads before the declared type (Django's connections
# have ``PARSE_COLNAMES``). Registered on first use; the name is this module's own.
TEXT_CONVERTER = "simpoc_text"

_local = threading.local()


@dataclass(frozen=True)
class _Prepared:
    sql: str
    params: tuple[Any, ...]
    user_positions: tuple[int, ...]
    compiler: SQLCompiler
    names: tuple[str, ...]
    alias: str
    # The columns' converters, found once (``results_iter`` looked them up on every call).
    converters: dict[int, tuple[list, Any]]
    # The columns the driver gives as text (``prepared_rows(as_text=...)``): SQLite's stored text, or
    # PostgreSQL's output of a timestamptz.
    text_columns: frozenset[str] = frozenset()

    def converted(self, row: tuple | list, name: str) -> Any:
        """Column ``name`` of a raw row (``prepared_rows``) as ``prepared_values`` gives it."""
        index = self.names.index(name)
        value = row[index]
        if (
            value.__class__ is str
            and name in self.text_columns
            and self.compiler.connection.vendor == "postgresql"
        ):
            value = parse_datetime(value)  # PostgreSQL's text in the session's zone (UTC): "+00"
        found = self.converters.get(index)
        if found is not None:
            converters, expression = found
            for converter in converters:
                value = converter(value, expression, self.compiler.connection)
        return value


def _prepare(build: Callable[[AbstractBaseUser], QuerySet], as_text: tuple[str, ...] = ()) -> _Prepared:
    placeholder = get_user_model()(pk=PLACEHOLDER_ID, is_staff=False, is_superuser=False)
    queryset = build(placeholder)
    query = queryset.query
    if not query.values_select and not query.annotation_select:
        raise ValueError("prepared_values takes a .values() queryset")
    compiler = query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    positions = tuple(i for i, value in enumerate(params) if value == PLACEHOLDER_ID)
    if not positions:
        raise ValueError("the queryset does not filter by the user's id as a parameter")
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
    text_columns = []
    vendor = compiler.connection.vendor
    if as_text and vendor == "postgresql":
        # psycopg's text loader for every timestamptz of the query (Django's loader is Python, per
        # value), so only when ``as_text`` names every datetime column it selects.
        datetimes = {
            name
            for name, column in zip(names, compiler.select[: compiler.col_count], strict=False)
            if column[0].output_field.get_internal_type() == "DateTimeField"
        }
        if datetimes <= set(as_text):
            text_columns = sorted(datetimes)
    elif as_text and vendor == "sqlite":
        sqlite3.register_converter(TEXT_CONVERTER, bytes.decode)
        quote = compiler.connection.ops.quote_name
        for name in as_text:
            alias = f" AS {quote(name)}"
            if name in names and sql.count(alias) == 1:  # else the column keeps its type's converter
                sql = sql.replace(alias, f" AS {quote(f'{name} [{TEXT_CONVERTER}]')}")
                text_columns.append(name)
    return _Prepared(
        sql, tuple(params), positions, compiler, names, queryset.db, converters, frozenset(text_columns)
    )


def _prepared(
    key: Hashable, build: Callable[[AbstractBaseUser], QuerySet], as_text: tuple[str, ...] = ()
) -> _Prepared:
    cache: dict[Hashable, _Prepared] = _local.__dict__.setdefault("prepared", {})
    if as_text:
        key = (key, as_text)
    prepared = cache.get(key)
    if prepared is None:
        prepared = cache[key] = _prepare(build, as_text) if as_text else _prepare(build)
    return prepared


def _run(prepared: _Prepared, user: AbstractBaseUser) -> list[tuple]:
    params = list(prepared.params)
    for position in prepared.user_positions:
        params[position] = user.pk
    loaders = {"timestamptz": TextLoader} if prepared.text_columns else None
    return hotsql.fetch(prepared.sql, params, loaders=loaders, using=prepared.alias)


def prepared_values(
    key: Hashable, *, user: AbstractBaseUser, build: Callable[[AbstractBaseUser], QuerySet]
) -> list[dict[str, Any]]:
    """``list(build(user))`` (a ``.values()`` queryset), compiled on this thread's first call for
    ``key``. ``build`` must give the same query for every non-staff user but the user's id, and
    ``key`` must name everything else it depends on (kind, limit, offset ...)."""
    prepared = _prepared(key, build)
    rows = _run(prepared, user)
    names = prepared.names
    if prepared.converters:
        rows = prepared.compiler.apply_converters(rows, prepared.converters)
    return [dict(zip(names, row, strict=True)) for row in rows]


def prepared_rows(
    key: Hashable,
    *,
    user: AbstractBaseUser,
    build: Callable[[AbstractBaseUser], QuerySet],
    as_text: tuple[str, ...] = (),
) -> tuple[_Prepared, list[tuple]]:
    """``prepared_values``'s query and its rows as the database driver gives them: no converters
    (the caller reads ``names`` and ``converters``, or ``converted`` a value). For a caller that
    formats the values itself, e.g. the gallery's first page, where converting 50 rows (datetimes made
    aware, JSON decoded) cost a fifth of the page (issue 16). The datetime columns ``as_text`` names
    come as text (``text_columns``), not parsed by the driver, so that they can be formatted without
    building datetimes: SQLite's stored text (``YYYY-MM-DD HH:MM:SS[.ffffff]``, naive UTC), or on
    PostgreSQL its output (``YYYY-MM-DD HH:MM:SS[.f]+00``; only when ``as_text`` names every datetime
    column, a third of the page's CPU there went to Django's timestamptz loader); ``converted``
    still gives the ORM's value."""
    prepared = _prepared(key, build, as_text)
    return prepared, _run(prepared, user)
