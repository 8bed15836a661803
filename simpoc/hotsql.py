"""Reads on the hot paths (a small image, the gallery's first page, who a key or session is), run as
PostgreSQL prepared statements.

Django's PostgreSQL cursors bind parameters on the client, so the server parses and plans every
statement again: for the small image's four-table join that is about 330 us of the database's CPU
against 40 us to execute it prepared (pgbench on the bench's data, issue 16), most of what two cores
spent on PostgreSQL per image. These reads go through psycopg's own server-binding cursor on Django's
connection and ask psycopg to prepare them: each connection plans a statement once and reuses the
plan. ``DATABASE_PREPARED_STATEMENTS=false`` turns that off, for a transaction-pooling PgBouncer
older than 1.21, where a prepared statement does not survive the next transaction.

Django's per-request health check (``CONN_HEALTH_CHECKS``, a ``SELECT 1`` before the request's first
statement) is skipped here: the read runs at once and, if the connection turns out to be dead, the
connection is replaced and the read run again, once (a read changes nothing, so running it twice is
safe). On SQLite the reads run on Django's cursor as they are.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper


class _LoggedCursor(CursorDebugWrapper):
    """Django's query log for these reads, each with its values in as Django logs a query: Django would
    read the sent query back from the cursor, which psycopg keeps only for one bound on the client."""

    def execute(self, sql: str, params: Any = None) -> Any:
        with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
            return CursorWrapper.execute(self, sql, params)


@functools.cache
def _prepared_cursor(binary: bool) -> type:
    import psycopg  # only on PostgreSQL

    class PreparedCursor(psycopg.Cursor):
        """Binds on the server and asks for a prepared statement; Django's wrapper calls ``execute``
        with the SQL and parameters only, so the options are this class's."""

        def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparedCursor


def _postgres_rows(
    db: BaseDatabaseWrapper, sql: str, params: Sequence[Any], *, binary: bool, loaders: dict[str, type]
) -> list[tuple]:
    cursor_class = _prepared_cursor(binary)
    for attempt in (1, 2):
        if db.connection is None:
            db.ensure_connection()
        elif not db.health_check_done:
            # This read is the health check: run it, and start again on a new connection if it fails.
            db.health_check_done = True
        db.validate_thread_sharing()
        raw = cursor_class(db.connection)
        for type_name, loader in loaders.items():
            raw.adapters.register_loader(type_name, loader)
        try:
            if db.execute_wrappers or db.queries_logged:
                # Django's own wrapper, for its execute wrappers and query log.
                cursor = _LoggedCursor(raw, db) if db.queries_logged else db.make_cursor(raw)
                with cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchall()
            # What that wrapper does otherwise, without its layers (a third of a read's client CPU).
            db.validate_no_broken_transaction()
            with db.wrap_database_errors, raw:
                raw.execute(sql, params)
                return raw.fetchall()
        except Exception:
            if attempt == 2 or db.in_atomic_block or db.is_usable():
                raise  # the statement failed, not the connection (or a transaction is open)
            db.close()
    raise AssertionError("unreachable")


def fetch(
    sql: str,
    params: Sequence[Any],
    *,
    binary: bool = False,
    loaders: dict[str, type] | None = None,
    using: str = "default",
) -> list[tuple]:
    """The rows of ``sql`` (``%s`` placeholders) with ``params``; on PostgreSQL a prepared statement,
    its results in binary when ``binary`` (a bytea arrives as its bytes, not hex to decode), and
    ``loaders`` (a type name -> a psycopg loader) read those types' values instead of psycopg's own."""
    db = connections[using]
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    return _postgres_rows(db, sql, params, binary=binary, loaders=loaders or {})
