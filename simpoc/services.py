"""Writes for accounts and API keys.

``ServiceError`` lives in ``simpoc.errors``; it is importable from here too, as every app has done.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from simpoc.errors import ServiceError
from simpoc.models import ApiKey

API_KEY_PREFIX = "sk_"
LOOKUP_PREFIX_LENGTH = 8
# last_used is written at most this often per key, so a busy integration does not write on every call.
LAST_USED_RESOLUTION = timedelta(seconds=60)


def hash_api_key(raw_key: str) -> str:
    # The key carries 256 random bits, so a fast hash cannot be brute-forced; no salt is needed.
    return hashlib.sha256(raw_key.encode()).hexdigest()


@dataclass(frozen=True)
class CreatedApiKey:
    api_key: ApiKey
    raw_key: str


def api_key_create(*, user: AbstractBaseUser, name: str, expires_days: int | None = None) -> CreatedApiKey:
    name = name.strip()
    if not name:
        raise ServiceError("Give the key a name.", status_code=422)
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise ServiceError("expires_days must be between 1 and 3650.", status_code=422)
    with transaction.atomic():
        active = ApiKey.objects.filter(user=user, revoked_at__isnull=True).count()
        if active >= settings.API_KEY_MAX_PER_USER:
            raise ServiceError(f"You already have {active} keys; revoke one first.", status_code=409)
        raw_key = API_KEY_PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        api_key = ApiKey.objects.create(
            user=user,
            name=name,
            prefix=raw_key[len(API_KEY_PREFIX) : len(API_KEY_PREFIX) + LOOKUP_PREFIX_LENGTH],
            key_hash=hash_api_key(raw_key),
            created_at=now,
            expires_at=now + timedelta(days=expires_days) if expires_days else None,
        )
    return CreatedApiKey(api_key=api_key, raw_key=raw_key)


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_mark_used(*, api_key: ApiKey) -> None:
    now = timezone.now()
    if api_key.last_used is None or now - api_key.last_used >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used=now)
        api_key.last_used = now


def user_create(
    *, username: str, password: str, email: str = "", is_staff: bool = False, is_superuser: bool = False
) -> AbstractBaseUser:
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ServiceError(f"A user named {username!r} already exists.", status_code=409)
    return user_model.objects.create_user(
        username=username, password=password, email=email, is_staff=is_staff, is_superuser=is_superuser
    )


# --- Login throttling -------------------------------------------------------------------------------


def _throttle_key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.lower()}|{ip}".encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def login_throttle_remaining_seconds(*, username: str, ip: str) -> int:
    """Seconds until this username may try again from this address; 0 when it may try now."""
    record = cache.get(_throttle_key(username, ip))
    if not record or record["count"] < settings.LOGIN_THROTTLE_ATTEMPTS:
        return 0
    remaining = record["until"] - timezone.now().timestamp()
    return max(int(remaining) + 1, 0) if remaining > 0 else 0


def login_failure_record(*, username: str, ip: str) -> None:
    key = _throttle_key(username, ip)
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    record = cache.get(key) or {"count": 0}
    record["count"] += 1
    record["until"] = timezone.now().timestamp() + window
    cache.set(key, record, timeout=window)


def login_failures_clear(*, username: str, ip: str) -> None:
    cache.delete(_throttle_key(username, ip))
