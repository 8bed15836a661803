"""Giving deleted media's disk space back.

With the embedded default every media byte lives in the SQLite file, and SQLite keeps the pages
freed by a DELETE inside the file for reuse: the file never shrinks by itself. New databases are
therefore created with ``auto_vacuum=INCREMENTAL`` (``sqlite_new_file_incremental`` sets it when a
connection finds a file without tables; existing files are only read), which lets
``PRAGMA incremental_vacuum(N)`` move N pages from the end of the file into free slots and
truncate it. ``database_reclaim`` does that in short steps, each its own write transaction well
under a second, so writers queue behind one step at most; the schedule below runs it every
15 minutes. A database made before this (``auto_vacuum`` = none) is converted once with
``manage.py compact_database`` (a full VACUUM: it rewrites the file, needs that much free disk
and blocks writers while it runs).

PostgreSQL: autovacuum marks the space of deleted rows (and their TOAST chunks, where BLOBs live)
reusable by later inserts into the same table; it returns space to the operating system only when
whole pages at the end of a table are empty. The dashboard shows the database's size and the dead
rows autovacuum has not processed yet; giving all the space back takes ``VACUUM FULL`` (an
exclusive lock on each table while it is rewritten), which we never run automatically.
"""

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from simpoc import leases, shutdown

logger = logging.getLogger(__name__)

RECLAIM_SCHEDULE = "simpoc: reclaim database space"
RECLAIM_LEASE = "simpoc:database-reclaim"
# One step stays well under the one second a writer may wait behind it; the step size adapts.
STEP_TARGET_SECONDS = 0.25
STEP_FIRST_PAGES = 1024
STEP_MAX_PAGES = 8192  # 32 MiB of 4 KiB pages: well under a second even on a busy machine
# Writers get the lock between two steps.
STEP_PAUSE_SECONDS = 0.05
# One scheduled run reclaims for at most this long; the rest waits for the next run.
RUN_BUDGET_SECONDS = 30.0
# Free space below this is left for SQLite to reuse (not worth a run).
RECLAIM_MIN_BYTES = 8 * 1024 * 1024
# A conservative rate for the dashboard's "next reclaim" (measured: about 100 MB/s on 2 shared cores).
RECLAIM_BYTES_PER_SECOND = 50 * 1024 * 1024
AUTO_VACUUM_MODES = {0: "none", 1: "full", 2: "incremental"}


@dataclass(frozen=True)
class DatabaseSpace:
    engine: str
    size_bytes: int
    free_bytes: int  # SQLite: free pages in the file; PostgreSQL: an estimate of dead rows' bytes
    free_pages: int
    page_size: int
    auto_vacuum: str  # SQLite's mode; "autovacuum" on PostgreSQL
    next_reclaim_bytes: int  # what the next scheduled run will give back to the filesystem
    dead_rows: int  # PostgreSQL: rows autovacuum has not processed yet
    wal_bytes: int  # SQLite: the write-ahead log beside the file


