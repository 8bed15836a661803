"""Listing (permissions, filters, cursor, query budget, no BLOB) and the cached catalogue."""

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from media_gen.models import Generation
from tests.gallery.factories import AssetFactory
from tests.media_gen.factories import GenerationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_users_generations(user, other_user):
    mine = [GenerationFactory(owner=user, asset=AssetFactory(owner=user)) for _ in range(3)]
    theirs = [GenerationFactory(owner=other_user, asset=AssetFactory(owner=other_user)) for _ in range(2)]
    return mine, theirs


@pytest.mark.parametrize("who", ["user", "other"])
@pytest.mark.parametrize(
    ("method", "suffix", "owner_status"),
    [
        ("get", "", 200),
        ("get", "/data", 200),
        ("get", "/thumbnail", 200),
        ("patch", "", 200),
        ("post", "/cancel", 409),
        ("delete", "", 200),
    ],
)
def test_only_the_owner_reaches_a_generation(
    two_users_generations, user_client, other_client, who, method, suffix, owner_status
):
    mine, _ = two_users_generations
    client = user_client if who == "user" else other_client
    kwargs = {"data": {"favorite": True}, "content_type": "application/json"} if method == "patch" else {}
    response = getattr(client, method)(f"/api/images/{mine[0].pk}{suffix}", **kwargs)
    assert response.status_code == (owner_status if who == "user" else 404)


def test_staff_sees_everyone_and_hidden_items(two_users_generations, user_client, staff_client):
    mine, _ = two_users_generations
    from gallery.models import Asset

    Asset.objects.filter(pk=mine[0].asset_id).update(hidden_at=timezone.now(), hidden_reason="spam")
    assert user_client.get("/api/images").json()["total"] == 2
    assert user_client.get(f"/api/images/{mine[0].pk}").status_code == 404
    assert staff_client.get("/api/images").json()["total"] == 5
    assert staff_client.get(f"/api/images/{mine[0].pk}/data").status_code == 200


def test_anonymous_is_401(anon_client):
    assert anon_client.get("/api/images").status_code == 401


def test_filters_and_cursor(user, user_client):
    GenerationFactory(owner=user, prompt="a blue whale", model_id="stability-ai/sdxl", favorite=True)
    GenerationFactory(owner=user, prompt="a red fox", status="failed", error="boom")
    for _ in range(3):
        GenerationFactory(owner=user, kind="video", model_id="minimax/video-01", collection="text-to-video")
    assert [r["prompt"] for r in user_client.get("/api/images?q=WHALE").json()["images"]] == ["a blue whale"]
    assert user_client.get("/api/images?status=failed").json()["images"][0]["error"] == "boom"
    assert user_client.get("/api/images?favorite=true").json()["total"] == 1
    assert user_client.get("/api/images?model_id=stability-ai/sdxl").json()["total"] == 1
    assert user_client.get("/api/videos?collection=text-to-video").json()["total"] == 3
    assert user_client.get("/api/images?status=sideways").status_code == 422
    assert user_client.get("/api/images?before=garbage").status_code == 422
    first = user_client.get("/api/videos?limit=2").json()
    second = user_client.get(f"/api/videos?limit=2&before={first['next']}").json()
    assert len(first["videos"]) == 2 and len(second["videos"]) == 1 and second["next"] is None
    ids = [v["id"] for v in first["videos"] + second["videos"]]
    assert ids == sorted(ids, reverse=True)
    assert user_client.get("/api/videos?limit=1&offset=2").json()["videos"][0]["id"] == ids[2]
    assert user_client.get("/api/videos?limit=101").status_code == 422


def test_list_query_budget_and_no_blob(user, user_client, django_assert_max_num_queries):
    for _ in range(12):
        GenerationFactory(owner=user, asset=AssetFactory(owner=user))
    with CaptureQueriesContext(connection) as captured, django_assert_max_num_queries(6):
        response = user_client.get("/api/images?limit=50")
    assert response.status_code == 200 and len(response.json()["images"]) == 12
    record = response.json()["images"][0]
    assert urlsplit(record["image_url"]).path.endswith("/data")
    assert urlsplit(record["thumbnail_url"]).path.endswith("/thumbnail")
    assert record["image_url"].endswith("?v=" + Generation.objects.get(pk=record["id"]).asset.sha256[:16])
    assert record["content_type"] == "image/png" and record["size_bytes"] > 0
    listing = [q["sql"] for q in captured.captured_queries if "media_gen_generation" in q["sql"]]
    assert listing, "the listing query was not captured"
    for sql in listing:
        assert '"gallery_asset"."data"' not in sql


