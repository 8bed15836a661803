from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portability import importing


class Command(BaseCommand):
    help = (
        "Import an archive made by export_media (or the gallery's ZIP download) for one owner: media stored "
        "again, records recreated as completed, items whose sha256 the owner already has skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the .zip file")
        parser.add_argument("--owner", required=True, help="username that will own the imported items")

    def handle(self, *args, **options) -> None:
        owner = get_user_model().objects.filter(username=options["owner"]).first()
        if owner is None:
            raise CommandError(f"No user named {options['owner']!r}; create it first (create_user).")
        source = Path(options["archive"])
        if not source.is_file():
            raise CommandError(f"{source} is not a file.")
        try:
            report = importing.archive_import(source=source, owner=owner)
        except importing.ArchiveInvalid as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(report.summary())
        if report.failed:
            raise CommandError(f"{len(report.failed)} items could not be imported (listed above).")
        self.stdout.write(self.style.SUCCESS(f"Import into {owner.username} finished."))
