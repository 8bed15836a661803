# ruff: noqa: S608 -- only constant table names are formatted into this file's SQL; there are no values.
"""Each owner's number of generations of each kind, kept by the database itself.

The gallery's first page shows the owner's total. Counting it, even from the index alone, read
every one of the owner's index entries on every page: 1 ms of PostgreSQL's CPU for 5,000 items
(half of a page's database time, issue 16), 1.3 ms at 10,000. The table ``TABLE`` holds the count
per (owner, kind), changed in the same transaction as the rows by triggers (migration 0010), so any
way a row is written (the ORM, bulk inserts, raw SQL, the webhook's fast path) keeps it exact, and
the page reads one row. On PostgreSQL inserts and deletes are counted per statement (a bulk insert
of 20,000 rows is one upsert per owner and kind) and ``TRUNCATE`` empties it too.

It is not a model: ``dumpdata`` / ``loaddata`` must not copy it (loading the rows counts them
again). Django rebuilds a SQLite table for some schema changes, which drops its triggers, so the
SQLite ones are created again after every migrate (``MediaGenConfig``), as the search index's are.
"""

from django.db import connections

TABLE = "media_gen_generation_total"
_GENERATIONS = "media_gen_generation"

# The same statements as migration 0010's for SQLite.
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON {_GENERATIONS} BEGIN "
    f"INSERT INTO {TABLE} (owner_id, kind, total) VALUES (new.owner_id, new.kind, 1) "
    "ON CONFLICT (owner_id, kind) DO UPDATE SET total = total + 1; END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON {_GENERATIONS} BEGIN "
    f"UPDATE {TABLE} SET total = total - 1 WHERE owner_id = old.owner_id AND kind = old.kind; END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_update AFTER UPDATE OF owner_id, kind ON {_GENERATIONS} "
    "WHEN old.owner_id IS NOT new.owner_id OR old.kind IS NOT new.kind BEGIN "
    f"UPDATE {TABLE} SET total = total - 1 WHERE owner_id = old.owner_id AND kind = old.kind; "
    f"INSERT INTO {TABLE} (owner_id, kind, total) VALUES (new.owner_id, new.kind, 1) "
    "ON CONFLICT (owner_id, kind) DO UPDATE SET total = total + 1; END",
)


def totals_triggers_ensure(*, using: str = "default") -> None:
    """Create the SQLite triggers when the table exists and they do not (idempotent)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
        if cursor.fetchone() is None:  # before migration 0010
            return
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)
