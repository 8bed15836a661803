"""Serving a generation's bytes: the one body behind ``/api/{images,videos,audio}/{id}/{data,thumbnail}``.

The ninja routes in ``media_gen/api.py`` declare and serve these paths. ``MediaFastPathMiddleware``
answers a GET or HEAD with a valid API key (a script) or a plain current session (the browser's
gallery; ``media_gen.fastpage.session_user``) in front of the rest of the middleware (it sits right
after SecurityMiddleware and WhiteNoise, and adds the headers the others would: CSP,
X-Frame-Options, Vary) and of ninja. For a key, authentication, the generation and its asset (and a
small asset's bytes) are one indexed read (``selectors.stored_media_for_key``); for a session, the
session and user rows and then that read; no ORM query is compiled. Anything else (a stale session,
a missing or wrong key, an item that is not the user's, no stored output) is left to the routes, which answer it exactly as before; the
middleware only ever serves what the route would serve 200/206/304/416 for, with the same headers.
It answers the gallery's first page the same way (``media_gen.fastpage``), and Replicate's ordinary
webhook deliveries (``media_gen.webhook_fast``).
"""

import re
from collections.abc import Callable

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from gallery.streaming import download_filename, media_response
from media_gen import selectors
from media_gen.selectors import StoredMedia
from simpoc.models import ApiKey
from simpoc.services import LAST_USED_RESOLUTION, api_key_mark_used

# The gallery's list pages, served ahead of the stack by ``media_gen.fastpage`` when it can.
PAGE_PATH_PREFIXES = ("/api/images", "/api/videos", "/api/audio")
MEDIA_PATH = re.compile(r"^/api/(images|videos|audio)/(\d{1,18})/(data|thumbnail)$")
KIND_OF_PATH = {"images": "image", "videos": "video", "audio": "audio"}
# Replicate's deliveries, answered ahead of the stack by ``media_gen.webhook_fast`` when ordinary.
WEBHOOK_PATH = "/api/webhooks/replicate"


def stored_media_response(
    request: HttpRequest, media: StoredMedia, *, kind: str, thumbnail: bool
) -> HttpResponse:
    """The route's answer for ``media`` (checked visible by whoever read it)."""
    if thumbnail:
        filename = download_filename(media, stem=f"{kind}-{media.generation_id}", thumbnail=media)  # type: ignore[arg-type]
    else:
        stem = slugify(media.prompt)[:60] or f"{kind}-{media.generation_id}"
        filename = download_filename(media, stem=stem)  # type: ignore[arg-type]
    return media_response(request, media, filename=filename, thumbnail=thumbnail, data=media.data)


def raw_api_key(request: HttpRequest) -> str | None:
    """The key the routes' auth would try first, in their order (X-API-Key, then Bearer)."""
    key = request.META.get("HTTP_X_API_KEY")
    if key:
        return key.strip()
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


_csp_headers: dict[str, str] | None = None


def _content_security_policy(request: HttpRequest) -> dict[str, str]:
    """The CSP headers django-csp puts on the routes' answers: the same for every media response (no
    nonce, no per-view policy), so built once per process instead of on every request."""
    global _csp_headers
    if _csp_headers is None:
        probe = HttpResponse()
        CSPMiddleware(lambda _: probe).process_response(request, probe)
        _csp_headers = {name: probe[name] for name in (HEADER, HEADER_REPORT_ONLY) if name in probe}
    return _csp_headers


def add_routed_headers(
    request: HttpRequest, response: HttpResponse, *, vary_cookie: bool = True
) -> HttpResponse:
    """What the middleware behind the fast paths (CSP, clickjacking, sessions, CommonMiddleware's
    length) adds to the routes' answers."""
    if not response.streaming and not response.has_header("Content-Length"):
        response.headers["Content-Length"] = str(len(response.content))
    for name, value in _content_security_policy(request).items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    if vary_cookie:  # SessionMiddleware's, when the request's session was read
        response.headers.setdefault("Vary", "Cookie")
    return response


class MediaFastPathMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path_info == WEBHOOK_PATH:
            from media_gen.webhook_fast import webhook_response  # it builds on this module

            response = webhook_response(request)
            return response if response is not None else self.get_response(request)
        if request.method in ("GET", "HEAD"):
            match = MEDIA_PATH.match(request.path_info)
            # ?output=N (a further file of a multi-output generation) is the routes' to serve.
            if match is not None and "output" not in request.GET:
                try:
                    response = self._serve(
                        request, kind=KIND_OF_PATH[match[1]], generation_id=int(match[2]), part=match[3]
                    )
                except DatabaseError:
                    response = None  # the route meets the same trouble and answers it as it always does
                if response is not None:
                    return response
        if request.method == "GET" and request.path_info.startswith(PAGE_PATH_PREFIXES):
            from media_gen.fastpage import page_response  # it builds on this module

            try:
                response = page_response(request)
            except DatabaseError:
                response = None
            if response is not None:
                return response
        return self.get_response(request)

    def _serve(
        self, request: HttpRequest, *, kind: str, generation_id: int, part: str
    ) -> HttpResponse | None:
        thumbnail = part == "thumbnail"
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if session_key:  # the routes try the session first, and so must this
            from media_gen.fastpage import session_media  # it builds on this module

            # None: not a plain current login, or not this user's to see: the route judges it (and
            # may fall back to a key).
            media = session_media(session_key, kind=kind, generation_id=generation_id, thumbnail=thumbnail)
            if media is None:
                return None
            return add_routed_headers(
                request, stored_media_response(request, media, kind=kind, thumbnail=thumbnail)
            )
        raw_key = raw_api_key(request)
        if not raw_key:
            return None
        found = selectors.stored_media_for_key(
            raw_key=raw_key, kind=kind, generation_id=generation_id, thumbnail=thumbnail
        )
        if found is None:
            return None
        if found.last_used is None or timezone.now() - found.last_used >= LAST_USED_RESOLUTION:
            api_key_mark_used(api_key=ApiKey(pk=found.api_key_id, last_used=found.last_used))
        response = stored_media_response(request, found.media, kind=kind, thumbnail=thumbnail)
        return add_routed_headers(request, response, vary_cookie=False)  # a key: no session was read
