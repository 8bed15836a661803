from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backoffice import backups


class Command(BaseCommand):
    help = (
        "Restore a backup folder into this (empty) deployment and prove it: counts and every asset's sha256."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup_folder")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database that already holds data"
        )

    def handle(self, *args, **options) -> None:
        try:
            result = backups.backup_restore(folder=Path(options["backup_folder"]), force=options["force"])
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and verified: every table count matches, {result.checked_assets} assets re-hashed."
            )
        )
