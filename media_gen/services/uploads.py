"""Input files a user uploads for a model (stored as gallery assets of kind ``upload``)."""

from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from gallery import services as gallery_services
from gallery.models import Asset
from media_gen import uploads
from simpoc.services import ServiceError

UPLOAD_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


@dataclass(frozen=True)
class StoredUpload:
    asset: Asset
    url: str
    filename: str


def upload_image_store(
    *, user: AbstractBaseUser, stream: IO[bytes], filename: str, size: int | None
) -> StoredUpload:
    """Store an input image (checked by magic bytes, ≤ UPLOAD_MAX_BYTES) and a URL Replicate can fetch."""
    return _upload_store(
        user=user,
        stream=stream,
        filename=filename,
        size=size,
        types=UPLOAD_TYPES,
        refused="Upload a JPEG, PNG, GIF or WebP image.",
    )


def upload_media_store(
    *, user: AbstractBaseUser, stream: IO[bytes], filename: str, size: int | None
) -> StoredUpload:
    """``upload_image_store`` for any input a model may take: an image, a video or audio (by its bytes)."""
    return _upload_store(
        user=user,
        stream=stream,
        filename=filename,
        size=size,
        types=gallery_services.MEDIA_TYPES,
        refused="Upload an image (JPEG, PNG, GIF, WebP), a video (MP4, WebM, MOV) or audio (MP3, WAV, OGG, FLAC, M4A).",
    )


def _upload_store(
    *,
    user: AbstractBaseUser,
    stream: IO[bytes],
    filename: str,
    size: int | None,
    types: frozenset[str],
    refused: str,
) -> StoredUpload:
    if size is not None and size > settings.UPLOAD_MAX_BYTES:
        raise gallery_services.AssetTooLarge(
            f"The file is larger than {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB.", status_code=413
        )
    safe_name = (filename or "upload").replace("/", "_").replace("\\", "_")[:200]
    try:
        asset = gallery_services.asset_store(
            owner=user,
            stream=stream,
            kind=Asset.Kind.UPLOAD,
            max_bytes=settings.UPLOAD_MAX_BYTES,
            filename=safe_name,
            expected_types=types,
        )
    except gallery_services.AssetRejected as exc:
        # A file of an accepted type that is too long (audio over AUDIO_MAX_SECONDS) is a 413 like one
        # that is too large; every other refusal is a 400 naming the types this input takes.
        if exc.status_code == 413:
            raise ServiceError(exc.message, status_code=413) from exc
        raise ServiceError(f"{refused} {exc.message}", status_code=400) from exc
    data = None
    if asset.size_bytes <= uploads.DATA_URL_MAX_BYTES and hasattr(stream, "seek"):
        stream.seek(0)
        data = stream.read(asset.size_bytes + 1)
    return StoredUpload(
        asset=asset, url=uploads.asset_fetchable_url(asset=asset, data=data), filename=safe_name
    )
