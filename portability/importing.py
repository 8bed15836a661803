"""Loading an archive made by ``portability.archive`` into this deployment, for one owner.

Each item with a file becomes an Asset (stored through ``asset_store``, so the type is sniffed, the
thumbnail made and the owner's quota enforced), as do its further output files and the bytes of its
source, and its record again, through the producer's own service: ``media_gen``'s
``generation_restore`` (a completed generation with the prompt, model, inputs, text output and
every output in order) or ``simulation``'s ``render_restore`` (a completed render whose scene passes
the checks of any scene), in one transaction per item. A caption (a completed generation whose
output is its text) comes back without a file. Once every item is in, each generation made from a
stored item is linked to that item's new record (``generation_source_restore``): ids change from
one deployment to the next, and a source may come later in the archive than what was made from it.

An item whose sha256 the owner already has is skipped as a duplicate; an item that fails (bad
entry, bytes that do not match their sha256, refused by storage) is reported and leaves nothing
behind; the rest go on."""

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
from media_gen.services.restore import (
    RestoredOutput,
    generation_restore,
    generation_source_restore,
    generation_text_restored_already,
)
from portability.archive import FORMAT, METADATA_NAME, VERSION, ArchivedFile, ArchivedItem
from simpoc.errors import ServiceError
from simulation.services import render_restore

METADATA_MAX_BYTES = 256 * 1024 * 1024
# What the stored file of each kind of item may be (sniffed from its bytes).
EXPECTED = {
    "image": gallery_services.IMAGE_TYPES,
    "video": gallery_services.VIDEO_TYPES,
    "audio": gallery_services.AUDIO_TYPES,
    "render": gallery_services.VIDEO_TYPES,
}


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
            f"Skipped {self.duplicates} duplicates (same sha256, or the same caption, already stored for this owner).",
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


def _generation_restore(
    *, owner: AbstractBaseUser, item: ArchivedItem, asset: Any, files: dict[str, Any]
) -> Any:
    return generation_restore(
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
        text_output=item.text_output,
        outputs=[
            RestoredOutput(
                position=output.position,
                asset=files.get(output.file.name) if output.file else None,
                url=output.url,
                error=output.error,
            )
            for output in item.outputs
        ],
        source_kind=item.source.kind if item.source else "",
        source_input=item.source.input if item.source else "",
    )


