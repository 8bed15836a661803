"""The gallery's first page built from the prepared query's raw rows (``api._first_page``) is, byte
for byte, the page ``selectors.generation_page`` and ``_record`` give (the general path that filters,
cursors, offsets and staff take), for records of every shape, on either engine."""

import json
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone as django_timezone
from django.utils.dateparse import parse_datetime

from gallery.models import Asset
from media_gen import api, prepared, selectors
from media_gen.models import Generation, GenerationOutput
from tests.gallery.factories import AssetFactory
from tests.gallery.media import png_bytes
from tests.media_gen.factories import GenerationFactory
from tests.media_gen.test_fast_page import every_kind_of_record

pytestmark = pytest.mark.django_db

KINDS = ["image", "video", "audio"]


def dumped(body: dict) -> bytes:
    """``_page``'s serialisation of a body."""
    try:
        return orjson.dumps(body)
    except orjson.JSONEncodeError:
        return json.dumps(body).encode()


def general(user, kind: str, limit: int) -> bytes:
    """The first page through the selector and ``_record`` (what the routes answered before)."""
    page = selectors.generation_page(user=user, kind=kind, filters=selectors.GenerationFilters(), limit=limit)
    return dumped(api._body(kind, api._records_of(user, kind, page.items), page))


def every_shape(user, kind: str, *, huge: bool = False) -> None:
    """``every_kind_of_record`` and the shapes it lacks: further outputs, captions, a combine's items,
    datetimes on whole seconds and at a microsecond, unicode in ``inputs``, and with ``huge`` an
    integer past 64 bits (the page then goes to ``json.dumps``)."""
    every_kind_of_record(user, kind)
    second = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    stored = GenerationFactory(
        owner=user,
        kind=kind,
        asset=AssetFactory(owner=user, kind=Asset.Kind.IMAGE, content=png_bytes(42, 30)),
        completed_at=second,
        inputs={
            "prompt": "日本語 ✓ \u00e9\u0301",
            "seed": 2**70 if huge else 2**63,
            "neg": -(2**63),
            "f": 1e-7,
            "s": '\\"\n',
        },
    )
    Generation.objects.filter(pk=stored.pk).update(
        created_at=second, updated_at=second + timedelta(microseconds=1)
    )
    for position in (1, 2):
        GenerationOutput.objects.create(
            generation=stored,
            position=position,
            asset=AssetFactory(owner=user, kind=Asset.Kind.IMAGE, content=png_bytes(43 + position, 30)),
        )
    GenerationFactory(
        owner=user,
        kind=kind,
        source_kind="combine",
        source_id=stored.pk,
        inputs={"items": [{"kind": kind, "id": stored.pk}], "big": 18446744073709551615},
        completed_at=second + timedelta(microseconds=999),
    )
    if kind == "video":
        GenerationFactory(
            owner=user,
            kind="video",
            source_kind="video",
            source_id=stored.pk,
            status="completed",
            text_output="a caption",
        )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("limit", [1, 5, 50, 100])
@pytest.mark.parametrize("huge", [False, True])
def test_first_page_is_the_selectors_page(user, other_user, kind, limit, huge):
    every_shape(user, kind, huge=huge)
    GenerationFactory(owner=other_user, kind=kind)  # someone else's: never listed
    fast = dumped(api._first_page(user, kind, limit))
    assert fast == general(user, kind, limit)
    assert dumped(api._first_page(user, kind, limit)) == fast, "the records kept give the same bytes"
    body = json.loads(fast)
    assert len(body[f"{kind}s" if kind != "audio" else "audio"]) == min(limit, body["total"])
    assert (body["next"] is not None) == (limit < body["total"])


@pytest.mark.parametrize("kind", KINDS)
def test_without_the_layout_the_converters_give_the_same_page(user, kind, monkeypatch):
    every_shape(user, kind)
    monkeypatch.setattr(api, "_first_page_layout", lambda prepared: None)
    assert dumped(api._first_page(user, kind, 5)) == general(user, kind, 5)


def test_a_page_of_plain_records_is_two_queries(user):
    for _ in range(3):
        GenerationFactory(owner=user, asset=AssetFactory(owner=user))
    api._first_page(user, "image", 50)  # compiled
    with CaptureQueriesContext(connection) as queries:
        api._first_page(user, "image", 50)
    assert len(queries) == 2, "the count and the rows; no extras to read"


@pytest.mark.parametrize("kind", KINDS)
def test_the_first_pages_query_is_the_selectors(user, kind, monkeypatch):
    monkeypatch.setattr(prepared, "_local", type(prepared._local)())
    selectors.generation_page(user=user, kind=kind, filters=selectors.GenerationFilters(), limit=50)
    api._first_page(user, kind, 50)
    cache = prepared._local.prepared
    first = cache[(("first_page", kind, 50), api._DATETIMES)]
    sql = first.sql.replace(f" [{prepared.TEXT_CONVERTER}]", "")  # SQLite's columns read as text
    assert sql == cache[("generation_page", kind, 50)].sql
    assert first.params == cache[("generation_page", kind, 50)].params


