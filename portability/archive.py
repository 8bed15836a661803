"""Batch download and export: generations' and renders' media as one streamed ZIP with a metadata.json.

An archive (``FORMAT``, version ``VERSION``) holds:

- ``metadata.json`` first: ``{"format", "version", "created_at", "items": [...]}``, one entry per item
  (``ArchivedItem``): its id, kind, prompt, model, inputs, status, dates, and for an item with a
  stored output the file's name in the archive, its sha256, size and type (``file`` is null for an
  item without one, e.g. a failed generation, or a caption whose output is its ``text_output``).
  A generation also lists every output file in order (``outputs``) and what it was made from
  (``source``: the kind and id of the source record, the input it was sent as, a combine's items,
  and the bytes sent when they are not the source record's own output in this archive).
- ``images/``, ``videos/``, ``audio/``, ``renders/``: the media, stored (not deflated: media is
  compressed already), under ``<id>-<prompt slug>.<ext>`` (further outputs ``…-<position>.<ext>``);
  ``sources/``: inputs taken from a stored item, under ``<id>-source.<ext>``.

The ZIP is written to a non-seekable sink (zipfile then uses data descriptors), and each chunk read
from storage is handed on at once, so memory stays flat whatever the archive's size and nothing is
copied to disk first. Entries switch to ZIP64 by themselves when a file or an offset needs it.
``portability.importing`` reads such an archive back.

This is a top-level app: it reads the producers' rows through their selectors
(``media_gen.selectors.generation_archive_list``, ``simulation.selectors.render_archive_list``),
which apply the shared visibility rule, and never imports a producer's models.
"""

import io
import json
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from pydantic import BaseModel, Field

from gallery import storage_backends
from gallery.streaming import EXTENSIONS
from media_gen.selectors import generation_archive_list
from simpoc.errors import ServiceError
from simulation.selectors import render_archive_list

FORMAT = "simpoc-archive"
VERSION = 1
METADATA_NAME = "metadata.json"
KINDS = ("image", "video", "audio", "render")
FOLDERS = {"image": "images", "video": "videos", "audio": "audio", "render": "renders"}
SOURCES_FOLDER = "sources"
# A source made of several items (a combine) and a generation's output files stay this many.
SOURCE_ITEMS_MAX = 100
OUTPUTS_MAX = 100
# A selection is one request's worth of ids; "everything of mine" has no cap.
SELECTION_MAX_ITEMS = 1000
BATCH = 100


class ArchivedFile(BaseModel):
    name: str = Field(max_length=300)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size_bytes: int = Field(ge=0)
    content_type: str = Field(max_length=100)
    width: int | None = None
    height: int | None = None
    duration: float | None = None


class ArchivedOutput(BaseModel):
    """One output file of a generation, in the model's order; position 0 is the item's own ``file``."""

    position: int = Field(ge=0, lt=OUTPUTS_MAX)
    url: str = Field(default="", max_length=2000)
    error: str = Field(default="", max_length=10_000)
    file: ArchivedFile | None = None


class ArchivedSourceItem(BaseModel):
    kind: str = Field(pattern=r"^(video|render)$")
    id: int | None = None


class ArchivedSource(BaseModel):
    """What a generation was made from: a stored record of its owner (``id`` is that record's id in
    the exporting deployment), or a combine of several (``items``)."""

    kind: str = Field(pattern=r"^(render|image|video|audio|combine)$")
    id: int | None = None
    input: str = Field(default="", max_length=100)
    items: list[ArchivedSourceItem] | None = Field(default=None, max_length=SOURCE_ITEMS_MAX)
    # The bytes sent as the input, when the source record's own output in this archive is not them.
    file: ArchivedFile | None = None


class ArchivedItem(BaseModel):
    """One entry of metadata.json; the importer validates every entry against it."""

    id: int
    kind: str = Field(pattern=r"^(image|video|audio|render)$")
    prompt: str = ""
    model: str = Field(default="", max_length=200, description="Replicate model id, or the renderer")
    version: str = Field(default="", max_length=100)
    collection: str = Field(default="", max_length=64)
    inputs: dict[str, Any] = Field(default_factory=dict)
    status: str
    favorite: bool = False
    owner: str = ""
    created_at: datetime
    completed_at: datetime | None = None
    error: str = ""
    text_output: str = ""
    render: dict[str, Any] | None = Field(
        default=None, description="scene_data, quality, duration, fps, resolution, camera_config …"
    )
    file: ArchivedFile | None = None
    outputs: list[ArchivedOutput] = Field(default_factory=list, max_length=OUTPUTS_MAX)
    source: ArchivedSource | None = None


