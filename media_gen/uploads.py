"""Input images for Replicate: a URL it can fetch for an asset we hold.

With a public HTTPS BASE_URL that is a signed, expiring link to `/api/upload-image/{token}`;
otherwise (Replicate could not reach us) a `data:` URL, which Replicate accepts for small files.
"""

import base64
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing

from gallery import storage_backends
from gallery.models import Asset

SIGNING_SALT = "media_gen.upload-image"
LINK_MAX_AGE_SECONDS = 24 * 3600
# Replicate advises URLs above 256 KB; without a public site a data: URL is all we have, so allow more.
DATA_URL_MAX_BYTES = 8 * 1024 * 1024


def site_is_public() -> bool:
    """True when Replicate can reach BASE_URL: HTTPS on a name that is not local."""
    parts = urlsplit(settings.BASE_URL)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host:
        return False
    if host in {"localhost", "127.0.0.1", "::1"} or host.endswith((".localhost", ".local", ".internal")):
        return False
    return not host.replace(".", "").isdigit()


def upload_token(*, asset_id: int) -> str:
    return signing.dumps(asset_id, salt=SIGNING_SALT, compress=False)


def upload_token_asset_id(*, token: str) -> int | None:
    try:
        value = signing.loads(token, salt=SIGNING_SALT, max_age=LINK_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def _asset_bytes(asset: Asset) -> bytes:
    # Whole in memory on purpose: only inputs under DATA_URL_MAX_BYTES become a data: URL.
    return b"".join(storage_backends.asset_chunks(asset=asset))


def asset_fetchable_url(*, asset: Asset, data: bytes | None = None) -> str:
    """A URL Replicate can fetch for ``asset`` (``data`` spares reading bytes we already have)."""
    if site_is_public() or asset.size_bytes > DATA_URL_MAX_BYTES:
        return f"{settings.BASE_URL}/api/upload-image/{upload_token(asset_id=asset.pk)}"
    payload = data if data is not None else _asset_bytes(asset)
    return f"data:{asset.content_type};base64,{base64.b64encode(payload).decode()}"
