"""Reads of media generation: permission-filtered querysets that never load a BLOB."""

import base64
import binascii
import functools
import hmac
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from gallery.models import Asset
from gallery.pagination import InvalidCursor, cursor_encode, keyset_filter
from gallery.streaming import SMALL_MEDIA_BYTES
from media_gen.models import Generation, GenerationOutput
from media_gen.prepared import prepared_values
from media_gen.search import (
    SEARCH_MAX,
    Search,
    search_count,
    search_filter,
    search_parse,
    search_scope_page,
)
from media_gen.services.lifecycle import DOWNLOAD_WINDOW
from media_gen.totals import TABLE as TOTALS
from simpoc import hotsql
from simpoc.models import ApiKey
from simpoc.rules import visible_to
from simpoc.services import API_KEY_PREFIX, LOOKUP_PREFIX_LENGTH, ServiceError, hash_api_key

# The asset columns a record shows; never ``data``.
ASSET_FIELDS = (
    "asset__id",
    "asset__content_type",
    "asset__size_bytes",
    "asset__width",
    "asset__height",
    "asset__duration",
    "asset__thumbnail_id",
    "asset__hidden_at",
    "asset__owner_id",
    "asset__kind",
    "asset__favorite",
    "asset__created_at",
    "asset__storage_key",
)
PUBLIC_STATUSES = {
    "processing": Generation.IN_FLIGHT,
    "completed": (Generation.Status.COMPLETED,),
    "failed": (Generation.Status.FAILED,),
    "canceled": (Generation.Status.CANCELED,),
}


@dataclass(frozen=True)
class GenerationFilters:
    model_id: str | None = None
    collection: str | None = None
    status: str | None = None
    q: str | None = None
    favorite: bool | None = None


def _visible(*, user: AbstractBaseUser) -> QuerySet[Generation]:
    """Owner sees their own, staff everything; a generation whose output is hidden only staff (simpoc.rules)."""
    generations = Generation.objects.select_related("asset").only(
        *(field.name for field in Generation._meta.concrete_fields), *ASSET_FIELDS
    )
    return visible_to(generations, user=user, hidden_at="asset__hidden_at")


def generation_get(*, user: AbstractBaseUser, kind: str, generation_id: int) -> Generation | None:
    return _visible(user=user).filter(kind=kind, pk=generation_id).first()


def _search(filters: GenerationFilters) -> Search | None:
    search = search_parse(filters.q) if filters.q else None
    return search if search is not None and not search.empty else None


def _search_scope(user: AbstractBaseUser) -> int | None:
    """Whose items a search of ``user`` reads: their own, or everyone's for staff."""
    return None if user.is_staff else user.pk


def _filtered(
    generations: QuerySet[Generation], filters: GenerationFilters, *, user: AbstractBaseUser, kind: str
) -> QuerySet[Generation]:
    if filters.model_id:
        generations = generations.filter(model_id=filters.model_id)
    if filters.collection:
        generations = generations.filter(collection=filters.collection)
    if filters.status:
        if filters.status not in PUBLIC_STATUSES:
            raise ServiceError(f"status must be one of: {', '.join(PUBLIC_STATUSES)}.", status_code=422)
        generations = generations.filter(status__in=PUBLIC_STATUSES[filters.status])
    search = _search(filters)
    if search is not None:
        generations, _ = search_filter(generations, search=search, kind=kind, owner_id=_search_scope(user))
    if filters.favorite is not None:
        generations = generations.filter(favorite=filters.favorite)
    return generations


def generation_list(
    *, user: AbstractBaseUser, kind: str, filters: GenerationFilters, before: str | None = None
) -> QuerySet[Generation]:
    generations = _filtered(_visible(user=user).filter(kind=kind), filters, user=user, kind=kind)
    return keyset_filter(generations, before=before)


def generation_archive_list(*, user: AbstractBaseUser, kind: str) -> QuerySet[Generation]:
    """The generations of ``kind`` an archive for ``user`` may hold (``generation_list``'s rule), with
    every asset column an archive describes except the BLOB, and the owner's name."""
    visible = generation_list(user=user, kind=kind, filters=GenerationFilters())
    return visible.select_related("owner").only(
        *(field.name for field in Generation._meta.concrete_fields),
        *(f"asset__{field.name}" for field in Asset._meta.concrete_fields if field.name != "data"),
        "owner__username",
    )


