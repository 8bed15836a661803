"""Remake stored thumbnails that are bigger than thumbnails are made now (see gallery.thumbnails).

    manage.py shrink_thumbnails            # every oversized thumbnail
    manage.py shrink_thumbnails --dry-run  # only count them

Thumbnails made before the shorter side was capped at THUMBNAIL_SHORT_SIDE (256 px) are 512 px
squares, four times the pixels a gallery card shows. Old ones keep working as they are; this makes
the gallery lighter for the browser. Each one is remade from its own bytes (a downscale, no video
decoding) into a new thumbnail row that replaces it in one short transaction, so its ``?v=`` URL
changes with its bytes and no browser keeps the big one. Resumable: a second run finds nothing left.
"""

import io
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from gallery import storage_backends, thumbnails
from gallery.models import Asset


def oversized_thumbnail_ids() -> list[int]:
    """The thumbnails in use whose size exceeds thumbnail_size() (audio waveforms never do)."""
    rows = Asset.objects.filter(kind=Asset.Kind.THUMBNAIL, thumbnail_of__isnull=False).values_list(
        "id", "width", "height"
    )
    return sorted({pk for pk, width, height in rows if thumbnails.thumbnail_oversized(width, height)})


def thumbnail_shrink(*, thumbnail_id: int) -> bool:
    """Replace one oversized thumbnail by a smaller one made from its bytes; False if nothing to do."""
    import hashlib

    old = Asset.objects.get(pk=thumbnail_id)
    if not thumbnails.thumbnail_oversized(old.width, old.height):
        return False
    source = b"".join(storage_backends.asset_chunks(asset=old))
    small = thumbnails.image_thumbnail(source=io.BytesIO(source))
    key = ""
    if settings.MEDIA_STORAGE == "s3":
        key = storage_backends.object_key_new()
        storage_backends.object_upload(
            key=key, fileobj=io.BytesIO(small.data), content_type=thumbnails.THUMBNAIL_CONTENT_TYPE
        )
    try:
        with transaction.atomic():
            new = Asset.objects.create(
                owner_id=old.owner_id,
                kind=Asset.Kind.THUMBNAIL,
                content_type=thumbnails.THUMBNAIL_CONTENT_TYPE,
                size_bytes=len(small.data),
                sha256=hashlib.sha256(small.data).hexdigest(),
                width=small.width,
                height=small.height,
                storage_key=key,
            )
            if not key:
                storage_backends.blob_write(
                    asset_id=new.pk, fileobj=io.BytesIO(small.data), size=len(small.data)
                )
            Asset.objects.filter(thumbnail_id=old.pk).update(thumbnail=new)
            old.delete()  # its object in object storage goes after commit (gallery.signals)
    except BaseException:
        if key:
            storage_backends.object_delete_quietly(key=key)
        raise
    return True


class Command(BaseCommand):
    help = "Remake stored thumbnails bigger than thumbnails are made now (512 px squares -> 256 px)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be remade.")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        ids = oversized_thumbnail_ids()
        self.stdout.write(f"{len(ids)} thumbnails bigger than thumbnails are made now.")
        if dry_run:
            return
        done = 0
        for asset_id in ids:
            try:
                done += thumbnail_shrink(thumbnail_id=asset_id)
            except (Asset.DoesNotExist, thumbnails.MediaUnreadable) as exc:
                self.stderr.write(f"thumbnail {asset_id}: left as it is ({exc})")
        self.stdout.write(f"Done: {done} thumbnails remade.")