@dataclass(frozen=True)
class ArchiveItem:
    kind: str  # image, video, audio or render
    record: Any  # a media_gen Generation (image, video, audio) or a simulation Render (render)
    asset: Any  # its gallery Asset, without the BLOB; None when nothing was stored
    # The asset sent as the generation's input, when the archive carries its bytes under sources/.
    source_asset: Any = None


# --- Choosing the items ---------------------------------------------------------------------------


def parse_ids(text: str, *, name: str) -> list[int]:
    """``"3,1,2"`` → ``[3, 1, 2]``; a clear 422 for anything else."""
    ids: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        # Length first: int() of a 20 000-digit string raises; isdigit() alone accepts "²".
        if not (part.isascii() and part.isdigit()) or len(part) > 18 or int(part) <= 0:
            raise ServiceError(
                f"{name}: {part!r} is not an id; send ids separated by commas.", status_code=422
            )
        ids.append(int(part))
    return list(dict.fromkeys(ids))


def _queryset(*, user: AbstractBaseUser, kind: str) -> QuerySet:
    """The producer's own rule for what ``user`` may see, with the columns an archive needs."""
    return (
        render_archive_list(user=user) if kind == "render" else generation_archive_list(user=user, kind=kind)
    )


def _with_files(rows: QuerySet, *, kind: str) -> QuerySet:
    """A generation's output files and its source asset, two queries a batch (assets never load the BLOB)."""
    return rows if kind == "render" else rows.prefetch_related("outputs__asset", "source_asset")


def archive_selection(*, user: AbstractBaseUser, selection: dict[str, list[int]]) -> list[tuple[str, int]]:
    """The ``(kind, id)`` pairs to archive, every one visible to ``user``; 404 naming any that is not."""
    wanted = [(kind, pk) for kind in KINDS for pk in selection.get(kind, [])]
    if not wanted:
        raise ServiceError("Choose at least one item to download.", status_code=422)
    if len(wanted) > SELECTION_MAX_ITEMS:
        raise ServiceError(
            f"{len(wanted)} items chosen; one archive holds at most {SELECTION_MAX_ITEMS}. "
            "Download them in parts, or export everything.",
            status_code=422,
        )
    missing: list[str] = []
    for kind in KINDS:
        ids = selection.get(kind, [])
        if ids:
            found = set(_queryset(user=user, kind=kind).filter(pk__in=ids).values_list("pk", flat=True))
            missing += [f"{kind} {pk}" for pk in ids if pk not in found]
    if missing:
        raise ServiceError(f"Not found: {', '.join(missing[:20])}.", status_code=404)
    return wanted


def archive_everything_of(*, user: AbstractBaseUser) -> list[tuple[str, int]]:
    """Every image, video, audio and render ``user`` owns and may see, oldest first per kind."""
    wanted: list[tuple[str, int]] = []
    for kind in KINDS:
        ids = _queryset(user=user, kind=kind).filter(owner=user).order_by("created_at", "id")
        wanted += [(kind, pk) for pk in ids.values_list("pk", flat=True)]
    return wanted


def _source_bytes_elsewhere(
    *, user: AbstractBaseUser, rows: list[Any], archived: set[tuple[str, int]]
) -> set[int]:
    """Ids of the ``rows`` whose source asset is the main output of a record in this archive (the
    importer links to that record's copy; the bytes need not be written twice)."""
    wanted: dict[str, dict[int, list[Any]]] = {}
    for row in rows:
        if row.source_asset_id and (row.source_kind, row.source_id) in archived:
            wanted.setdefault(row.source_kind, {}).setdefault(row.source_id, []).append(row)
    elsewhere: set[int] = set()
    for kind, by_id in wanted.items():
        pairs = _queryset(user=user, kind=kind).filter(pk__in=list(by_id)).values_list("pk", "asset_id")
        for pk, asset_id in pairs:
            elsewhere.update(row.pk for row in by_id[pk] if row.source_asset_id == asset_id)
    return elsewhere


