"""The page body's datetimes and JSON: as ninja (DjangoJSONEncoder) would write them."""

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from media_gen import api
from tests.media_gen.factories import GenerationFactory


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, 999, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, 1000, tzinfo=timezone(timedelta(hours=2))),
        datetime(2026, 1, 2, 3, 4, 5, 7),
    ],
)
def test_datetime_text_is_the_encoders(value):
    assert api._datetime_text(value) == DjangoJSONEncoder().default(value)


@pytest.mark.django_db
def test_page_body_parses_as_the_encoders_json(user, user_client):
    generation = GenerationFactory(owner=user, inputs={"prompt": "ü", "seed": 2**70, "scale": 0.1})
    response = user_client.get("/api/images")
    body = json.loads(response.content)
    (record,) = body["images"]
    assert record["parameters"] == {"prompt": "ü", "seed": 2**70, "scale": 0.1}  # past orjson's 64 bits
    generation.refresh_from_db()
    assert record["created_at"] == DjangoJSONEncoder().default(generation.created_at)
