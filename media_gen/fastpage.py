"""The gallery's first page (``GET /api/images``, ``/api/videos``) without Django's and ninja's request
machinery in front of it.

``page_response`` is called by ``media_gen.fastpath.MediaFastPathMiddleware`` (right after
SecurityMiddleware and WhiteNoise). For a GET of a list with the default filters (only ``limit`` and ``offset`` in the
query), it authenticates the caller with raw indexed reads, by the same rules and in the same order
as the routes' auth (``simpoc.auth``: the session first, then X-API-Key, then Bearer), and hands the
request to the route's own page builder (``media_gen.api._page``), so the rows, the count and every
field of the records are the route's by construction. What it saves is the rest: the session and
auth middleware's ORM reads, ninja's authentication through the ORM, URL resolution, the query's
validation, and six middleware. Anything it is not sure of (an unknown or expired session or key, a
session signed with an old secret, a staff member's page, a filter) is left to the route, which
answers it exactly as before; the tests compare the two answers byte for byte.
"""

import functools
import re
import threading
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from media_gen import selectors
from media_gen.fastpath import add_routed_headers, raw_api_key
from simpoc import hotsql
from simpoc.models import ApiKey
from simpoc.services import API_KEY_PREFIX, LOOKUP_PREFIX_LENGTH, api_key_mark_used, hash_api_key

PLURALS = {"images": "image", "videos": "video", "audio": "audio"}
# The query a first page of the default filters may carry; anything else goes to the route.
PAGE_PARAMS = {"limit", "offset"}
SMALL_INT = re.compile(r"^\d{1,6}$")
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
DB_SESSIONS = "django.contrib.sessions.backends.db"


def _user_columns() -> list[str]:
    return [field.column for field in get_user_model()._meta.concrete_fields]


def _converted(field: Any, value: Any) -> Any:
    """``value`` of ``field`` as the ORM would read it (the backend's converters, then the field's)."""
    column, converters = _converters(field)
    for converter in converters:
        value = converter(value, column, connection)
    return value


_local = threading.local()


def _converters(field: Any) -> tuple[Any, tuple]:
    """``field``'s column and its converters on this thread's connection, looked up once per thread
    (every field of the user, on every request: about 5% of the first page's CPU under cProfile, issue 16)."""
    cache: dict[Any, tuple[Any, tuple]] = _local.__dict__.setdefault("converters", {})
    found = cache.get(field)
    if found is None:
        column = field.get_col(field.model._meta.db_table)
        converters = (*connection.ops.get_db_converters(column), *field.get_db_converters(connection))
        found = cache[field] = (column, converters)
    return found


def _user(row: tuple | list) -> Any:
    """A user instance from its raw columns (``Model.from_db``: no query, the ORM's own conversion)."""
    model = get_user_model()
    fields = model._meta.concrete_fields
    values = [_converted(field, value) for field, value in zip(fields, row, strict=True)]
    return model.from_db(connection.alias, [field.attname for field in fields], values)


def key_user(raw_key: str) -> tuple[Any, ApiKey] | None:
    """``simpoc.selectors.api_key_find_active`` in one raw read: the active key's user and the key, or
    None (unknown, revoked, expired, or an inactive user: the route then answers 401)."""
    if not raw_key.startswith(API_KEY_PREFIX) or len(raw_key) > 200:
        return None
    prefix = raw_key[len(API_KEY_PREFIX) : len(API_KEY_PREFIX) + LOOKUP_PREFIX_LENGTH]
    digest = hash_api_key(raw_key)
    user_table = get_user_model()._meta.db_table
    columns = ", ".join(f"u.{column}" for column in _user_columns())
    sql = (
        f"SELECT k.id, k.key_hash, k.expires_at, k.last_used, {columns} "  # noqa: S608 (table and column names)
        f"FROM {ApiKey._meta.db_table} k JOIN {user_table} u ON u.id = k.user_id "
        "WHERE k.prefix = %s AND k.revoked_at IS NULL"
    )
    rows = hotsql.fetch(sql, [prefix])
    for row in rows:
        if not constant_time_compare(row[1], digest):
            continue
        user = _user(row[4:])
        expires_at = _converted(ApiKey._meta.get_field("expires_at"), row[2])
        last_used = _converted(ApiKey._meta.get_field("last_used"), row[3])
        if (expires_at is not None and expires_at <= timezone.now()) or not user.is_active:
            return None
        return user, ApiKey(pk=row[0], user=user, last_used=last_used, expires_at=expires_at)
    return None


# Decoded sessions, keyed by their stored text (signed with today's secret: the same text always
# decodes to the same data), so a browser's requests check the signature and parse the JSON once
# (a fifth of ``session_user``, issue 16). Bounded: emptied when full. Only read, never changed.
_DECODED: dict[str, dict] = {}
DECODED_MAX = 1024