def _items(*, user: AbstractBaseUser, wanted: list[tuple[str, int]]) -> Iterator[ArchiveItem]:
    """The rows in ``wanted`` order, loaded a batch at a time (an export can be long); vanished ones skipped."""
    archived = set(wanted)
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        rows: dict[tuple[str, int], Any] = {}
        for kind in KINDS:
            ids = [pk for k, pk in batch if k == kind]
            if ids:
                for row in _with_files(_queryset(user=user, kind=kind).filter(pk__in=ids), kind=kind):
                    rows[(kind, row.pk)] = row
        generations = [row for (kind, _), row in rows.items() if kind != "render"]
        elsewhere = _source_bytes_elsewhere(user=user, rows=generations, archived=archived)
        for key in batch:
            row = rows.get(key)
            if row is None:
                continue
            source_asset = None
            if key[0] != "render" and row.source_asset_id and row.pk not in elsewhere:
                source_asset = row.source_asset
            yield ArchiveItem(kind=key[0], record=row, asset=row.asset, source_asset=source_asset)


# --- Describing them ------------------------------------------------------------------------------


def member_name(item: ArchiveItem, *, asset: Any = None, position: int = 0) -> str:
    """Where ``asset`` (the item's own output by default; output ``position``) lies in the archive."""
    asset = asset or item.asset
    assert asset is not None
    text = item.record.scene_context if item.kind == "render" else item.record.prompt
    stem = f"{item.record.pk}-{slugify(text)[:50]}".rstrip("-")
    if position:
        stem += f"-{position}"
    return f"{FOLDERS[item.kind]}/{stem}{EXTENSIONS.get(asset.content_type, '.bin')}"


def source_member_name(item: ArchiveItem) -> str:
    asset = item.source_asset
    return f"{SOURCES_FOLDER}/{item.record.pk}-source{EXTENSIONS.get(asset.content_type, '.bin')}"


def _outputs(item: ArchiveItem) -> list[Any]:
    return [] if item.kind == "render" else list(item.record.outputs.all())


def item_files(item: ArchiveItem) -> list[tuple[str, Any]]:
    """Every ``(member name, asset)`` the item puts in the archive, each stored asset once."""
    files: list[tuple[str, Any]] = []
    seen: set[int] = set()
    if item.asset is not None:
        files.append((member_name(item), item.asset))
        seen.add(item.asset.pk)
    for output in _outputs(item):
        if output.asset is not None and output.asset.pk not in seen:
            files.append((member_name(item, asset=output.asset, position=output.position), output.asset))
            seen.add(output.asset.pk)
    if item.source_asset is not None and item.source_asset.pk not in seen:
        files.append((source_member_name(item), item.source_asset))
    return files


def _file_entry(name: str, asset: Any) -> dict[str, Any]:
    return {
        "name": name,
        "sha256": asset.sha256,
        "size_bytes": asset.size_bytes,
        "content_type": asset.content_type,
        "width": asset.width,
        "height": asset.height,
        "duration": asset.duration,
    }


def _source_entry(item: ArchiveItem, names: dict[int, str]) -> dict[str, Any] | None:
    record = item.record
    if not record.source_kind:
        return None
    items = (record.inputs or {}).get("items") if record.source_kind == "combine" else None
    source = item.source_asset
    return {
        "kind": record.source_kind,
        "id": record.source_id,
        "input": record.source_input,
        "items": [
            {"kind": part.get("kind"), "id": part.get("id")} for part in items if isinstance(part, dict)
        ]
        if isinstance(items, list)
        else None,
        "file": _file_entry(names[source.pk], source) if source is not None else None,
    }


def _generation_entry(item: ArchiveItem) -> dict[str, Any]:
    record = item.record
    names = {asset.pk: name for name, asset in item_files(item)}
    return {
        "id": record.pk,
        "kind": item.kind,
        "prompt": record.prompt,
        "model": record.model_id,
        "version": record.version,
        "collection": record.collection,
        "inputs": record.inputs,
        "status": record.public_status,
        "favorite": record.favorite,
        "owner": record.owner.get_username(),
        "created_at": record.created_at.isoformat(),
        "completed_at": record.completed_at.isoformat() if record.completed_at else None,
        "error": record.error,
        "text_output": record.text_output,
        "render": None,
        "outputs": [
            {
                "position": output.position,
                "url": output.url,
                "error": output.error,
                "file": _file_entry(names[output.asset.pk], output.asset)
                if output.asset is not None
                else None,
            }
            for output in _outputs(item)
        ],
        "source": _source_entry(item, names),
    }


