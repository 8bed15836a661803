"""``total`` of the listing: hidden outputs left out, with filters, on both counting paths."""

import pytest
from django.utils import timezone

from gallery.models import Asset
from media_gen import selectors
from tests.gallery.factories import AssetFactory
from tests.media_gen.factories import GenerationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(user, other_user):
    shown = [GenerationFactory(owner=user, asset=AssetFactory(owner=user)) for _ in range(3)]
    hidden = [GenerationFactory(owner=user, asset=AssetFactory(owner=user), favorite=True) for _ in range(2)]
    GenerationFactory(owner=user)  # no output yet: listed
    GenerationFactory(owner=user, kind="video")  # another kind
    theirs = GenerationFactory(owner=other_user, asset=AssetFactory(owner=other_user))
    Asset.objects.filter(pk__in=[g.asset_id for g in [*hidden, theirs]]).update(
        hidden_at=timezone.now(), hidden_reason="spam"
    )
    return shown, hidden


@pytest.mark.parametrize("inline_max", [500, 0])  # 0: more hidden assets than inlined, the join counts
@pytest.mark.parametrize(
    ("query", "expected"),
    [("", 4), ("?favorite=true", 0), ("?favorite=false", 4), ("?status=completed", None)],
)
def test_total_matches_the_listed_rows(mixed, user_client, monkeypatch, inline_max, query, expected):
    monkeypatch.setattr(selectors, "HIDDEN_INLINE_MAX", inline_max)
    body = user_client.get(f"/api/images{query}{'&' if query else '?'}limit=100").json()
    assert body["total"] == len(body["images"])
    if expected is not None:
        assert body["total"] == expected


def test_staff_total_counts_hidden_ones(mixed, staff_client):
    assert staff_client.get("/api/images").json()["total"] == 7


def test_unfiltered_total_is_one_raw_count_while_nothing_is_hidden(user, other_user, user_client):
    for _ in range(3):
        GenerationFactory(owner=user, asset=AssetFactory(owner=user))
    GenerationFactory(owner=user)  # no output yet: counted
    GenerationFactory(owner=user, kind="video")  # another kind
    GenerationFactory(owner=other_user, asset=AssetFactory(owner=other_user))
    assert selectors._unfiltered_total(user=user, kind="image") == 4
    body = user_client.get("/api/images").json()
    assert body["total"] == len(body["images"]) == 4


def test_unfiltered_total_leaves_hidden_assets_to_the_exact_count(mixed, user):
    # Someone else's hidden asset is enough: the raw count cannot tell whose it is.
    assert selectors._unfiltered_total(user=user, kind="image") is None
    filters = selectors.GenerationFilters()
    assert selectors.generation_total(user=user, kind="image", filters=filters) == 4
