"""On PostgreSQL keep ``data`` out of line and uncompressed (media is compressed already), so that
``substring(data from X for N)`` reads only the TOAST chunks of that slice instead of decompressing
the value from its start: ranged streaming stays linear."""

from django.db import migrations


def _set_storage(apps, schema_editor, storage: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE gallery_asset ALTER COLUMN data SET STORAGE {storage}")


class Migration(migrations.Migration):
    dependencies = [("gallery", "0001_initial")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: _set_storage(apps, schema_editor, "EXTERNAL"),
            lambda apps, schema_editor: _set_storage(apps, schema_editor, "EXTENDED"),
        )
    ]
