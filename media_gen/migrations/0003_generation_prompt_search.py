"""Full-text search of prompts, kept in step by the database itself.

SQLite: an FTS5 table ``media_gen_generation_search`` (rowid = the generation's id) with the prompt
and a ``scope`` column of two tokens, ``o<owner id>`` and ``k<kind>``, so one MATCH narrows to one
user's images before any row is read; triggers copy every insert, update and delete.
PostgreSQL: a stored generated ``tsvector`` column ``prompt_search`` ('simple' configuration: no
stemming, the same words as SQLite's unicode61) with a GIN index; the planner combines it with the
owner/kind index.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE media_gen_generation_search USING fts5("
    "prompt, scope, tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO media_gen_generation_search (rowid, prompt, scope) "
    "SELECT id, prompt, 'o' || owner_id || ' k' || kind FROM media_gen_generation",
    "CREATE TRIGGER media_gen_generation_search_insert AFTER INSERT ON media_gen_generation BEGIN "
    "INSERT INTO media_gen_generation_search (rowid, prompt, scope) "
    "VALUES (new.id, new.prompt, 'o' || new.owner_id || ' k' || new.kind); END",
    "CREATE TRIGGER media_gen_generation_search_update AFTER UPDATE OF prompt, owner_id, kind "
    "ON media_gen_generation BEGIN "
    "DELETE FROM media_gen_generation_search WHERE rowid = old.id; "
    "INSERT INTO media_gen_generation_search (rowid, prompt, scope) "
    "VALUES (new.id, new.prompt, 'o' || new.owner_id || ' k' || new.kind); END",
    "CREATE TRIGGER media_gen_generation_search_delete AFTER DELETE ON media_gen_generation BEGIN "
    "DELETE FROM media_gen_generation_search WHERE rowid = old.id; END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS media_gen_generation_search_insert",
    "DROP TRIGGER IF EXISTS media_gen_generation_search_update",
    "DROP TRIGGER IF EXISTS media_gen_generation_search_delete",
    "DROP TABLE IF EXISTS media_gen_generation_search",
]
POSTGRES_FORWARD = [
    "ALTER TABLE media_gen_generation ADD COLUMN prompt_search tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', prompt)) STORED",
    "CREATE INDEX media_gen_generation_prompt_search ON media_gen_generation USING gin (prompt_search)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS media_gen_generation_prompt_search",
    "ALTER TABLE media_gen_generation DROP COLUMN IF EXISTS prompt_search",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("media_gen", "0002_generation_download_progress"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
