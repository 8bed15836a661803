"""Thin ninja router of media generation; mounted at the API root (full paths of API.md)."""

import json
import re
import threading
from datetime import UTC, datetime
from typing import Any

import orjson
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field

from gallery.models import Asset
from gallery.pagination import cursor_encode
from gallery.selectors import asset_is_visible_to
from gallery.streaming import asset_response, media_version
from media_gen import catalogue, collections, search, selectors, services, uploads
from media_gen.fastpath import stored_media_response
from media_gen.inputs import InputsInvalid
from media_gen.models import Generation
from media_gen.prepared import prepared_rows
from media_gen.schemas import (
    AudioListOut,
    AudioRecord,
    CatalogueModelsOut,
    DeletedOut,
    FavoriteIn,
    ImageListOut,
    ImageRecord,
    InvalidInputOut,
    ModelSchemaOut,
    ReplicateModelsOut,
    RunAudioOut,
    RunImageOut,
    RunIn,
    RunVideoOut,
    UploadOut,
    VideoListOut,
    VideoRecord,
    WebhookOut,
)
from media_gen.webhooks import RETRY_AFTER_SECONDS, WebhookInvalid
from simpoc.schemas import DetailOut
from simpoc.services import ServiceError

router = Router(tags=["media generation"])
ERRORS = {
    400: DetailOut,
    401: DetailOut,
    403: DetailOut,
    404: DetailOut,
    409: DetailOut,
    422: InvalidInputOut,
    429: DetailOut,
    502: DetailOut,
    503: DetailOut,
}


# --- Catalogue (public) ---------------------------------------------------------------------------


COLLECTIONS_HELP = (
    "The models of one of the {family} collections: {allowed} (the first by default); another -> 422."
)


@router.get(
    "/video-models",
    auth=None,
    response={200: CatalogueModelsOut, **ERRORS},
    summary="Video models",
    description=COLLECTIONS_HELP.format(
        family="video", allowed=", ".join(collections.collections_of("video"))
    ),
)
def video_models(request: HttpRequest, collection: str | None = None) -> dict:
    return catalogue.catalogue_models(kind="video", collection=collection)


@router.get(
    "/image-models",
    auth=None,
    response={200: CatalogueModelsOut, **ERRORS},
    summary="Image models",
    description=COLLECTIONS_HELP.format(
        family="image", allowed=", ".join(collections.collections_of("image"))
    ),
)
def image_models(request: HttpRequest, collection: str | None = None) -> dict:
    return catalogue.catalogue_models(kind="image", collection=collection)


@router.get(
    "/audio-models",
    auth=None,
    response={200: CatalogueModelsOut, **ERRORS},
    summary="Audio models",
    description=COLLECTIONS_HELP.format(
        family="audio", allowed=", ".join(collections.collections_of("audio"))
    ),
)
def audio_models(request: HttpRequest, collection: str | None = None) -> dict:
    return catalogue.catalogue_models(kind="audio", collection=collection)


@router.get(
    "/video-models/{owner}/{name}/schema",
    auth=None,
    response={200: ModelSchemaOut, **ERRORS},
    summary="A video model's input schema",
)
def video_model_schema(request: HttpRequest, owner: str, name: str) -> dict:
    return catalogue.catalogue_schema(owner=owner, name=name)


@router.get(
    "/image-models/{owner}/{name}/schema",
    auth=None,
    response={200: ModelSchemaOut, **ERRORS},
    summary="An image model's input schema",
)
def image_model_schema(request: HttpRequest, owner: str, name: str) -> dict:
    return catalogue.catalogue_schema(owner=owner, name=name)


@router.get(
    "/audio-models/{owner}/{name}/schema",
    auth=None,
    response={200: ModelSchemaOut, **ERRORS},
    summary="An audio model's input schema",
)
def audio_model_schema(request: HttpRequest, owner: str, name: str) -> dict:
    return catalogue.catalogue_schema(owner=owner, name=name)


@router.get(
    "/replicate-models",
    auth=None,
    response={200: ReplicateModelsOut, **ERRORS},
    summary="Search or page through Replicate's public models",
)
def replicate_models(request: HttpRequest, query: str = "", cursor: str | None = None) -> dict:
    return catalogue.catalogue_search(query=query, cursor=cursor)


# --- Records ----------------------------------------------------------------------------------------


_NO_EXTRAS = selectors.RecordExtras(outputs={}, captions={})


def _media_url(path: str, index: int, sha256: str) -> str:
    """``path`` for output ``index`` (0: the record's own file, no parameter) at its content version."""
    params = [f"output={index}"] if index else []
    if sha256:
        params.append(f"v={media_version(sha256)}")
    return f"{path}?{'&'.join(params)}" if params else path


def _output(pk: int, plural: str, index: int, row: dict[str, Any]) -> dict[str, Any]:
    """One entry of ``outputs`` from the ``asset__`` columns of ``row`` (a record's or an output's)."""
    return {
        "index": index,
        "url": _media_url(f"/api/{plural}/{pk}/data", index, row["asset__sha256"]),
        "thumbnail_url": (
            _media_url(f"/api/{plural}/{pk}/thumbnail", index, row["asset__thumbnail__sha256"])
            if row["asset__thumbnail_id"] is not None
            else None
        ),
        "content_type": row["asset__content_type"],
        "size_bytes": row["asset__size_bytes"],
        "width": row["asset__width"],
        "height": row["asset__height"],
        "duration": row["asset__duration"],
    }


