"""The Content-Security-Policy (django-csp) of every page: the SPA, the admin and the API docs.

Everything is served from our own origin, so the base policy allows only 'self'. A view that needs
more says so with ``csp_allow`` (the SPA runs Rapier's WebAssembly, shows the models' cover
pictures and plays a picked local audio/video file from a blob: URL; Swagger UI's stylesheet draws its icons from ``data:`` URLs). With ``MEDIA_STORAGE=s3``
media is redirected to signed URLs on the object storage's origin, so images, video and downloads
may come from there too.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from csp.constants import NONE, SELF, WASM_UNSAFE_EVAL
from django.conf import settings

# Replicate's CDN, where the models' cover pictures live (the emulator sends them as data: URLs).
REPLICATE_COVER_ORIGINS = ["https://replicate.delivery", "https://*.replicate.delivery"]
# Object URLs of the person's own files (the generate form's preview player).
BLOB = "blob:"
# Swagger UI's stylesheet has its icons as data: URLs.
DOCS_EXTRA = {"img-src": ["data:"]}


def spa_extra(*, demo_mode: bool) -> dict[str, list[str]]:
    """What the SPA needs beyond the base policy.

    Rapier's WASM is compiled from bytes in its bundle ('wasm-unsafe-eval', which allows no
    JavaScript eval). Model covers are data: URLs in demo mode and Replicate's CDN otherwise. The
    generate form plays a picked local audio or video file from an object URL (blob:) before it is
    sent; blob: URLs are made by the page itself from the person's own file, never fetched.
    """
    return {
        "script-src": [WASM_UNSAFE_EVAL],
        "img-src": ["data:"] if demo_mode else ["data:", *REPLICATE_COVER_ORIGINS],
        "media-src": [BLOB],
    }


def object_storage_origins(*, endpoint_url: str | None, bucket: str, region: str) -> list[str]:
    """The origins signed media URLs point at: the S3-compatible endpoint, or AWS's bucket hosts."""
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        return [f"{parts.scheme}://{parts.netloc}"]
    # boto3 signs virtual-hosted URLs, with or without the region in the host name.
    return [f"https://{bucket}.s3.amazonaws.com", f"https://{bucket}.s3.{region}.amazonaws.com"]


def policy(*, media_origins: list[str]) -> dict[str, Any]:
    """django-csp's configuration: 'self' only, plus where stored media may be redirected to."""
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            "img-src": [SELF, *media_origins],
            "media-src": [SELF, *media_origins],
            "connect-src": [SELF, *media_origins],
            "font-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        }
    }


def allow_on_response(response: Any, extra: dict[str, list[str]]) -> Any:
    """Adds ``extra`` to the policy of this response, enforced or report-only alike (django-csp's
    ``csp_update`` decorator sets the same attributes, one mode at a time)."""
    response._csp_update = extra
    response._csp_update_ro = extra
    return response


def csp_allow(setting: str) -> Callable:
    """A view decorator: its responses' policy gets the directives of ``settings.<setting>``."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            return allow_on_response(view(*args, **kwargs), getattr(settings, setting))

        return wrapped

    return decorate
