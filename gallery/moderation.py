"""Moderation workflows (keyword-only functions): flagging items and resolving the review queue.

Hiding and unhiding are ``gallery.services.asset_hide`` / ``asset_unhide``; resolving a flag as
"hidden" calls them, so there is one way to hide an item.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from gallery import services
from gallery.models import Asset, AssetFlag
from simpoc.services import ServiceError


def asset_flag(*, asset: Asset, by: AbstractBaseUser, reason: str) -> AssetFlag:
    """Put the item in the review queue; an item with an open flag is not queued twice."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say why the item needs a review.", status_code=422)
    open_flag = AssetFlag.objects.filter(asset=asset, resolved_at__isnull=True).first()
    if open_flag is not None:
        return open_flag
    return AssetFlag.objects.create(asset=asset, flagged_by=by, reason=reason[:500])


def _resolve_open(*, asset: Asset, by: AbstractBaseUser, resolution: str) -> int:
    return AssetFlag.objects.filter(asset=asset, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by, resolution=resolution
    )


def asset_moderate_hide(*, asset: Asset, by: AbstractBaseUser, reason: str) -> Asset:
    """Hide the item (it vanishes for everyone but staff) and close its open flags as hidden."""
    with transaction.atomic():
        services.asset_hide(asset=asset, by=by, reason=reason)
        _resolve_open(asset=asset, by=by, resolution=AssetFlag.Resolution.HIDDEN)
    return asset


def asset_flag_dismiss(*, asset: Asset, by: AbstractBaseUser) -> int:
    """The item may stay visible: close its open flags; returns how many were closed."""
    return _resolve_open(asset=asset, by=by, resolution=AssetFlag.Resolution.DISMISSED)
