"""Keyset pagination for any queryset ordered newest first by ``(-created_at, -id)``.

``keyset_filter`` narrows a queryset to the rows older than a cursor; ``cursor_for`` makes the cursor
of a page's last row (``media_gen.selectors.generation_page`` is the caller).

The cursor is opaque to clients (URL-safe base64 of the last row's creation time and id); a page
costs one indexed range query however deep it is, and rows inserted meanwhile never shift it.
"""

import base64
import binascii
from datetime import datetime

from django.db.models import Model, Q, QuerySet

from simpoc.services import ServiceError


class InvalidCursor(ServiceError):
    status_code = 422

    def __init__(self) -> None:
        super().__init__("The 'before' cursor is not valid; use the 'next' value of a previous page.")


def cursor_encode(*, created_at: datetime, pk: int) -> str:
    raw = f"{created_at.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.rsplit("|", 1)
        created_at = datetime.fromisoformat(stamp)
        if created_at.tzinfo is None:
            raise ValueError("naive time")
        return created_at, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise InvalidCursor() from exc


def cursor_for(obj: Model) -> str:
    return cursor_encode(created_at=obj.created_at, pk=obj.pk)


def keyset_filter(queryset: QuerySet, *, before: str | None) -> QuerySet:
    """The rows strictly older than the cursor, newest first."""
    queryset = queryset.order_by("-created_at", "-id")
    if not before:
        return queryset
    created_at, pk = cursor_decode(before)
    return queryset.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk))
