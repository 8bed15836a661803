"""Versioned media URLs, the API-key fast path for a generation's bytes, and the list built without
re-validation: each answers exactly what the declared routes answer."""

import json
import re
from datetime import timedelta

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from gallery.models import Asset
from gallery.streaming import IMMUTABLE_CACHE_CONTROL
from media_gen import fastpath
from media_gen.models import Generation
from media_gen.schemas import ImageListOut
from simpoc.models import ApiKey
from tests.conftest import signed_in_client
from tests.factories import make_api_key
from tests.gallery.factories import AssetFactory
from tests.gallery.media import png_bytes
from tests.media_gen.factories import GenerationFactory

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def image(user) -> Generation:
    return GenerationFactory(owner=user, asset=AssetFactory(owner=user, content=png_bytes(80, 60)))


@pytest.fixture
def served_by_fast_path(monkeypatch) -> list:
    """Records every answer the middleware gives itself (the routes' answers are not recorded)."""
    answered: list = []
    original = fastpath.stored_media_response

    def spy(*args, **kwargs):
        answered.append(args[1].pk)
        return original(*args, **kwargs)

    monkeypatch.setattr(fastpath, "stored_media_response", spy)
    return answered


def test_record_urls_carry_the_content_version(user_client, image):
    record = user_client.get(f"/api/images/{image.pk}").json()
    asset = image.asset
    thumbnail = Asset.objects.get(pk=asset.thumbnail_id)
    assert record["image_url"] == f"/api/images/{image.pk}/data?v={asset.sha256[:16]}"
    assert record["thumbnail_url"] == f"/api/images/{image.pk}/thumbnail?v={thumbnail.sha256[:16]}"
    listed = user_client.get("/api/images").json()["images"][0]
    assert (listed["image_url"], listed["thumbnail_url"]) == (record["image_url"], record["thumbnail_url"])


@pytest.mark.parametrize("client_fixture", ["user_client", "key_client"])
def test_a_matching_version_is_cached_for_good_a_stale_one_is_not(request, client_fixture, image):
    client = request.getfixturevalue(client_fixture)
    record = client.get(f"/api/images/{image.pk}").json()
    for url, default in (
        (record["image_url"], "private, no-cache"),
        (record["thumbnail_url"], "private, max-age=3600"),
    ):
        assert client.get(url)["Cache-Control"] == IMMUTABLE_CACHE_CONTROL
        path = url.split("?")[0]
        assert client.get(path)["Cache-Control"] == default, "unversioned URLs answer as before"
        stale = client.get(path + "?v=0000000000000000")
        assert stale.status_code == 200 and stale["Cache-Control"] == default


def test_new_bytes_give_a_new_url(user_client, user, image):
    before = user_client.get(f"/api/images/{image.pk}").json()["image_url"]
    Generation.objects.filter(pk=image.pk).update(asset=AssetFactory(owner=user, content=png_bytes(81, 60)))
    after = user_client.get(f"/api/images/{image.pk}").json()["image_url"]
    assert before != after and before.split("?")[0] == after.split("?")[0]
    assert user_client.get(after)["Cache-Control"] == IMMUTABLE_CACHE_CONTROL
    assert user_client.get(before)["Cache-Control"] == "private, no-cache", (
        "the old version is not vouched for"
    )


def test_a_version_is_never_a_credential(image, other_user):
    record_url = f"/api/images/{image.pk}/data?v={image.asset.sha256[:16]}"
    other_key = Client(HTTP_X_API_KEY=make_api_key(other_user)[1])
    assert other_key.get(record_url).status_code == 404
    assert other_key.get(record_url.replace("/data", "/thumbnail")).status_code == 404
    assert Client().get(record_url).status_code == 401


@pytest.mark.parametrize("client_fixture", ["key_client", "user_client"])
@pytest.mark.parametrize("part", ["data", "thumbnail"])
def test_keys_and_sessions_are_served_by_the_fast_path_with_the_routes_headers(
    request, monkeypatch, client_fixture, part, image, served_by_fast_path
):
    client = request.getfixturevalue(client_fixture)
    path = f"/api/images/{image.pk}/{part}"
    fast = client.get(path)
    assert len(served_by_fast_path) == 1
    with monkeypatch.context() as patch:  # the same request through the route
        patch.setattr(fastpath, "MEDIA_PATH", re.compile("^$"))
        routed = client.get(path)
    assert len(served_by_fast_path) == 1
    fast_body = body(fast)
    assert fast_body == body(routed)
    if part == "data":
        assert fast_body == png_bytes(80, 60)
    assert fast.status_code == routed.status_code == 200
    assert sorted(fast.headers.items()) == sorted(routed.headers.items())


def test_a_stale_session_is_the_routes_to_judge(user, image, served_by_fast_path):
    client = signed_in_client(user)
    user.set_password("a new password, which logs every session out")
    user.save()
    assert client.get(f"/api/images/{image.pk}/data").status_code == 401
    assert served_by_fast_path == []


