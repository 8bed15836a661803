"""The media query's rows are the same on both engines; PostgreSQL sends the bytes in binary, and only
when the process does not keep them already."""

import pytest
from django.db import connection
from django.utils import timezone

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


@pytest.fixture
def queries(monkeypatch):
    """Every query reading assets, as (SQL, whether its result came in binary)."""
    import psycopg

    seen = []
    execute = psycopg.Cursor.execute

    def recording(self, query, params=None, **kwargs):
        if "FROM gallery_asset" in str(query) or "JOIN gallery_asset" in str(query):
            seen.append((str(query), kwargs.get("binary")))
        return execute(self, query, params, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", recording)
    selectors.kept_bytes.clear()
    yield seen
    selectors.kept_bytes.clear()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's result format and TOAST")
def test_postgresql_reads_small_bytes_once_in_binary_then_keeps_them(user, queries):
    content = png_bytes(8, 8)
    generation = GenerationFactory(owner=user, asset=AssetFactory(owner=user, content=content))

    queries.clear()
    first = selectors.stored_media(user=user, kind=generation.kind, generation_id=generation.pk)
    second = selectors.stored_media(user=user, kind=generation.kind, generation_id=generation.pk)

    assert first.data == content and second.data == content
    assert [binary for _, binary in queries] == [True, True, True]
    assert "SELECT data FROM" in queries[1][0]  # the bytes, once; the metadata each time
    assert "SELECT data FROM" not in queries[2][0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bytes kept in memory are PostgreSQL's")
def test_kept_bytes_never_serve_an_asset_its_owner_hid(user, queries):
    generation = GenerationFactory(owner=user, asset=AssetFactory(owner=user, content=png_bytes(8, 8)))
    assert selectors.stored_media(user=user, kind=generation.kind, generation_id=generation.pk)

    generation.asset.hidden_at = timezone.now()
    generation.asset.save(update_fields=["hidden_at"])

    assert selectors.stored_media(user=user, kind=generation.kind, generation_id=generation.pk) is None


def test_the_kept_bytes_stay_within_their_budget():
    kept = selectors._KeptBytes(budget=10)
    kept.put((1, "a"), b"12345")
    kept.put((2, "b"), b"12345")
    assert kept.get((1, "a")) == b"12345"  # now the most recently used
    kept.put((3, "c"), b"123")

    assert kept.get((2, "b")) is None and kept.get((1, "a")) and kept.get((3, "c"))
    kept.put((4, "d"), b"x" * 11)  # larger than the whole budget: not kept
    assert kept.get((4, "d")) is None
