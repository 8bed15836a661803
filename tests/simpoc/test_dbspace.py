"""Space comes back (simpoc/dbspace.py): deleted media's pages are returned to the filesystem."""

import hashlib
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django_q.models import Schedule

from gallery.models import Asset
from simpoc import dbspace, tasks

pytestmark = pytest.mark.django_db(transaction=True)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's file and pragmas")
MIB = 1024 * 1024


def db_file() -> Path:
    return Path(connection.settings_dict["NAME"])


def checkpointed_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db_file().stat().st_size


def store_blobs(user, *, count: int, size: int) -> None:
    chunk = os.urandom(size)
    for n in range(count):
        data = chunk[n:] + chunk[:n]  # every row different, so nothing could be shared
        Asset.objects.create(
            owner=user,
            kind=Asset.Kind.VIDEO,
            content_type="video/mp4",
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
        )


@sqlite_only
def test_new_databases_are_created_with_incremental_auto_vacuum():
    assert dbspace.database_space().auto_vacuum == "incremental"


def _open(path: Path, **options: object):
    settings_dict = {**connection.settings_dict, "NAME": str(path)}
    settings_dict["OPTIONS"] = {**settings_dict["OPTIONS"], **options}
    wrapper = connections["default"].__class__(settings_dict, alias="scratch")
    wrapper.ensure_connection()
    return wrapper


@sqlite_only
def test_a_new_file_is_made_incremental_and_an_old_one_only_read_even_while_locked(tmp_path):
    import sqlite3

    fresh = _open(tmp_path / "new.sqlite3")
    with fresh.cursor() as cursor:
        cursor.execute("PRAGMA auto_vacuum")
        assert cursor.fetchone()[0] == 2
    fresh.close()

    old = tmp_path / "old.sqlite3"
    made = sqlite3.connect(old, isolation_level=None)
    made.execute("PRAGMA journal_mode=WAL")
    made.execute("CREATE TABLE t (x)")
    made.execute("BEGIN IMMEDIATE")  # a writer holds the lock: a new reader must not need it
    try:
        reader = _open(old, timeout=0.2)
        with reader.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")
            assert cursor.fetchone()[0] == 0
            cursor.execute("PRAGMA auto_vacuum")
            assert cursor.fetchone()[0] == 0, "an existing file is converted by compact_database only"
        reader.close()
    finally:
        made.execute("ROLLBACK")
        made.close()


@sqlite_only
def test_store_200_mb_delete_it_and_the_job_gives_90_percent_back(user):
    store_blobs(user, count=100, size=2 * MIB)
    full = checkpointed_size()
    Asset.objects.all().delete()
    space = dbspace.database_space()
    assert space.free_bytes >= 190 * MIB
    assert space.next_reclaim_bytes >= 190 * MIB, "the dashboard says what the next run frees"

    result = tasks.database_reclaim()  # what the schedule runs

    shrunk = full - db_file().stat().st_size
    print(f"\n200 MiB stored and deleted: the file shrank by {shrunk / MIB:.1f} MiB; {result}")
    assert shrunk >= 0.9 * 200 * MIB, result
    assert dbspace.database_space().free_pages == 0
    assert Path(f"{db_file()}-wal").stat().st_size < 10 * MIB, "the write-ahead log is truncated too"
    assert "steps" in result


@sqlite_only
def test_each_step_is_short_and_the_budget_bounds_a_run(user):
    store_blobs(user, count=40, size=MIB)
    Asset.objects.all().delete()
    report = dbspace.database_reclaim(budget_seconds=0)
    assert report.steps == 0 and report.freed_bytes == 0, "no budget: nothing done"
    report = dbspace.database_reclaim()
    assert report.freed_bytes >= 38 * MIB
    assert report.longest_step_seconds < 1.0, "a writer never waits behind a step for a second"


@sqlite_only
def test_one_reclaim_run_at_a_time(user):
    from simpoc import leases

    store_blobs(user, count=10, size=MIB)
    Asset.objects.all().delete()
    with leases.lease_held(name=dbspace.RECLAIM_LEASE, ttl=60):
        report = dbspace.database_reclaim()
    assert report.steps == 0 and report.free_bytes_left >= 9 * MIB, "another run holds it: nothing done"
    assert dbspace.database_reclaim().freed_bytes >= 9 * MIB


@sqlite_only
def test_compact_converts_a_database_made_before_auto_vacuum(user):
    raw = connection.cursor().connection
    raw.execute("PRAGMA auto_vacuum=NONE")
    raw.executescript("VACUUM;")
    assert dbspace.database_space().auto_vacuum == "none"
    store_blobs(user, count=10, size=MIB)
    Asset.objects.all().delete()
    assert dbspace.database_space().next_reclaim_bytes == 0, "no incremental vacuum on an old file"
    assert dbspace.database_reclaim().steps == 0

    call_command("compact_database")

    space = dbspace.database_space()
    assert space.auto_vacuum == "incremental" and space.free_pages == 0
    assert space.size_bytes < 2 * MIB


def test_reclaim_refuses_to_commit_a_callers_transaction():
    from django.db import transaction

    with transaction.atomic():
        if connection.vendor == "sqlite":
            with pytest.raises(RuntimeError):
                dbspace.database_reclaim()
        else:
            assert dbspace.database_reclaim().steps == 0


def test_the_schedule_exists_after_migrate():
    schedule = Schedule.objects.get(name=dbspace.RECLAIM_SCHEDULE)
    assert schedule.func == "simpoc.tasks.database_reclaim" and schedule.minutes == 15


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_postgresql_reports_size_and_dead_rows_and_leaves_reclaiming_to_autovacuum(user):
    store_blobs(user, count=5, size=MIB)
    Asset.objects.all().delete()
    space = dbspace.database_space()
    assert space.engine == "postgresql" and space.auto_vacuum == "autovacuum"
    assert space.size_bytes > 5 * MIB
    assert space.next_reclaim_bytes == 0
    assert dbspace.database_reclaim().steps == 0
