"""Gallery reads: visibility of one asset, the cursor, the gallery page's index, never a BLOB."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gallery import selectors
from gallery.models import Asset
from gallery.pagination import InvalidCursor, cursor_encode, cursor_for, keyset_filter
from media_gen.models import Generation
from media_gen.selectors import GenerationFilters, generation_list
from tests.gallery.factories import AssetFactory
from tests.gallery.media import png_bytes
from tests.media_gen.factories import GenerationFactory


@pytest.fixture
def gallery(user, other_user, staff_user):
    now = timezone.now()
    return {
        "old": AssetFactory(owner=user, created_at=now - timedelta(days=3)),
        "video": AssetFactory(owner=user, kind="video", content=png_bytes(color=(1, 1, 1)), created_at=now),
        "hidden": AssetFactory(
            owner=user, hidden_at=now, hidden_by=staff_user, created_at=now - timedelta(days=2)
        ),
        "others": AssetFactory(owner=other_user, created_at=now - timedelta(hours=1)),
    }


def test_a_user_gets_only_their_visible_assets_staff_get_any(user, staff_user, gallery):
    assert selectors.asset_get(user=user, asset_id=gallery["old"].pk) == gallery["old"]
    assert selectors.asset_get(user=user, asset_id=gallery["others"].pk) is None
    assert selectors.asset_get(user=user, asset_id=gallery["hidden"].pk) is None
    assert selectors.asset_get(user=staff_user, asset_id=gallery["hidden"].pk) == gallery["hidden"]


@pytest.mark.parametrize(
    "cursor",
    ["%%%", "bm90IGEgY3Vyc29y", cursor_encode(created_at=datetime(2026, 1, 2, tzinfo=UTC), pk=1)[:-3]],
    ids=["not-base64", "no-separator", "truncated"],
)
def test_a_bad_cursor_is_a_422(cursor):
    with pytest.raises(InvalidCursor) as caught:
        keyset_filter(Asset.objects.all(), before=cursor)

    assert caught.value.status_code == 422


def test_cursor_pages_walk_every_row_once_even_with_equal_timestamps(user):
    """keyset_filter and cursor_for, as the gallery's pages use them: ties broken by id, none skipped."""
    same_moment = timezone.now()
    made = [GenerationFactory(owner=user, kind="image", created_at=same_moment) for _ in range(5)]
    seen, cursor, pages = [], None, 0
    while True:
        rows = list(keyset_filter(Generation.objects.filter(owner=user), before=cursor)[:3])
        seen += [g.pk for g in rows[:2]]
        pages += 1
        if len(rows) <= 2:
            break
        cursor = cursor_for(rows[1])

    assert seen == sorted((g.pk for g in made), reverse=True)
    assert pages == 3


def test_related_access_and_deletion_leave_the_blob_alone(user, gallery):
    with CaptureQueriesContext(connection) as captured:
        thumbnail = Asset.objects.get(pk=gallery["old"].pk).thumbnail
        assert thumbnail.kind == "thumbnail"
        Asset.objects.filter(pk=gallery["video"].pk).delete()

    assert all('"gallery_asset"."data"' not in query["sql"] for query in captured.captured_queries)


def _plan(sql: str, params: tuple) -> str:
    """The engine's plan for the query, as text: the index names and any sort step show in it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        else:
            # A test table is tiny, so PostgreSQL would rightly scan it and sort the few rows. Make
            # scans and sorts cost-prohibitive for this transaction (they stay possible: a plan that
            # still needs a sort shows it) to see whether an index serves the filter and the order,
            # as it must for a million rows (bench/bench_listing.py).
            cursor.execute("ANALYZE media_gen_generation")  # statistics of the rows just made
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


@pytest.mark.parametrize("kind", ["image", "video"])
def test_the_gallery_page_query_uses_the_owner_kind_index_without_sorting(user, other_user, kind):
    """The gallery page lists /api/images and /api/videos: ``generation_list`` is its query."""
    for owner, count in ((user, 3), (other_user, 5)):
        for n in range(count):
            GenerationFactory(owner=owner, kind=kind, status=Generation.Status.COMPLETED, prompt=f"{n}")
    page = generation_list(user=user, kind=kind, filters=GenerationFilters())[:50]
    sql, params = page.query.sql_with_params()

    plan = _plan(sql, params)

    assert "generation_owner_kind_new" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan  # ordered by the index itself
    assert [g.owner_id for g in page] == [user.pk] * 3
