"""Verifying Replicate's webhook signatures (Standard Webhooks: HMAC-SHA256, base64, v1), and the
write transaction a delivery is recorded in."""

import base64
import binascii
import hashlib
import hmac
import random
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection, transaction

from media_gen import replicate_client
from media_gen.replicate_client import UpstreamError
from simpoc.cachekeys import cache_key

TOLERANCE_SECONDS = 5 * 60
SECRET_CACHE_SECONDS = 24 * 3600
# After a signature mismatch the secret is fetched again (it may have been rotated), but at most
# this often, so forged requests cannot make us hammer Replicate.
SECRET_REFRESH_SECONDS = 5 * 60
# SQLite: how long a delivery tries to take the write lock before answering 503 (Replicate sends it
# again later), and the pauses between tries: doubling from the first to the last, each a random
# fraction of that (so waiting writers neither retry in step nor keep taking the GIL from the
# thread that holds the lock).
LOCK_BUDGET_SECONDS = 5.0
LOCK_PAUSE_SECONDS = (0.0005, 0.008)
RETRY_AFTER_SECONDS = 2


class WebhookInvalid(Exception):
    def __init__(self, message: str, *, status_code: int):
        super().__init__(message)
        self.message = message
        self.status_code = status_code


def _secret_key() -> str:
    return cache_key("media_gen:webhook-secret", replicate_client.base_url())


def _known_secret() -> str | None:
    """The secret configured or cached, without asking Replicate."""
    return settings.REPLICATE_WEBHOOK_SECRET or cache.get(_secret_key())


def _secret(*, refresh: bool = False) -> str:
    if settings.REPLICATE_WEBHOOK_SECRET:
        return settings.REPLICATE_WEBHOOK_SECRET
    key = _secret_key()
    secret = None if refresh else cache.get(key)
    if secret is None:
        try:
            secret = replicate_client.webhook_secret()
        except UpstreamError as exc:
            raise WebhookInvalid(f"Cannot verify the webhook now: {exc}", status_code=503) from exc
        cache.set(key, secret, SECRET_CACHE_SECONDS)
    return secret


@lru_cache(maxsize=4)
def _signing_key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WebhookInvalid("The configured webhook secret is not valid base64.", status_code=503) from exc


def _expected(secret: str, webhook_id: str, timestamp: str, body: bytes) -> bytes:
    key = _signing_key(secret)
    return hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()


def _matches(expected: bytes, signature_header: str) -> bool:
    for candidate in signature_header.split():
        version, _, encoded = candidate.partition(",")
        if version != "v1":
            continue
        try:
            given = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            continue
        if hmac.compare_digest(given, expected):
            return True
    return False


def _headers_check(*, webhook_id: str, timestamp: str, signature: str, now: float | None) -> None:
    """Raise WebhookInvalid(400) for missing, malformed or stale headers."""
    if not (webhook_id and timestamp and signature):
        raise WebhookInvalid(
            "Missing webhook-id, webhook-timestamp or webhook-signature header.", status_code=400
        )
    if len(webhook_id) > 200:
        raise WebhookInvalid("The webhook-id is too long.", status_code=400)
    if not timestamp.isdigit():
        raise WebhookInvalid("The webhook-timestamp is not a Unix time.", status_code=400)
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > TOLERANCE_SECONDS:
        raise WebhookInvalid(
            "The webhook timestamp is more than 5 minutes off; refusing a stale or replayed call.",
            status_code=400,
        )


def webhook_signed(
    *, webhook_id: str, timestamp: str, signature: str, body: bytes, now: float | None = None
) -> bool:
    """True when ``webhook_verify`` would accept the call without asking Replicate for anything (the
    secret configured, or cached); False for anything else, which ``webhook_verify`` then judges
    (a 400 or 401, a fetch of the secret, a refresh after a rotation). No side effects."""
    try:
        _headers_check(webhook_id=webhook_id, timestamp=timestamp, signature=signature, now=now)
        secret = _known_secret()
        return bool(secret) and _matches(_expected(secret, webhook_id, timestamp, body), signature)
    except WebhookInvalid:
        return False


def webhook_verify(
    *, webhook_id: str, timestamp: str, signature: str, body: bytes, now: float | None = None
) -> None:
    """Raise WebhookInvalid (400 malformed or stale, 401 bad signature) unless Replicate signed it."""
    _headers_check(webhook_id=webhook_id, timestamp=timestamp, signature=signature, now=now)
    if _matches(_expected(_secret(), webhook_id, timestamp, body), signature):
        return
    if (
        not settings.REPLICATE_WEBHOOK_SECRET
        and cache.add(
            cache_key("media_gen:webhook-secret-refresh", replicate_client.base_url()),
            1,
            SECRET_REFRESH_SECONDS,
        )
        and _matches(_expected(_secret(refresh=True), webhook_id, timestamp, body), signature)
    ):
        return
    raise WebhookInvalid("The webhook signature does not match.", status_code=401)


@contextmanager
def webhook_transaction() -> Iterator[None]:
    """``transaction.atomic()`` for one delivery; on SQLite, the write lock taken by our own bounded
    retries instead of SQLite's busy handler.

    The busy handler sleeps 1, 2, 5, 10, 15, 20, 25 ... 100 ms between tries, so a lock held for a
    millisecond by the task worker cost a waiting delivery tens of milliseconds (p99 141 ms). Here
    ``BEGIN IMMEDIATE`` is tried without waiting, then again after a short jittered pause, for at
    most ``LOCK_BUDGET_SECONDS``; past that WebhookInvalid(503) (the API adds Retry-After) and
    nothing was written, so Replicate's redelivery (same webhook-id) is recorded exactly once.
    Only the ``BEGIN`` is retried: once the lock is held, WAL mode gives no more SQLITE_BUSY.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    connection.ensure_connection()
    with ExitStack() as stack:
        deadline = time.monotonic() + LOCK_BUDGET_SECONDS
        waited = connection.settings_dict["OPTIONS"].get("timeout", 5)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 0")
        pause = LOCK_PAUSE_SECONDS[0] / 2
        try:
            while True:
                try:
                    stack.enter_context(transaction.atomic())
                    break
                except OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise
                    if time.monotonic() >= deadline:
                        raise WebhookInvalid(
                            "The database is busy; send the webhook again shortly.", status_code=503
                        ) from exc
                pause = min(pause * 2, LOCK_PAUSE_SECONDS[1])
                time.sleep(random.uniform(pause / 2, pause))
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(waited * 1000)}")
        yield
