"""The API root: health, status, OpenAPI, docs, the JSON error format and the SPA fallback."""

import json
import os

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_health():
    response = Client().get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "healthy"}


@pytest.mark.parametrize("path", ["/api", "/api/"])
def test_api_root(path):
    body = Client().get(path).json()
    assert body["status"] == "running"
    assert "message" in body


def test_openapi_document_and_docs():
    document = Client().get("/api/openapi.json").json()
    assert document["info"]["title"] == "simpoc API"
    assert "/api/auth/login" in document["paths"]
    schemes = document["components"]["securitySchemes"]
    assert {"SessionAuth", "ApiKeyHeaderAuth", "ApiKeyBearerAuth"} <= set(schemes)
    docs = Client().get("/api/docs")
    assert docs.status_code == 200 and b"openapi.json" in docs.content


def test_committed_openapi_document_is_current(settings):
    """frontend/openapi.json feeds the frontend's types; re-export it after an API change."""
    from webroot.management.commands.export_openapi import openapi_text

    committed = (settings.BASE_DIR / "frontend" / "openapi.json").read_text()
    assert json.loads(committed) == json.loads(openapi_text()), (
        "frontend/openapi.json is stale: run `python manage.py export_openapi`"
    )


@pytest.mark.parametrize("path", ["/api/nope", "/api/auth/nothing/here", "/api/does/not/exist/"])
def test_unknown_api_paths_are_json_404(path):
    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_wrong_method_is_json_405():
    response = Client().put("/api/auth/login")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method not allowed."}
    assert "POST" in response["Allow"]


def test_unhandled_exception_is_json_500(monkeypatch, user):
    from simpoc import selectors

    def boom(**kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(selectors, "api_key_list", boom)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.get("/api/auth/api-keys")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error. The failure was logged."}


@pytest.mark.parametrize("path", ["/", "/login", "/video/12", "/image-gallery", "/physics", "/settings"])
def test_spa_routes_return_the_shell(path):
    response = Client().get(path)
    assert response.status_code == 200
    assert b'<div id="root">' in response.content
    assert "csrftoken" in response.cookies


def test_spa_shell_never_swallows_static_or_admin():
    assert Client().get("/static/nothing.js").status_code == 404
    assert Client().get("/admin/").status_code == 302


def test_security_headers_on_api_answers():
    response = Client().get("/api")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_create_user_command(capsys):
    call_command("create_user", "carol", "--staff")
    out = capsys.readouterr().out
    assert "Created user 'carol'" in out and "Password: " in out
    password = out.split("Password: ")[1].strip()
    response = Client().post("/api/auth/login", {"username": "carol", "password": password})
    assert response.status_code == 200
    assert Client().get("/api/auth/me").status_code == 401


def test_create_user_command_refuses_duplicates(user):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="already exists"):
        call_command("create_user", user.username, "--password", "whatever-123")


def test_spa_shell_follows_a_rebuilt_frontend_without_a_restart(settings, tmp_path):
    manifest = tmp_path / ".vite" / "manifest.json"
    manifest.parent.mkdir()
    settings.FRONTEND_DIST = tmp_path

    def build(name: str, mtime_ns: int) -> None:
        manifest.write_text(json.dumps({"index.html": {"file": f"assets/{name}.js", "css": []}}))
        os.utime(manifest, ns=(mtime_ns, mtime_ns))

    build("index-first", 1_000_000_000)
    assert b"/static/assets/index-first.js" in Client().get("/").content
    build("index-second", 2_000_000_000)
    page = Client().get("/").content
    assert b"/static/assets/index-second.js" in page and b"index-first" not in page
