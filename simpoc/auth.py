"""The three ways into the API: session cookie, X-API-Key, Authorization: Bearer.

Every class returns the User, so endpoints use ``request.auth`` (or ``request.user``) the same way
whichever way the client came in.
"""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer

from simpoc import selectors, services
from simpoc.errors import ServiceError

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def _origin_is_same_site(request: HttpRequest) -> bool:
    """True when the browser says the request comes from this site (or a trusted origin).

    Browsers always send Origin on cross-site unsafe requests and scripts cannot forge it, so a
    matching Origin is as good as a CSRF token for fetch-based clients.
    """
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    parts = urlsplit(origin)
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost: a request for another site is never same-origin
        return False
    expected_scheme = "https" if request.is_secure() else "http"
    return parts.scheme == expected_scheme and parts.netloc == host


def _csrf_token_is_valid(request: HttpRequest) -> bool:
    middleware = CsrfViewMiddleware(lambda req: None)
    # process_view returns None when the token (and, over HTTPS, the Referer) checks out.
    return middleware.process_view(request, None, (), {}) is None


def csrf_passes(request: HttpRequest) -> bool:
    if request.method in SAFE_METHODS:
        return True
    return _origin_is_same_site(request) or _csrf_token_is_valid(request)


def _has_api_key_header(request: HttpRequest) -> bool:
    return "X-API-Key" in request.headers or "Authorization" in request.headers


class SessionAuth(APIKeyCookie):
    """The browser's session cookie, with CSRF protection on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, with the same-origin rule of API.md

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if not key or user is None or not user.is_authenticated:
            return None
        if not csrf_passes(request):
            if _has_api_key_header(request):
                return None  # let the key decide
            raise ServiceError(
                "CSRF check failed: send the X-CSRFToken header or a same-origin Origin.", status_code=403
            )
        return user


def _user_for_key(request: HttpRequest, raw_key: str | None) -> Any:
    if not raw_key:
        return None
    api_key = selectors.api_key_find_active(raw_key=raw_key.strip())
    if api_key is None:
        return None
    services.api_key_mark_used(api_key=api_key)
    request.user = api_key.user
    request.api_key = api_key
    return api_key.user


class ApiKeyHeaderAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _user_for_key(request, key)


class ApiKeyBearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return _user_for_key(request, token)


# The default for every endpoint that needs a user.
user_auth = [SessionAuth(), ApiKeyHeaderAuth(), ApiKeyBearerAuth()]


def staff_required(request: HttpRequest) -> None:
    user = request.auth
    if not getattr(user, "is_staff", False):
        raise ServiceError("Staff only.", status_code=403)
