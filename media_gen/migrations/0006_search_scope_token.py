# ruff: noqa: S608 -- only constant SQL fragments of this file are formatted in; there are no values.
"""The search index's scope becomes one token per owner and kind (``o<owner id>k<kind>``, beside
``k<kind>`` for staff): an owner's search then intersects the words with a doclist of that owner's
items of that kind only, instead of with every item of the kind (750,000 at a million rows)."""

from django.db import migrations

SCOPE = "'o' || {row}.owner_id || 'k' || {row}.kind || ' k' || {row}.kind"
OLD_SCOPE = "'o' || {row}.owner_id || ' k' || {row}.kind"


def _triggers(scope: str) -> list[str]:
    new = scope.format(row="new")
    return [
        "CREATE TRIGGER media_gen_generation_search_insert AFTER INSERT ON media_gen_generation BEGIN "
        f"INSERT INTO media_gen_generation_search (rowid, prompt, scope) VALUES (new.id, new.prompt, {new}); END",
        "CREATE TRIGGER media_gen_generation_search_update AFTER UPDATE OF prompt, owner_id, kind "
        "ON media_gen_generation BEGIN DELETE FROM media_gen_generation_search WHERE rowid = old.id; "
        f"INSERT INTO media_gen_generation_search (rowid, prompt, scope) VALUES (new.id, new.prompt, {new}); END",
        "CREATE TRIGGER media_gen_generation_search_delete AFTER DELETE ON media_gen_generation BEGIN "
        "DELETE FROM media_gen_generation_search WHERE rowid = old.id; END",
    ]


def _rebuild(scope: str) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS media_gen_generation_search_insert",
        "DROP TRIGGER IF EXISTS media_gen_generation_search_update",
        "DROP TRIGGER IF EXISTS media_gen_generation_search_delete",
        "DELETE FROM media_gen_generation_search",
        "INSERT INTO media_gen_generation_search (rowid, prompt, scope) "
        f"SELECT id, prompt, {scope.format(row='media_gen_generation')} FROM media_gen_generation",
        *_triggers(scope),
    ]


def _run(statements: list[str]):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("media_gen", "0005_generation_filter_indexes"),
    ]

    operations = [migrations.RunPython(_run(_rebuild(SCOPE)), _run(_rebuild(OLD_SCOPE)))]