def sqlite_new_file_incremental(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """``connection_created``: a SQLite file without tables yet gets ``auto_vacuum=INCREMENTAL``.

    Only reads on existing files (setting the pragma needs the write lock, which a reader must
    never wait for); on an empty file the pragma and a VACUUM of nothing take a moment.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA auto_vacuum")
        if cursor.fetchone()[0] == 2:
            return
        cursor.execute("SELECT count(*) FROM sqlite_master")
        if cursor.fetchone()[0]:
            return  # made before: manage.py compact_database converts it
        cursor.execute("PRAGMA auto_vacuum=INCREMENTAL")
        cursor.execute("VACUUM")  # in WAL mode the new setting takes effect with a VACUUM


def _pragma(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return int(cursor.fetchone()[0])


def database_space() -> DatabaseSpace:
    """Size, free space and what the next reclaim frees (the storage dashboard's numbers)."""
    if connection.vendor == "sqlite":
        page_size = _pragma("page_size")
        free_pages = _pragma("freelist_count")
        mode = AUTO_VACUUM_MODES.get(_pragma("auto_vacuum"), "unknown")
        free_bytes = free_pages * page_size
        if mode != "incremental" or free_bytes < RECLAIM_MIN_BYTES:
            next_reclaim = 0
        else:
            next_reclaim = min(free_bytes, int(RUN_BUDGET_SECONDS * RECLAIM_BYTES_PER_SECOND))
        try:
            wal = Path(f"{connection.settings_dict['NAME']}-wal").stat().st_size
        except OSError:
            wal = 0
        return DatabaseSpace(
            engine="sqlite",
            size_bytes=_pragma("page_count") * page_size,
            free_bytes=free_bytes,
            free_pages=free_pages,
            page_size=page_size,
            auto_vacuum=mode,
            next_reclaim_bytes=next_reclaim,
            dead_rows=0,
            wal_bytes=wal,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database()), current_setting('block_size')::int")
            size, block = cursor.fetchone()
            cursor.execute(
                "SELECT coalesce(sum(n_dead_tup), 0), coalesce(sum(CASE WHEN n_live_tup + n_dead_tup > 0 "
                "THEN pg_total_relation_size(relid) * n_dead_tup / (n_live_tup + n_dead_tup) END), 0) "
                "FROM pg_stat_user_tables"
            )
            dead_rows, dead_bytes = cursor.fetchone()
        return DatabaseSpace(
            engine="postgresql",
            size_bytes=int(size),
            free_bytes=int(dead_bytes),
            free_pages=int(dead_bytes) // int(block),
            page_size=int(block),
            auto_vacuum="autovacuum",
            next_reclaim_bytes=0,
            dead_rows=int(dead_rows),
            wal_bytes=0,
        )
    return DatabaseSpace(connection.vendor, 0, 0, 0, 0, "unknown", 0, 0, 0)


@dataclass(frozen=True)
class ReclaimReport:
    steps: int
    freed_bytes: int
    longest_step_seconds: float
    free_bytes_left: int

    def __str__(self) -> str:
        return (
            f"reclaimed {self.freed_bytes} bytes in {self.steps} steps (longest "
            f"{self.longest_step_seconds:.3f} s); {self.free_bytes_left} bytes still free in the file"
        )


def database_reclaim(*, budget_seconds: float = RUN_BUDGET_SECONDS) -> ReclaimReport:
    """Give free pages back to the filesystem in short steps, for at most ``budget_seconds``.

    SQLite with auto_vacuum=incremental only; elsewhere it does nothing. Each step is one
    ``incremental_vacuum`` (its own write transaction) followed by a passive checkpoint, which
    copies the step into the file and truncates it without waiting for readers.
    """
    if connection.vendor != "sqlite" or _pragma("auto_vacuum") != 2:
        return ReclaimReport(0, 0, 0.0, 0)
    if connection.in_atomic_block:  # executescript would commit the caller's transaction
        raise RuntimeError("database_reclaim must run outside a transaction")
    # One run at a time (a slow run and the next schedule tick, or two workers).
    with leases.lease_held(name=RECLAIM_LEASE, ttl=budget_seconds + 30) as lease:
        if lease is None:
            return ReclaimReport(0, 0, 0.0, _pragma("freelist_count") * _pragma("page_size"))
        return _reclaim_steps(budget_seconds=budget_seconds)


def _reclaim_steps(*, budget_seconds: float) -> ReclaimReport:
    connection.ensure_connection()
    raw = connection.connection
    page_size = _pragma("page_size")
    start_pages = _pragma("page_count")
    pages = STEP_FIRST_PAGES
    steps = 0
    longest = 0.0
    deadline = time.monotonic() + budget_seconds
    while _pragma("freelist_count") and time.monotonic() < deadline and not shutdown.requested():
        started = time.monotonic()
        # executescript steps the pragma to its end (a plain execute frees one page per step).
        raw.executescript(f"PRAGMA incremental_vacuum({int(pages)});")
        raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        took = time.monotonic() - started
        longest = max(longest, took)
        steps += 1
        if took < STEP_TARGET_SECONDS / 2:
            pages = min(pages * 2, STEP_MAX_PAGES)
        elif took > STEP_TARGET_SECONDS:
            pages = max(pages // 2, 64)
        time.sleep(STEP_PAUSE_SECONDS)
    if steps:
        _wal_truncate(raw)
    freed = (start_pages - _pragma("page_count")) * page_size
    report = ReclaimReport(steps, freed, longest, _pragma("freelist_count") * page_size)
    if steps:
        logger.info("database space: %s", report)
    return report


def _wal_truncate(raw: object) -> None:
    """Shrink the write-ahead log too, waiting at most a second for readers (else next time)."""
    busy = raw.execute("PRAGMA busy_timeout").fetchone()[0]  # type: ignore[attr-defined]
    try:
        raw.execute("PRAGMA busy_timeout=1000")  # type: ignore[attr-defined]
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()  # type: ignore[attr-defined]
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(busy)}")  # type: ignore[attr-defined]


def database_compact() -> tuple[int, int]:
    """Turn on incremental auto-vacuum (if needed) and VACUUM once; returns (size before, after).

    VACUUM rewrites the whole file: it needs as much free disk as the database and holds the write
    lock while it runs, so it is a command for a quiet moment, not a schedule.
    """
    if connection.in_atomic_block:
        raise RuntimeError("database_compact must run outside a transaction")
    before = database_space().size_bytes
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        raw.execute("PRAGMA auto_vacuum=INCREMENTAL")
        raw.executescript("VACUUM;")
        _wal_truncate(raw)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM FULL ANALYZE")
    return before, database_space().size_bytes


def ensure_reclaim_schedule(**kwargs: object) -> None:
    """The persisted django-q2 schedule that reclaims free pages every 15 minutes (idempotent)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=RECLAIM_SCHEDULE,
        defaults={
            "func": "simpoc.tasks.database_reclaim",
            "schedule_type": Schedule.MINUTES,
            "minutes": 15,
            "repeats": -1,
        },
    )
