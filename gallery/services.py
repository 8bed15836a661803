"""Writes and workflows of the gallery: storing, deleting, moderating and expiring assets."""

import errno
import hashlib
import io
import logging
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

import magic
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.module_loading import import_string

from gallery import image_end, storage_backends, thumbnails
from gallery.models import Asset
from simpoc.rules import user_lock_then_check
from simpoc.services import ServiceError

logger = logging.getLogger(__name__)

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
VIDEO_TYPES = frozenset({"video/mp4", "video/webm", "video/quicktime"})
# MP3, WAV, Ogg (Vorbis or Opus), FLAC, M4A (AAC or ALAC in MP4) and raw AAC.
AUDIO_TYPES = frozenset({"audio/mpeg", "audio/wav", "audio/ogg", "audio/flac", "audio/mp4", "audio/aac"})
# What a store accepts when its caller names no types (audio only where audio is asked for).
ACCEPTED_TYPES = IMAGE_TYPES | VIDEO_TYPES
MEDIA_TYPES = IMAGE_TYPES | VIDEO_TYPES | AUDIO_TYPES
# libmagic's names for the same formats.
_TYPE_ALIASES = {
    "video/x-m4v": "video/mp4",
    "audio/mp4": "video/mp4",
    "image/x-webp": "image/webp",
    "audio/x-m4a": "audio/mp4",
    "audio/x-wav": "audio/wav",
    "audio/vnd.wave": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/x-flac": "audio/flac",
    "audio/mp3": "audio/mpeg",
    "audio/x-mpeg": "audio/mpeg",
    "audio/x-hx-aac-adts": "audio/aac",
    "audio/x-aac": "audio/aac",
}
# libmagic names an MP4 by its brand, which does not say whether it holds sound or pictures (a PSP
# video is "audio/mp4", an audio-only MP4 "video/mp4"): an audio store takes the family as M4A, and
# the probe then requires an audio stream. An Ogg with an unusual first stream is "application/ogg".
_AS_AUDIO = {"video/mp4": "audio/mp4", "application/ogg": "audio/ogg", "video/ogg": "audio/ogg"}
SNIFF_BYTES = 64 * 1024
READ_CHUNK_BYTES = 1024 * 1024


class AssetTooLarge(ServiceError):
    status_code = 413


class AssetRejected(ServiceError):
    """Not an accepted image, video or audio file: 415 for another type, 400 for a broken or oversized one."""

    status_code = 415


class QuotaExceeded(ServiceError):
    status_code = 507


class StorageFull(ServiceError):
    """The server's disk (or the database's) is full: nothing was stored."""

    status_code = 507


@contextmanager
def _storage_full_refused() -> Iterator[None]:
    """Turn "no space left" while storing into a clear refusal; the caller's transaction rolled back."""
    message = "The server's storage is full, so the file was not stored. Try again later."
    try:
        yield
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise StorageFull(message) from exc
    except DatabaseError as exc:
        # SQLite: "database or disk is full"; PostgreSQL: "could not extend file ...: No space left on device".
        if "is full" not in str(exc) and "No space left" not in str(exc):
            raise
        raise StorageFull(message) from exc


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


@dataclass
class _Received:
    file: IO[bytes]
    size: int
    sha256: str
    content_type: str


