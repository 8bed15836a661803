"""Where an asset's bytes live, and how they move in and out in bounded chunks.

Two places: the ``data`` BLOB column of ``gallery_asset`` (SQLite or PostgreSQL) or an object in
S3-compatible storage (``storage_key``). Nothing here ever holds a whole file in memory:

- SQLite: the row gets ``zeroblob(size)`` and is filled and read with incremental BLOB I/O
  (``sqlite3.Connection.blobopen``).
- PostgreSQL: bytes go in with ``COPY FROM STDIN`` into a scratch table (the server assembles the
  value) and come out with ``substring(data from X for N)``; the column is stored uncompressed
  (``STORAGE EXTERNAL``, migration 0002), so a slice reads only the TOAST chunks it needs.
- Object storage: django-storages' S3 backend uploads from a file (multipart) and hands clients a
  short-lived signed URL.
"""

import contextlib
import hashlib
import logging
import time
import uuid
from collections.abc import Iterator
from functools import lru_cache
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection

if TYPE_CHECKING:
    from gallery.models import Asset

logger = logging.getLogger(__name__)

TABLE = "gallery_asset"
CHUNK_BYTES = 256 * 1024
# A streamed SQLite read keeps its BLOB handle (and so a WAL read snapshot) at most this long
# before reopening it, so a slow client never pins the WAL; reopening costs one B-tree walk.
SQLITE_SNAPSHOT_SECONDS = 0.5


class BlobMissing(Exception):
    """The row or its bytes disappeared (deleted mid-stream, or moved to object storage)."""


# --- Database BLOBs -----------------------------------------------------------------------------


def _vendor() -> str:
    return connection.vendor


def _raw_sqlite_connection() -> Any:
    connection.ensure_connection()
    return connection.connection


def blob_write(*, asset_id: int, fileobj: IO[bytes], size: int) -> None:
    """Fill ``data`` of an existing row from ``fileobj`` (read from its current position).

    Call inside the transaction that created or updates the row.
    """
    if _vendor() == "sqlite":
        raw = _raw_sqlite_connection()
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET data = zeroblob(%s) WHERE id = %s", [size, asset_id])  # noqa: S608
            if cursor.rowcount != 1:
                raise BlobMissing(f"Asset {asset_id} does not exist.")
        if size == 0:
            return
        with raw.blobopen(TABLE, "data", asset_id, readonly=False) as blob:
            written = 0
            while written < size:
                chunk = fileobj.read(min(CHUNK_BYTES, size - written))
                if not chunk:
                    raise BlobMissing(f"The source ended after {written} of {size} bytes.")
                blob.write(chunk)
                written += len(chunk)
        return
    if _vendor() == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS gallery_asset_incoming (data bytea)")
            # Uncompressed here too: a compressed value would be copied compressed into gallery_asset.
            cursor.execute("ALTER TABLE gallery_asset_incoming ALTER COLUMN data SET STORAGE EXTERNAL")
            cursor.execute("TRUNCATE gallery_asset_incoming")
            # Text COPY with bytea in hex: the value streams to the server chunk by chunk.
            with cursor.cursor.copy("COPY gallery_asset_incoming (data) FROM STDIN") as copy:
                copy.write(b"\\\\x")
                remaining = size
                while remaining > 0:
                    chunk = fileobj.read(min(CHUNK_BYTES, remaining))
                    if not chunk:
                        raise BlobMissing(f"The source ended after {size - remaining} of {size} bytes.")
                    copy.write(chunk.hex().encode())
                    remaining -= len(chunk)
                copy.write(b"\n")
            cursor.execute(
                f"UPDATE {TABLE} SET data = (SELECT data FROM gallery_asset_incoming) WHERE id = %s",  # noqa: S608
                [asset_id],
            )
            if cursor.rowcount != 1:
                raise BlobMissing(f"Asset {asset_id} does not exist.")
            cursor.execute("TRUNCATE gallery_asset_incoming")
        return
    raise NotImplementedError(f"Streaming BLOB writes are not implemented for {_vendor()}.")


