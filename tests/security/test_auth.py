"""Item 13: expired and revoked keys, tampered session cookies, CSRF on every unsafe method with
cookie auth, login throttling, generation rate limits and per-user caps."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from media_gen.models import Generation
from simpoc.models import ApiKey
from simulation import services as simulation_services
from simulation.models import Render
from tests.factories import make_api_key
from tests.simulation.factories import body, scene_json
from webroot.api import api

pytestmark = pytest.mark.django_db
NOT_AUTHENTICATED = {"detail": "Not authenticated. Login required."}


def me(client, **headers):
    return client.get("/api/auth/me", headers=headers)


def test_expired_key_is_refused(user, anon_client):
    key, raw = make_api_key(user, expires_days=1)
    assert me(anon_client, **{"X-API-Key": raw}).status_code == 200
    ApiKey.objects.filter(pk=key.pk).update(
        created_at=timezone.now() - timedelta(days=3), expires_at=timezone.now() - timedelta(seconds=1)
    )
    for headers in ({"X-API-Key": raw}, {"Authorization": f"Bearer {raw}"}):
        response = me(anon_client, **headers)
        assert response.status_code == 401 and response.json() == NOT_AUTHENTICATED


def test_revoked_key_is_refused_at_once(user_client, user, anon_client):
    key, raw = make_api_key(user)
    assert me(anon_client, **{"Authorization": f"Bearer {raw}"}).status_code == 200
    assert user_client.delete(f"/api/auth/api-keys/{key.pk}").status_code == 200
    for headers in ({"X-API-Key": raw}, {"Authorization": f"Bearer {raw}"}):
        assert me(anon_client, **headers).status_code == 401


@pytest.mark.parametrize(
    "mangle",
    [
        lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),
        lambda raw: raw.upper(),
        lambda raw: raw + "x",
        lambda raw: raw[: len("sk_") + 8],  # the lookup prefix alone
        lambda raw: "sk_" + "A" * 43,
        lambda raw: "",
        lambda raw: "sk_" + "\u00e9" * 43,
    ],
    ids=["last-char", "upper", "longer", "prefix-only", "made-up", "empty", "non-ascii"],
)
def test_wrong_keys_are_refused(user, anon_client, mangle):
    _, raw = make_api_key(user)
    assert me(anon_client, **{"X-API-Key": mangle(raw)}).status_code == 401


def test_key_of_a_deactivated_user_is_refused(user, anon_client):
    _, raw = make_api_key(user)
    user.is_active = False
    user.save()
    assert me(anon_client, **{"X-API-Key": raw}).status_code == 401


@pytest.mark.parametrize(
    "mangle",
    [
        lambda v: v[:-1] + ("a" if v[-1] != "a" else "b"),
        lambda v: v[::-1],
        lambda v: "x" * len(v),
        lambda v: "",
    ],
    ids=["one-char", "reversed", "forged", "empty"],
)
def test_tampered_session_cookie_is_refused(user_client, mangle):
    assert me(user_client).status_code == 200
    user_client.cookies["sessionid"] = mangle(user_client.cookies["sessionid"].value)
    response = me(user_client)
    assert response.status_code == 401 and response.json() == NOT_AUTHENTICATED


def test_signed_out_session_cookie_is_refused(user, password):
    client = Client(enforce_csrf_checks=True)
    client.post("/api/auth/login", {"username": user.username, "password": password})
    stolen = client.cookies["sessionid"].value
    client.get("/login")
    client.post("/api/auth/logout", headers={"X-CSRFToken": client.cookies["csrftoken"].value})
    thief = Client()
    thief.cookies["sessionid"] = stolen
    assert me(thief).status_code == 401


def unsafe_operations_with_auth() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return sorted(
        (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if method.upper() in {"POST", "PUT", "PATCH", "DELETE"} and operation.get("security")
    )


OPERATIONS = unsafe_operations_with_auth()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
@pytest.mark.parametrize(
    "origin", [None, "https://evil.example", "null"], ids=["no-origin", "cross-site", "null"]
)
def test_every_unsafe_method_with_cookie_auth_needs_csrf(user, method, path, origin):
    # Ids are irrelevant: the CSRF check comes before any lookup.
    url = re.sub(r"\{[a-z_]+\}", "99999", path)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    headers = {"Origin": origin} if origin else {}
    response = client.generic(method, url, "{}", content_type="application/json", headers=headers)
    assert response.status_code == 403, f"{method} {url}: {response.status_code} {response.content[:200]}"
    assert "CSRF" in response.json()["detail"]


def test_same_origin_or_token_passes_the_csrf_check(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert (
        client.post("/api/auth/api-keys", {"name": "a"}, content_type="application/json").status_code == 403
    )
    same_origin = client.post(
        "/api/auth/api-keys",
        {"name": "a"},
        content_type="application/json",
        headers={"Origin": "http://testserver"},
    )
    assert same_origin.status_code == 200
    client.get("/login")
    token = client.post(
        "/api/auth/api-keys",
        {"name": "b"},
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert token.status_code == 200


def test_login_is_throttled_per_username_and_address(user, password, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    client = Client()
    for _ in range(3):
        assert (
            client.post("/api/auth/login", {"username": user.username, "password": "nope"}).status_code == 401
        )
    throttled = client.post("/api/auth/login", {"username": user.username, "password": password})
    assert throttled.status_code == 429, "even the right password waits out the throttle"
    assert int(throttled["Retry-After"]) > 0
    assert "Too many" in throttled.json()["detail"]
    other_address = Client(REMOTE_ADDR="10.9.8.7")
    assert (
        other_address.post("/api/auth/login", {"username": user.username, "password": password}).status_code
        == 200
    )
    assert (
        client.post("/api/auth/login", {"username": user.username.upper(), "password": "x"}).status_code
        == 429
    )


def run(client):
    return client.post(
        "/api/run-image-model",
        {"model_id": "black-forest-labs/flux-schnell", "input": {"prompt": "x"}},
        content_type="application/json",
    )


def test_generation_in_flight_cap(user_client, public_site, settings):
    settings.GENERATION_MAX_IN_FLIGHT = 2
    assert [run(user_client).status_code for _ in range(3)] == [200, 200, 429]
    refused = run(user_client)
    assert "limit is 2" in refused.json()["detail"]
    assert Generation.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_generation_cap_holds_under_concurrent_starts(user, public_site, settings):
    settings.GENERATION_MAX_IN_FLIGHT = 2
    _, raw = make_api_key(user)

    def start(_):
        try:
            return run(Client(HTTP_X_API_KEY=raw)).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(start, range(8)))
    assert sorted(answers) == [200, 200] + [429] * 6
    assert Generation.objects.count() == 2


def test_render_in_flight_cap(user_client, settings, monkeypatch):
    settings.RENDER_MAX_IN_FLIGHT = 1
    monkeypatch.setattr(simulation_services, "async_task", lambda *args, **kwargs: None)
    request = {"scene": scene_json(body("box")), "duration": 1, "fps": 10, "resolution": [160, 90]}
    answers = [
        user_client.post("/api/genesis/render", request, content_type="application/json").status_code
        for _ in range(2)
    ]
    assert answers == [202, 429]
    assert Render.objects.count() == 1


def test_api_key_cap(user_client, settings):
    settings.API_KEY_MAX_PER_USER = 2
    answers = [
        user_client.post("/api/auth/api-keys", {"name": f"k{n}"}, content_type="application/json").status_code
        for n in range(3)
    ]
    assert answers == [200, 200, 409]