# Above this many hidden assets site-wide, ``generation_total`` counts through the join instead.
HIDDEN_INLINE_MAX = 500


def generation_total(*, user: AbstractBaseUser, kind: str, filters: GenerationFilters) -> int:
    """The exact number of rows ``generation_list`` lists, without visiting every row for it.

    Counting ``generation_list`` itself joins every one of the owner's generations to its asset to
    check ``hidden_at``, which reads each generation row (1M rows: 10,000 random row reads, 15-35 ms on
    SQLite). Visible = all of the owner's (an index-only count on ``generation_owner_kind_new`` when
    no filter applies) minus those whose asset is hidden: hidden assets are few site-wide and come
    from the partial index ``asset_hidden``; the generations pointing at them are found through the
    ``asset_id`` index. Staff see every row, so their count has no join to avoid.
    """
    if user.is_staff:
        return generation_list(user=user, kind=kind, filters=filters).count()
    if filters == GenerationFilters():
        total = _unfiltered_total(user=user, kind=kind)
        if total is not None:
            return total
    hidden = _hidden_assets()
    if hidden is None:
        return generation_list(user=user, kind=kind, filters=filters).count()
    mine = _filtered(Generation.objects.filter(owner=user, kind=kind), filters, user=user, kind=kind)
    total = mine.count()
    if hidden:
        total -= mine.filter(asset_id__in=hidden).count()
    return total


def _unfiltered_total(*, user: AbstractBaseUser, kind: str) -> int | None:
    """The owner's count of ``kind`` with no filter, from the table of totals the database keeps
    (``media_gen.totals``: one row read, where counting the owner's index entries cost 1 ms of
    PostgreSQL's CPU at 5,000 items), when no asset is hidden site-wide (almost always). None when
    some asset is hidden: then ``generation_total`` subtracts them as before."""
    sql = (
        f"SELECT (SELECT total FROM {TOTALS} WHERE owner_id = %s AND kind = %s), "  # noqa: S608 (table names)
        f"EXISTS (SELECT 1 FROM {Asset._meta.db_table} WHERE hidden_at IS NOT NULL)"
    )
    ((total, any_hidden),) = hotsql.fetch(sql, [user.pk, kind])
    if total is None:
        total = 0
    return None if any_hidden else total


def _hidden_assets() -> list[int] | None:
    """The ids of the hidden assets, site-wide (a handful); None when there are too many to list."""
    hidden = list(
        Asset.objects.filter(hidden_at__isnull=False).values_list("id", flat=True)[: HIDDEN_INLINE_MAX + 1]
    )
    return None if len(hidden) > HIDDEN_INLINE_MAX else hidden


# Staff's listing counts everyone's items only this far (a million rows took 100 ms to count); past
# it ``total`` says this many and ``total_is_estimate`` is true.
STAFF_COUNT_MAX = 10_000


def _staff_total(*, user: AbstractBaseUser, kind: str, filters: GenerationFilters) -> tuple[int, bool]:
    """Staff's ``total``, counted up to ``STAFF_COUNT_MAX``, and whether it stopped there."""
    counted = generation_list(user=user, kind=kind, filters=filters).order_by().values("id")
    total = counted[: STAFF_COUNT_MAX + 1].count()
    return min(total, STAFF_COUNT_MAX), total > STAFF_COUNT_MAX


# Columns no record shows: Replicate's raw output (JSON, parsed on every read) and the download's timers.
_NOT_IN_RECORDS = {
    "output",
    "output_url",
    "download_next_at",
    "download_claimed_until",
    "upstream_completed_at",
}
# What an API record shows, read as plain values in the page's one query (no model instances): the
# generation's columns, its stored asset's, and the thumbnail's hash for its versioned URL.
RECORD_FIELDS = (
    *(field.attname for field in Generation._meta.concrete_fields if field.attname not in _NOT_IN_RECORDS),
    "asset__content_type",
    "asset__size_bytes",
    "asset__width",
    "asset__height",
    "asset__duration",
    "asset__sha256",
    "asset__thumbnail_id",
    "asset__thumbnail__sha256",
)


@dataclass(frozen=True)
class GenerationPage:
    items: list[dict[str, Any]]
    total: int
    next: str | None
    # True when ``total`` is a lower bound (staff's count, a search's, stopped at its cap).
    total_is_estimate: bool = False