def _render_entry(item: ArchiveItem) -> dict[str, Any]:
    record, asset = item.record, item.asset
    return {
        "id": record.pk,
        "kind": "render",
        "prompt": record.scene_context,
        "model": record.renderer,
        "version": "",
        "collection": "",
        "inputs": {},
        "status": record.status,
        "favorite": bool(asset and asset.favorite),
        "owner": record.owner.get_username(),
        "created_at": record.created_at.isoformat(),
        "completed_at": record.finished_at.isoformat() if record.finished_at else None,
        "error": record.error,
        "render": {
            "scene_data": record.scene_data,
            "quality": record.quality,
            "duration": record.duration,
            "fps": record.fps,
            "resolution": record.resolution,
            "camera_config": record.camera_config,
            "scene_context": record.scene_context,
            "renderer": record.renderer,
            "metadata": record.metadata,
        },
    }


def describe(item: ArchiveItem) -> dict[str, Any]:
    """The item's entry of metadata.json (``ArchivedItem``'s fields)."""
    described = _render_entry(item) if item.kind == "render" else _generation_entry(item)
    described["file"] = _file_entry(member_name(item), item.asset) if item.asset is not None else None
    return described


# --- Writing the ZIP ------------------------------------------------------------------------------


class _Sink(io.RawIOBase):
    """Where zipfile writes; not seekable, so zipfile streams (data descriptors after each file)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _date_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return max(local, local.replace(year=1980, month=1, day=1)).timetuple()[:6]


def _member(name: str, moment: datetime, size: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_date_time(moment))
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    info.file_size = size  # lets zipfile choose ZIP64 for this entry up front
    return info


def zip_stream(
    *, user: AbstractBaseUser, wanted: list[tuple[str, int]], now: datetime | None = None
) -> Iterator[bytes]:
    """The archive of ``wanted`` as a stream of byte strings (each at most a storage chunk and headers)."""
    now = now or timezone.now()
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        with archive.open(_member(METADATA_NAME, now, 0), mode="w", force_zip64=True) as entry:
            entry.write(
                f'{{"format": "{FORMAT}", "version": {VERSION}, "created_at": "{now.isoformat()}", "items": ['.encode()
            )
            for index, item in enumerate(_items(user=user, wanted=wanted)):
                entry.write(
                    ((",\n" if index else "\n") + json.dumps(describe(item), ensure_ascii=False)).encode()
                )
                yield sink.take()
            entry.write(b"\n]}\n")
        yield sink.take()
        for item in _items(user=user, wanted=wanted):
            for name, asset in item_files(item):
                yield from _file_member(archive, sink, name=name, asset=asset)
        yield sink.take()
    yield sink.take()  # the central directory


def _file_member(archive: zipfile.ZipFile, sink: _Sink, *, name: str, asset: Any) -> Iterator[bytes]:
    chunks = storage_backends.asset_chunks(asset=asset)
    try:
        head = next(chunks, b"")
    except storage_backends.BlobMissing:
        return  # deleted since the metadata was written; the importer reports it missing
    with archive.open(_member(name, asset.created_at, asset.size_bytes), mode="w") as entry:
        entry.write(head)
        yield sink.take()
        try:
            for chunk in chunks:
                entry.write(chunk)
                yield sink.take()
        except storage_backends.BlobMissing:
            pass  # deleted mid-file: the entry is short and its sha256 will not match on import


def archive_filename(*, prefix: str = "simpoc", now: datetime | None = None) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", timezone.localtime(now or timezone.now()).timetuple())
    return f"{prefix}-{stamp}.zip"


def zip_write(*, user: AbstractBaseUser, wanted: list[tuple[str, int]], out: Any) -> int:
    """Write the archive to the binary file ``out``; returns its size in bytes."""
    written = 0
    for part in zip_stream(user=user, wanted=wanted):
        out.write(part)
        written += len(part)
    return written