def _receive(stream: IO[bytes], *, max_bytes: int) -> _Received:
    """Copy the stream to a scratch file in chunks, hashing and counting, stopping at the cap."""
    # On the data volume, not /tmp: that may be a RAM disk, and a 1 GB video must not land in RAM.
    scratch = tempfile.NamedTemporaryFile(prefix="asset-", dir=scratch_dir())  # noqa: SIM115 - closed by the caller
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        while chunk := stream.read(READ_CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise AssetTooLarge(f"The file is larger than the {_megabytes(max_bytes)} allowed.")
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            digest.update(chunk)
            scratch.write(chunk)
        if size == 0:
            raise AssetRejected("The file is empty.", status_code=400)
        scratch.flush()
        scratch.seek(0)
    except BaseException:
        scratch.close()
        raise
    sniffed = magic.from_buffer(head, mime=True)
    return _Received(
        file=scratch, size=size, sha256=digest.hexdigest(), content_type=_TYPE_ALIASES.get(sniffed, sniffed)
    )


# A process killed while storing (SIGKILL, OOM, a lost machine) leaves its named scratch file
# behind; each process sweeps files older than any live store could be on its first store and then
# now and then. A store lives at most as long as a task (Q_TIMEOUT) or a web request.
SCRATCH_SWEEP_SECONDS = 3600
_scratch_swept_at = 0.0


def _scratch_max_age_seconds() -> float:
    return max(2 * settings.Q_CLUSTER.get("timeout", 900), 3600)


def _scratch_sweep(folder: Path) -> None:
    global _scratch_swept_at
    now = time.time()
    if now - _scratch_swept_at < SCRATCH_SWEEP_SECONDS:
        return
    _scratch_swept_at = now
    cutoff = now - _scratch_max_age_seconds()
    for leftover in folder.glob("asset-*"):
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
                logger.info("Removed scratch file %s left by a process that died", leftover.name)
        except FileNotFoundError:
            pass


def scratch_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    _scratch_sweep(folder)
    return folder


def _check_quota(*, owner: AbstractBaseUser, incoming: int) -> None:
    limit = settings.USER_QUOTA_BYTES
    if not limit:
        return
    used = Asset.objects.filter(owner=owner).aggregate(total=Sum("size_bytes"))["total"] or 0
    if used + incoming > limit:
        raise QuotaExceeded(
            f"Storage quota exceeded: you use {_megabytes(used)} of your {_megabytes(limit)} and this file "
            f"needs {_megabytes(incoming)}. Delete some items from your gallery to make room."
        )


def _upload(received: _Received) -> str:
    """Put the bytes in object storage before the database transaction, so no lock waits on S3."""
    key = storage_backends.object_key_new()
    received.file.seek(0)
    storage_backends.object_upload(key=key, fileobj=received.file, content_type=received.content_type)
    return key


def _insert(
    *,
    owner: AbstractBaseUser,
    kind: str,
    received: _Received,
    info: thumbnails.MediaInfo,
    filename: str,
    thumbnail: Asset | None,
    storage_key: str,
) -> Asset:
    asset = Asset.objects.create(
        owner=owner,
        kind=kind,
        content_type=received.content_type,
        size_bytes=received.size,
        sha256=received.sha256,
        width=info.width,
        height=info.height,
        duration=info.duration,
        original_filename=filename[:255],
        thumbnail=thumbnail,
        storage_key=storage_key,
    )
    if not storage_key:
        received.file.seek(0)
        storage_backends.blob_write(asset_id=asset.pk, fileobj=received.file, size=received.size)
    return asset


@dataclass
class _Probed:
    """What decoding the received bytes told: the main file's size facts and its thumbnail, if any."""

    info: thumbnails.MediaInfo
    thumbnail: _Received | None = None
    thumbnail_info: thumbnails.MediaInfo | None = None

    @property
    def thumbnail_bytes(self) -> int:
        return self.thumbnail.size if self.thumbnail else 0


def _typed_for_kind(received: _Received, *, kind: str) -> _Received:
    if kind == Asset.Kind.AUDIO and received.content_type in _AS_AUDIO:
        return replace(received, content_type=_AS_AUDIO[received.content_type])
    return received


def _sound_only_mp4(received: _Received, *, kind: str, expected_types: Iterable[str] | None) -> _Received:
    """An upload may be audio or video: an MP4 with sound and no pictures is M4A audio, where allowed."""
    allowed = frozenset(expected_types) if expected_types is not None else _default_types(kind)
    if (
        kind == Asset.Kind.UPLOAD
        and received.content_type == "video/mp4"
        and "audio/mp4" in allowed
        and thumbnails.sound_only(path=Path(received.file.name))
    ):
        return replace(received, content_type="audio/mp4")
    return received


def _default_types(kind: str) -> frozenset[str]:
    if kind == Asset.Kind.AUDIO:
        return AUDIO_TYPES
    if kind == Asset.Kind.UPLOAD:
        return MEDIA_TYPES
    return ACCEPTED_TYPES


def _accept_type(received: _Received, *, kind: str, expected_types: Iterable[str] | None) -> None:
    allowed = frozenset(expected_types) if expected_types is not None else _default_types(kind)
    if kind == Asset.Kind.THUMBNAIL:
        allowed &= IMAGE_TYPES
    elif kind == Asset.Kind.AUDIO:
        allowed &= AUDIO_TYPES
    if received.content_type not in allowed:
        names = ", ".join(sorted(allowed)) or "nothing"
        raise AssetRejected(
            f"Files of type {received.content_type} are not accepted here (accepted: {names})."
        )


def _cut_after_image_end(received: _Received) -> _Received:
    """Drop bytes appended after an image's end marker (why cut rather than refuse: gallery/image_end.py)."""
    if received.content_type not in IMAGE_TYPES:
        return received
    end = image_end.image_data_end(received.file, content_type=received.content_type)
    if end is None or end >= received.size:
        return received
    received.file.truncate(end)
    digest = hashlib.sha256()
    while chunk := received.file.read(READ_CHUNK_BYTES):
        digest.update(chunk)
    received.file.seek(0)
    logger.info("Cut %d bytes appended after the end of a %s", received.size - end, received.content_type)
    return replace(received, size=end, sha256=digest.hexdigest())


def _check_audio_length(duration: float | None) -> None:
    """Audio longer than AUDIO_MAX_SECONDS is refused (413), whatever the asset kind it arrives as."""
    cap = settings.AUDIO_MAX_SECONDS
    if duration is not None and duration > cap:
        raise AssetRejected(
            f"The audio is {_minutes(duration)} long; at most {_minutes(cap)} is accepted.",
            status_code=413,
        )


def _minutes(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d} (min:s)"


def _probe(received: _Received, *, kind: str) -> _Probed:
    """Decode far enough to know the size (images under IMAGE_MAX_PIXELS) and make the thumbnail."""
    path = Path(received.file.name)
    small: thumbnails.Thumbnail | None = None
    try:
        if received.content_type in IMAGE_TYPES:
            info = thumbnails.image_probe(path=path)
            if kind != Asset.Kind.THUMBNAIL:
                small = thumbnails.image_thumbnail(source=path)
        elif received.content_type in AUDIO_TYPES:
            info = thumbnails.audio_probe(path=path)
            # Refused before the waveform is drawn: decoding hours of audio is the costly part.
            _check_audio_length(info.duration)
            waveform = thumbnails.audio_waveform(path=path)
            small = waveform.thumbnail
            if info.duration is None and waveform.decoded_seconds:
                info = replace(info, duration=waveform.decoded_seconds)
                # The container did not say; what was decoded did.
                _check_audio_length(info.duration)
        else:
            info = thumbnails.video_probe(path=path)
            small = thumbnails.video_thumbnail(path=path, duration=info.duration)
    except thumbnails.MediaUnreadable as exc:
        raise AssetRejected(str(exc), status_code=400) from exc
    if small is None:
        return _Probed(info=info)
    return _Probed(
        info=info,
        thumbnail=_Received(
            file=io.BytesIO(small.data),
            size=len(small.data),
            sha256=hashlib.sha256(small.data).hexdigest(),
            content_type=thumbnails.THUMBNAIL_CONTENT_TYPE,
        ),
        thumbnail_info=thumbnails.MediaInfo(width=small.width, height=small.height),
    )


def _write(
    *, owner: AbstractBaseUser, kind: str, received: _Received, probed: _Probed, filename: str
) -> Asset:
    """Upload to object storage first (when it is the store), then insert both rows in one transaction.

    Anything that fails after an upload deletes the uploaded objects again, so no object is left
    without its row.
    """
    incoming = received.size + probed.thumbnail_bytes
    keys = {"main": "", "thumbnail": ""}
    try:
        if settings.MEDIA_STORAGE == "s3":
            keys["main"] = _upload(received)
            if probed.thumbnail:
                keys["thumbnail"] = _upload(probed.thumbnail)
        with transaction.atomic():
            # Serialises one user's stores so two uploads cannot both slip under the quota.
            user_lock_then_check(user_id=owner.pk, check=lambda: _check_quota(owner=owner, incoming=incoming))
            thumbnail = None
            if probed.thumbnail is not None:
                thumbnail = _insert(
                    owner=owner,
                    kind=Asset.Kind.THUMBNAIL,
                    received=probed.thumbnail,
                    info=probed.thumbnail_info,
                    filename="",
                    thumbnail=None,
                    storage_key=keys["thumbnail"],
                )
            return _insert(
                owner=owner,
                kind=kind,
                received=received,
                info=probed.info,
                filename=filename,
                thumbnail=thumbnail,
                storage_key=keys["main"],
            )
    except BaseException:
        for key in filter(None, keys.values()):
            storage_backends.object_delete_quietly(key=key)
        raise


@_storage_full_refused()
def asset_store(
    *,
    owner: AbstractBaseUser,
    stream: IO[bytes],
    kind: str,
    max_bytes: int | None = None,
    filename: str = "",
    expected_types: Iterable[str] | None = None,
) -> Asset:
    """Store the bytes of ``stream`` as an Asset of ``kind`` owned by ``owner``, with its thumbnail.

    The stream is read in chunks into a scratch file (never whole into memory), capped at
    ``max_bytes`` (default MEDIA_MAX_BYTES), typed by its magic bytes, decoded far enough to know
    its size (images under IMAGE_MAX_PIXELS) or duration (video, audio), thumbnailed (a poster
    frame for a video, a waveform picture for audio), checked against the owner's quota and
    written in one transaction.
    """
    if kind not in Asset.Kind.values:
        raise ValueError(f"Unknown asset kind {kind!r}")
    received = _receive(stream, max_bytes=max_bytes or settings.MEDIA_MAX_BYTES)
    with received.file:
        received = _typed_for_kind(received, kind=kind)
        received = _sound_only_mp4(received, kind=kind, expected_types=expected_types)
        _accept_type(received, kind=kind, expected_types=expected_types)
        received = _cut_after_image_end(received)
        probed = _probe(received, kind=kind)
        _check_quota(owner=owner, incoming=received.size + probed.thumbnail_bytes)  # early, before any upload
        return _write(owner=owner, kind=kind, received=received, probed=probed, filename=filename)


def asset_delete(*, asset: Asset) -> None:
    """Delete the asset (its thumbnail and stored object follow, see gallery.signals)."""
    asset.delete()


def asset_set_favorite(*, asset: Asset, favorite: bool) -> Asset:
    Asset.objects.filter(pk=asset.pk).update(favorite=favorite)
    asset.favorite = favorite
    return asset


def asset_hide(*, asset: Asset, by: AbstractBaseUser, reason: str) -> Asset:
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say why the item is hidden.", status_code=422)
    asset.hidden_at = timezone.now()
    asset.hidden_by = by
    asset.hidden_reason = reason[:500]
    asset.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return asset


def asset_unhide(*, asset: Asset) -> Asset:
    asset.hidden_at = None
    asset.hidden_by = None
    asset.hidden_reason = ""
    asset.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return asset


# --- Retention ------------------------------------------------------------------------------------

RETENTION_BATCH = 200


class RetentionHookFailed(Exception):
    pass


@dataclass(frozen=True)
class RetentionResult:
    cutoff: datetime | None
    assets_deleted: int
    hooks: dict[str, int]


def retention_run(*, now: datetime | None = None) -> RetentionResult:
    """Delete non-favourite assets older than RETENTION_DAYS, then run each RETENTION_HOOKS entry.

    Thumbnails are never selected directly: they go with their asset. Works in batches so that a
    first run on a big backlog neither holds a long write lock nor collects everything in memory.
    """
    if settings.RETENTION_DAYS <= 0:
        return RetentionResult(cutoff=None, assets_deleted=0, hooks={})
    cutoff = (now or timezone.now()) - timedelta(days=settings.RETENTION_DAYS)
    expired = Asset.objects.filter(created_at__lt=cutoff, favorite=False).exclude(kind=Asset.Kind.THUMBNAIL)
    deleted = 0
    while ids := list(expired.order_by("id").values_list("id", flat=True)[:RETENTION_BATCH]):
        with transaction.atomic():
            deleted += (
                Asset.objects.filter(pk__in=ids).exclude(favorite=True).delete()[1].get("gallery.Asset", 0)
            )
    hooks: dict[str, int] = {}
    failed: list[str] = []
    for dotted in settings.RETENTION_HOOKS:
        try:
            hooks[dotted] = import_string(dotted)(cutoff=cutoff)
        except Exception:  # one app's failure must not keep the others from pruning
            logger.exception("Retention hook %s failed", dotted)
            failed.append(dotted)
    logger.info("Retention before %s: %s assets deleted, hooks %s", cutoff, deleted, hooks)
    if failed:
        # Raised after every hook ran, so the task queue records the run as failed.
        raise RetentionHookFailed(f"Retention hooks failed: {', '.join(failed)} (the rest ran; see the log).")
    return RetentionResult(cutoff=cutoff, assets_deleted=deleted, hooks=hooks)


# --- Moving bytes between the database and object storage ---------------------------------------------


class MoveFailed(Exception):
    pass


def object_storage_check() -> None:
    """Fail early, with the storage's own words, when the bucket cannot be reached."""
    try:
        storage_backends.object_storage().bucket.meta.client.head_bucket(
            Bucket=settings.AWS_STORAGE_BUCKET_NAME
        )
    except Exception as exc:
        raise ServiceError(f"Object storage is not reachable: {exc}", status_code=503) from exc


def _spool(chunks: Iterable[bytes], *, expected_sha256: str, where: str) -> IO[bytes]:
    scratch = tempfile.TemporaryFile(prefix="move-", dir=scratch_dir())  # noqa: SIM115 - returned to the caller
    digest = hashlib.sha256()
    try:
        for chunk in chunks:
            digest.update(chunk)
            scratch.write(chunk)
    except BaseException:
        scratch.close()
        raise
    if digest.hexdigest() != expected_sha256:
        scratch.close()
        raise MoveFailed(f"the bytes in {where} do not match the recorded SHA-256; left where they are")
    scratch.seek(0)
    return scratch


def asset_move(*, asset_id: int, to: str) -> bool:
    """Move one asset's bytes to ``to`` ("s3" or "database"); False when they were there already."""
    asset = Asset.objects.filter(pk=asset_id).first()
    if asset is None:
        return False  # deleted meanwhile
    if to == "s3":
        if asset.storage_key:
            return False
        key = storage_backends.object_key_for(asset_id=asset.pk, sha256=asset.sha256)
        chunks = storage_backends.asset_chunks(asset=asset)
        with _spool(chunks, expected_sha256=asset.sha256, where="the database") as scratch:
            storage_backends.object_upload(key=key, fileobj=scratch, content_type=asset.content_type)
        if storage_backends.object_sha256(key=key) != asset.sha256:
            storage_backends.object_delete_quietly(key=key)
            raise MoveFailed("the copy in object storage did not read back identical; left in the database")
        with transaction.atomic():
            switched = Asset.objects.filter(pk=asset.pk, storage_key="").update(storage_key=key, data=None)
        if not switched:  # deleted or moved by someone else meanwhile
            storage_backends.object_delete_quietly(key=key)
            return False
        return True
    if to == "database":
        if not asset.storage_key:
            return False
        key = asset.storage_key
        chunks = storage_backends.asset_chunks(asset=asset)
        spooled = _spool(chunks, expected_sha256=asset.sha256, where="object storage")
        with spooled as scratch, transaction.atomic():
            if not Asset.objects.filter(pk=asset.pk, storage_key=key).update(storage_key=""):
                return False
            storage_backends.blob_write(asset_id=asset.pk, fileobj=scratch, size=asset.size_bytes)
            if storage_backends.blob_sha256(asset_id=asset.pk, size=asset.size_bytes) != asset.sha256:
                raise MoveFailed("the copy in the database did not read back identical; left in storage")
            transaction.on_commit(lambda: storage_backends.object_delete_quietly(key=key))
        return True
    raise ValueError(f"Unknown destination {to!r}")
