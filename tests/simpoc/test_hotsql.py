"""The hot paths' reads (simpoc/hotsql.py): the rows Django's cursor gives, prepared once per
PostgreSQL connection, logged and wrapped as Django's queries are, and run again on a new connection
when the kept one turns out to be dead (they skip Django's per-request health check)."""

from contextlib import nullcontext

import psycopg
import pytest
from django.db import ProgrammingError, connection
from django.test.utils import CaptureQueriesContext

from simpoc import hotsql
from tests.factories import UserFactory

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's prepared statements"
)
SQL = "SELECT id, username, is_staff FROM auth_user WHERE id = %s OR username = %s ORDER BY id"


def django_rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_read_gives_the_rows_djangos_cursor_gives():
    first, second = UserFactory(), UserFactory()
    params = [first.pk, second.username]
    rows = hotsql.fetch(SQL, params)
    assert rows == django_rows(SQL, params)
    assert [row[0] for row in rows] == sorted([first.pk, second.pk])


@pytest.mark.django_db
def test_a_read_is_logged_and_wrapped_like_djangos_queries():
    user = UserFactory()
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(wrapper):
        hotsql.fetch(SQL, [user.pk, ""])
    assert seen == [SQL]
    (logged,) = queries.captured_queries
    # With its values in, as Django logs every query (tools run it again, e.g. to EXPLAIN it).
    expected = SQL.replace("%s", str(user.pk), 1).replace("%s", "''", 1)
    assert logged["sql"] == expected


@postgres_only
@pytest.mark.django_db
def test_a_read_is_prepared_once_per_connection():
    user = UserFactory()
    for _ in range(3):
        assert hotsql.fetch(SQL, [user.pk, ""])[0][0] == user.pk
    ours = [statement for statement in prepared_statements() if "auth_user WHERE id = $1" in statement]
    assert len(ours) == 1


@postgres_only
@pytest.mark.django_db
def test_nothing_is_prepared_where_prepared_statements_are_off():
    user = UserFactory()
    connection.ensure_connection()
    kept = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None  # what DATABASE_PREPARED_STATEMENTS=false gives
    try:
        assert hotsql.fetch(SQL, [user.pk, ""])[0][0] == user.pk
    finally:
        connection.connection.prepare_threshold = kept
    assert not [statement for statement in prepared_statements() if "auth_user" in statement]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_dead_connection_is_replaced_and_the_read_run_again():
    user = UserFactory()
    hotsql.fetch(SQL, [user.pk, ""])
    dead_pid = connection.connection.info.backend_pid
    connection.health_check_done = False  # a new request: Django would SELECT 1 first, this does not
    settings = connection.get_connection_params()
    with psycopg.connect(**settings, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [dead_pid])
    assert hotsql.fetch(SQL, [user.pk, ""])[0][0] == user.pk
    assert connection.connection.info.backend_pid != dead_pid


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("logged", [False, True], ids=["plain", "logged"])
def test_a_failing_statement_is_raised_as_djangos_error_and_the_connection_kept(logged):
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    capture = CaptureQueriesContext(connection) if logged else nullcontext()
    with capture as queries, pytest.raises(ProgrammingError):  # Django's class, not psycopg's
        hotsql.fetch("SELECT no_such_column FROM auth_user WHERE id = %s", [1])
    if logged:
        assert len(queries.captured_queries) == 1  # not run again: the connection was fine
    assert connection.connection.info.backend_pid == pid
    assert hotsql.fetch("SELECT %s::int + 1", [1]) == [(2,)]