def _record(row: dict[str, Any], extras: selectors.RecordExtras | None = None) -> dict[str, Any]:
    """The API record (VideoRecord / ImageRecord / AudioRecord, in their field order) of a
    ``RECORD_FIELDS`` row; ``extras`` (``selectors.record_extras`` of its page) holds its further
    output files and, for a video, its captions (none when not given).

    Every media URL carries its content version (``?v=``), so a browser keeps it for good.
    """
    extras = extras or _NO_EXTRAS
    kind, pk, stored = row["kind"], row["id"], row["asset_id"] is not None
    plural = collections.PLURALS[kind]
    status = row["status"]
    metadata: dict[str, Any] = {
        "prediction_id": row["prediction_id"] or None,
        "version": row["version"] or None,
        "upstream_status": row["upstream_status"] or None,
        "stage": status,
        "download_tries": row["download_tries"],
        "webhook_requested": row["webhook_requested"],
        "completed_at": row["completed_at"].isoformat() if row["completed_at"] else None,
    }
    if row["error"]:
        metadata["error"] = row["error"]
    thumbnail = stored and row["asset__thumbnail_id"] is not None
    media_url = _media_url(f"/api/{plural}/{pk}/data", 0, row["asset__sha256"]) if stored else ""
    source_kind = row["source_kind"]
    record: dict[str, Any] = {
        "id": pk,
        "prompt": row["prompt"],
        "model_id": row["model_id"],
        "parameters": row["inputs"],
        "status": "processing" if status in Generation.IN_FLIGHT else status,
        "created_at": row["created_at"],
        "collection": row["collection"],
        "metadata": metadata,
        "thumbnail_url": (
            _media_url(f"/api/{plural}/{pk}/thumbnail", 0, row["asset__thumbnail__sha256"])
            if thumbnail
            else None
        ),
        "error": row["error"] or None,
        "content_type": row["asset__content_type"],
        "size_bytes": row["asset__size_bytes"],
        "width": row["asset__width"],
        "height": row["asset__height"],
        "duration": row["asset__duration"],
        "updated_at": row["updated_at"],
        "favorite": row["favorite"],
        "download_progress": (
            {
                "phase": row["download_phase"],
                "bytes_received": row["download_bytes_received"],
                "bytes_total": row["download_bytes_total"],
            }
            if row["download_phase"]
            else None
        ),
        # Never null ("" until stored): the original client decodes it as a required string.
        f"{kind}_url": media_url,
        # Made from a stored item (a render, a generation) or joined from several (a combine).
        "source": (
            {
                "kind": source_kind,
                "id": row["source_id"],
                "asset_id": row["source_asset_id"],
                "items": (row["inputs"] or {}).get("items") if source_kind == collections.COMBINE else None,
            }
            if source_kind
            else None
        ),
        "text_output": row["text_output"] or None,
        "outputs": (
            [
                _output(pk, plural, 0, row),
                *(_output(pk, plural, output["position"], output) for output in extras.outputs.get(pk, ())),
            ]
            if stored
            else []
        ),
    }
    if kind == "video":
        record["captions"] = [
            {
                "id": run["id"],
                "text": run["text_output"],
                "model_id": run["model_id"],
                "created_at": run["created_at"],
            }
            for run in extras.captions.get(pk, ())
        ]
    else:  # image and audio records carry their URL as video_url too (the original galleries' name)
        record["video_url"] = media_url
    return record


