"""Issue 17, item 4: bytes appended after an image's end marker are cut off before storing;
metadata inside legitimate images (PNG tEXt, JPEG EXIF, GIF comments, WebP EXIF) is kept."""

import hashlib
import io

import pytest
from PIL import Image, PngImagePlugin

from gallery import image_end, services, storage_backends
from gallery.models import Asset

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def encoded(fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, fmt, **options)
    return out.getvalue()


def exif_bytes() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = "a description"  # ImageDescription
    return exif.tobytes()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "made by hand <html> inside a chunk is fine")
    info.add_itxt("Description", "ünïcode text")
    return encoded("PNG", pnginfo=info)


LEGITIMATE = {
    "png-text": ("image/png", png_with_text),
    "jpeg-exif": ("image/jpeg", lambda: encoded("JPEG", exif=exif_bytes(), quality=85)),
    "jpeg-progressive": ("image/jpeg", lambda: encoded("JPEG", progressive=True, exif=exif_bytes())),
    "gif-comment": ("image/gif", lambda: encoded("GIF", comment=b"a GIF comment extension")),
    "webp-exif": ("image/webp", lambda: encoded("WEBP", exif=exif_bytes())),
}


def stored(asset: Asset) -> bytes:
    return b"".join(storage_backends.asset_chunks(asset=asset))


def store(user, data: bytes) -> Asset:
    return services.asset_store(owner=user, stream=io.BytesIO(data), kind=Asset.Kind.IMAGE, filename="x")


@pytest.mark.parametrize("name", LEGITIMATE)
def test_images_with_metadata_are_stored_byte_for_byte(user, name):
    content_type, make = LEGITIMATE[name]
    data = make()
    assert image_end.image_data_end(io.BytesIO(data), content_type=content_type) == len(data)
    asset = store(user, data)
    assert asset.content_type == content_type
    assert stored(asset) == data and asset.size_bytes == len(data)
    assert asset.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("name", LEGITIMATE)
def test_bytes_after_the_end_marker_are_cut(user, name):
    _content_type, make = LEGITIMATE[name]
    image = make()
    asset = store(user, image + HTML)
    assert stored(asset) == image, "the stored file is the image alone"
    assert asset.size_bytes == len(image)
    assert asset.sha256 == hashlib.sha256(image).hexdigest()
    assert asset.width == 40 and asset.height == 30


def test_a_png_with_an_html_page_appended_through_the_upload_api(user_client):
    image = encoded("PNG")
    upload = io.BytesIO(image + HTML)
    upload.name = "innocent.png"
    response = user_client.post("/api/upload-image", {"file": upload})
    assert response.status_code in (200, 201), response.content
    upload_asset = Asset.objects.get(kind=Asset.Kind.UPLOAD)
    assert stored(upload_asset) == image
    assert HTML not in stored(upload_asset)


def test_a_damaged_structure_is_left_to_the_decoder(user):
    truncated = encoded("PNG")[:-20]  # no IEND: the walker gives up, the decoder decides as before
    assert image_end.image_data_end(io.BytesIO(truncated), content_type="image/png") is None
    assert image_end.image_data_end(io.BytesIO(b"RIFF"), content_type="image/webp") is None
    assert image_end.image_data_end(io.BytesIO(b"\xff\xd8\xff\xda\x00"), content_type="image/jpeg") is None
    assert image_end.image_data_end(io.BytesIO(b"GIF89a"), content_type="image/gif") is None
    assert image_end.image_data_end(io.BytesIO(b"anything"), content_type="video/mp4") is None
