"""Move stored media between the database and object storage, verifying every byte.

    manage.py move_media --to s3         # BLOBs -> S3 (then set MEDIA_STORAGE=s3)
    manage.py move_media --to database   # S3 -> BLOBs

Resumable and safe to interrupt: each asset moves on its own; its row points at the new place only
after the copy there has been read back and matched the recorded SHA-256, in one short transaction.
An interrupted run leaves every asset readable and is simply run again; it picks up the assets that
are still in the old place.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gallery import services
from gallery.models import Asset


class Command(BaseCommand):
    help = "Move stored media to object storage (--to s3) or into the database (--to database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, choices=["s3", "database"], help="Where the bytes go.")
        parser.add_argument("--limit", type=int, default=0, help="Move at most this many assets (0: all).")
        parser.add_argument("--dry-run", action="store_true", help="Only count what would move.")

    def handle(self, *args: Any, to: str, limit: int, dry_run: bool, **options: Any) -> None:
        pending = (
            Asset.objects.filter(storage_key="") if to == "s3" else Asset.objects.exclude(storage_key="")
        )
        pending = pending.order_by("id")
        if limit:
            pending = pending[:limit]
        ids = list(pending.values_list("id", flat=True))
        total_bytes = sum(Asset.objects.filter(pk__in=ids).values_list("size_bytes", flat=True))
        self.stdout.write(f"{len(ids)} assets ({total_bytes / 1024**2:.1f} MB) to move to {to}.")
        if dry_run or not ids:
            return
        if to == "s3":
            services.object_storage_check()
        moved = failed = 0
        for number, asset_id in enumerate(ids, start=1):
            try:
                outcome = services.asset_move(asset_id=asset_id, to=to)
            except services.MoveFailed as exc:
                failed += 1
                self.stderr.write(f"[{number}/{len(ids)}] asset {asset_id}: {exc}")
                continue
            moved += outcome
            self.stdout.write(
                f"[{number}/{len(ids)}] asset {asset_id}: {'moved' if outcome else 'already there'}"
            )
        self.stdout.write(f"Done: {moved} moved, {failed} failed, {len(ids) - moved - failed} already there.")
        if failed:
            raise CommandError(f"{failed} assets could not be moved; they stay readable where they were.")
