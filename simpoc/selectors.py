"""Reads for accounts and API keys."""

import hmac

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from simpoc.models import ApiKey
from simpoc.services import API_KEY_PREFIX, LOOKUP_PREFIX_LENGTH, hash_api_key


def api_key_list(*, user: AbstractBaseUser) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(user=user).order_by("-created_at", "-id")


def api_key_get(*, user: AbstractBaseUser, key_id: int) -> ApiKey | None:
    return ApiKey.objects.filter(user=user, pk=key_id).first()


def api_key_find_active(*, raw_key: str) -> ApiKey | None:
    """The active key matching raw_key, with its user loaded; None for unknown, revoked or expired."""
    if not raw_key.startswith(API_KEY_PREFIX) or len(raw_key) > 200:
        return None
    prefix = raw_key[len(API_KEY_PREFIX) : len(API_KEY_PREFIX) + LOOKUP_PREFIX_LENGTH]
    digest = hash_api_key(raw_key)
    for candidate in ApiKey.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True):
        if hmac.compare_digest(candidate.key_hash, digest):
            if not candidate.is_active or not candidate.user.is_active:
                return None
            return candidate
    return None
