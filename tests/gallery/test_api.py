"""Staff storage endpoints: statistics and deletion."""

import pytest

from gallery.models import Asset
from tests.gallery.factories import AssetFactory
from tests.gallery.media import png_bytes

STATS = "/api/admin/storage/stats"


def delete_url(asset_id: int) -> str:
    return f"/api/admin/storage/videos/{asset_id}"


@pytest.mark.parametrize(
    ("client_name", "expected"), [("anon_client", 401), ("user_client", 403), ("key_client", 403)]
)
@pytest.mark.parametrize("method", ["get_stats", "delete"])
def test_storage_endpoints_are_staff_only(request, user, client_name, expected, method):
    asset = AssetFactory(owner=user)
    client = request.getfixturevalue(client_name)

    response = client.get(STATS) if method == "get_stats" else client.delete(delete_url(asset.pk))

    assert response.status_code == expected
    assert response.json()["detail"]
    assert Asset.objects.filter(pk=asset.pk).exists()


def test_stats_add_up_by_kind_and_user(staff_client, user, other_user, mp4, django_assert_max_num_queries):
    images = [AssetFactory(owner=user, content=png_bytes(color=(i, 0, 0))) for i in range(2)]
    video = AssetFactory(owner=other_user, kind="video", content=mp4)
    render = AssetFactory(owner=other_user, kind="render", content=mp4)
    every = list(Asset.objects.all())

    with django_assert_max_num_queries(8):
        response = staff_client.get(STATS)

    assert response.status_code == 200
    stats = response.json()
    total = sum(a.size_bytes for a in every)
    assert stats["total_videos"] == 2
    assert stats["total_assets"] == len(every) == 8
    assert stats["total_size_bytes"] == total
    assert stats["total_size_mb"] == round(total / 1024**2, 2)
    assert stats["total_size_gb"] == round(total / 1024**3, 3)
    assert stats["by_kind"]["images"] == {"count": 2, "bytes": sum(a.size_bytes for a in images)}
    assert stats["by_kind"]["videos"] == {"count": 1, "bytes": video.size_bytes}
    assert stats["by_kind"]["renders"] == {"count": 1, "bytes": render.size_bytes}
    assert stats["by_kind"]["uploads"] == {"count": 0, "bytes": 0}
    assert stats["by_kind"]["thumbnails"]["count"] == 4
    assert stats["database_size_bytes"] > 0
    assert stats["object_storage"] == {"count": 0, "bytes": 0}
    assert [u["username"] for u in stats["largest_users"]] == [other_user.username, user.username]
    assert stats["largest_users"][0]["bytes"] == sum(
        a.size_bytes for a in every if a.owner_id == other_user.pk
    )


def test_stats_of_an_empty_site(staff_client):
    stats = staff_client.get(STATS).json()

    assert (stats["total_videos"], stats["total_size_bytes"], stats["largest_users"]) == (0, 0, [])


def test_staff_delete_removes_the_asset_and_its_thumbnail(staff_client, user):
    asset = AssetFactory(owner=user)

    response = staff_client.delete(delete_url(asset.pk))

    assert response.status_code == 200
    assert response.json()["deleted"] is True
    assert not Asset.objects.filter(pk__in=[asset.pk, asset.thumbnail_id]).exists()


def test_staff_delete_of_an_unknown_asset_is_404(staff_client):
    response = staff_client.delete(delete_url(999999))

    assert response.status_code == 404
    assert response.json() == {"detail": "Asset 999999 not found."}