def test_an_inactive_users_session_is_the_routes_to_judge(user, image, served_by_fast_path):
    client = signed_in_client(user)
    user.is_active = False
    user.save()
    assert client.get(f"/api/images/{image.pk}/data").status_code == 401
    assert served_by_fast_path == []


def test_a_session_reads_its_user_with_the_media(user, image, served_by_fast_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/images/{image.pk}/data").status_code == 200
    assert served_by_fast_path == [image.asset_id]
    # The session row, then the user and the media in one statement (leaving out PostgreSQL's first
    # read of a small asset's bytes, which each process then keeps).
    reads = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SELECT data FROM")]
    assert len(reads) == 2
    assert "django_session" in reads[0]
    assert "auth_user" in reads[1] and "media_gen_generation" in reads[1]


def test_a_staff_session_is_served_any_users_media(image, served_by_fast_path):
    from tests.factories import StaffFactory

    staff = signed_in_client(StaffFactory())
    assert body(staff.get(f"/api/images/{image.pk}/data")) == png_bytes(80, 60)
    assert served_by_fast_path == [image.asset_id]


def test_a_session_never_reaches_another_users_media(other_client, image, served_by_fast_path):
    assert other_client.get(f"/api/images/{image.pk}/data").status_code == 404
    assert other_client.get(f"/api/images/{image.pk}/thumbnail").status_code == 404
    assert served_by_fast_path == []


def test_fast_path_ranges_conditionals_and_head(key_client, image, served_by_fast_path):
    path = f"/api/images/{image.pk}/data"
    size = image.asset.size_bytes
    part = key_client.get(path, HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206 and body(part) == png_bytes(80, 60)[10:20]
    assert part["Content-Range"] == f"bytes 10-19/{size}"
    assert key_client.get(path, HTTP_RANGE=f"bytes={size}-").status_code == 416
    etag = key_client.get(path)["ETag"]
    assert key_client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
    head = key_client.head(path)
    assert head.status_code == 200 and head["Content-Length"] == str(size)
    thumbnail = key_client.get(f"/api/images/{image.pk}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"].startswith("image/")
    assert len(served_by_fast_path) == 6


def test_fast_path_leaves_every_refusal_to_the_routes(user, other_user, image, served_by_fast_path):
    path = f"/api/images/{image.pk}/data"
    assert Client(HTTP_X_API_KEY="sk_notakey").get(path).status_code == 401
    other = Client(HTTP_X_API_KEY=make_api_key(other_user)[1])
    assert other.get(path).status_code == 404
    mine = Client(HTTP_X_API_KEY=make_api_key(user)[1])
    assert mine.get(f"/api/videos/{image.pk}/data").status_code == 404, "the kind is part of the path"
    Asset.objects.filter(pk=image.asset_id).update(hidden_at=timezone.now())
    assert mine.get(path).status_code == 404, "a hidden output is only for staff"
    ApiKey.objects.filter(user=user).update(
        created_at=timezone.now() - timedelta(hours=2), expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert mine.get(path).status_code == 401
    assert served_by_fast_path == []


def test_fast_path_marks_the_key_used_at_most_once_a_minute(user, image):
    api_key, raw = make_api_key(user)
    client = Client(HTTP_X_API_KEY=raw)
    assert client.get(f"/api/images/{image.pk}/data").status_code == 200
    first = ApiKey.objects.get(pk=api_key.pk).last_used
    assert first is not None
    client.get(f"/api/images/{image.pk}/data")
    assert ApiKey.objects.get(pk=api_key.pk).last_used == first


def test_bearer_keys_take_the_fast_path_too(user, image, served_by_fast_path):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {make_api_key(user)[1]}")
    assert client.get(f"/api/images/{image.pk}/thumbnail").status_code == 200
    assert served_by_fast_path == [Asset.objects.get(pk=image.asset_id).thumbnail_id]


def test_the_list_built_without_validation_is_what_the_schema_renders(user_client, user):
    GenerationFactory(owner=user, asset=AssetFactory(owner=user), favorite=True)
    GenerationFactory(owner=user, status="failed", error="HTTP 500 from replicate.delivery")
    GenerationFactory(
        owner=user, status="downloading", download_phase="downloading", download_bytes_received=5
    )
    response = user_client.get("/api/images")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    fast = response.json()
    # What ninja would have sent: the schema's validation and its encoder (fields, types, formats).
    validated = ImageListOut.model_validate(fast).model_dump()
    assert json.loads(json.dumps(validated, cls=NinjaJSONEncoder)) == fast
    assert [record["status"] for record in fast["images"]] == ["processing", "failed", "completed"]
    newest = Generation.objects.order_by("-created_at", "-id").first()
    assert fast["images"][0]["created_at"] == DjangoJSONEncoder().default(newest.created_at)
