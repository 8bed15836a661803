"""Loading an archive made by ``portability.archive`` into this deployment, for one owner.

Each item with a file becomes an Asset (stored through ``asset_store``, so the type is sniffed, the
thumbnail made and the owner's quota enforced) and its record again, through the producer's own
service: ``media_gen``'s ``generation_restore`` (a completed generation with the prompt, model and
inputs) or ``simulation``'s ``render_restore`` (a completed render whose scene passes the checks of
any scene), in one transaction per item. An item whose sha256 the owner already has is skipped as a duplicate; an item
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
from pydantic import ValidationError

from gallery import selectors as gallery_selectors
from gallery import services as gallery_services
from media_gen.services.restore import generation_restore
from portability.archive import FORMAT, METADATA_NAME, VERSION, ArchivedItem
from simpoc.errors import ServiceError
from simulation.services import render_restore

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


def _generation_restore(*, owner: AbstractBaseUser, item: ArchivedItem, asset: Any) -> None:
    generation_restore(
        owner=owner,
        kind=item.kind,
        asset=asset,
        model_id=item.model,
        version=item.version,
        collection=item.collection,
        prompt=item.prompt,
        inputs=item.inputs,
        favorite=item.favorite,
        created_at=item.created_at,
        completed_at=item.completed_at,
    )


def _render_restore(*, owner: AbstractBaseUser, item: ArchivedItem, asset: Any) -> None:
    render = item.render or {}
    try:
        width, height = (int(part) for part in str(render.get("resolution", "")).split("x"))
        duration, fps = float(render["duration"]), int(render["fps"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ItemRefused(f"its render settings are incomplete ({exc})") from exc
    metadata = render.get("metadata")
    render_restore(
        owner=owner,
        asset=asset,
        scene_data=render.get("scene_data"),
        quality=str(render.get("quality") or "draft"),
        duration=duration,
        fps=fps,
        width=width,
        height=height,
        camera_config=render.get("camera_config"),
        scene_context=str(render.get("scene_context") or ""),
        renderer=str(render.get("renderer") or item.model),
        metadata=metadata if isinstance(metadata, dict) else {},
        created_at=item.created_at,
        finished_at=item.completed_at,
    )


def _import_one(
    *, archive: zipfile.ZipFile, owner: AbstractBaseUser, item: ArchivedItem, report: ImportReport
) -> None:
    archived = item.file
    assert archived is not None
    asset_kind = item.kind  # the asset kinds image, video and render are the archive's kinds
    if gallery_selectors.asset_stored_already(owner=owner, kind=asset_kind, sha256=archived.sha256):
        report.duplicates += 1
        return
    try:
        member = archive.open(archived.name)
    except KeyError as exc:
        raise ItemRefused(f"its file {archived.name} is not in the archive") from exc
    with member, transaction.atomic():
        asset = gallery_services.asset_store(
            owner=owner,
            stream=_Verified(member, sha256=archived.sha256, size=archived.size_bytes),
            kind=asset_kind,
            filename=Path(archived.name).name,
            expected_types=gallery_services.IMAGE_TYPES
            if item.kind == "image"
            else gallery_services.VIDEO_TYPES,
        )
        if item.favorite:
            gallery_services.asset_set_favorite(asset=asset, favorite=True)
        if item.kind == "render":
            _render_restore(owner=owner, item=item, asset=asset)
        else:
            _generation_restore(owner=owner, item=item, asset=asset)
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