def _render_restore(*, owner: AbstractBaseUser, item: ArchivedItem, asset: Any) -> Any:
    render = item.render or {}
    try:
        width, height = (int(part) for part in str(render.get("resolution", "")).split("x"))
        duration, fps = float(render["duration"]), int(render["fps"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ItemRefused(f"its render settings are incomplete ({exc})") from exc
    metadata = render.get("metadata")
    return render_restore(
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


@dataclass(frozen=True)
class _Restored:
    """An item of the archive as restored here: its new record and stored files by member name."""

    item: ArchivedItem
    record: Any
    asset: Any
    files: dict[str, Any]


def _family_types(content_type: str) -> tuple[str, frozenset[str]]:
    """The asset kind and accepted types of an extra output file, by the type its entry states (the
    bytes are sniffed again: a file that is not what its entry says is refused)."""
    family = content_type.partition("/")[0]
    if family == "image":
        return "image", gallery_services.IMAGE_TYPES
    if family == "audio":
        return "audio", gallery_services.AUDIO_TYPES
    return "video", gallery_services.VIDEO_TYPES


def _store_member(
    *,
    archive: zipfile.ZipFile,
    owner: AbstractBaseUser,
    archived: ArchivedFile,
    kind: str,
    expected_types: frozenset[str],
) -> Any:
    try:
        member = archive.open(archived.name)
    except KeyError as exc:
        raise ItemRefused(f"its file {archived.name} is not in the archive") from exc
    with member:
        return gallery_services.asset_store(
            owner=owner,
            stream=_Verified(member, sha256=archived.sha256, size=archived.size_bytes),
            kind=kind,
            filename=Path(archived.name).name,
            expected_types=expected_types,
        )


def _extra_files(item: ArchivedItem) -> list[tuple[ArchivedFile, str, frozenset[str]]]:
    """The item's files beyond its own: further outputs (by their type) and the bytes of its source
    (kept as an upload, the way an input is stored)."""
    extra = []
    for output in item.outputs:
        if output.file is not None:
            extra.append((output.file, *_family_types(output.file.content_type)))
    if item.source is not None and item.source.file is not None:
        extra.append((item.source.file, "upload", gallery_services.MEDIA_TYPES))
    return extra


def _is_text_only(item: ArchivedItem) -> bool:
    """A completed generation whose output is its text (a caption): it comes back without a file."""
    return item.kind != "render" and bool(item.text_output) and item.status == "completed"


def _duplicate(*, owner: AbstractBaseUser, item: ArchivedItem) -> bool:
    if item.file is not None:
        return gallery_selectors.asset_stored_already(owner=owner, kind=item.kind, sha256=item.file.sha256)
    return generation_text_restored_already(
        owner=owner,
        kind=item.kind,
        model_id=item.model,
        text_output=item.text_output,
        created_at=item.created_at,
    )


def _import_one(
    *, archive: zipfile.ZipFile, owner: AbstractBaseUser, item: ArchivedItem, report: ImportReport
) -> _Restored | None:
    archived = item.file
    if archived is None and not _is_text_only(item):
        report.without_file += 1
        return None
    if _duplicate(owner=owner, item=item):
        report.duplicates += 1
        return None
    with transaction.atomic():
        asset = None
        files: dict[str, Any] = {}
        if archived is not None:
            # The asset kinds image, video, audio and render are the archive's kinds.
            asset = _store_member(
                archive=archive,
                owner=owner,
                archived=archived,
                kind=item.kind,
                expected_types=EXPECTED[item.kind],
            )
            files[archived.name] = asset
        for extra, kind, types in _extra_files(item):
            if extra.name not in files:
                files[extra.name] = _store_member(
                    archive=archive, owner=owner, archived=extra, kind=kind, expected_types=types
                )
        if asset is not None and item.favorite:
            gallery_services.asset_set_favorite(asset=asset, favorite=True)
        if item.kind == "render":
            record = _render_restore(owner=owner, item=item, asset=asset)
        else:
            record = _generation_restore(owner=owner, item=item, asset=asset, files=files)
    report.imported += 1
    report.bytes_imported += sum(stored.size_bytes for stored in files.values())
    return _Restored(item=item, record=record, asset=asset, files=files)


def _link_source(restored: _Restored, by_old_id: dict[tuple[str, int], _Restored]) -> None:
    """Point a restored generation at what it was made from, by this deployment's ids; a source
    that is not in the archive (or failed) leaves the kind known and the link empty."""
    source = restored.item.source
    if source is None:
        return
    origin = by_old_id.get((source.kind, source.id)) if source.id is not None else None
    source_asset = None
    if source.file is not None:
        source_asset = restored.files.get(source.file.name)
    elif origin is not None:
        source_asset = origin.asset
    items = None
    if source.items is not None:
        items = []
        for part in source.items:
            found = by_old_id.get((part.kind, part.id)) if part.id is not None else None
            items.append({"kind": part.kind, "id": found.record.pk if found else None})
    generation_source_restore(
        generation=restored.record,
        source_id=origin.record.pk if origin is not None else None,
        source_asset=source_asset,
        items=items,
    )


def archive_import(*, source: str | Path | IO[bytes], owner: AbstractBaseUser) -> ImportReport:
    """Import every item of the archive at ``source`` for ``owner``; ArchiveInvalid if it is not one."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveInvalid(f"Not a readable ZIP archive: {exc}") from exc
    report = ImportReport()
    by_old_id: dict[tuple[str, int], _Restored] = {}
    with archive:
        for index, raw in enumerate(_metadata(archive)):
            label = f"item {index + 1}"
            try:
                item = ArchivedItem.model_validate(raw)
            except ValidationError as exc:
                report.failed.append((label, f"invalid entry: {exc.errors(include_url=False)[0]['msg']}"))
                continue
            label = f"{item.kind} {item.id}"
            try:
                restored = _import_one(archive=archive, owner=owner, item=item, report=report)
            except (ItemRefused, ServiceError, zipfile.BadZipFile) as exc:
                report.failed.append((label, getattr(exc, "message", None) or str(exc)))
                continue
            if restored is not None:
                by_old_id[(item.kind, item.id)] = restored
        # Sources last: a generation may come before the item it was made from.
        for restored in by_old_id.values():
            if restored.item.kind != "render":
                _link_source(restored, by_old_id)
    return report