def generation_page(
    *,
    user: AbstractBaseUser,
    kind: str,
    filters: GenerationFilters,
    before: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> GenerationPage:
    """One page (the count, see ``generation_total``, and the rows); ``next`` is the next page's cursor."""
    if not 1 <= limit <= 100:
        raise ServiceError("limit must be between 1 and 100.", status_code=422)
    if offset < 0:
        raise ServiceError("offset must not be negative.", status_code=422)
    if _search(filters) is not None:
        return _search_page(user=user, kind=kind, filters=filters, before=before, limit=limit, offset=offset)
    estimate = False
    if user.is_staff:
        total, estimate = _staff_total(user=user, kind=kind, filters=filters)
    else:
        total = generation_total(user=user, kind=kind, filters=filters)
    rows = _page_rows(user=user, kind=kind, filters=filters, before=before, offset=offset, limit=limit)
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if has_more and rows else None
    cursor = cursor_encode(created_at=last["created_at"], pk=last["id"]) if last else None
    return GenerationPage(items=rows, total=total, next=cursor, total_is_estimate=estimate)


def _page_rows(
    *,
    user: AbstractBaseUser,
    kind: str,
    filters: GenerationFilters,
    before: str | None,
    offset: int,
    limit: int,
) -> list[dict[str, Any]]:
    """The page's rows and one more (is there a next page?). The gallery opens on a user's first page
    with no filter, the same query for every user but the id: compiled once per thread
    (``media_gen.prepared``: building and compiling it cost two thirds of the page's CPU)."""

    def rows(owner: AbstractBaseUser) -> QuerySet:
        generations = generation_list(user=owner, kind=kind, filters=filters, before=before)
        return _record_values(generations, kind=kind)[offset : offset + limit + 1]

    if user.is_staff or before is not None or offset or filters != GenerationFilters():
        return list(rows(user))
    return prepared_values(("generation_page", kind, limit), user=user, build=rows)


SEARCH_CURSOR = "search:"


def _search_page(
    *,
    user: AbstractBaseUser,
    kind: str,
    filters: GenerationFilters,
    before: str | None,
    limit: int,
    offset: int,
) -> GenerationPage:
    """A page of search results, most relevant first: ordered by the search, so the cursor is the
    position in that order (opaque to clients like every cursor)."""
    if before:
        try:
            raw = base64.urlsafe_b64decode(before + "=" * (-len(before) % 4)).decode()
            offset += int(raw.removeprefix(SEARCH_CURSOR)) if raw.startswith(SEARCH_CURSOR) else -1
        except (ValueError, UnicodeDecodeError, binascii.Error):
            offset = -1
        if offset < 0:
            raise InvalidCursor()
    search = _search(filters)
    if search is None:  # generation_page sends only searches here
        return GenerationPage(items=[], total=0, next=None)
    plain = GenerationFilters(**{**filters.__dict__, "q": None})
    if user.is_staff and _unfiltered(plain):
        # The index alone counts and orders them (the newest matches ranked, ties: newest id first).
        total, page_ids = search_scope_page(
            search=search, kind=kind, owner_id=None, offset=offset, limit=limit
        )
    else:
        allowed = _filtered(_visible(user=user).filter(kind=kind), plain, user=user, kind=kind)
        matched, relevance = search_filter(allowed, search=search, kind=kind, owner_id=_search_scope(user))
        total = _search_total(matched, search=search, plain=plain, user=user, kind=kind)
        shown = max(0, min(limit, min(total, SEARCH_MAX) - offset))
        ranked = matched.order_by(relevance.asc(), "-created_at", "-id").values_list("id", flat=True)
        page_ids = list(ranked[offset : offset + shown]) if shown else []
    rows = {row["id"]: row for row in _record_values(Generation.objects.filter(id__in=page_ids), kind=kind)}
    end = offset + len(page_ids)
    cursor = base64.urlsafe_b64encode(f"{SEARCH_CURSOR}{end}".encode()).decode().rstrip("=")
    return GenerationPage(
        items=[rows[pk] for pk in page_ids if pk in rows],
        total=min(total, SEARCH_MAX),
        next=cursor if end < min(total, SEARCH_MAX) else None,
        total_is_estimate=total > SEARCH_MAX,
    )


def _unfiltered(filters: GenerationFilters) -> bool:
    """No filter but (perhaps) the search: the search index alone knows the matches."""
    return not (filters.model_id or filters.collection or filters.status) and filters.favorite is None


def _search_total(
    matched: QuerySet[Generation],
    *,
    search: Search,
    plain: GenerationFilters,
    user: AbstractBaseUser,
    kind: str,
) -> int:
    """How many of ``matched`` there are, up to ``SEARCH_MAX + 1``: from the search index alone when
    no other filter applies (the scope is the owner and kind, or the kind for staff), less the
    matches whose output moderators hid; else through the filters' join."""
    hidden = [] if user.is_staff else _hidden_assets()
    if _unfiltered(plain) and hidden is not None:
        total = search_count(search=search, kind=kind, owner_id=_search_scope(user))
        if hidden:
            total -= matched.filter(asset_id__in=hidden).count()
        return total
    return matched.order_by().values("id")[: SEARCH_MAX + 1].count()


def generation_record(*, user: AbstractBaseUser, kind: str, generation_id: int) -> dict[str, Any] | None:
    """One generation as ``RECORD_FIELDS`` (what an API record shows), if ``user`` may see it."""
    return _record_values(_visible(user=user).filter(kind=kind, pk=generation_id), kind=kind).first()


def _caption_runs() -> QuerySet[Generation]:
    """Completed runs on a stored video (``source_kind`` "video") that answered text: its captions."""
    # ``exclude(source_kind="")`` repeats the condition of the index ``generation_source``, word for
    # word: SQLite uses a partial index only for a query that states its condition.
    return (
        Generation.objects.filter(
            kind=Generation.Kind.VIDEO, source_kind="video", status=Generation.Status.COMPLETED
        )
        .exclude(source_kind="")
        .exclude(text_output="")
    )


def _record_values(generations: QuerySet[Generation], *, kind: str) -> QuerySet:
    """``RECORD_FIELDS`` plus a flag per extra a record may need (``record_extras``): an index probe
    per row in the same query, so a page of plain records costs no second query."""
    flags: dict[str, Exists] = {
        "has_outputs": Exists(
            GenerationOutput.objects.filter(
                generation=OuterRef("pk"), position__gt=0, asset__isnull=False
            ).exclude(asset_id=OuterRef("asset_id"))
        )
    }
    if kind == Generation.Kind.VIDEO:
        flags["has_captions"] = Exists(_caption_runs().filter(source_id=OuterRef("pk")))
    return generations.annotate(**flags).values(*RECORD_FIELDS, *flags)


# The columns of a further output's stored file (``GenerationOutput`` beyond the first).
OUTPUT_FIELDS = (
    "generation_id",
    "position",
    "asset__content_type",
    "asset__size_bytes",
    "asset__width",
    "asset__height",
    "asset__duration",
    "asset__sha256",
    "asset__thumbnail_id",
    "asset__thumbnail__sha256",
)


@dataclass(frozen=True)
class RecordExtras:
    """What records need beyond their own row: further output files and caption runs, by generation id."""

    outputs: dict[int, list[dict[str, Any]]]
    captions: dict[int, list[dict[str, Any]]]


def record_extras(*, user: AbstractBaseUser, kind: str, rows: list[dict[str, Any]]) -> RecordExtras:
    """The extras of ``rows`` (``RECORD_FIELDS`` rows): one query per extra that some row has (a row
    without the ``_record_values`` flags is assumed to have them)."""
    outputs: dict[int, list[dict[str, Any]]] = {}
    captions: dict[int, list[dict[str, Any]]] = {}
    with_outputs = [row["id"] for row in rows if row.get("has_outputs", True)]
    if with_outputs:
        # The record's own file is index 0 even when it is not output 0 (that one was lost for good).
        files = GenerationOutput.objects.filter(
            generation_id__in=with_outputs, position__gt=0, asset__isnull=False
        ).exclude(asset_id=F("generation__asset_id"))
        if not user.is_staff:
            files = files.filter(asset__hidden_at__isnull=True)
        for output in files.order_by("generation_id", "position").values(*OUTPUT_FIELDS):
            outputs.setdefault(output["generation_id"], []).append(output)
    if kind == Generation.Kind.VIDEO:
        with_captions = [row["id"] for row in rows if row.get("has_captions", True)]
        if with_captions:
            # A caption run is its video's owner's (a run's source must be the runner's own), so who
            # may see the video may see its captions: no owner filter (which would steer SQLite off
            # the source index).
            # Sorted here, not in SQL: an ORDER BY would steer SQLite to the kind's date index (a
            # walk over every video) instead of the source index.
            runs = _caption_runs().filter(source_id__in=with_captions).order_by()
            fields = ("id", "source_id", "text_output", "model_id", "created_at")
            for run in sorted(
                runs.values(*fields), key=lambda run: (run["created_at"], run["id"]), reverse=True
            ):
                captions.setdefault(run["source_id"], []).append(run)
    return RecordExtras(outputs=outputs, captions=captions)


def generation_output_asset(
    *, user: AbstractBaseUser, kind: str, generation_id: int, position: int
) -> Asset | None:
    """The stored file of output ``position`` of a generation ``user`` may see (no BLOB), if any."""
    generation = generation_get(user=user, kind=kind, generation_id=generation_id)
    if generation is None:
        return None
    output = (
        GenerationOutput.objects.filter(generation=generation, position=position, asset__isnull=False)
        .values_list("asset_id", flat=True)
        .first()
    )
    return Asset.objects.defer("data").filter(pk=output).first() if output is not None else None


def generation_ids_by_source(*, source_kind: str, source_ids: list[int]) -> dict[int, list[int]]:
    """The ids of the generations made from each source (a read for the producer's records), newest first."""
    found: dict[int, list[int]] = {source_id: [] for source_id in source_ids}
    rows = (
        Generation.objects.filter(source_kind=source_kind, source_id__in=source_ids)
        .order_by("-created_at", "-id")
        .values_list("source_id", "id")
    )
    for source_id, generation_id in rows:
        found[source_id].append(generation_id)
    return found


# --- Queue health (staff) -------------------------------------------------------------------------

# A prediction running this long is not just a slow model (Replicate's video models take minutes).
STUCK_AFTER = timedelta(minutes=30)


def generations_stuck(
    *, now: datetime | None = None, older_than: timedelta = STUCK_AFTER
) -> QuerySet[Generation]:
    """Waiting for Replicate (pending or processing) for longer than expected, oldest first."""
    cutoff = (now or timezone.now()) - older_than
    return (
        Generation.objects.filter(status__in=[Generation.Status.PENDING, Generation.Status.PROCESSING])
        .filter(created_at__lt=cutoff)
        .select_related("owner")
        .order_by("created_at", "id")
    )


def generations_download_failing(*, now: datetime | None = None) -> QuerySet[Generation]:
    """Downloads that failed at least once and can still be fetched: retrying may still save them.

    Both those backing off between tries (status downloading) and those that gave up (failed)
    while Replicate still keeps the output.
    """
    fetchable_since = (now or timezone.now()) - DOWNLOAD_WINDOW
    backing_off = Q(status=Generation.Status.DOWNLOADING, download_tries__gt=0)
    gave_up = (
        Q(status=Generation.Status.FAILED) & ~Q(output_url="") & Q(upstream_completed_at__gt=fetchable_since)
    )
    return (
        Generation.objects.filter(backing_off | gave_up, asset__isnull=True)
        .select_related("owner")
        .order_by("upstream_completed_at", "id")
    )


# --- The back office (staff): an item by its id, usage per user ------------------------------------


def generation_find(*, pk: int, kind: str | None = None) -> QuerySet[Generation]:
    """The generation with this id (none or one; of ``kind`` when given), with its owner and output."""
    generations = Generation.objects.select_related("owner", "asset").defer("asset__data").filter(pk=pk)
    return generations.filter(kind=kind) if kind else generations


def generation_count_per_owner() -> Coalesce:
    """How many generations the user of the outer row (``OuterRef("pk")``) has, as one subquery."""
    counted = (
        Generation.objects.filter(owner=OuterRef("pk"))
        .order_by()
        .values("owner_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def generation_counts_by_status(*, owner: AbstractBaseUser) -> dict[str, int]:
    return dict(
        Generation.objects.filter(owner=owner).order_by().values_list("status").annotate(n=Count("id"))
    )


def upload_asset_get(*, asset_id: int) -> Asset | None:
    """The asset behind a signed upload link (what Replicate fetches), unless moderators hid it."""
    return Asset.objects.filter(pk=asset_id, hidden_at__isnull=True).first()


# --- Serving a generation's bytes: one read, no model instances -----------------------------------


@dataclass(frozen=True)
class StoredMedia:
    """The asset a ``/data`` or ``/thumbnail`` request gets (``gallery.streaming.ServedMedia``).

    ``data`` holds the bytes when the asset is small enough to read with its metadata.
    """

    pk: int
    kind: str
    content_type: str
    size_bytes: int
    sha256: str
    created_at: datetime
    storage_key: str
    data: bytes | None
    original_filename: str
    generation_id: int
    prompt: str


@functools.cache  # the same text for the life of the process: built once per shape, not per request
def _media_sql(*, thumbnail: bool, by: Literal["generation", "key", "user"]) -> str:
    """One indexed read: the generation by primary key and its stored asset (or that asset's
    thumbnail); ``by="key"`` also the API key and its user by the key's prefix index, ``by="user"``
    the user by id (its columns after the media's, in field order); the visibility rule in SQL."""
    asset, generation = Asset._meta.db_table, Generation._meta.db_table
    served = "t" if thumbnail else "s"
    columns = (
        f"{served}.id, {served}.kind, {served}.content_type, {served}.size_bytes, {served}.sha256, "
        f"{served}.created_at, {served}.storage_key, "
        f"CASE WHEN {served}.size_bytes <= %s AND {served}.storage_key = '' THEN {served}.data END, "
        f"s.original_filename, g.id, g.prompt"
    )
    joins = f"JOIN {asset} s ON s.id = g.asset_id"
    if thumbnail:
        joins += f" JOIN {asset} t ON t.id = s.thumbnail_id"
    if by == "generation":
        return f"SELECT {columns} FROM {generation} g {joins} WHERE g.id = %s AND g.kind = %s"  # noqa: S608 (table names)
    # Only table and column names are formatted in; every value is a parameter.
    user_model = get_user_model()
    user = user_model._meta.db_table
    visible = "(u.is_staff OR (g.owner_id = u.id AND s.owner_id = u.id AND s.hidden_at IS NULL))"
    if by == "user":
        user_columns = ", ".join(f"u.{field.column}" for field in user_model._meta.concrete_fields)
        return (
            f"SELECT {columns}, {user_columns} FROM {user} u "  # noqa: S608
            f"JOIN {generation} g ON g.id = %s AND g.kind = %s {joins} WHERE u.id = %s AND {visible}"
        )
    tables = (
        f"FROM {ApiKey._meta.db_table} k JOIN {user} u ON u.id = k.user_id "
        f"JOIN {generation} g ON g.id = %s AND g.kind = %s"
    )
    return (
        f"SELECT {columns}, k.id, k.key_hash, k.expires_at, k.last_used {tables} {joins} "
        f"WHERE k.prefix = %s AND k.revoked_at IS NULL AND u.is_active AND {visible}"
    )


def _media_rows(sql: str, params: list[Any]) -> list[tuple]:
    """The rows of a media query, prepared on PostgreSQL and in binary there: a 100 KB bytea sent as
    text is hex, encoded by the server and decoded here, about 430 us of a small image's 1.2 ms
    (issue 16)."""
    return hotsql.fetch(sql, params, binary=True)


class _KeptBytes:
    """The bytes of recently served small assets, least recently used out first, within a budget."""

    def __init__(self, budget: int):
        self._budget = budget
        self._items: OrderedDict[tuple[int, str], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[int, str]) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[int, str], value: bytes) -> None:
        with self._lock:
            if key in self._items or len(value) > self._budget:
                return
            self._items[key] = value
            self._size += len(value)
            while self._size > self._budget:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


# On PostgreSQL a small asset's bytes come out of TOAST: about 400 us of the database's time for 100
# KB, against one index read for its metadata. Each process keeps the bytes it served last, keyed by
# (asset id, sha256), which no change of the bytes can keep (new bytes are a new digest), and the
# query asks for the bytes only when they are not kept. Who may see the asset is still decided by the
# query, on every request. SQLite reads a BLOB beside its row at no such cost, so it reads it inline.
KEPT_BYTES_BUDGET = 32 * 1024 * 1024
kept_bytes = _KeptBytes(KEPT_BYTES_BUDGET)


def _inline_bytes_limit() -> int:
    return 0 if connection.vendor == "postgresql" else SMALL_MEDIA_BYTES


def _with_kept_bytes(media: StoredMedia) -> StoredMedia:
    """``media`` with its bytes from this process's memory, or read once and kept (PostgreSQL)."""
    if media.data is not None or media.storage_key or media.size_bytes > SMALL_MEDIA_BYTES:
        return media
    key = (media.pk, media.sha256)
    data = kept_bytes.get(key)
    if data is None:
        rows = _media_rows(f"SELECT data FROM {Asset._meta.db_table} WHERE id = %s", [media.pk])  # noqa: S608 (table name)
        data = bytes(rows[0][0]) if rows and rows[0][0] is not None else None
        if data is None or len(data) != media.size_bytes:
            return media  # gone or damaged: the streaming path answers it (404) as for a large file
        kept_bytes.put(key, data)
    return replace(media, data=data)


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def _stored_media(row: tuple) -> StoredMedia:
    data = row[7]
    return StoredMedia(
        pk=row[0],
        kind=row[1],
        content_type=row[2],
        size_bytes=row[3],
        sha256=row[4],
        created_at=_aware(row[5]),
        storage_key=row[6],
        data=bytes(data) if data is not None else None,
        original_filename=row[8],
        generation_id=row[9],
        prompt=row[10],
    )


def stored_media(
    *, user: AbstractBaseUser, kind: str, generation_id: int, thumbnail: bool = False
) -> StoredMedia | None:
    """The bytes' row a ``/data`` (or ``/thumbnail``) request of ``user`` gets, or None (not theirs,
    hidden, nothing stored, no thumbnail): one query, the same rule as ``generation_get`` + the
    asset's visibility."""
    if not 0 < generation_id < 2**63:  # not a row id on either engine
        return None
    sql = _media_sql(thumbnail=thumbnail, by="generation")
    params: list[Any] = [_inline_bytes_limit(), generation_id, kind]
    if not user.is_staff:
        sql += " AND g.owner_id = %s AND s.owner_id = %s AND s.hidden_at IS NULL"
        params += [user.pk, user.pk]
    rows = _media_rows(sql, params)
    return _with_kept_bytes(_stored_media(rows[0])) if rows else None


def stored_media_of_user_id(
    *, user_id: Any, kind: str, generation_id: int, thumbnail: bool, user_check: Callable[[tuple], Any]
) -> StoredMedia | None:
    """``stored_media`` for the user ``user_id`` (a session's, known by id only), the user's row read
    in the same query: ``user_check`` gets that row (its columns in field order) and gives the user,
    or None to refuse (inactive, a stale session hash): then this is None too."""
    if not 0 < generation_id < 2**63:
        return None
    rows = _media_rows(
        _media_sql(thumbnail=thumbnail, by="user"),
        [_inline_bytes_limit(), generation_id, kind, user_id],
    )
    if not rows or user_check(rows[0][11:]) is None:
        return None
    return _with_kept_bytes(_stored_media(rows[0]))


@dataclass(frozen=True)
class KeyedMedia:
    media: StoredMedia
    api_key_id: int
    last_used: datetime | None


def stored_media_for_key(
    *, raw_key: str, kind: str, generation_id: int, thumbnail: bool = False
) -> KeyedMedia | None:
    """``stored_media`` for the user of an active API key, the key checked in the same query; None when
    the key is not active or the media is not its user's to see (the caller then takes the slow road)."""
    if not raw_key.startswith(API_KEY_PREFIX) or len(raw_key) > 200:
        return None
    prefix = raw_key[len(API_KEY_PREFIX) : len(API_KEY_PREFIX) + LOOKUP_PREFIX_LENGTH]
    digest = hash_api_key(raw_key)
    rows = _media_rows(
        _media_sql(thumbnail=thumbnail, by="key"), [_inline_bytes_limit(), generation_id, kind, prefix]
    )
    now = timezone.now()
    for row in rows:
        key_id, key_hash, expires_at, last_used = row[11:15]
        if not hmac.compare_digest(key_hash, digest):
            continue
        if expires_at is not None and _aware(expires_at) <= now:
            return None
        return KeyedMedia(
            media=_with_kept_bytes(_stored_media(row)),
            api_key_id=key_id,
            last_used=_aware(last_used) if last_used else None,
        )
    return None
