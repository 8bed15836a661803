"""Listing: visibility, filters, keyset pagination, indexes, and never a BLOB in a list query."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gallery import selectors
from gallery.models import Asset
from gallery.pagination import InvalidCursor, cursor_encode, keyset_page
from simpoc.services import ServiceError
from tests.gallery.factories import AssetFactory
from tests.gallery.media import png_bytes


@pytest.fixture
def gallery(user, other_user, staff_user):
    now = timezone.now()
    return {
        "old": AssetFactory(owner=user, created_at=now - timedelta(days=3)),
        "video": AssetFactory(owner=user, kind="video", content=png_bytes(color=(1, 1, 1)), created_at=now),
        "favorite": AssetFactory(owner=user, favorite=True, created_at=now - timedelta(days=1)),
        "hidden": AssetFactory(
            owner=user, hidden_at=now, hidden_by=staff_user, created_at=now - timedelta(days=2)
        ),
        "others": AssetFactory(owner=other_user, created_at=now - timedelta(hours=1)),
    }


def ids(queryset) -> list[int]:
    return [asset.pk for asset in queryset]


def test_a_user_lists_their_visible_assets_newest_first_without_thumbnails(user, gallery):
    assert ids(selectors.asset_list(user=user)) == [gallery[k].pk for k in ("video", "favorite", "old")]


def test_staff_list_everything_and_can_narrow_by_owner_and_hidden(staff_user, user, other_user, gallery):
    everything = ids(selectors.asset_list(user=staff_user))
    hidden = ids(selectors.asset_list(user=staff_user, hidden=True))
    theirs = ids(selectors.asset_list(user=staff_user, owner_id=other_user.pk))

    assert len(everything) == 5
    assert hidden == [gallery["hidden"].pk]
    assert theirs == [gallery["others"].pk]


def test_filters_by_kind_and_favorite(user, gallery):
    assert ids(selectors.asset_list(user=user, kind="video")) == [gallery["video"].pk]
    assert ids(selectors.asset_list(user=user, kind=["image", "video"], favorite=True)) == [
        gallery["favorite"].pk
    ]
    assert len(ids(selectors.asset_list(user=user, kind="thumbnail"))) == 4  # one per own asset


def test_a_user_cannot_narrow_their_way_into_other_users_assets(user, other_user, gallery):
    assert ids(selectors.asset_list(user=user, owner_id=other_user.pk)) == []
    assert ids(selectors.asset_list(user=user, hidden=True)) == []
    assert selectors.asset_get(user=user, asset_id=gallery["others"].pk) is None
    assert selectors.asset_get(user=user, asset_id=gallery["hidden"].pk) is None


def test_keyset_pages_walk_every_row_once_even_with_equal_timestamps(user):
    same_moment = timezone.now()
    assets = [AssetFactory(owner=user, created_at=same_moment) for _ in range(5)]
    expected = sorted((a.pk for a in assets), reverse=True)

    seen, cursor, pages = [], None, 0
    while True:
        page = selectors.asset_page(user=user, before=cursor, limit=2)
        seen += ids(page.items)
        pages += 1
        if page.next is None:
            break
        cursor = page.next

    assert seen == expected
    assert pages == 3


def test_rows_added_after_the_first_page_do_not_shift_the_next_one(user):
    first_batch = [AssetFactory(owner=user) for _ in range(3)]
    page = selectors.asset_page(user=user, limit=2)
    AssetFactory(owner=user)  # newer than everything

    second = selectors.asset_page(user=user, before=page.next, limit=2)

    assert ids(second.items) == [first_batch[0].pk]


@pytest.mark.parametrize(
    "cursor",
    ["%%%", "bm90IGEgY3Vyc29y", cursor_encode(created_at=datetime(2026, 1, 2, tzinfo=UTC), pk=1)[:-3]],
    ids=["not-base64", "no-separator", "truncated"],
)
def test_a_bad_cursor_is_a_422(user, cursor):
    with pytest.raises(InvalidCursor) as caught:
        selectors.asset_page(user=user, before=cursor)

    assert caught.value.status_code == 422


@pytest.mark.parametrize("limit", [0, 101])
def test_limit_is_bounded(user, limit):
    with pytest.raises(ServiceError):
        keyset_page(Asset.objects.all(), limit=limit)


def test_list_and_page_queries_never_select_the_blob(user, gallery, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as captured, django_assert_max_num_queries(1):
        page = selectors.asset_page(user=user, limit=50)
        for asset in page.items:
            assert asset.size_bytes > 0

    sql = captured.captured_queries[0]["sql"]
    assert '"gallery_asset"."data"' not in sql
    assert '"gallery_asset"."size_bytes"' in sql  # the check above would catch a real BLOB select


def test_related_access_and_deletion_leave_the_blob_alone(user, gallery):
    with CaptureQueriesContext(connection) as captured:
        thumbnail = Asset.objects.get(pk=gallery["old"].pk).thumbnail
        assert thumbnail.kind == "thumbnail"
        Asset.objects.filter(pk=gallery["video"].pk).delete()

    assert all('"gallery_asset"."data"' not in query["sql"] for query in captured.captured_queries)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's")
def test_a_users_gallery_page_uses_the_owner_kind_index(user, gallery):
    query = selectors.asset_list(user=user, kind="video").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())

    assert "asset_owner_kind_new" in plan
    assert "TEMP B-TREE" not in plan  # ordered by the index, no sort step
