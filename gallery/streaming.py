"""The one view body that serves every stored byte (``/data`` and ``/thumbnail`` endpoints).

HTTP semantics (RFC 9110):

- ``Accept-Ranges: bytes``; one range per request: ``bytes=A-B``, ``bytes=A-`` and ``bytes=-N`` give
  ``206`` with ``Content-Range``; a range that starts past the end (or ``bytes=-0``) gives ``416``
  with ``Content-Range: bytes */SIZE``.
- A Range header we do not understand (another unit, bad syntax, ``B < A``) or one with several
  ranges is ignored and the whole body is sent with ``200``: the RFC lets a server ignore Range,
  every player asks for one range at a time, and multipart/byteranges would only add attack surface.
- Assets never change, so the content hash is a strong ``ETag`` and the creation time is
  ``Last-Modified``. ``If-None-Match`` / ``If-Modified-Since`` give ``304``; ``If-Match`` /
  ``If-Unmodified-Since`` give ``412``; an ``If-Range`` that does not match turns a range request into
  a full ``200``.
- Bytes in object storage are not proxied: the answer is a ``302`` to a short-lived signed URL
  (S3 does ranges itself), after the same conditional checks.
- Memory stays flat: bytes come from the database in fixed-size chunks (see storage_backends).
"""

import logging
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import PurePath
from typing import Protocol

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header, http_date, parse_etags, parse_http_date_safe

from gallery import storage_backends
from gallery.models import Asset

logger = logging.getLogger(__name__)

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "video/quicktime": ".mov",
    "audio/mpeg": ".mp3",
    "audio/wav": ".wav",
    "audio/ogg": ".ogg",
    "audio/flac": ".flac",
    "audio/mp4": ".m4a",
    "audio/aac": ".aac",
}
DATA_CACHE_CONTROL = "private, no-cache"  # revalidate with the ETag: visibility can change
THUMBNAIL_CACHE_CONTROL = "private, max-age=3600"
# A request whose ?v= names the bytes it gets: they never change under that URL.
IMMUTABLE_CACHE_CONTROL = "private, max-age=31536000, immutable"
VERSION_LENGTH = 16
# Assets up to this size may be read whole with their metadata (one query) and sent as one buffer.
SMALL_MEDIA_BYTES = 512 * 1024
_RANGE_SPEC = re.compile(r"^(\d*)-(\d*)$")


class Unsatisfiable(Exception):
    pass


class ServedMedia(Protocol):
    """What serving needs to know of the bytes it sends: an ``Asset``, or a row read without the ORM."""

    pk: int
    kind: str
    content_type: str
    size_bytes: int
    sha256: str
    created_at: datetime
    storage_key: str


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive ``(first, last)`` byte range asked for, or None to send everything.

    Raises Unsatisfiable for a well-formed single range that lies outside the body.
    """
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    match = _RANGE_SPEC.match(spec.strip())
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # suffix: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise Unsatisfiable()
        return max(size - length, 0), size - 1
    start = int(first)
    if last != "" and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable()
    end = size - 1 if last == "" else min(int(last), size - 1)
    return start, end


def media_version(sha256: str) -> str:
    """The content version a media URL carries (``?v=``): a prefix of the bytes' SHA-256.

    Other bytes give another URL, so a URL with a version can be cached for ever. It is a cache
    key, never a credential: who may see the asset is decided exactly as without it.
    """
    return sha256[:VERSION_LENGTH]


def versioned_url(path: str, sha256: str) -> str:
    return f"{path}?v={media_version(sha256)}" if sha256 else path


def _etag(media: "ServedMedia") -> str:
    return f'"{media.sha256[:40]}"'


def _strong_match(etag: str, header: str) -> bool:
    return any(tag == "*" or (tag == etag and not tag.startswith("W/")) for tag in parse_etags(header))


def _weak_match(etag: str, header: str) -> bool:
    return any(tag == "*" or tag.removeprefix("W/") == etag for tag in parse_etags(header))


def _precondition_status(request: HttpRequest, etag: str, last_modified: int) -> int | None:
    """412 or 304 when a conditional header says so (RFC 9110 §13.2.2 order), else None."""
    meta = request.META
    if_match = meta.get("HTTP_IF_MATCH")
    if if_match is not None and not _strong_match(etag, if_match):
        return 412
    unmodified = meta.get("HTTP_IF_UNMODIFIED_SINCE")
    unmodified_since = parse_http_date_safe(unmodified) if unmodified and if_match is None else None
    if unmodified_since is not None and last_modified > unmodified_since:
        return 412
    if_none_match = meta.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return 304 if _weak_match(etag, if_none_match) else None
    modified = meta.get("HTTP_IF_MODIFIED_SINCE")
    since = parse_http_date_safe(modified) if modified else None
    if since is not None and last_modified <= since:
        return 304
    return None


def _if_range_allows(request: HttpRequest, etag: str, last_modified: int) -> bool:
    value = request.headers.get("If-Range")
    if value is None:
        return True
    value = value.strip()
    if value.startswith(('"', "W/")):
        return value == etag
    return parse_http_date_safe(value) == last_modified


def download_filename(asset: Asset, *, stem: str = "", thumbnail: Asset | None = None) -> str:
    """``<stem>.<ext>`` with the extension of the served bytes' sniffed type."""
    stem = stem or PurePath(asset.original_filename).stem or f"{asset.kind}-{asset.pk}"
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-")[:100] or f"asset-{asset.pk}"
    if thumbnail is not None:
        stem += "-thumbnail"
    return stem + EXTENSIONS.get((thumbnail or asset).content_type, ".bin")


