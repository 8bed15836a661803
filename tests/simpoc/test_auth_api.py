"""Sign-in, sign-out, /me and the CSRF rules, through the API as clients use it."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_login_with_form_body_sets_a_session(user, password):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/auth/login", {"username": user.username, "password": password})
    assert response.status_code == 200
    assert response.json() == {"message": "Login successful", "username": user.username}
    me = client.get("/api/auth/me")
    assert me.json() == {"id": user.pk, "username": user.username, "is_staff": False}


def test_login_with_json_body(user, password):
    client = Client()
    response = client.post(
        "/api/auth/login",
        json.dumps({"username": user.username, "password": password}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert client.get("/api/auth/me").status_code == 200


@pytest.mark.parametrize(
    "credentials",
    [{"username": "nobody", "password": "x"}, {"username": "{user}", "password": "wrong password"}],
)
def test_wrong_credentials_are_refused_without_a_session(user, credentials):
    client = Client()
    credentials = {k: v.format(user=user.username) for k, v in credentials.items()}
    response = client.post("/api/auth/login", credentials)
    assert response.status_code == 401
    assert response.json() == {"detail": "Incorrect username or password"}
    assert client.get("/api/auth/me").status_code == 401


def test_login_with_missing_fields_is_a_422_with_field_errors():
    response = Client().post("/api/auth/login", {"username": "someone"})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("Invalid input")
    assert {"field": "password", "message": "Field required"} in body["errors"]


def test_login_with_broken_json_is_a_400():
    response = Client().post("/api/auth/login", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_inactive_user_cannot_sign_in(user, password):
    user.is_active = False
    user.save()
    response = Client().post("/api/auth/login", {"username": user.username, "password": password})
    assert response.status_code == 401


def test_login_is_throttled_after_repeated_failures(user, password, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    client = Client()
    for _ in range(3):
        assert (
            client.post("/api/auth/login", {"username": user.username, "password": "bad"}).status_code == 401
        )
    # Even the right password is refused while throttled, so guessing gains nothing.
    response = client.post("/api/auth/login", {"username": user.username, "password": password})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many failed sign-in attempts" in response.json()["detail"]


def test_successful_login_resets_the_failure_count(user, password, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    client = Client()
    for _ in range(2):
        client.post("/api/auth/login", {"username": user.username, "password": "bad"})
    assert (
        client.post("/api/auth/login", {"username": user.username, "password": password}).status_code == 200
    )
    for _ in range(2):
        client.post("/api/auth/login", {"username": user.username, "password": "bad"})
    assert (
        client.post("/api/auth/login", {"username": user.username, "password": password}).status_code == 200
    )


def test_logout_ends_the_session(user_client):
    assert user_client.get("/api/auth/me").status_code == 200
    response = user_client.post("/api/auth/logout")
    assert response.status_code == 200
    assert response.json() == {"message": "Logged out"}
    assert user_client.get("/api/auth/me").status_code == 401


def test_me_without_credentials_is_401_json(anon_client):
    response = anon_client.get("/api/auth/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated. Login required."}


def test_unsafe_request_with_session_but_no_csrf_token_is_refused(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/auth/api-keys", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not user.api_keys.exists()


def test_same_origin_header_is_accepted_instead_of_a_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(
        "/api/auth/api-keys",
        {"name": "fetch"},
        content_type="application/json",
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 200


def test_cross_origin_header_is_refused(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(
        "/api/auth/api-keys",
        {"name": "evil"},
        content_type="application/json",
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    assert not user.api_keys.exists()


def test_tampered_session_cookie_is_not_authenticated(user_client):
    user_client.cookies["sessionid"] = user_client.cookies["sessionid"].value[:-4] + "abcd"
    assert user_client.get("/api/auth/me").status_code == 401
