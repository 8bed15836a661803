"""Reads of the gallery: permission-filtered querysets that never load the BLOB."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from gallery.models import Asset
from simpoc.rules import is_visible_to, visible_to


def asset_is_visible_to(*, asset: Asset, user: AbstractBaseUser | None) -> bool:
    """Owner or staff; a hidden (moderated) asset only for staff (``simpoc.rules``)."""
    return is_visible_to(user=user, owner_id=asset.owner_id, hidden=asset.hidden_at is not None)


def asset_visible_queryset(*, user: AbstractBaseUser) -> QuerySet[Asset]:
    """Every asset ``user`` may see, the same rule as ``asset_is_visible_to`` as a query."""
    return visible_to(Asset.objects.all(), user=user)


def asset_stored_already(*, owner: AbstractBaseUser, kind: str, sha256: str) -> bool:
    """Whether ``owner`` has an asset of ``kind`` with these bytes (an import skips it as a duplicate)."""
    return Asset.objects.filter(owner=owner, kind=kind, sha256=sha256).exists()


def asset_get(*, user: AbstractBaseUser, asset_id: int) -> Asset | None:
    return asset_visible_queryset(user=user).filter(pk=asset_id).first()


# --- Storage statistics (staff) -------------------------------------------------------------------

KIND_LABELS = {
    Asset.Kind.IMAGE: "images",
    Asset.Kind.VIDEO: "videos",
    Asset.Kind.AUDIO: "audio",
    Asset.Kind.RENDER: "renders",
    Asset.Kind.UPLOAD: "uploads",
    Asset.Kind.THUMBNAIL: "thumbnails",
}
VIDEO_KINDS = (Asset.Kind.VIDEO, Asset.Kind.RENDER)


def database_size_bytes() -> int:
    """The database's size on disk (pages in use and free, SQLite; the whole database, PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
        else:
            return 0
        return int(cursor.fetchone()[0])


def storage_stats(*, largest_users: int = 10) -> dict:
    """Counts and bytes by kind and by place, the biggest users; a handful of aggregate queries."""
    by_kind = {label: {"count": 0, "bytes": 0} for label in KIND_LABELS.values()}
    for row in Asset.objects.order_by().values("kind").annotate(count=Count("id"), bytes=Sum("size_bytes")):
        by_kind[KIND_LABELS[row["kind"]]] = {"count": row["count"], "bytes": row["bytes"] or 0}
    in_objects = Asset.objects.exclude(storage_key="").aggregate(count=Count("id"), bytes=Sum("size_bytes"))
    users = (
        Asset.objects.order_by()
        .values("owner_id", "owner__username")
        .annotate(count=Count("id"), bytes=Sum("size_bytes"))
        .order_by("-bytes", "owner_id")[:largest_users]
    )
    total_bytes = sum(entry["bytes"] for entry in by_kind.values())
    return {
        "total_videos": sum(by_kind[KIND_LABELS[kind]]["count"] for kind in VIDEO_KINDS),
        "total_videos_bytes": sum(by_kind[KIND_LABELS[kind]]["bytes"] for kind in VIDEO_KINDS),
        "total_assets": sum(entry["count"] for entry in by_kind.values()),
        "total_size_bytes": total_bytes,
        "total_size_mb": round(total_bytes / 1024**2, 2),
        "total_size_gb": round(total_bytes / 1024**3, 3),
        "by_kind": by_kind,
        "media_storage": settings.MEDIA_STORAGE,
        "object_storage": {"count": in_objects["count"], "bytes": in_objects["bytes"] or 0},
        "database_size_bytes": database_size_bytes(),
        "largest_users": [
            {
                "user_id": row["owner_id"],
                "username": row["owner__username"],
                "count": row["count"],
                "bytes": row["bytes"],
            }
            for row in users
        ],
    }


def storage_growth_by_day(*, days: int = 30, now: datetime | None = None) -> list[dict]:
    """Bytes and items stored per day over the last ``days`` days (grouped in the database).

    Every day of the window is present, days without uploads with zeros, oldest first.
    """
    today = timezone.localdate(now or timezone.now())
    first = today - timedelta(days=days - 1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    rows = (
        Asset.objects.filter(created_at__gte=since)
        .order_by()
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(count=Count("id"), bytes=Sum("size_bytes"))
    )
    by_day = {row["day"]: row for row in rows}
    growth = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        row = by_day.get(day, {})
        growth.append({"day": day, "count": row.get("count", 0), "bytes": row.get("bytes") or 0})
    return growth


# --- The back office (staff): one user's usage, an item by its id ------------------------------------


def asset_bytes_per_owner() -> Coalesce:
    """Bytes stored by the user of the outer row (``OuterRef("pk")``), as one correlated subquery."""
    stored = (
        Asset.objects.filter(owner=OuterRef("pk"))
        .order_by()
        .values("owner_id")
        .annotate(total=Sum("size_bytes"))
        .values("total")
    )
    return Coalesce(Subquery(stored), 0)


def asset_usage(*, owner: AbstractBaseUser) -> dict:
    """``{"count": …, "bytes": …}`` stored by ``owner`` (thumbnails included: they take space too)."""
    stored = Asset.objects.filter(owner=owner).aggregate(count=Count("id"), bytes=Sum("size_bytes"))
    return {"count": stored["count"], "bytes": stored["bytes"] or 0}


def asset_find(*, pk: int) -> QuerySet[Asset]:
    """The asset with this id (none or one), with its owner; the BLOB stays in the database."""
    return Asset.objects.select_related("owner").defer("data").filter(pk=pk)
