"""Reads of the gallery: permission-filtered querysets that never load the BLOB."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from gallery.models import Asset
from gallery.pagination import Page, keyset_page


def asset_is_visible_to(*, asset: Asset, user: AbstractBaseUser | None) -> bool:
    """Owner or staff; a hidden (moderated) asset only for staff."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return asset.owner_id == user.pk and asset.hidden_at is None


def asset_visible_queryset(*, user: AbstractBaseUser) -> QuerySet[Asset]:
    """Every asset ``user`` may see, the same rule as ``asset_is_visible_to`` as a query."""
    assets = Asset.objects.all()
    if user.is_staff:
        return assets
    return assets.filter(owner=user, hidden_at__isnull=True)


def asset_get(*, user: AbstractBaseUser, asset_id: int) -> Asset | None:
    return asset_visible_queryset(user=user).filter(pk=asset_id).first()


def asset_list(
    *,
    user: AbstractBaseUser,
    kind: str | list[str] | None = None,
    owner_id: int | None = None,
    favorite: bool | None = None,
    hidden: bool | None = None,
) -> QuerySet[Asset]:
    """Assets ``user`` may see, newest first, filtered; thumbnails only when asked for by kind.

    ``owner_id`` and ``hidden`` narrow staff views; for everyone else the queryset is already
    limited to their own visible assets.
    """
    assets = asset_visible_queryset(user=user)
    if kind is None:
        assets = assets.exclude(kind=Asset.Kind.THUMBNAIL)
    elif isinstance(kind, str):
        assets = assets.filter(kind=kind)
    else:
        assets = assets.filter(kind__in=kind)
    if owner_id is not None:
        assets = assets.filter(owner_id=owner_id)
    if favorite is not None:
        assets = assets.filter(favorite=favorite)
    if hidden is not None:
        assets = assets.filter(hidden_at__isnull=not hidden)
    return assets.order_by("-created_at", "-id")


def asset_page(
    *,
    user: AbstractBaseUser,
    before: str | None = None,
    limit: int = 50,
    kind: str | list[str] | None = None,
    owner_id: int | None = None,
    favorite: bool | None = None,
    hidden: bool | None = None,
) -> Page:
    assets = asset_list(user=user, kind=kind, owner_id=owner_id, favorite=favorite, hidden=hidden)
    return keyset_page(assets, before=before, limit=limit)
