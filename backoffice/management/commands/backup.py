from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backoffice import backups


class Command(BaseCommand):
    help = "Take a consistent backup while the site runs, check it, and rotate old ones; or --check one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--destination", help="folder for the backup (default BACKUP_DIR)")
        parser.add_argument(
            "--check", metavar="BACKUP_FOLDER", help="only check this backup, every asset re-hashed"
        )
        parser.add_argument("--no-rotate", action="store_true", help="keep every older backup")

    def handle(self, *args, **options) -> None:
        if options["check"]:
            try:
                result = backups.backup_check(folder=Path(options["check"]), sample=None)
            except backups.BackupError as exc:
                raise CommandError(str(exc)) from exc
            if not result.ok:
                raise CommandError("Backup is damaged:\n  " + "\n  ".join(result.problems))
            self.stdout.write(
                self.style.SUCCESS(f"Backup is sound ({result.checked_assets} assets re-hashed).")
            )
            return
        destination = Path(options["destination"]) if options["destination"] else None
        try:
            record = backups.backup_create(destination=destination, trigger="command")
        except Exception as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup verified: {record.path} ({record.size_bytes} bytes, {record.asset_count} assets, "
                f"{record.checked_assets} re-hashed)"
            )
        )
        if not options["no_rotate"]:
            removed = backups.backup_rotate(root=destination)
            if removed:
                self.stdout.write(f"Rotated away {len(removed)} older backup(s).")
