"""asset_store: caps, sniffing, thumbnails, quota, one transaction; deletion takes the thumbnail along."""

import hashlib
import io

import pytest
from PIL import Image

from gallery import services, storage_backends
from gallery.models import Asset
from tests.gallery.factories import AssetFactory
from tests.gallery.media import png_bytes


class NoWholeReads(io.BytesIO):
    """A stream that refuses read() without a size, and records the sizes asked for."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.sizes: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None and size > 0, "asset_store must read in chunks"
        self.sizes.append(size)
        return super().read(size)


def stored_bytes(asset: Asset) -> bytes:
    return b"".join(storage_backends.blob_chunks(asset_id=asset.pk, length=asset.size_bytes))


def test_image_is_stored_with_sniffed_type_size_hash_and_thumbnail(user, png):
    asset = services.asset_store(owner=user, stream=io.BytesIO(png), kind="image", filename="red.png")

    asset = Asset.objects.get(pk=asset.pk)
    assert (asset.content_type, asset.size_bytes, asset.width, asset.height) == (
        "image/png",
        len(png),
        64,
        48,
    )
    assert asset.sha256 == hashlib.sha256(png).hexdigest()
    assert asset.original_filename == "red.png"
    assert stored_bytes(asset) == png
    assert asset.thumbnail.kind == Asset.Kind.THUMBNAIL
    assert asset.thumbnail.content_type == "image/webp"
    assert asset.thumbnail.owner == user


def test_large_image_thumbnail_is_bounded(user):
    asset = services.asset_store(owner=user, stream=io.BytesIO(png_bytes(1200, 600)), kind="image")

    thumb = Image.open(io.BytesIO(stored_bytes(asset.thumbnail)))
    assert thumb.size == (512, 256)
    assert (asset.thumbnail.width, asset.thumbnail.height) == (512, 256)


def test_stream_is_read_in_chunks_never_whole(user):
    data = png_bytes(900, 900)
    stream = NoWholeReads(data)

    asset = services.asset_store(owner=user, stream=stream, kind="image")

    assert asset.size_bytes == len(data)
    assert max(stream.sizes) <= services.READ_CHUNK_BYTES


def test_video_gets_dimensions_duration_and_a_poster_frame(user, mp4):
    asset = services.asset_store(owner=user, stream=io.BytesIO(mp4), kind="video", filename="clip.mp4")

    assert asset.content_type == "video/mp4"
    assert (asset.width, asset.height) == (64, 48)
    assert asset.duration == pytest.approx(1.0, abs=0.15)
    poster = Image.open(io.BytesIO(stored_bytes(asset.thumbnail)))
    assert poster.format == "WEBP"
    assert poster.size == (64, 48)


def test_byte_cap_refuses_with_413_and_stores_nothing(user, png):
    with pytest.raises(services.AssetTooLarge) as caught:
        services.asset_store(owner=user, stream=io.BytesIO(png), kind="image", max_bytes=len(png) - 1)

    assert caught.value.status_code == 413
    assert "larger than" in caught.value.message
    assert not Asset.objects.exists()


def test_default_cap_is_media_max_bytes(user, png, settings):
    settings.MEDIA_MAX_BYTES = 100

    with pytest.raises(services.AssetTooLarge):
        services.asset_store(owner=user, stream=io.BytesIO(png), kind="image")


@pytest.mark.parametrize(
    ("content", "expected_status"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'></svg>", 415),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", 415),
        (b"%PDF-1.4\n" + b"0" * 200, 415),
        (b"just some text, not media at all", 415),
        (b"", 400),
    ],
    ids=["svg", "html", "pdf", "text", "empty"],
)
def test_non_media_is_rejected_whatever_the_name(user, content, expected_status):
    with pytest.raises(services.AssetRejected) as caught:
        services.asset_store(owner=user, stream=io.BytesIO(content), kind="image", filename="cat.png")

    assert caught.value.status_code == expected_status
    assert not Asset.objects.exists()


def test_expected_types_narrow_what_is_accepted(user, mp4):
    with pytest.raises(services.AssetRejected) as caught:
        services.asset_store(owner=user, stream=io.BytesIO(mp4), kind="upload", expected_types={"image/png"})

    assert caught.value.status_code == 415
    assert "video/mp4" in caught.value.message


def test_png_header_with_garbage_body_is_rejected_as_unreadable(user, png):
    fake = png[:33] + b"\x00" * 400  # signature and IHDR intact, pixel data garbage

    with pytest.raises(services.AssetRejected) as caught:
        services.asset_store(owner=user, stream=io.BytesIO(fake), kind="image")

    assert caught.value.status_code == 400
    assert not Asset.objects.exists()


def test_decompression_bomb_is_rejected_before_decoding(user, settings):
    settings.IMAGE_MAX_PIXELS = 10_000
    # 2000x2000 of one colour compresses to a few KB but would decode to 12 MB.
    bomb = png_bytes(2000, 2000, (0, 0, 0))
    assert len(bomb) < 50_000

    with pytest.raises(services.AssetRejected) as caught:
        services.asset_store(owner=user, stream=io.BytesIO(bomb), kind="image")

    assert caught.value.status_code == 400
    assert "2000x2000" in caught.value.message
    assert not Asset.objects.exists()


def test_mp4_magic_without_a_video_stream_is_rejected(user, mp4):
    truncated = mp4[:64]  # the ftyp box says MP4, nothing decodable follows

    with pytest.raises(services.AssetRejected) as caught:
        services.asset_store(owner=user, stream=io.BytesIO(truncated), kind="video")

    assert caught.value.status_code == 400


def test_quota_refuses_with_507_and_a_clear_message(user, other_user, settings, png):
    first = services.asset_store(owner=user, stream=io.BytesIO(png), kind="image")
    used = first.size_bytes + first.thumbnail.size_bytes
    settings.USER_QUOTA_BYTES = used + len(png)  # the next image fits, its thumbnail does not

    with pytest.raises(services.QuotaExceeded) as caught:
        services.asset_store(owner=user, stream=io.BytesIO(png_bytes(color=(1, 2, 3))), kind="image")

    assert caught.value.status_code == 507
    assert "quota" in caught.value.message.lower()
    assert Asset.objects.filter(owner=user).exclude(kind="thumbnail").count() == 1
    # Another user's usage is their own.
    services.asset_store(owner=other_user, stream=io.BytesIO(png), kind="image")


def test_deleting_an_asset_deletes_its_thumbnail(user):
    asset = AssetFactory(owner=user)
    thumbnail_id = asset.thumbnail_id

    services.asset_delete(asset=asset)

    assert not Asset.objects.filter(pk__in=[asset.pk, thumbnail_id]).exists()


def test_deleting_a_user_deletes_their_assets(user):
    AssetFactory(owner=user)

    user.delete()

    assert not Asset.objects.exists()


def test_bulk_delete_takes_thumbnails_too(user):
    AssetFactory.create_batch(3, owner=user)

    Asset.objects.exclude(kind="thumbnail").delete()

    assert not Asset.objects.exists()


def test_favorite_and_moderation(user, staff_user):
    asset = AssetFactory(owner=user)

    services.asset_set_favorite(asset=asset, favorite=True)
    services.asset_hide(asset=asset, by=staff_user, reason="  spam  ")

    asset = Asset.objects.get(pk=asset.pk)
    assert asset.favorite
    assert (asset.hidden_reason, asset.hidden_by) == ("spam", staff_user)
    services.asset_unhide(asset=asset)
    assert Asset.objects.get(pk=asset.pk).hidden_at is None


def test_unreadable_image_message_names_no_server_path(user):
    # A GIF signature and nothing else: python-magic says GIF, Pillow cannot identify it.
    with pytest.raises(services.AssetRejected) as caught:
        services.asset_store(owner=user, stream=io.BytesIO(b"GIF89a"), kind="image")

    assert caught.value.status_code == 400
    assert caught.value.message.startswith("The image cannot be read")
    assert "/" not in caught.value.message and "asset-" not in caught.value.message