def _detail(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def asset_response(
    request: HttpRequest,
    asset: Asset,
    *,
    thumbnail: bool = False,
    filename_stem: str = "",
    download: bool = False,
) -> HttpResponse:
    """Serve the asset's bytes (or its thumbnail's). Check ``asset_is_visible_to`` first.

    ``download`` (or ``?download=1`` on the request) makes it an attachment.
    """
    target = asset
    if thumbnail and asset.kind != Asset.Kind.THUMBNAIL:
        target = Asset.objects.filter(pk=asset.thumbnail_id).first() if asset.thumbnail_id else None
        if target is None:
            return _detail(404, "This item has no thumbnail.")
    filename = download_filename(asset, stem=filename_stem, thumbnail=None if target is asset else target)
    return media_response(
        request, target, filename=filename, thumbnail=target is not asset, download=download
    )


def cache_control(request: HttpRequest, media: ServedMedia, *, thumbnail: bool) -> str:
    """Immutable for a URL whose ``?v=`` is these bytes' version; else an hour (thumbnails) or revalidate."""
    version = request.GET.get("v")
    if version and media.sha256 and version == media_version(media.sha256):
        return IMMUTABLE_CACHE_CONTROL
    return THUMBNAIL_CACHE_CONTROL if thumbnail else DATA_CACHE_CONTROL


def media_response(
    request: HttpRequest,
    media: ServedMedia,
    *,
    filename: str,
    thumbnail: bool = False,
    download: bool = False,
    data: bytes | None = None,
) -> HttpResponse:
    """The answer for ``media``'s bytes: conditional requests, one range, redirect to object storage.

    ``data``, when the caller already read the whole BLOB (small media), is sent as it is, without a
    second query; otherwise the bytes stream from the database in chunks.
    """
    download = download or request.GET.get("download", "").lower() in {"1", "true", "yes"}
    # Only the media types we store are ever shown inline. Anything else (a row edited by hand, an
    # old backup) is sent as opaque bytes to download, so HTML or SVG never runs in our origin.
    content_type = media.content_type
    if content_type not in EXTENSIONS:
        content_type, download = "application/octet-stream", True

    etag = _etag(media)
    last_modified = int(media.created_at.timestamp())
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(last_modified),
        "Cache-Control": cache_control(request, media, thumbnail=thumbnail),
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
    }
    status = _precondition_status(request, etag, last_modified)
    if status == 304:
        response = HttpResponse(status=304)
        for name in ("ETag", "Last-Modified", "Cache-Control"):
            response[name] = headers[name]
        return response
    if status == 412:
        return _detail(412, "The stored item does not match the request's precondition.")

    disposition = content_disposition_header(download, filename)
    if media.storage_key:
        url = storage_backends.object_signed_url(
            key=media.storage_key, content_type=content_type, content_disposition=disposition
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"  # the signed URL expires
        return response

    size = media.size_bytes
    try:
        first, last, status = _requested_range(request, etag, last_modified, size)
    except Unsatisfiable:
        response = _detail(416, f"The range is outside the {size} bytes of this item.")
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    length = last - first + 1
    response = _body_response(request, media, status=status, first=first, length=length, data=data)
    if response.status_code == 404:
        return response
    response["Content-Type"] = content_type
    response["Content-Length"] = str(length)
    response["Content-Disposition"] = disposition
    if status == 206:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    for name, value in headers.items():
        response[name] = value
    return response


def _requested_range(request: HttpRequest, etag: str, last_modified: int, size: int) -> tuple[int, int, int]:
    """``(first, last, status)``: the whole body with 200, or the one range asked for with 206."""
    range_header = request.headers.get("Range")
    if range_header and request.method in ("GET", "HEAD") and _if_range_allows(request, etag, last_modified):
        asked = parse_range(range_header, size)
        if asked is not None:
            return asked[0], asked[1], 206
    return 0, size - 1, 200


def _body_response(
    request: HttpRequest, media: ServedMedia, *, status: int, first: int, length: int, data: bytes | None
) -> HttpResponse:
    if request.method == "HEAD":
        return HttpResponse(status=status)
    if data is not None and len(data) == media.size_bytes:
        # Already in memory: one buffer, handed to the server as it is (the whole body: no copy).
        return StreamingHttpResponse([data if status == 200 else data[first : first + length]], status=status)
    chunks = storage_backends.blob_chunks(asset_id=media.pk, start=first, length=length)
    try:
        head = next(chunks, b"")  # fail here, as a clean 404, if the bytes are gone
    except storage_backends.BlobMissing:
        logger.warning("Asset %s has no stored bytes", media.pk)
        return _detail(404, "The stored bytes of this item are missing.")
    return StreamingHttpResponse(_guarded(head, chunks, media.pk), status=status)


def _guarded(head: bytes, rest: Iterator[bytes], asset_id: int) -> Iterator[bytes]:
    yield head
    try:
        yield from rest
    except storage_backends.BlobMissing:
        # Deleted while streaming: the short body tells the client the transfer broke.
        logger.warning("Asset %s disappeared while it was being streamed", asset_id)
