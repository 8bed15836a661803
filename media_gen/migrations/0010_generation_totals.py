# ruff: noqa: S608 -- only constant SQL fragments of this file are formatted in; there are no values.
"""Each owner's number of generations per kind in a table of its own, kept by triggers
(``media_gen.totals``): the gallery's first page read every index entry of the owner to count them.

Filled from the rows as they are; from then on every insert, delete and change of owner or kind
changes it in the same transaction. SQLite: row triggers (created again after every migrate, see
``media_gen.totals``). PostgreSQL: statement triggers with transition tables for inserts and deletes
(one upsert per owner and kind for a bulk insert), a row trigger for a changed owner or kind, and
one that empties it on ``TRUNCATE`` (Django's ``flush``).
"""

from django.db import migrations

TABLE = "media_gen_generation_total"
FILL = (
    f"INSERT INTO {TABLE} (owner_id, kind, total) "
    "SELECT owner_id, kind, COUNT(*) FROM media_gen_generation GROUP BY owner_id, kind"
)

SQLITE_FORWARD = [
    f"CREATE TABLE {TABLE} (owner_id integer NOT NULL, kind varchar(16) NOT NULL, "
    "total integer NOT NULL, PRIMARY KEY (owner_id, kind)) WITHOUT ROWID",
    FILL,
    f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON media_gen_generation BEGIN "
    f"INSERT INTO {TABLE} (owner_id, kind, total) VALUES (new.owner_id, new.kind, 1) "
    "ON CONFLICT (owner_id, kind) DO UPDATE SET total = total + 1; END",
    f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON media_gen_generation BEGIN "
    f"UPDATE {TABLE} SET total = total - 1 WHERE owner_id = old.owner_id AND kind = old.kind; END",
    f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF owner_id, kind ON media_gen_generation "
    "WHEN old.owner_id IS NOT new.owner_id OR old.kind IS NOT new.kind BEGIN "
    f"UPDATE {TABLE} SET total = total - 1 WHERE owner_id = old.owner_id AND kind = old.kind; "
    f"INSERT INTO {TABLE} (owner_id, kind, total) VALUES (new.owner_id, new.kind, 1) "
    "ON CONFLICT (owner_id, kind) DO UPDATE SET total = total + 1; END",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {TABLE}_update",
    f"DROP TABLE IF EXISTS {TABLE}",
]

_ADD = (
    f"INSERT INTO {TABLE} AS t (owner_id, kind, total) "
    "SELECT owner_id, kind, COUNT(*) FROM {rows} GROUP BY owner_id, kind "
    "ON CONFLICT (owner_id, kind) DO UPDATE SET total = t.total + excluded.total"
)
_SUBTRACT = (
    f"UPDATE {TABLE} t SET total = t.total - gone.n FROM "
    "(SELECT owner_id, kind, COUNT(*) AS n FROM {rows} GROUP BY owner_id, kind) gone "
    "WHERE t.owner_id = gone.owner_id AND t.kind = gone.kind"
)
POSTGRES_FORWARD = [
    f"CREATE TABLE {TABLE} (owner_id integer NOT NULL, kind varchar(16) NOT NULL, "
    "total integer NOT NULL, PRIMARY KEY (owner_id, kind))",
    FILL,
    f"CREATE FUNCTION {TABLE}_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    + _ADD.format(rows="inserted")
    + "; RETURN NULL; END $$",
    f"CREATE FUNCTION {TABLE}_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    + _SUBTRACT.format(rows="deleted")
    + "; RETURN NULL; END $$",
    f"CREATE FUNCTION {TABLE}_moved() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"UPDATE {TABLE} SET total = total - 1 WHERE owner_id = OLD.owner_id AND kind = OLD.kind; "
    f"INSERT INTO {TABLE} AS t (owner_id, kind, total) VALUES (NEW.owner_id, NEW.kind, 1) "
    "ON CONFLICT (owner_id, kind) DO UPDATE SET total = t.total + 1; RETURN NULL; END $$",
    f"CREATE FUNCTION {TABLE}_truncated() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"DELETE FROM {TABLE}; RETURN NULL; END $$",
    f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON media_gen_generation "
    f"REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_inserted()",
    f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON media_gen_generation "
    f"REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_deleted()",
    f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF owner_id, kind ON media_gen_generation FOR EACH ROW "
    f"WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.kind IS DISTINCT FROM NEW.kind) "
    f"EXECUTE FUNCTION {TABLE}_moved()",
    f"CREATE TRIGGER {TABLE}_truncate AFTER TRUNCATE ON media_gen_generation "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_truncated()",
]
POSTGRES_BACKWARD = (
    [
        f"DROP TRIGGER IF EXISTS {TABLE}_{event} ON media_gen_generation"
        for event in ("insert", "delete", "update", "truncate")
    ]
    + [
        f"DROP FUNCTION IF EXISTS {TABLE}_{event}()"
        for event in ("inserted", "deleted", "moved", "truncated")
    ]
    + [f"DROP TABLE IF EXISTS {TABLE}"]
)


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("media_gen", "0009_search_scoped_words"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
