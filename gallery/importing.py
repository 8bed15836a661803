"""Loading an archive made by ``gallery.archive`` into this deployment, for one owner.

Each item with a file becomes an Asset (stored through ``asset_store``, so the type is sniffed, the
thumbnail made and the owner's quota enforced) and its record again (a completed Generation with
the prompt, model and inputs, or a completed Render with its scene and settings), in one
transaction per item. An item whose sha256 the owner already has is skipped as a duplicate; an item
that fails (bad entry, bytes that do not match their sha256, refused by storage) is reported and
leaves nothing behind; the rest go on.
"""

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from gallery import services
from gallery.archive import FORMAT, METADATA_NAME, VERSION, ArchivedItem
from gallery.models import Asset
from media_gen.models import Generation
from simpoc.services import ServiceError
from simulation.models import Render

METADATA_MAX_BYTES = 256 * 1024 * 1024


class ArchiveInvalid(ServiceError):
    status_code = 400


class ItemRefused(Exception):
    pass


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    without_file: int = 0
    bytes_imported: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (item, why)

    def summary(self) -> str:
        lines = [
            f"Imported {self.imported} items ({self.bytes_imported / 1024**2:.1f} MiB).",
            f"Skipped {self.duplicates} duplicates (same sha256 already stored for this owner).",
            f"Skipped {self.without_file} items without a stored file (metadata only).",
            f"Failed: {len(self.failed)}.",
        ]
        lines += [f"  {item}: {why}" for item, why in self.failed]
        return "\n".join(lines)


class _Verified:
    """Reads a member through, checking its size and sha256 at the end (before anything is stored)."""

    def __init__(self, stream: IO[bytes], *, sha256: str, size: int):
        self.stream, self.expected, self.size = stream, sha256, size
        self.digest, self.read_bytes = hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        chunk = self.stream.read(n)
        self.digest.update(chunk)
        self.read_bytes += len(chunk)
        if not chunk and (self.read_bytes != self.size or self.digest.hexdigest() != self.expected):
            raise ItemRefused(
                f"the file in the archive ({self.read_bytes} bytes) does not match its recorded "
                f"sha256/size ({self.size} bytes); the archive is damaged"
            )
        return chunk


def _metadata(archive: zipfile.ZipFile) -> list[Any]:
    try:
        info = archive.getinfo(METADATA_NAME)
    except KeyError as exc:
        raise ArchiveInvalid(
            f"The archive has no {METADATA_NAME}; it was not made by simpoc's export."
        ) from exc
    if info.file_size > METADATA_MAX_BYTES:
        raise ArchiveInvalid(f"{METADATA_NAME} is larger than {METADATA_MAX_BYTES} bytes.")
    try:
        document = json.loads(archive.read(METADATA_NAME))
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise ArchiveInvalid(f"{METADATA_NAME} is not readable JSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ArchiveInvalid(f"{METADATA_NAME} is not a {FORMAT} document.")
    if document.get("version") != VERSION:
        raise ArchiveInvalid(
            f"Archive version {document.get('version')!r} is not supported (this is {VERSION})."
        )
    items = document.get("items")
    if not isinstance(items, list):
        raise ArchiveInvalid(f"{METADATA_NAME} has no list of items.")
    return items


def _generation_create(*, owner: AbstractBaseUser, item: ArchivedItem, asset: Asset) -> Generation:
    now = timezone.now()
    return Generation.objects.create(
        owner=owner,
        kind=item.kind,
        status=Generation.Status.COMPLETED,
        model_id=item.model,
        version=item.version,
        collection=item.collection,
        prompt=item.prompt,
        inputs=item.inputs,
        upstream_status="succeeded",
        asset=asset,
        favorite=item.favorite,
        created_at=item.created_at,
        completed_at=item.completed_at or item.created_at,
        updated_at=now,
    )


def _render_create(*, owner: AbstractBaseUser, item: ArchivedItem, asset: Asset) -> Render:
    render = item.render or {}
    try:
        width, height = (int(part) for part in str(render.get("resolution", "")).split("x"))
        duration, fps = float(render["duration"]), int(render["fps"])
        if not isinstance(render["scene_data"], dict):
            raise TypeError("scene_data is not an object")
    except (KeyError, TypeError, ValueError) as exc:
        raise ItemRefused(f"its render settings are incomplete ({exc})") from exc
    frames = max(1, round(duration * fps))
    return Render.objects.create(
        owner=owner,
        scene_data=render["scene_data"],
        quality=str(render.get("quality") or "draft")[:16],
        duration=duration,
        fps=fps,
        width=width,
        height=height,
        camera_config=render.get("camera_config"),
        scene_context=str(render.get("scene_context") or ""),
        renderer=str(render.get("renderer") or item.model)[:50],
        status=Render.Status.COMPLETED,
        frames_done=frames,
        frames_total=frames,
        asset=asset,
        metadata=render.get("metadata") if isinstance(render.get("metadata"), dict) else {},
        created_at=item.created_at,
        finished_at=item.completed_at or item.created_at,
    )


def _import_one(
    *, archive: zipfile.ZipFile, owner: AbstractBaseUser, item: ArchivedItem, report: ImportReport
) -> None:
    archived = item.file
    assert archived is not None
    asset_kind = Asset.Kind.RENDER if item.kind == "render" else item.kind
    if Asset.objects.filter(owner=owner, kind=asset_kind, sha256=archived.sha256).exists():
        report.duplicates += 1
        return
    try:
        member = archive.open(archived.name)
    except KeyError as exc:
        raise ItemRefused(f"its file {archived.name} is not in the archive") from exc
    with member, transaction.atomic():
        asset = services.asset_store(
            owner=owner,
            stream=_Verified(member, sha256=archived.sha256, size=archived.size_bytes),
            kind=asset_kind,
            filename=Path(archived.name).name,
            expected_types=services.IMAGE_TYPES if item.kind == "image" else services.VIDEO_TYPES,
        )
        if item.favorite:
            services.asset_set_favorite(asset=asset, favorite=True)
        if item.kind == "render":
            _render_create(owner=owner, item=item, asset=asset)
        else:
            _generation_create(owner=owner, item=item, asset=asset)
    report.imported += 1
    report.bytes_imported += asset.size_bytes


def archive_import(*, source: str | Path | IO[bytes], owner: AbstractBaseUser) -> ImportReport:
    """Import every item of the archive at ``source`` for ``owner``; ArchiveInvalid if it is not one."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveInvalid(f"Not a readable ZIP archive: {exc}") from exc
    report = ImportReport()
    with archive:
        for index, raw in enumerate(_metadata(archive)):
            label = f"item {index + 1}"
            try:
                item = ArchivedItem.model_validate(raw)
            except ValidationError as exc:
                report.failed.append((label, f"invalid entry: {exc.errors(include_url=False)[0]['msg']}"))
                continue
            label = f"{item.kind} {item.id}"
            if item.file is None:
                report.without_file += 1
                continue
            try:
                _import_one(archive=archive, owner=owner, item=item, report=report)
            except (ItemRefused, ServiceError, zipfile.BadZipFile) as exc:
                report.failed.append((label, getattr(exc, "message", None) or str(exc)))
    return report