def test_a_datetime_not_in_utc_takes_the_encoders_text(user, monkeypatch):
    GenerationFactory(owner=user, completed_at=django_timezone.now())
    zone = timezone(timedelta(hours=2))
    original = api.prepared_rows

    def in_another_zone(key, *, user, build, as_text=()):
        found, rows = original(key, user=user, build=build, as_text=as_text)
        names = found.names
        moved = [
            tuple(
                found.converted(row, name).astimezone(zone)
                if value is not None and name in {"created_at", "updated_at", "completed_at"}
                else value
                for name, value in zip(names, row, strict=True)
            )
            for row in rows
        ]
        return found, moved

    monkeypatch.setattr(api, "prepared_rows", in_another_zone)
    (record,) = json.loads(dumped(api._first_page(user, "image", 50)))["images"]
    generation = Generation.objects.get()
    assert record["created_at"] == DjangoJSONEncoder().default(generation.created_at.astimezone(zone))
    assert record["created_at"].endswith("+02:00")
    assert record["updated_at"] == DjangoJSONEncoder().default(generation.updated_at.astimezone(zone))
    assert record["metadata"]["completed_at"] == generation.completed_at.astimezone(zone).isoformat()


@pytest.mark.parametrize(
    "text",
    [
        "{}",
        '{"prompt": "ü", "seed": 7}',
        '{"a": 123456789012345678901234567890}',
        '{"a": -9223372036854775809, "b": 18446744073709551616}',
        '{"a": 0.12345678901234567890123}',
        '{"a": NaN, "b": Infinity}',
        '"\\ud800"',
        '{"a": 1e400}',
        '[1.0, -0.0, 1E5, "\\u00e9"]',
        "null",
    ],
)
def test_inputs_decode_as_json_loads(text):
    decoded = api._inputs(text)
    expected = json.loads(text)
    assert repr(decoded) == repr(expected)
    assert [type(value) for value in _leaves(decoded)] == [type(value) for value in _leaves(expected)]


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def test_a_kept_record_follows_its_row(user, monkeypatch):
    """A change to any column a record shows is a new record, even one that leaves ``updated_at``
    alone (a queryset update, a thumbnail stored on the asset)."""
    monkeypatch.setattr(api, "_RECORD_JSON", {})
    asset = AssetFactory(owner=user)
    generation = GenerationFactory(owner=user, asset=asset)
    first = json.loads(dumped(api._first_page(user, "image", 50)))["images"][0]
    assert len(api._RECORD_JSON) == 1 and first["favorite"] is False
    Generation.objects.filter(pk=generation.pk).update(favorite=True)
    assert json.loads(dumped(api._first_page(user, "image", 50)))["images"][0]["favorite"] is True
    thumbnail = AssetFactory(owner=user, content=png_bytes(20, 20))
    Asset.objects.filter(pk=asset.pk).update(thumbnail=thumbnail)
    record = json.loads(dumped(api._first_page(user, "image", 50)))["images"][0]
    assert record["thumbnail_url"].startswith(f"/api/images/{generation.pk}/thumbnail?v=")
    assert dumped(api._first_page(user, "image", 50)) == general(user, "image", 50)


def test_the_kept_records_are_bounded(user, monkeypatch):
    monkeypatch.setattr(api, "_RECORD_JSON", {})
    monkeypatch.setattr(api, "RECORD_JSON_MAX", 3)
    for _ in range(5):
        GenerationFactory(owner=user)
    assert dumped(api._first_page(user, "image", 50)) == general(user, "image", 50)
    assert len(api._RECORD_JSON) <= 3


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-02 03:04:05",
        "2026-01-02 03:04:05.123456",
        "2026-01-02 03:04:05.000999",
        "2026-01-02 03:04:05.000001",
        "2026-01-02 03:04:05.000000",
        "0999-12-31 23:59:59.999999",
        "2026-01-02 03:04:05.123",
        "2026-01-02 03:04:05+00",  # PostgreSQL's output in UTC: the fraction's trailing zeros dropped
        "2026-01-02 03:04:05.5+00",
        "2026-01-02 03:04:05.0005+00",
        "2026-01-02 03:04:05.123456+00",
    ],
)
def test_a_datetimes_text_is_formatted_as_the_encoder_would(text):
    value = parse_datetime(text).replace(tzinfo=UTC)
    date, time = api._text_parts(text)
    assert f"{date}T{time[:12]}Z" == DjangoJSONEncoder().default(value)
    assert f"{date}T{time}+00:00" == value.isoformat()


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-02T03:04:05",
        "2026-01-02 03:04:05+00:00",
        "2026-01-02 03:04:05+02",
        "2026-01-02 03:04:05.1234567",
        "2026-01-02 03:04:05.12a",
        "2026-01-02 03:04:05,123",
        "20260102 030405",
        "",
    ],
)
def test_other_texts_take_the_converters(text):
    assert api._text_parts(text) is None


def test_the_datetimes_come_as_text(user):
    GenerationFactory(owner=user, completed_at=django_timezone.now())
    found, (row,) = api.prepared_rows(
        ("first_page", "image", 50),
        user=user,
        build=api._first_page_rows("image", 50),
        as_text=api._DATETIMES,
    )
    values = [row[found.names.index(name)] for name in api._DATETIMES]
    assert found.text_columns == set(api._DATETIMES)
    assert all(isinstance(value, str) for value in values)
    generation = Generation.objects.get()
    assert found.converted(row, "created_at") == generation.created_at
    assert found.converted(row, "completed_at") == generation.completed_at
    # Other queries on the connection still read datetimes (the text loader was the cursor's).
    assert isinstance(Generation.objects.values_list("created_at", flat=True).get(), datetime)


def test_without_every_datetime_as_text_postgresql_parses_them(user):
    GenerationFactory(owner=user)
    found, (row,) = api.prepared_rows(
        ("first_page", "image", 50),
        user=user,
        build=api._first_page_rows("image", 50),
        as_text=("created_at",),
    )
    assert isinstance(row[found.names.index("updated_at")], datetime)
    created_at = row[found.names.index("created_at")]
    assert isinstance(created_at, datetime if connection.vendor == "postgresql" else str)
