"""Item 8: uploads that are not what they claim (wrong magic bytes, truncated, decompression bombs,
oversize, polyglots, SVG/HTML dressed as images) are refused with a 4xx and nothing is stored."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from PIL import Image

from gallery.models import Asset
from tests.gallery.media import png_bytes

pytestmark = pytest.mark.django_db


def png_with_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height (what a decompression bomb looks like)."""
    data = bytearray(png_bytes(8, 8))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def real_bomb() -> bytes:
    """A real image of 25 megapixels that compresses to a few kilobytes."""
    buffer = io.BytesIO()
    Image.new("1", (5000, 5000)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/auth/api-keys')</script></body></html>"
GIF_HTML_POLYGLOT = b"GIF89a/*<html><script>alert(1)</script></html>*/=1;"


def scratch_files() -> list[Path]:
    folder = Path(django_settings.DATA_DIR) / "tmp"
    return sorted(folder.glob("asset-*")) if folder.exists() else []


def upload(client, content: bytes, name: str):
    file = io.BytesIO(content)
    file.name = name
    return client.post("/api/upload-image", {"file": file})


@pytest.mark.parametrize(
    ("content", "name", "statuses"),
    [
        (b"just some text, not an image", "notes.png", {400, 415}),
        (b"MZ\x90\x00\x03" + b"\0" * 200, "setup.jpg", {400, 415}),
        (png_bytes(64, 64)[:60], "truncated.png", {400}),
        (png_bytes(64, 64)[:8], "only-magic.png", {400}),
        (png_with_size(100_000, 100_000), "bomb-header.png", {400}),
        (SVG, "drawing.png", {400, 415}),
        (SVG, "drawing.svg", {400, 415}),
        (HTML, "page.gif", {400, 415}),
        (b"\xef\xbb\xbf" + HTML, "bom-page.jpg", {400, 415}),
        (GIF_HTML_POLYGLOT, "polyglot.gif", {400}),
        (b"", "empty.png", {400}),
    ],
    ids=[
        "text",
        "executable",
        "truncated",
        "magic-only",
        "bomb-header",
        "svg-as-png",
        "svg",
        "html-as-gif",
        "html-with-bom",
        "gif-html-polyglot",
        "empty",
    ],
)
def test_upload_that_is_not_a_usable_image_is_refused_and_nothing_stored(
    user_client, content, name, statuses
):
    before = scratch_files()
    response = upload(user_client, content, name)
    assert response.status_code in statuses, response.content
    assert response.json()["detail"]
    assert not Asset.objects.exists()
    assert scratch_files() == before


def test_real_decompression_bomb_is_refused_by_the_pixel_cap(user_client, settings):
    settings.IMAGE_MAX_PIXELS = 10_000_000
    bomb = real_bomb()
    assert len(bomb) < 100_000  # small on the wire, 25 megapixels decoded
    response = upload(user_client, bomb, "bomb.png")
    assert response.status_code == 400
    assert not Asset.objects.exists()


def test_oversize_upload_is_413_and_nothing_stored(user_client, settings):
    settings.UPLOAD_MAX_BYTES = 5_000
    response = upload(user_client, png_bytes(400, 400) + b"\0" * 10_000, "big.png")
    assert response.status_code == 413
    assert not Asset.objects.exists()


def test_png_with_html_appended_is_only_ever_served_as_an_image(user_client):
    """Bytes after the image's end cannot be refused by type; they are served as image/png,
    nosniff, never as HTML, and the thumbnail is re-encoded from the pixels."""
    polyglot = png_bytes() + b"<html><script>alert(document.domain)</script></html>"
    response = upload(user_client, polyglot, "cat.html")
    assert response.status_code == 200
    asset = Asset.objects.get(kind="upload")
    assert asset.content_type == "image/png"
    assert asset.original_filename.endswith(".html")  # what the client said, never used to serve
    from gallery.streaming import download_filename

    assert download_filename(asset).endswith(".png")
    thumbnail = Asset.objects.get(kind="thumbnail")
    assert thumbnail.content_type == "image/webp"


def test_upload_needs_a_user(anon_client):
    response = upload(anon_client, png_bytes(), "a.png")
    assert response.status_code == 401
    assert not Asset.objects.exists()
