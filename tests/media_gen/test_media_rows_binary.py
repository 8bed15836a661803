"""The media query's rows are the same on both engines, and PostgreSQL sends the bytes in binary."""

import pytest
from django.db import connection

from media_gen import selectors
from tests.gallery.factories import AssetFactory
from tests.gallery.media import png_bytes
from tests.media_gen.factories import GenerationFactory

pytestmark = pytest.mark.django_db


def test_stored_media_carries_the_exact_bytes_and_an_aware_time(user):
    payload = png_bytes(120, 90)  # zeros and high bytes: hex or escapes would show
    generation = GenerationFactory(owner=user, asset=AssetFactory(owner=user, content=payload))

    media = selectors.stored_media(user=user, kind=generation.kind, generation_id=generation.pk)

    assert media is not None and media.data == payload and isinstance(media.data, bytes)
    assert media.created_at.tzinfo is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's result format")
def test_postgresql_answers_the_media_query_in_binary(user, monkeypatch):
    import psycopg

    generation = GenerationFactory(owner=user, asset=AssetFactory(owner=user, content=png_bytes(8, 8)))

    formats = []
    execute = psycopg.Cursor.execute

    def recording(self, query, params=None, **kwargs):
        formats.append(kwargs.get("binary"))
        return execute(self, query, params, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", recording)
    media = selectors.stored_media(user=user, kind=generation.kind, generation_id=generation.pk)

    assert media is not None and media.data == png_bytes(8, 8)
    assert formats == [True]