def _decoded(session_key: str, text: str) -> dict:
    data = _DECODED.get(text)
    if data is None:
        data = SessionStore(session_key).decode(text)
        if data:  # a text that does not decode is the route's to judge (and to log) every time
            if len(_DECODED) >= DECODED_MAX:
                _DECODED.clear()
            _DECODED[text] = data
    return data


def _session_claim(session_key: str) -> tuple[Any, str] | None:
    """The user id and auth hash of this session when it is a plain, current login (database
    sessions, ModelBackend), from its row; None otherwise, and the route decides (it may flush the
    session or rotate its hash, which this never does)."""
    if settings.SESSION_ENGINE != DB_SESSIONS or MODEL_BACKEND not in settings.AUTHENTICATION_BACKENDS:
        return None
    found = hotsql.fetch(
        "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s",
        [session_key, timezone.now()],
    )
    if not found:
        return None
    data = _decoded(session_key, found[0][0])
    user_id, backend, session_hash = (
        data.get(name) for name in (SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY)
    )
    if backend != MODEL_BACKEND or user_id is None or not session_hash:
        return None
    try:
        return get_user_model()._meta.pk.to_python(user_id), session_hash
    except Exception:
        return None


def _session_checked(row: tuple | list, session_hash: str) -> Any | None:
    """The user of ``row`` (its columns in field order) if active and its session hash is today's."""
    user = _user(row)
    if not user.is_active or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    return user


def session_user(session_key: str) -> Any | None:
    """The user ``AuthenticationMiddleware`` would load for this session when it is a plain, current
    login (database sessions, ModelBackend, the hash made with today's secret); None otherwise, and
    the route decides."""
    claim = _session_claim(session_key)
    if claim is None:
        return None
    pk, session_hash = claim
    model = get_user_model()
    columns = ", ".join(_user_columns())
    found = hotsql.fetch(
        f"SELECT {columns} FROM {model._meta.db_table} WHERE {model._meta.pk.column} = %s",  # noqa: S608
        [pk],
    )
    return _session_checked(found[0], session_hash) if found else None


def session_media(
    session_key: str, *, kind: str, generation_id: int, thumbnail: bool
) -> selectors.StoredMedia | None:
    """``stored_media`` for the user of this session (``session_user``'s rules), the user read in the
    same statement as the media: two reads where ``session_user`` + ``stored_media`` were three
    (each about 85 us of a PostgreSQL client's CPU, issue 16). None: the route decides."""
    claim = _session_claim(session_key)
    if claim is None:
        return None
    pk, session_hash = claim
    return selectors.stored_media_of_user_id(
        user_id=pk,
        kind=kind,
        generation_id=generation_id,
        thumbnail=thumbnail,
        user_check=lambda row: _session_checked(row, session_hash),
    )


def _page_query(query_string: str) -> dict[str, int] | None:
    """``limit`` / ``offset`` of a default-filter first page, or None for anything else."""
    params: dict[str, int] = {}
    if not query_string:
        return params
    for part in query_string.split("&"):
        name, equals, value = part.partition("=")
        if name not in PAGE_PARAMS or not equals or name in params or not SMALL_INT.match(value):
            return None
        params[name] = int(value)
    if not 1 <= params.get("limit", 50) <= 100:
        return None
    return params


@functools.cache
def _list_kinds() -> dict[str, str]:
    """``/api/<plural>`` -> kind, for the kinds whose list route exists (so that a kind gets a fast
    page exactly when it gets a route)."""
    from media_gen import api  # the routes' module imports this app's fast paths

    declared = api.router.path_operations
    return {f"/api/{plural}": kind for plural, kind in PLURALS.items() if f"/{plural}" in declared}


def page_response(request: HttpRequest) -> HttpResponse | None:
    """The route's answer to a GET of a gallery list, or None to let the route give it."""
    kind = _list_kinds().get(request.path_info)
    if kind is None:
        return None
    params = _page_query(request.META.get("QUERY_STRING", ""))
    if params is None:
        return None
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if session_key:
        user = session_user(session_key)
        if user is None:
            return None  # the route's session auth may still answer, or fall back to a key
    else:
        raw_key = raw_api_key(request)
        found = key_user(raw_key) if raw_key else None
        if found is None:
            return None
        user, api_key = found
        api_key_mark_used(api_key=api_key)
        request.api_key = api_key
    if user.is_staff:
        return None  # staff pages count every user's rows: the route's selector knows how
    from media_gen import api

    request.user = request.auth = user
    response = api._page(request, kind, api.ListQuery(**params))
    return add_routed_headers(request, response, vary_cookie=bool(session_key))
