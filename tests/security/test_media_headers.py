"""Item 14: media responses cannot execute in the site's origin (nosniff, SVG/HTML never served
inline, Content-Disposition set), security headers are present, and `check --deploy` is clean."""

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from gallery import services as gallery_services
from gallery.models import Asset
from tests.gallery.factories import AssetFactory
from tests.media_gen.factories import GenerationFactory
from tests.simulation.factories import RenderFactory

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def media_urls(user, mp4) -> list[str]:
    image = GenerationFactory(owner=user, kind="image", asset=AssetFactory(owner=user))
    video_asset = gallery_services.asset_store(
        owner=user, stream=io.BytesIO(mp4), kind="video", filename="v.mp4"
    )
    video = GenerationFactory(owner=user, kind="video", asset=video_asset)
    render_asset = gallery_services.asset_store(
        owner=user, stream=io.BytesIO(mp4), kind="render", filename="r.mp4"
    )
    render = RenderFactory(
        owner=user, status="completed", asset=render_asset, frames_total=10, frames_done=10
    )
    return [
        f"/api/images/{image.pk}/data",
        f"/api/images/{image.pk}/thumbnail",
        f"/api/videos/{video.pk}/data",
        f"/api/videos/{video.pk}/thumbnail",
        f"/api/genesis/videos/{render.pk}/data",
        f"/api/genesis/videos/{render.pk}/thumbnail",
    ]


EXTENSIONS = {"image/png": ".png", "image/webp": ".webp", "video/mp4": ".mp4", "image/jpeg": ".jpg"}


def test_every_media_response_is_typed_nosniff_and_named(user_client, media_urls):
    for url in media_urls:
        for query in ("", "?download=1"):
            response = user_client.get(url + query, HTTP_RANGE="bytes=0-99" if "video" in url else "")
            assert response.status_code in (200, 206), url
            content_type = response["Content-Type"]
            assert content_type.split("/")[0] in ("image", "video"), (url, content_type)
            assert response["X-Content-Type-Options"] == "nosniff"
            disposition = response["Content-Disposition"]
            assert disposition.startswith("attachment" if query else "inline"), disposition
            assert disposition.rstrip('"').endswith(EXTENSIONS[content_type]), disposition


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("text/html", b"<html><script>alert(document.cookie)</script></html>"),
        (
            "application/xhtml+xml",
            b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
        ),
    ],
    ids=["svg", "html", "xhtml"],
)
def test_a_stored_row_of_an_active_type_is_never_served_inline(user, user_client, content_type, content):
    """Such bytes cannot come in through asset_store (see test_uploads); a row edited in the database
    or restored from an old backup still must not run script in our origin."""
    asset = AssetFactory(owner=user)
    gallery_services.storage_backends.blob_write(
        asset_id=asset.pk, fileobj=io.BytesIO(content), size=len(content)
    )
    Asset.objects.filter(pk=asset.pk).update(content_type=content_type, size_bytes=len(content))
    generation = GenerationFactory(owner=user, kind="image", asset=asset)
    response = user_client.get(f"/api/images/{generation.pk}/data")
    served_type = response["Content-Type"]
    assert "svg" not in served_type and "html" not in served_type and "xml" not in served_type, served_type
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/image-gallery", "/api/", "/api/auth/me", "/api/nope", "/health"])
def test_security_headers_on_pages_and_api(client, path):
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_protected(user, password, client):
    response = client.post("/api/auth/login", {"username": user.username, "password": password})
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"


def test_manage_py_check_deploy_is_clean_in_production(tmp_path):
    env = {
        **os.environ,
        "SIMPOC_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "simpoc.example.com",
        "BASE_URL": "https://simpoc.example.com",
        "DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "simpoc.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for browser tests; never part of a deployment
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
