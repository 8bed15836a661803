"""The gallery page's fast path (media_gen/fastpage.py) answers byte for byte what the route answers,
for records in every status, and leaves to the route everything it is not sure of."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gallery.models import Asset
from media_gen import fastpage
from media_gen.models import Generation
from simpoc.models import ApiKey
from tests.conftest import signed_in_client
from tests.factories import make_api_key
from tests.gallery.factories import AssetFactory
from tests.gallery.media import png_bytes
from tests.media_gen.factories import GenerationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(monkeypatch) -> list:
    """The pages the fast path answered itself (kind of each)."""
    pages: list = []
    original = fastpage.page_response

    def spy(request):
        response = original(request)
        if response is not None:
            pages.append(request.path_info.removeprefix("/api/").removesuffix("s"))
        return response

    monkeypatch.setattr(fastpage, "page_response", spy)
    return pages


def routed(client: Client, path: str, monkeypatch):
    """``path`` as the ninja route answers it (the fast path switched off for the call)."""
    with monkeypatch.context() as patch:
        patch.setattr(fastpage, "_page_query", lambda query: None)
        return client.get(path)


def every_kind_of_record(user, kind: str = "image") -> None:
    """Records in every status and shape a page can show."""
    asset_kind = Asset.Kind.VIDEO if kind == "video" else Asset.Kind.IMAGE
    content = png_bytes(40, 30)
    for status in Generation.Status.values:
        GenerationFactory(owner=user, kind=kind, status=status)
    GenerationFactory(
        owner=user,
        kind=kind,
        asset=AssetFactory(owner=user, kind=Asset.Kind.IMAGE, content=content),
        completed_at=timezone.now(),
        favorite=True,
        collection="text-to-image",
        inputs={"prompt": "ünïcode ✓", "seed": 7, "ratio": 1.5, "nested": {"a": [1, None]}},
    )
    GenerationFactory(owner=user, kind=kind, status="failed", error="Upstream said no.", download_tries=3)
    GenerationFactory(
        owner=user,
        kind=kind,
        status="downloading",
        download_phase="downloading",
        download_bytes_received=1024,
        download_bytes_total=4096,
    )
    GenerationFactory(owner=user, kind=kind, source_kind="render", source_id=12)
    hidden = AssetFactory(owner=user, kind=asset_kind, content=png_bytes(41, 30), hidden_at=timezone.now())
    GenerationFactory(owner=user, kind=kind, asset=hidden)  # not listed, not counted
    for _ in range(3):  # more than a page of 5, so "next" is a cursor
        GenerationFactory(owner=user, kind=kind, created_at=timezone.now() - timedelta(days=1))


@pytest.mark.parametrize("kind", sorted(set(fastpage._list_kinds().values())))
@pytest.mark.parametrize("client_fixture", ["user_client", "key_client"])
@pytest.mark.parametrize("query", ["", "?limit=5", "?limit=100&offset=2", "?offset=0"])
def test_fast_page_is_the_routes_page_byte_for_byte(
    request, monkeypatch, user, other_user, kind, client_fixture, query, answered
):
    every_kind_of_record(user, kind)
    GenerationFactory(owner=other_user, kind=kind)  # someone else's: never listed
    client = request.getfixturevalue(client_fixture)
    plural = {value: key for key, value in fastpage.PLURALS.items()}[kind]
    path = f"/api/{plural}{query}"
    fast = client.get(path)
    assert answered == [kind]
    slow = routed(client, path, monkeypatch)
    assert answered == [kind], "the route answered the second request"
    assert fast.status_code == slow.status_code == 200
    assert fast.content == slow.content
    assert sorted(fast.headers.items()) == sorted(slow.headers.items())
    page = fast.json()
    assert page["total"] == len(Generation.Status.values) + 7
    assert {record["status"] for record in page[plural]} <= {
        "processing",
        "completed",
        "failed",
        "canceled",
    }


def test_bearer_keys_are_served_too(user, answered):
    every_kind_of_record(user)
    raw = make_api_key(user)[1]
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/images")
    assert response.status_code == 200 and answered == ["image"]


def test_the_key_is_marked_used(user, answered):
    api_key, raw = make_api_key(user)
    assert Client(HTTP_X_API_KEY=raw).get("/api/images").status_code == 200
    api_key.refresh_from_db()
    assert api_key.last_used is not None and answered == ["image"]


@pytest.mark.parametrize(
    "query", ["?status=failed", "?limit=0", "?limit=101", "?limit=x", "?q=lighthouse", "?limit=5&limit=6"]
)
def test_filters_and_bad_input_go_to_the_route(key_client, user, query, answered):
    every_kind_of_record(user)
    response = key_client.get(f"/api/images{query}")
    assert answered == []
    assert response.status_code in (200, 422)


def test_what_the_fast_path_is_unsure_of_goes_to_the_route(user, staff_user, other_user, answered):
    GenerationFactory(owner=user)
    assert Client().get("/api/images").status_code == 401
    assert Client(HTTP_X_API_KEY="sk_not-a-key").get("/api/images").status_code == 401
    revoked, raw_revoked = make_api_key(user)
    ApiKey.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    assert Client(HTTP_X_API_KEY=raw_revoked).get("/api/images").status_code == 401
    expired, raw_expired = make_api_key(user, expires_days=1)
    ApiKey.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - timedelta(days=3), expires_at=timezone.now() - timedelta(days=1)
    )
    assert Client(HTTP_X_API_KEY=raw_expired).get("/api/images").status_code == 401
    inactive_key = make_api_key(other_user)[1]
    other_user.is_active = False
    other_user.save()
    assert Client(HTTP_X_API_KEY=inactive_key).get("/api/images").status_code == 401
    staff = signed_in_client(staff_user).get("/api/images")
    assert staff.status_code == 200 and staff.json()["total"] == 1
    assert answered == []


def test_a_stale_session_goes_to_the_route(user, monkeypatch, answered):
    client = signed_in_client(user)
    user.set_password("a new password, which logs every session out")
    user.save()
    assert client.get("/api/images").status_code == 401
    assert answered == []
    bogus = Client()
    bogus.cookies["sessionid"] = "no-such-session"
    assert bogus.get("/api/images").status_code == 401
    assert answered == []


def test_a_bad_session_with_a_good_key_is_the_keys(user, answered):
    GenerationFactory(owner=user)
    client = Client(HTTP_X_API_KEY=make_api_key(user)[1])
    client.cookies["sessionid"] = "no-such-session"
    response = client.get("/api/images")
    assert response.status_code == 200 and response.json()["total"] == 1
    assert answered == [], "a cookie is the route's to judge"


def test_a_session_is_decoded_once_per_stored_text(user, other_user, monkeypatch, answered):
    from django.contrib.sessions.backends.db import SessionStore

    monkeypatch.setattr(fastpage, "_DECODED", {})
    client = signed_in_client(user)
    decoded = []
    original = SessionStore.decode

    def counted(self, session_data):
        decoded.append(session_data)
        return original(self, session_data)

    monkeypatch.setattr(SessionStore, "decode", counted)
    assert client.get("/api/images").status_code == 200
    assert client.get("/api/images").status_code == 200
    assert answered == ["image", "image"] and len(decoded) == 1
    client.logout()  # the session's row goes: nothing kept answers for it
    assert client.get("/api/images").status_code == 401
    assert answered == ["image", "image"]
    other = signed_in_client(other_user)  # another session, another text
    decoded.clear()
    assert other.get("/api/images").status_code == 200
    assert answered == ["image"] * 3 and len(decoded) == 1


def test_decoded_sessions_are_bounded(user, monkeypatch, answered):
    monkeypatch.setattr(fastpage, "_DECODED", {})
    monkeypatch.setattr(fastpage, "DECODED_MAX", 2)
    for _ in range(3):
        assert signed_in_client(user).get("/api/images").status_code == 200
    assert len(fastpage._DECODED) <= 2 and answered == ["image"] * 3