def test_catalogue_flattens_enums_and_keeps_order(anon_client, emulator):
    response = anon_client.get("/api/image-models?collection=text-to-image")
    assert response.status_code == 200
    body = response.json()
    assert body["demo_mode"] is True and body["stale"] is False
    assert {m["id"] for m in body["models"]} >= {"black-forest-labs/flux-schnell", "stability-ai/sdxl"}
    assert all(m["input_schema"] is None for m in body["models"])
    schema = anon_client.get("/api/image-models/black-forest-labs/flux-schnell/schema").json()
    assert schema["required"] == ["prompt"]
    aspect = schema["input_schema"]["aspect_ratio"]
    assert "allOf" not in aspect and aspect["enum"][:2] == ["1:1", "16:9"] and aspect["x-order"] == 1
    assert aspect["default"] == "1:1" and aspect["type"] == "string"
    duration = anon_client.get("/api/video-models/kwaivgi/kling-v1.6-standard/schema").json()["input_schema"][
        "duration"
    ]
    assert duration["enum"] == [5, 10] and duration["type"] == "integer"
    assert anon_client.get("/api/video-models?collection=text-to-image").status_code == 422
    missing = anon_client.get("/api/video-models/nobody/nothing/schema")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No model named 'nobody/nothing' on Replicate."


def test_catalogue_serves_the_last_good_copy_when_upstream_fails(anon_client, emulator):
    from django.core.cache import cache

    assert anon_client.get("/api/video-models?collection=image-to-video").json()["stale"] is False
    for key in list(cache._cache):  # the fresh copies expire; the last good ones stay
        if ":last-good" not in key:
            cache.delete(key.split(":", 2)[-1])
    emulator.set_faults(server_error=50, server_error_status=500)
    stale = anon_client.get("/api/video-models?collection=image-to-video")
    assert stale.status_code == 200 and stale.json()["stale"] is True
    assert len(stale.json()["models"]) == 4
    nothing_cached = anon_client.get("/api/video-models?collection=text-to-video")
    assert nothing_cached.status_code == 503
    assert "unavailable" in nothing_cached.json()["detail"]


def test_replicate_models_search_and_pages(anon_client, emulator):
    first = anon_client.get("/api/replicate-models").json()
    assert len(first["results"]) == 5 and first["next"]
    second = anon_client.get("/api/replicate-models", {"cursor": first["next"]}).json()
    assert {r["name"] for r in second["results"]}.isdisjoint({r["name"] for r in first["results"]})
    found = anon_client.get("/api/replicate-models?query=kling").json()["results"]
    assert [r["name"] for r in found] == ["kling-v1.6-standard"]
    assert anon_client.get("/api/replicate-models?cursor=https://evil.example/v1/models").status_code == 422


def test_upload_rules(user_client, settings, emulator):
    import io

    from tests.gallery.media import png_bytes

    settings.UPLOAD_MAX_BYTES = 2000
    big = io.BytesIO(png_bytes(400, 400) + b"\0" * 3000)
    big.name = "big.png"
    assert user_client.post("/api/upload-image", {"file": big}).status_code == 413
    text = io.BytesIO(b"just some text, not an image at all")
    text.name = "fake.png"
    wrong = user_client.post("/api/upload-image", {"file": text})
    assert wrong.status_code == 400 and "JPEG, PNG" in wrong.json()["detail"]


def test_upload_gives_a_signed_link_on_a_public_site(user_client, anon_client, public_site):
    import io

    from tests.gallery.media import png_bytes

    picture = io.BytesIO(png_bytes())
    picture.name = "p.png"
    body = user_client.post("/api/upload-image", {"file": picture}).json()
    assert body["url"].startswith("https://simpoc.example.com/api/upload-image/")
    path = body["url"].removeprefix("https://simpoc.example.com")
    fetched = anon_client.get(path)
    assert fetched.status_code == 200 and fetched["Content-Type"] == "image/png"
    assert anon_client.get(path[:-3] + "xyz").status_code == 404
