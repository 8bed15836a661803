"""API keys: created once, stored as a hash, listed, revoked, expiring, used by integrations."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from simpoc.models import ApiKey
from simpoc.services import hash_api_key
from tests.factories import make_api_key

pytestmark = pytest.mark.django_db


def test_create_returns_the_key_once_and_stores_only_its_hash(user_client, user):
    response = user_client.post("/api/auth/api-keys", {"name": "laptop"}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    raw = body["api_key"]
    assert raw.startswith("sk_") and len(raw) == 46
    assert body["name"] == "laptop" and body["expires_at"] is None
    stored = ApiKey.objects.get(user=user)
    assert stored.key_hash == hash_api_key(raw)
    assert raw not in {stored.key_hash, stored.prefix, stored.name}
    assert raw[3:11] == stored.prefix
    listed = user_client.get("/api/auth/api-keys").json()
    assert raw not in str(listed)


def test_key_with_expiry(user_client):
    body = user_client.post(
        "/api/auth/api-keys", {"name": "ci", "expires_days": 7}, content_type="application/json"
    ).json()
    listed = user_client.get("/api/auth/api-keys").json()
    assert listed[0]["expires_at"] == body["expires_at"]
    assert listed[0]["is_active"] is True


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"name": ""},
        {"name": "x" * 101},
        {"name": "k", "expires_days": 0},
        {"name": "k", "expires_days": "soon"},
    ],
)
def test_bad_key_requests_are_422_and_create_nothing(user_client, user, payload):
    response = user_client.post("/api/auth/api-keys", payload, content_type="application/json")
    assert response.status_code == 422
    assert "detail" in response.json()
    assert not ApiKey.objects.filter(user=user).exists()


def test_blank_name_is_refused(user_client, user):
    response = user_client.post("/api/auth/api-keys", {"name": "   "}, content_type="application/json")
    assert response.status_code == 422
    assert not ApiKey.objects.filter(user=user).exists()


def test_list_shows_only_own_keys(user_client, user, other_user):
    make_api_key(user, name="mine")
    make_api_key(other_user, name="theirs")
    names = [k["name"] for k in user_client.get("/api/auth/api-keys").json()]
    assert names == ["mine"]


def test_key_authenticates_by_header_and_by_bearer(user, api_key):
    assert Client(HTTP_X_API_KEY=api_key).get("/api/auth/me").json()["username"] == user.username
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {api_key}").get("/api/auth/me")
    assert bearer.json()["username"] == user.username


def test_key_client_needs_no_csrf_for_unsafe_methods(key_client):
    response = key_client.post("/api/auth/api-keys", {"name": "from-key"}, content_type="application/json")
    assert response.status_code == 200


def test_last_used_is_recorded(user, api_key):
    stored = ApiKey.objects.get(user=user)
    assert stored.last_used is None
    Client(HTTP_X_API_KEY=api_key).get("/api/auth/me")
    stored.refresh_from_db()
    assert stored.last_used is not None


def test_revoked_key_is_refused(user_client, user, api_key):
    key_id = ApiKey.objects.get(user=user).pk
    response = user_client.delete(f"/api/auth/api-keys/{key_id}")
    assert response.status_code == 200
    assert "revoked" in response.json()["message"]
    denied = Client(HTTP_X_API_KEY=api_key).get("/api/auth/me")
    assert denied.status_code == 401
    assert denied.json() == {"detail": "Not authenticated. Login required."}
    assert user_client.get("/api/auth/api-keys").json()[0]["is_active"] is False


def test_expired_key_is_refused(user):
    key, raw = make_api_key(user, expires_days=1)
    ApiKey.objects.filter(pk=key.pk).update(
        created_at=timezone.now() - timedelta(days=3), expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert Client(HTTP_X_API_KEY=raw).get("/api/auth/me").status_code == 401


def test_key_of_inactive_user_is_refused(user, api_key):
    user.is_active = False
    user.save()
    assert Client(HTTP_X_API_KEY=api_key).get("/api/auth/me").status_code == 401


@pytest.mark.parametrize("bad", ["", "sk_", "sk_nothing", "not-a-key", "sk_" + "A" * 43, "x" * 500])
def test_unknown_keys_are_refused(bad, api_key):
    assert Client(HTTP_X_API_KEY=bad).get("/api/auth/me").status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Bearer {bad}").get("/api/auth/me").status_code == 401


def test_another_users_key_cannot_be_revoked(user_client, other_user):
    key, raw = make_api_key(other_user)
    response = user_client.delete(f"/api/auth/api-keys/{key.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "API key not found."}
    assert Client(HTTP_X_API_KEY=raw).get("/api/auth/me").status_code == 200


def test_key_count_is_capped(user_client, user, settings):
    settings.API_KEY_MAX_PER_USER = 2
    for name in ("a", "b"):
        make_api_key(user, name=name)
    response = user_client.post("/api/auth/api-keys", {"name": "c"}, content_type="application/json")
    assert response.status_code == 409
    assert ApiKey.objects.filter(user=user).count() == 2
