"""Turn on incremental auto-vacuum and VACUUM the database once (see simpoc/dbspace.py)."""

from django.core.management.base import BaseCommand
from django.db import connection

from simpoc import dbspace


class Command(BaseCommand):
    help = (
        "Give all free space in the database back to the filesystem once, and (SQLite) convert a "
        "database made before auto_vacuum=INCREMENTAL so the 15-minute schedule can keep it small. "
        "It rewrites the file: it needs that much free disk and blocks writers while it runs."
    )

    def handle(self, *args: object, **options: object) -> None:
        space = dbspace.database_space()
        self.stdout.write(
            f"{space.engine}: {space.size_bytes} bytes, {space.free_bytes} free, auto_vacuum {space.auto_vacuum}"
        )
        before, after = dbspace.database_compact()
        mode = dbspace.database_space().auto_vacuum
        self.stdout.write(
            self.style.SUCCESS(
                f"compacted {connection.vendor}: {before} -> {after} bytes; auto_vacuum {mode}"
            )
        )