def _records(request: HttpRequest, kind: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records of ``rows``, their extras read for all of them at once (at most a query each)."""
    return _records_of(request.auth, kind, rows)


def _records_of(user: Any, kind: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    extras = selectors.record_extras(user=user, kind=kind, rows=rows)
    return [_record(row, extras) for row in rows]


def _json_ready(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` as ninja would render it (datetimes as DjangoJSONEncoder writes them)."""
    for name in ("created_at", "updated_at"):
        record[name] = _datetime_text(record[name])
    for caption in record.get("captions", ()):
        caption["created_at"] = _datetime_text(caption["created_at"])
    return record


_ENCODER = DjangoJSONEncoder()


def _datetime_text(value: Any) -> Any:
    """``DjangoJSONEncoder().default(value)`` for a datetime, without its type tests and
    ``is_aware``, called twice per record (issue 16): milliseconds, UTC as ``Z``."""
    if type(value) is not datetime:
        return _ENCODER.default(value)
    text = value.isoformat()
    if value.microsecond:
        text = text[:23] + text[26:]
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class ListQuery(Schema):
    limit: int = 50
    offset: int = 0
    model_id: str | None = None
    collection: str | None = None
    status: str | None = None
    q: str | None = Field(default=None, description=search.HELP)
    favorite: bool | None = None
    before: str | None = None


def _get(request: HttpRequest, kind: str, generation_id: int) -> Generation:
    generation = selectors.generation_get(user=request.auth, kind=kind, generation_id=generation_id)
    if generation is None:
        raise ServiceError(f"{kind.capitalize()} not found.", status_code=404)
    return generation


def _stored(request: HttpRequest, kind: str, generation_id: int) -> tuple[Generation, Asset]:
    generation = _get(request, kind, generation_id)
    asset = generation.asset
    if asset is None or not asset_is_visible_to(asset=asset, user=request.auth):
        raise ServiceError(f"This {kind} has no stored output yet.", status_code=404)
    return generation, asset


def _record_of(request: HttpRequest, kind: str, generation_id: int) -> dict[str, Any]:
    row = selectors.generation_record(user=request.auth, kind=kind, generation_id=generation_id)
    if row is None:
        raise ServiceError(f"{kind.capitalize()} not found.", status_code=404)
    return _records(request, kind, [row])[0]


_NO_FILTERS = selectors.GenerationFilters()


def _page(request: HttpRequest, kind: str, query: ListQuery) -> HttpResponse:
    """The page as JSON, built from plain rows without validating it again (the route's declared
    response schema is its documentation; tests check the two agree)."""
    filters = selectors.GenerationFilters(
        model_id=query.model_id,
        collection=query.collection,
        status=query.status,
        q=query.q,
        favorite=query.favorite,
    )
    user = request.auth
    if (
        filters == _NO_FILTERS
        and query.before is None
        and query.offset == 0
        and 1 <= query.limit <= 100
        and not user.is_staff
    ):
        body = _first_page(user, kind, query.limit)
    else:
        result = selectors.generation_page(
            user=user,
            kind=kind,
            filters=filters,
            before=query.before,
            limit=query.limit,
            offset=query.offset,
        )
        body = _body(kind, _records(request, kind, result.items), result)
    try:  # orjson: several times cheaper than json.dumps for 50 records (issue 16)
        content = orjson.dumps(body)
    except orjson.JSONEncodeError:  # an integer past 64 bits in a record's parameters
        content = json.dumps(body).encode()
    return HttpResponse(content, content_type="application/json; charset=utf-8")


def _body(kind: str, records: list[dict[str, Any]], result: selectors.GenerationPage) -> dict[str, Any]:
    return {
        collections.PLURALS[kind]: [_json_ready(record) for record in records],
        "total": result.total,
        "total_is_estimate": result.total_is_estimate,
        "next": result.next,
    }


# The gallery's first page (no filter, cursor or offset; not staff): what almost every request for a
# list is. Its rows come raw from the prepared query and are formatted here straight from the
# driver's values, without the ORM's converters (datetimes made aware, then formatted back to text;
# ``inputs`` decoded by ``json.loads``) and ``_record``'s per-row lookups by name: two fifths of the
# page's CPU (issue 16). ``selectors.generation_page`` is the reference: the tests compare the bytes.


def _first_page_rows(kind: str, limit: int):
    """``selectors.generation_page``'s row query for the first page (the same SQL: a test compares)."""

    def build(owner: Any) -> Any:
        generations = selectors.generation_list(user=owner, kind=kind, filters=_NO_FILTERS)
        return selectors._record_values(generations, kind=kind)[: limit + 1]

    return build


# Columns whose converters the first page replaces with its own reading of the driver's value.
_FIRST_PAGE_READS = {
    "inputs",
    "webhook_requested",
    "favorite",
    "created_at",
    "updated_at",
    "completed_at",
    "has_outputs",
    "has_captions",
}
_first_page_local = threading.local()


def _first_page_layout(prepared: Any) -> dict[str, int] | None:
    """The column positions of ``prepared``'s rows, or None where the page must take the ORM's
    converters (a column converted that the page does not read itself, datetimes not in UTC)."""
    layouts: dict[int, tuple[Any, dict[str, int] | None]] = _first_page_local.__dict__.setdefault(
        "layouts", {}
    )
    found = layouts.get(id(prepared))
    if found is not None and found[0] is prepared:
        return found[1]
    names = prepared.names
    layout: dict[str, int] | None = {name: index for index, name in enumerate(names)}
    converted = {names[index] for index in prepared.converters}
    if not converted <= _FIRST_PAGE_READS or not settings.USE_TZ or connection.timezone_name != "UTC":
        layout = None
    layouts[id(prepared)] = (prepared, layout)
    return layout


# ``json.loads`` and orjson agree on JSON but for integers past 64 bits (orjson makes them floats):
# a run of 19 digits or more goes to ``json.loads``, as does what orjson refuses (NaN, lone surrogates).
_LONG_NUMBER = re.compile(r"\d{19}")


def _inputs(text: Any) -> Any:
    """The ``inputs`` column's JSON text as ``JSONField.from_db_value`` decodes it."""
    if text.__class__ is str and _LONG_NUMBER.search(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


# Read as SQLite's stored text (``str()`` of the naive UTC datetime) rather than parsed by the driver.
_DATETIMES = ("created_at", "updated_at", "completed_at")


def _text_parts(text: str) -> tuple[str, str] | None:
    """The date and the time (``HH:MM:SS``, then ``.ffffff`` unless the microseconds are 0, as
    ``isoformat`` writes them) of a UTC datetime's text as the database gives it: SQLite's stored
    ``str(datetime)`` (``YYYY-MM-DD HH:MM:SS[.ffffff]``) or PostgreSQL's output in UTC
    (``YYYY-MM-DD HH:MM:SS[.f{1,6}]+00``); None for any other shape."""
    if text.endswith("+00"):
        text = text[:-3]
    size = len(text)
    if size < 19 or size > 26 or text[10] != " " or text[13] != ":" or text[16] != ":" or text[4] != "-":
        return None
    if size == 19:
        return text[:10], text[11:]
    fraction = text[20:]
    if text[19] != "." or not fraction.isdigit() or not fraction.isascii():
        return None
    if size < 26:
        fraction = fraction.ljust(6, "0")
    return (text[:10], text[11:19]) if fraction == "000000" else (text[:10], f"{text[11:19]}.{fraction}")


def _first_page(user: Any, kind: str, limit: int) -> dict[str, Any]:
    """The body of the first page of ``limit`` of ``user``'s ``kind`` (``_body`` of
    ``selectors.generation_page``'s page, without its converters)."""
    total = selectors.generation_total(user=user, kind=kind, filters=_NO_FILTERS)
    prepared, rows = prepared_rows(
        ("first_page", kind, limit), user=user, build=_first_page_rows(kind, limit), as_text=_DATETIMES
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    layout = _first_page_layout(prepared)
    if layout is None:
        names = prepared.names
        items = [{name: prepared.converted(row, name) for name in names} for row in rows]
        next_cursor = (
            cursor_encode(created_at=items[-1]["created_at"], pk=items[-1]["id"])
            if has_more and items
            else None
        )
        result = selectors.GenerationPage(items=items, total=total, next=next_cursor)
        return _body(kind, _records_of(user, kind, items), result)
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        next_cursor = cursor_encode(created_at=prepared.converted(last, "created_at"), pk=last[layout["id"]])
    records = _first_page_records(user, kind, prepared, layout, rows, fragments=True)
    if records is None:  # an integer past 64 bits: the page goes to json.dumps, which takes no fragment
        records = _first_page_records(user, kind, prepared, layout, rows, fragments=False)
    return {
        collections.PLURALS[kind]: records,
        "total": total,
        "total_is_estimate": False,
        "next": next_cursor,
    }


# A record's JSON is a function of its row alone (and the kind) when it has no extras: kept per
# process, keyed by the whole raw row (every column the record shows or depends on, the owner's id
# among them), so the next request for an unchanged row splices the same bytes (``orjson.Fragment``)
# instead of formatting it again; any change to the row (a status, a thumbnail stored, a favorite)
# is another key. Bounded: emptied when full.
_RECORD_JSON: dict[tuple, orjson.Fragment] = {}
RECORD_JSON_MAX = 2048


def _first_page_records(
    user: Any, kind: str, prepared: Any, layout: dict[str, int], rows: list[tuple], *, fragments: bool
) -> list[Any] | None:
    """``_json_ready(_record(row, extras))`` for each raw row, in one loop (the same dicts, in the
    same order: the tests compare the bytes); with ``fragments``, each as its JSON (``orjson.Fragment``),
    or None when one cannot be (an integer past 64 bits)."""
    ID, PROMPT, MODEL_ID, INPUTS, STATUS = (
        layout[name] for name in ("id", "prompt", "model_id", "inputs", "status")
    )
    CREATED, UPDATED, COMPLETED = layout["created_at"], layout["updated_at"], layout["completed_at"]
    COLLECTION, PREDICTION, VERSION, UPSTREAM = (
        layout[name] for name in ("collection", "prediction_id", "version", "upstream_status")
    )
    TRIES, WEBHOOK, ERROR, FAVORITE = (
        layout[name] for name in ("download_tries", "webhook_requested", "error", "favorite")
    )
    ASSET, CONTENT_TYPE, SIZE, WIDTH, HEIGHT, DURATION, SHA, THUMBNAIL, THUMBNAIL_SHA = (
        layout[name]
        for name in (
            "asset_id",
            "asset__content_type",
            "asset__size_bytes",
            "asset__width",
            "asset__height",
            "asset__duration",
            "asset__sha256",
            "asset__thumbnail_id",
            "asset__thumbnail__sha256",
        )
    )
    PHASE, RECEIVED, BYTES_TOTAL = (
        layout[name] for name in ("download_phase", "download_bytes_received", "download_bytes_total")
    )
    SOURCE_KIND, SOURCE_ID, SOURCE_ASSET, TEXT_OUTPUT = (
        layout[name] for name in ("source_kind", "source_id", "source_asset_id", "text_output")
    )
    HAS_OUTPUTS, HAS_CAPTIONS = layout["has_outputs"], layout.get("has_captions")
    flagged = [
        {
            "id": row[ID],
            "has_outputs": bool(row[HAS_OUTPUTS]),
            "has_captions": HAS_CAPTIONS is not None and bool(row[HAS_CAPTIONS]),
        }
        for row in rows
        if row[HAS_OUTPUTS] or (HAS_CAPTIONS is not None and row[HAS_CAPTIONS])
    ]
    extras = selectors.record_extras(user=user, kind=kind, rows=flagged) if flagged else _NO_EXTRAS
    outputs, captions = extras.outputs, extras.captions
    plural = collections.PLURALS[kind]
    prefix = f"/api/{plural}/"
    in_flight = frozenset(str(status) for status in Generation.IN_FLIGHT)
    video = kind == "video"
    url_name = f"{kind}_url"
    combine = collections.COMBINE

    def converted(row: tuple, name: str) -> Any:
        return prepared.converted(row, name)

    records: list[Any] = []
    cache = _RECORD_JSON
    for row in rows:
        key = None
        if fragments and not (row[HAS_OUTPUTS] or (HAS_CAPTIONS is not None and row[HAS_CAPTIONS])):
            key = (kind, row)
            try:
                found = cache.get(key)
            except TypeError:  # a driver's value that does not hash: not kept
                found = key = None
            if found is not None:
                records.append(found)
                continue
        pk, status, stored = row[ID], row[STATUS], row[ASSET] is not None
        created, updated, completed = row[CREATED], row[UPDATED], row[COMPLETED]
        # SQLite's text (``as_text``), else a naive datetime (SQLite's UTC: the layout checked the
        # connection's zone) or an aware one (PostgreSQL's); anything else takes the converters and
        # the encoder's formatting. Written out per column: this loop runs 50 times a page.
        parts = _text_parts(created) if created.__class__ is str else None
        if parts is not None:
            created = f"{parts[0]}T{parts[1][:12]}Z"
        elif created.__class__ is datetime and (created.tzinfo is None or created.tzinfo is UTC):
            text = created.isoformat()
            created = (text[:23] if created.microsecond else text[:19]) + "Z"
        else:
            created = _datetime_text(converted(row, "created_at"))
        parts = _text_parts(updated) if updated.__class__ is str else None
        if parts is not None:
            updated = f"{parts[0]}T{parts[1][:12]}Z"
        elif updated.__class__ is datetime and (updated.tzinfo is None or updated.tzinfo is UTC):
            text = updated.isoformat()
            updated = (text[:23] if updated.microsecond else text[:19]) + "Z"
        else:
            updated = _datetime_text(converted(row, "updated_at"))
        if completed is None:
            pass
        elif completed.__class__ is str and (parts := _text_parts(completed)) is not None:
            completed = f"{parts[0]}T{parts[1]}+00:00"
        elif completed.__class__ is datetime and completed.tzinfo is None:
            completed = completed.isoformat() + "+00:00"
        elif completed.__class__ is datetime and completed.tzinfo is UTC:
            completed = completed.isoformat()
        else:
            completed = converted(row, "completed_at")
            completed = completed.isoformat() if completed else None
        inputs = row[INPUTS]
        inputs = None if inputs is None else _inputs(inputs)
        webhook, favorite = row[WEBHOOK], row[FAVORITE]
        if webhook.__class__ is not bool:
            webhook = converted(row, "webhook_requested")
        if favorite.__class__ is not bool:
            favorite = converted(row, "favorite")
        error = row[ERROR]
        metadata: dict[str, Any] = {
            "prediction_id": row[PREDICTION] or None,
            "version": row[VERSION] or None,
            "upstream_status": row[UPSTREAM] or None,
            "stage": status,
            "download_tries": row[TRIES],
            "webhook_requested": webhook,
            "completed_at": completed,
        }
        if error:
            metadata["error"] = error
        if stored:
            sha = row[SHA]
            media_url = f"{prefix}{pk}/data?v={media_version(sha)}" if sha else f"{prefix}{pk}/data"
            if row[THUMBNAIL] is not None:
                sha = row[THUMBNAIL_SHA]
                thumbnail_url = (
                    f"{prefix}{pk}/thumbnail?v={media_version(sha)}" if sha else f"{prefix}{pk}/thumbnail"
                )
            else:
                thumbnail_url = None
        else:
            media_url, thumbnail_url = "", None
        source_kind, phase = row[SOURCE_KIND], row[PHASE]
        record: dict[str, Any] = {
            "id": pk,
            "prompt": row[PROMPT],
            "model_id": row[MODEL_ID],
            "parameters": inputs,
            "status": "processing" if status in in_flight else status,
            "created_at": created,
            "collection": row[COLLECTION],
            "metadata": metadata,
            "thumbnail_url": thumbnail_url,
            "error": error or None,
            "content_type": row[CONTENT_TYPE],
            "size_bytes": row[SIZE],
            "width": row[WIDTH],
            "height": row[HEIGHT],
            "duration": row[DURATION],
            "updated_at": updated,
            "favorite": favorite,
            "download_progress": (
                {"phase": phase, "bytes_received": row[RECEIVED], "bytes_total": row[BYTES_TOTAL]}
                if phase
                else None
            ),
            url_name: media_url,
            "source": (
                {
                    "kind": source_kind,
                    "id": row[SOURCE_ID],
                    "asset_id": row[SOURCE_ASSET],
                    "items": (inputs or {}).get("items") if source_kind == combine else None,
                }
                if source_kind
                else None
            ),
            "text_output": row[TEXT_OUTPUT] or None,
            "outputs": (
                [
                    {
                        "index": 0,
                        "url": media_url,
                        "thumbnail_url": thumbnail_url,
                        "content_type": row[CONTENT_TYPE],
                        "size_bytes": row[SIZE],
                        "width": row[WIDTH],
                        "height": row[HEIGHT],
                        "duration": row[DURATION],
                    },
                    *(_output(pk, plural, output["position"], output) for output in outputs.get(pk, ())),
                ]
                if stored
                else []
            ),
        }
        if video:
            record["captions"] = [
                {
                    "id": run["id"],
                    "text": run["text_output"],
                    "model_id": run["model_id"],
                    "created_at": _datetime_text(run["created_at"]),
                }
                for run in captions.get(pk, ())
            ]
        else:
            record["video_url"] = media_url
        if fragments:
            try:
                record = orjson.Fragment(orjson.dumps(record))
            except orjson.JSONEncodeError:
                return None
            if key is not None:
                if len(cache) >= RECORD_JSON_MAX:
                    cache.clear()
                cache[key] = record
        records.append(record)
    return records


def _media(
    request: HttpRequest, kind: str, generation_id: int, *, thumbnail: bool, output: int = 0
) -> HttpResponse:
    if output:
        return _output_media(request, kind, generation_id, thumbnail=thumbnail, output=output)
    media = selectors.stored_media(
        user=request.auth, kind=kind, generation_id=generation_id, thumbnail=thumbnail
    )
    if media is None:  # say why, as every route does: no such item, nothing stored, no thumbnail
        generation, asset = _stored(request, kind, generation_id)
        stem = f"{kind}-{generation.pk}" if thumbnail else slugify(generation.prompt)[:60]
        return asset_response(request, asset, thumbnail=thumbnail, filename_stem=stem)
    return stored_media_response(request, media, kind=kind, thumbnail=thumbnail)


def _output_media(
    request: HttpRequest, kind: str, generation_id: int, *, thumbnail: bool, output: int
) -> HttpResponse:
    """A further file of a multi-output generation (``?output=N``, N as in the record's ``outputs``)."""
    generation = _get(request, kind, generation_id)
    asset = selectors.generation_output_asset(
        user=request.auth, kind=kind, generation_id=generation_id, position=output
    )
    if asset is None or not asset_is_visible_to(asset=asset, user=request.auth):
        raise ServiceError(f"This {kind} has no stored output {output}.", status_code=404)
    stem = f"{kind}-{generation.pk}-{output}" if thumbnail else f"{slugify(generation.prompt)[:60]}-{output}"
    return asset_response(request, asset, thumbnail=thumbnail, filename_stem=stem)


def _update(request: HttpRequest, kind: str, generation_id: int, payload: FavoriteIn) -> dict:
    generation = _get(request, kind, generation_id)
    if payload.favorite is not None:
        services.generation_set_favorite(generation=generation, user=request.auth, favorite=payload.favorite)
    return _record_of(request, kind, generation_id)


def _delete(request: HttpRequest, kind: str, generation_id: int) -> dict:
    services.generation_delete(generation=_get(request, kind, generation_id), user=request.auth)
    return {"success": True, "message": f"{kind.capitalize()} {generation_id} deleted."}


def _cancel(request: HttpRequest, kind: str, generation_id: int) -> dict:
    services.generation_cancel(generation=_get(request, kind, generation_id), user=request.auth)
    return _record_of(request, kind, generation_id)


def _retry(request: HttpRequest, kind: str, generation_id: int) -> dict:
    services.generation_retry(generation=_get(request, kind, generation_id), user=request.auth)
    return _record_of(request, kind, generation_id)


RETRY_SUMMARY = "Download again while the output is fetchable, else run the same inputs again"


# --- /api/videos ---------------------------------------------------------------------------------------


@router.get(
    "/videos",
    response={200: VideoListOut, **ERRORS},
    operation_id="videos_list",
    summary="Videos",
    description=search.LIST_DESCRIPTION,
)
def videos_list(request: HttpRequest, query: Query[ListQuery]) -> HttpResponse:
    return _page(request, "video", query)


@router.get(
    "/videos/{generation_id}",
    response={200: VideoRecord, **ERRORS},
    operation_id="video_get",
    summary="One video",
)
def video_get(request: HttpRequest, generation_id: int) -> dict:
    return _record_of(request, "video", generation_id)


@router.get(
    "/videos/{generation_id}/data",
    response={200: None, **ERRORS},
    operation_id="video_data",
    summary="The video's bytes (ranges; ?download=1 for an attachment; ?output=N: output N of several)",
)
def video_data(request: HttpRequest, generation_id: int, output: int = 0) -> HttpResponse:
    return _media(request, "video", generation_id, thumbnail=False, output=output)


@router.get(
    "/videos/{generation_id}/thumbnail",
    response={200: None, **ERRORS},
    operation_id="video_thumbnail",
    summary="A small image of the video",
)
def video_thumbnail(request: HttpRequest, generation_id: int, output: int = 0) -> HttpResponse:
    return _media(request, "video", generation_id, thumbnail=True, output=output)


@router.patch(
    "/videos/{generation_id}",
    response={200: VideoRecord, **ERRORS},
    operation_id="video_update",
    summary="Mark the video as a favourite (owner)",
)
def video_update(request: HttpRequest, generation_id: int, payload: FavoriteIn) -> dict:
    return _update(request, "video", generation_id, payload)


@router.delete(
    "/videos/{generation_id}",
    response={200: DeletedOut, **ERRORS},
    operation_id="video_delete",
    summary="Delete the video and its stored file (owner or staff)",
)
def video_delete(request: HttpRequest, generation_id: int) -> dict:
    return _delete(request, "video", generation_id)


@router.post(
    "/videos/{generation_id}/cancel",
    response={200: VideoRecord, **ERRORS},
    operation_id="video_cancel",
    summary="Cancel the video (upstream too)",
)
def video_cancel(request: HttpRequest, generation_id: int) -> dict:
    return _cancel(request, "video", generation_id)


@router.post(
    "/videos/{generation_id}/retry",
    response={200: VideoRecord, **ERRORS},
    operation_id="video_retry",
    summary=RETRY_SUMMARY,
)
def video_retry(request: HttpRequest, generation_id: int) -> dict:
    return _retry(request, "video", generation_id)


# --- /api/images ---------------------------------------------------------------------------------------


@router.get(
    "/images",
    response={200: ImageListOut, **ERRORS},
    operation_id="images_list",
    summary="Images",
    description=search.LIST_DESCRIPTION,
)
def images_list(request: HttpRequest, query: Query[ListQuery]) -> HttpResponse:
    return _page(request, "image", query)


@router.get(
    "/images/{generation_id}",
    response={200: ImageRecord, **ERRORS},
    operation_id="image_get",
    summary="One image",
)
def image_get(request: HttpRequest, generation_id: int) -> dict:
    return _record_of(request, "image", generation_id)


@router.get(
    "/images/{generation_id}/data",
    response={200: None, **ERRORS},
    operation_id="image_data",
    summary="The image's bytes (ranges; ?download=1 for an attachment; ?output=N: output N of several)",
)
def image_data(request: HttpRequest, generation_id: int, output: int = 0) -> HttpResponse:
    return _media(request, "image", generation_id, thumbnail=False, output=output)


@router.get(
    "/images/{generation_id}/thumbnail",
    response={200: None, **ERRORS},
    operation_id="image_thumbnail",
    summary="A small image of the image",
)
def image_thumbnail(request: HttpRequest, generation_id: int, output: int = 0) -> HttpResponse:
    return _media(request, "image", generation_id, thumbnail=True, output=output)


@router.patch(
    "/images/{generation_id}",
    response={200: ImageRecord, **ERRORS},
    operation_id="image_update",
    summary="Mark the image as a favourite (owner)",
)
def image_update(request: HttpRequest, generation_id: int, payload: FavoriteIn) -> dict:
    return _update(request, "image", generation_id, payload)


@router.delete(
    "/images/{generation_id}",
    response={200: DeletedOut, **ERRORS},
    operation_id="image_delete",
    summary="Delete the image and its stored file (owner or staff)",
)
def image_delete(request: HttpRequest, generation_id: int) -> dict:
    return _delete(request, "image", generation_id)


@router.post(
    "/images/{generation_id}/cancel",
    response={200: ImageRecord, **ERRORS},
    operation_id="image_cancel",
    summary="Cancel the image (upstream too)",
)
def image_cancel(request: HttpRequest, generation_id: int) -> dict:
    return _cancel(request, "image", generation_id)


@router.post(
    "/images/{generation_id}/retry",
    response={200: ImageRecord, **ERRORS},
    operation_id="image_retry",
    summary=RETRY_SUMMARY,
)
def image_retry(request: HttpRequest, generation_id: int) -> dict:
    return _retry(request, "image", generation_id)


# --- /api/audio ---------------------------------------------------------------------------------------


@router.get(
    "/audio",
    response={200: AudioListOut, **ERRORS},
    operation_id="audio_list",
    summary="Audio (music and speech)",
    description=search.LIST_DESCRIPTION,
)
def audio_list(request: HttpRequest, query: Query[ListQuery]) -> HttpResponse:
    return _page(request, "audio", query)


@router.get(
    "/audio/{generation_id}",
    response={200: AudioRecord, **ERRORS},
    operation_id="audio_get",
    summary="One audio record",
)
def audio_get(request: HttpRequest, generation_id: int) -> dict:
    return _record_of(request, "audio", generation_id)


@router.get(
    "/audio/{generation_id}/data",
    response={200: None, **ERRORS},
    operation_id="audio_data",
    summary="The audio's bytes (ranges, as video; ?download=1 for an attachment; ?output=N: output N of several)",
)
def audio_data(request: HttpRequest, generation_id: int, output: int = 0) -> HttpResponse:
    return _media(request, "audio", generation_id, thumbnail=False, output=output)


@router.get(
    "/audio/{generation_id}/thumbnail",
    response={200: None, **ERRORS},
    operation_id="audio_thumbnail",
    summary="The waveform: a small image drawn from the samples",
)
def audio_thumbnail(request: HttpRequest, generation_id: int, output: int = 0) -> HttpResponse:
    return _media(request, "audio", generation_id, thumbnail=True, output=output)


@router.patch(
    "/audio/{generation_id}",
    response={200: AudioRecord, **ERRORS},
    operation_id="audio_update",
    summary="Mark the audio as a favourite (owner)",
)
def audio_update(request: HttpRequest, generation_id: int, payload: FavoriteIn) -> dict:
    return _update(request, "audio", generation_id, payload)


@router.delete(
    "/audio/{generation_id}",
    response={200: DeletedOut, **ERRORS},
    operation_id="audio_delete",
    summary="Delete the audio and its stored file (owner or staff)",
)
def audio_delete(request: HttpRequest, generation_id: int) -> dict:
    return _delete(request, "audio", generation_id)


@router.post(
    "/audio/{generation_id}/cancel",
    response={200: AudioRecord, **ERRORS},
    operation_id="audio_cancel",
    summary="Cancel the audio (upstream too)",
)
def audio_cancel(request: HttpRequest, generation_id: int) -> dict:
    return _cancel(request, "audio", generation_id)


@router.post(
    "/audio/{generation_id}/retry",
    response={200: AudioRecord, **ERRORS},
    operation_id="audio_retry",
    summary=RETRY_SUMMARY,
)
def audio_retry(request: HttpRequest, generation_id: int) -> dict:
    return _retry(request, "audio", generation_id)


# --- Runs ---------------------------------------------------------------------------------------------


def _run(request: HttpRequest, kind: str, payload: RunIn) -> Status:
    # A collection, when named, must be one of the family's (it decides what the output is stored as).
    collection = (
        collections.collection_for(family=kind, slug=payload.collection).slug if payload.collection else ""
    )
    try:
        if payload.source is not None:
            generation = services.generation_start_from_source(
                user=request.auth,
                family=kind,
                model_id=payload.model_id,
                inputs=payload.input,
                collection=collection,
                version=payload.version,
                source_kind=payload.source.kind,
                source_id=payload.source.id,
                input_name=payload.source.input,
            )
        else:
            generation = services.generation_start(
                user=request.auth,
                kind=kind,
                model_id=payload.model_id,
                inputs=payload.input,
                collection=collection,
                version=payload.version,
            )
    except InputsInvalid as exc:
        return Status(422, {"detail": exc.message, "errors": exc.errors})
    return Status(
        200,
        {
            f"{kind}_id": generation.pk,
            "status": generation.public_status,
            "demo_mode": settings.REPLICATE_DEMO_MODE,
        },
    )


RUN_DESCRIPTION = (
    "Validates `input` against the model's schema and starts a prediction. `collection` (optional) must "
    "be one of this family's collections. `source` runs the model on a stored item of yours: its file "
    "is sent as the model input `source.input` (default: the schema's first input of that media type); "
    "404 when the item is not yours, 422 when it has no stored file or the model no such input."
)


@router.post(
    "/run-video-model",
    response={200: RunVideoOut, **ERRORS},
    summary="Start a video generation",
    description=RUN_DESCRIPTION,
)
def run_video_model(request: HttpRequest, payload: RunIn) -> Status:
    return _run(request, "video", payload)


@router.post(
    "/run-image-model",
    response={200: RunImageOut, **ERRORS},
    summary="Start an image generation",
    description=RUN_DESCRIPTION,
)
def run_image_model(request: HttpRequest, payload: RunIn) -> Status:
    return _run(request, "image", payload)


@router.post(
    "/run-audio-model",
    response={200: RunAudioOut, **ERRORS},
    summary="Start an audio generation (music or speech)",
    description=RUN_DESCRIPTION,
)
def run_audio_model(request: HttpRequest, payload: RunIn) -> Status:
    return _run(request, "audio", payload)


# --- Uploads ------------------------------------------------------------------------------------------


@router.post(
    "/upload-image",
    response={200: UploadOut, **ERRORS, 413: DetailOut, 415: DetailOut},
    summary="Upload an input image (JPEG, PNG, GIF or WebP, at most UPLOAD_MAX_BYTES)",
)
def upload_image(request: HttpRequest, file: File[UploadedFile]) -> dict:
    stored = services.upload_image_store(
        user=request.auth, stream=file, filename=file.name or "", size=file.size
    )
    return {"success": True, "url": stored.url, "filename": stored.filename, "id": stored.asset.pk}


@router.post(
    "/upload-media",
    response={200: UploadOut, **ERRORS, 413: DetailOut, 415: DetailOut},
    summary="Upload an input file: an image, a video or audio (typed by its bytes, at most UPLOAD_MAX_BYTES)",
    description=(
        "For a model input of any media type. The answer is upload-image's: `url` is what to send as "
        "the input. Anything else (HTML, text, an archive) is refused with 400, nothing stored."
    ),
)
def upload_media(request: HttpRequest, file: File[UploadedFile]) -> dict:
    stored = services.upload_media_store(
        user=request.auth, stream=file, filename=file.name or "", size=file.size
    )
    return {"success": True, "url": stored.url, "filename": stored.filename, "id": stored.asset.pk}


@router.get(
    "/upload-image/{token}",
    auth=None,
    response={200: None, 404: DetailOut},
    summary="An uploaded input image behind a signed, expiring link (what Replicate fetches)",
)
def upload_image_fetch(request: HttpRequest, token: str) -> HttpResponse:
    asset_id = uploads.upload_token_asset_id(token=token)
    if asset_id is None:
        raise ServiceError("This link is not valid or has expired.", status_code=404)
    asset = selectors.upload_asset_get(asset_id=asset_id)
    if asset is None:
        raise ServiceError("This link is not valid or has expired.", status_code=404)
    return asset_response(request, asset)


# --- Webhook --------------------------------------------------------------------------------------------


@router.post(
    "/webhooks/replicate",
    auth=None,
    response={200: WebhookOut, 400: DetailOut, 401: DetailOut, 503: DetailOut},
    summary="Replicate's signed prediction webhook",
)
def replicate_webhook(request: HttpRequest, generation: int | None = None) -> Status:
    headers = {
        name: request.headers.get(name, "")
        for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
    }
    try:
        outcome = services.webhook_receive(generation_id=generation, headers=headers, body=request.body)
    except WebhookInvalid as exc:
        if exc.status_code == 503:  # busy, or cannot verify now: nothing recorded; say when to resend
            raise ServiceError(
                exc.message, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
            ) from exc
        return Status(exc.status_code, {"detail": exc.message})
    return Status(200, {"ok": outcome.accepted, "message": outcome.message})
