import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portability import archive


class Command(BaseCommand):
    help = (
        "Export everything a user owns (images, videos, audio, renders and their metadata.json) as one ZIP, "
        "the same archive as GET /api/archive/mine; import it elsewhere with import_media."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="username whose items are exported")
        parser.add_argument("--output", required=True, help="the .zip file to write (must not exist)")

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user named {options['user']!r}.")
        output = Path(options["output"])
        if output.exists():
            raise CommandError(f"{output} exists already; choose another file name.")
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        wanted = archive.archive_everything_of(user=user)
        partial = output.with_name(output.name + ".partial")
        try:
            with partial.open("wb") as out:
                size = archive.zip_write(user=user, wanted=wanted, out=out)
                out.flush()
                os.fsync(out.fileno())
            partial.rename(output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {len(wanted)} items of {user.username} to {output} ({size / 1024**2:.1f} MiB)."
            )
        )
