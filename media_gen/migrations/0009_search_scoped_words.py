# ruff: noqa: S608 -- only constant SQL fragments of this file are formatted in; there are no values.
"""Search: every word scoped to its owner and kind, and the text output (captions) searched too.

The index held each word once, with a scope token beside it, so a search for a word common
site-wide read that word's whole posting list (a million entries at 1M rows) to intersect it with
one owner's ten thousand items, and relevance (bm25 / ts_rank) counted it all again. Now each word
is indexed as ``o<owner id><kind>x<word>`` and ``k<kind>x<word>`` (``media_gen.search``): a search
reads only its owner's (or, for staff, its kind's) posting lists.

SQLite: the FTS5 table is rebuilt with one column, ``document``, written by the triggers through
the ``media_gen_search_document`` SQL function (registered on every connection by ``MediaGenConfig``),
then merged into one segment ('optimize'). PostgreSQL: the same document from an immutable SQL
function of the same name, as the generated tsvector column ``search_vector`` with a GIN index
(replacing ``prompt_search``).
"""

from django.db import migrations

from media_gen.search import search_functions_register

TABLE = "media_gen_generation_search"
_DOCUMENT = "media_gen_search_document(new.owner_id, new.kind, new.prompt, new.text_output)"
# As media_gen.search.SQLITE_TRIGGERS (which puts them back after a table rebuild) has them.
TRIGGERS = [
    "CREATE TRIGGER media_gen_generation_search_insert AFTER INSERT ON media_gen_generation "
    f"BEGIN INSERT INTO {TABLE} (rowid, document) VALUES (new.id, {_DOCUMENT}); END",
    "CREATE TRIGGER media_gen_generation_search_update "
    "AFTER UPDATE OF prompt, text_output, owner_id, kind ON media_gen_generation "
    f"BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; "
    f"INSERT INTO {TABLE} (rowid, document) VALUES (new.id, {_DOCUMENT}); END",
    "CREATE TRIGGER media_gen_generation_search_delete AFTER DELETE ON media_gen_generation "
    f"BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; END",
]
DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS media_gen_generation_search_insert",
    "DROP TRIGGER IF EXISTS media_gen_generation_search_update",
    "DROP TRIGGER IF EXISTS media_gen_generation_search_delete",
]
SQLITE_FORWARD = [
    *DROP_TRIGGERS,
    f"DROP TABLE IF EXISTS {TABLE}",
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(document, tokenize = 'unicode61 remove_diacritics 2')",
    f"INSERT INTO {TABLE} (rowid, document) SELECT id, "
    "media_gen_search_document(owner_id, kind, prompt, text_output) FROM media_gen_generation",
    f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')",
    *TRIGGERS,
]
# Back to 0006's table: the prompt and a scope column, its triggers.
_OLD_SCOPE = "'o' || {row}.owner_id || 'k' || {row}.kind || ' k' || {row}.kind"
SQLITE_BACKWARD = [
    *DROP_TRIGGERS,
    f"DROP TABLE IF EXISTS {TABLE}",
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(prompt, scope, tokenize = 'unicode61 remove_diacritics 2')",
    f"INSERT INTO {TABLE} (rowid, prompt, scope) "
    f"SELECT id, prompt, {_OLD_SCOPE.format(row='media_gen_generation')} FROM media_gen_generation",
    "CREATE TRIGGER media_gen_generation_search_insert AFTER INSERT ON media_gen_generation BEGIN "
    f"INSERT INTO {TABLE} (rowid, prompt, scope) VALUES (new.id, new.prompt, {_OLD_SCOPE.format(row='new')}); END",
    "CREATE TRIGGER media_gen_generation_search_update AFTER UPDATE OF prompt, owner_id, kind "
    f"ON media_gen_generation BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; "
    f"INSERT INTO {TABLE} (rowid, prompt, scope) VALUES (new.id, new.prompt, {_OLD_SCOPE.format(row='new')}); END",
    "CREATE TRIGGER media_gen_generation_search_delete AFTER DELETE ON media_gen_generation BEGIN "
    f"DELETE FROM {TABLE} WHERE rowid = old.id; END",
]

# ``search._scoped`` in SQL: the scope, then each run of letters and digits as scope || 'x' || word.
_SCOPED = "{scope} || regexp_replace(' ' || lower({text}), '[^[:alnum:]]*([[:alnum:]]+)', ' ' || {scope} || 'x\\1', 'g')"
_OWNED = "'o' || owner_id || kind"
_EVERYONE = "'k' || kind"
POSTGRES_FORWARD = [
    "CREATE FUNCTION media_gen_search_document(owner_id bigint, kind text, prompt text, text_output text) "
    "RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN concat_ws(' ', "
    + ", ".join(
        _SCOPED.format(scope=scope, text=text)
        for scope in (_OWNED, _EVERYONE)
        for text in ("coalesce(prompt, '')", "coalesce(text_output, '')")
    )
    + ")",
    "DROP INDEX IF EXISTS media_gen_generation_prompt_search",
    "ALTER TABLE media_gen_generation DROP COLUMN IF EXISTS prompt_search",
    "ALTER TABLE media_gen_generation ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, media_gen_search_document(owner_id, kind, prompt, text_output))) STORED",
    "CREATE INDEX media_gen_generation_search_vector ON media_gen_generation USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS media_gen_generation_search_vector",
    "ALTER TABLE media_gen_generation DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS media_gen_search_document(bigint, text, text, text)",
    "ALTER TABLE media_gen_generation ADD COLUMN prompt_search tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', prompt)) STORED",
    "CREATE INDEX media_gen_generation_prompt_search ON media_gen_generation USING gin (prompt_search)",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            schema_editor.connection.ensure_connection()
            search_functions_register(schema_editor.connection.connection)
        for statement in statements.get(vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("media_gen", "0008_kinds_audio_text_outputs"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