def blob_chunks(
    *, asset_id: int, start: int = 0, length: int, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[bytes]:
    """Yield ``length`` bytes of the asset's BLOB from ``start``, at most ``chunk_bytes`` at a time.

    Uses the thread's Django connection: a WSGI server iterates the body before it calls
    ``response.close()`` (which is when Django closes the request's connections), and
    ``ensure_connection`` reopens it should anything have closed it. Each read is its own short
    transaction, so a stream never holds a lock or an old snapshot for long. Inside a test's
    transaction the same connection sees the rows the test wrote.
    """
    if length <= 0:
        return
    if _vendor() == "sqlite":
        yield from _sqlite_chunks(asset_id, start, length, chunk_bytes)
    elif _vendor() == "postgresql":
        yield from _postgres_chunks(asset_id, start, length, chunk_bytes)
    else:
        raise NotImplementedError(f"Streaming BLOB reads are not implemented for {_vendor()}.")


def _sqlite_chunks(asset_id: int, start: int, length: int, chunk_bytes: int) -> Iterator[bytes]:
    import sqlite3

    offset, end = start, start + length
    blob = None
    opened_at = 0.0
    try:
        while offset < end:
            if blob is None:
                try:
                    blob = _raw_sqlite_connection().blobopen(TABLE, "data", asset_id, readonly=True)
                except sqlite3.OperationalError as exc:  # no such row, or data is NULL
                    raise BlobMissing(f"Asset {asset_id} has no stored bytes.") from exc
                opened_at = time.monotonic()
                if len(blob) < end:
                    raise BlobMissing(f"Asset {asset_id} is shorter than {end} bytes.")
                blob.seek(offset)
            try:
                chunk = blob.read(min(chunk_bytes, end - offset))
            except sqlite3.OperationalError as exc:  # the row changed under an open handle
                raise BlobMissing(f"Asset {asset_id} changed while it was read.") from exc
            if not chunk:
                raise BlobMissing(f"Asset {asset_id} ended early at byte {offset}.")
            offset += len(chunk)
            if time.monotonic() - opened_at > SQLITE_SNAPSHOT_SECONDS:
                blob.close()
                blob = None
            yield chunk
    finally:
        if blob is not None:
            with contextlib.suppress(sqlite3.ProgrammingError):  # the connection closed first
                blob.close()


def _postgres_chunks(asset_id: int, start: int, length: int, chunk_bytes: int) -> Iterator[bytes]:
    offset, end = start, start + length
    while offset < end:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT substring(data from %s for %s) FROM {TABLE} WHERE id = %s",  # noqa: S608
                [offset + 1, min(chunk_bytes, end - offset), asset_id],
            )
            row = cursor.fetchone()
        if row is None or row[0] is None or len(row[0]) == 0:
            raise BlobMissing(f"Asset {asset_id} has no stored bytes at {offset}.")
        chunk = bytes(row[0])
        offset += len(chunk)
        yield chunk


def blob_sha256(*, asset_id: int, size: int) -> str:
    digest = hashlib.sha256()
    for chunk in blob_chunks(asset_id=asset_id, start=0, length=size, chunk_bytes=1024 * 1024):
        digest.update(chunk)
    return digest.hexdigest()


# --- Object storage -----------------------------------------------------------------------------


def object_storage() -> Any:
    """The S3 storage (django-storages) for the current AWS_* settings, one client per configuration."""
    return _storage_for(
        settings.AWS_STORAGE_BUCKET_NAME,
        settings.AWS_S3_ENDPOINT_URL,
        settings.AWS_S3_REGION_NAME,
        settings.AWS_ACCESS_KEY_ID,
        settings.AWS_SECRET_ACCESS_KEY,
        settings.AWS_QUERYSTRING_EXPIRE,
    )


@lru_cache(maxsize=4)
def _storage_for(
    bucket: str, endpoint: str | None, region: str, key_id: str | None, secret: str | None, expire: int
) -> Any:
    from storages.backends.s3 import S3Storage

    return S3Storage(
        bucket_name=bucket,
        endpoint_url=endpoint,
        region_name=region,
        access_key=key_id,
        secret_key=secret,
        querystring_expire=expire,
    )


def object_key_new() -> str:
    return f"assets/{uuid.uuid4().hex}"


def object_key_for(*, asset_id: int, sha256: str) -> str:
    """The key move_media uses: deterministic, so an interrupted move redoes the same upload."""
    return f"assets/{asset_id}-{sha256[:32]}"


def object_upload(*, key: str, fileobj: IO[bytes], content_type: str) -> None:
    storage = object_storage()
    storage.bucket.Object(storage._normalize_name(key)).upload_fileobj(
        fileobj, ExtraArgs={"ContentType": content_type}
    )


def object_chunks(*, key: str, chunk_bytes: int = 1024 * 1024) -> Iterator[bytes]:
    body = object_storage().bucket.Object(object_storage()._normalize_name(key)).get()["Body"]
    try:
        while chunk := body.read(chunk_bytes):
            yield chunk
    finally:
        body.close()


def asset_chunks(*, asset: "Asset") -> Iterator[bytes]:
    """The asset's whole bytes in chunks, from wherever they are (object storage or the BLOB).

    The one reader for every caller that needs all of an asset's bytes (archives, moves, fetchable
    inputs); the streaming view reads ranges with ``blob_chunks`` itself.
    """
    if asset.storage_key:
        return object_chunks(key=asset.storage_key)
    return blob_chunks(asset_id=asset.pk, length=asset.size_bytes)


def object_sha256(*, key: str) -> str:
    digest = hashlib.sha256()
    for chunk in object_chunks(key=key):
        digest.update(chunk)
    return digest.hexdigest()


def object_delete(*, key: str) -> None:
    object_storage().delete(key)


def object_delete_quietly(*, key: str) -> None:
    """Delete, logging instead of raising: cleanup must not hide the error that caused it."""
    try:
        object_delete(key=key)
    except Exception:
        logger.exception("Could not delete object %s from storage", key)


def object_signed_url(*, key: str, content_type: str, content_disposition: str) -> str:
    return object_storage().url(
        key,
        parameters={"ResponseContentType": content_type, "ResponseContentDisposition": content_disposition},
        expire=settings.AWS_QUERYSTRING_EXPIRE,
    )
