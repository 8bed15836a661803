"""Thumbnails are sized for a gallery card (shorter side 256 px), and shrink_thumbnails remakes the
512 px squares stored before that, so their ``?v=`` URL changes with their bytes (issue 16 item 6)."""

import io

import pytest
from django.core.management import call_command
from PIL import Image

from gallery import services, storage_backends, thumbnails
from gallery.management.commands.shrink_thumbnails import oversized_thumbnail_ids
from gallery.models import Asset
from tests.gallery.media import png_bytes


def stored_bytes(asset: Asset) -> bytes:
    return b"".join(storage_backends.asset_chunks(asset=asset))


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((1024, 1024), (256, 256)),  # a square picture: a quarter of the old 512x512
        ((1920, 1080), (455, 256)),  # 16:9: the shorter side still covers a square card
        ((1200, 600), (512, 256)),  # 2:1: both bounds meet
        ((3000, 500), (512, 85)),  # a panorama: the longer side is still capped
        ((100, 80), (100, 80)),  # never enlarged
        ((512, 128), (512, 128)),  # an audio waveform's size is within bounds
    ],
)
def test_thumbnail_size(size, expected):
    assert thumbnails.thumbnail_size(*size) == expected
    assert thumbnails.thumbnail_size(*reversed(size)) == tuple(reversed(expected))


def test_square_picture_gets_a_256_px_thumbnail(user):
    asset = services.asset_store(owner=user, stream=io.BytesIO(png_bytes(1024, 1024)), kind="image")

    assert Image.open(io.BytesIO(stored_bytes(asset.thumbnail))).size == (256, 256)
    assert (asset.thumbnail.width, asset.thumbnail.height) == (256, 256)


def test_shrink_thumbnails_remakes_old_512_px_ones(user, monkeypatch):
    monkeypatch.setattr(thumbnails, "THUMBNAIL_SHORT_SIDE", 512)  # as thumbnails were made before
    old_style = services.asset_store(owner=user, stream=io.BytesIO(png_bytes(1024, 1024)), kind="image")
    monkeypatch.undo()
    current = services.asset_store(owner=user, stream=io.BytesIO(png_bytes(800, 800)), kind="image")
    old_thumbnail = old_style.thumbnail
    assert (old_thumbnail.width, old_thumbnail.height) == (512, 512)
    assert oversized_thumbnail_ids() == [old_thumbnail.pk]

    out = io.StringIO()
    call_command("shrink_thumbnails", stdout=out)

    old_style.refresh_from_db()
    new_thumbnail = old_style.thumbnail
    assert new_thumbnail.pk != old_thumbnail.pk
    assert not Asset.objects.filter(pk=old_thumbnail.pk).exists()
    assert (new_thumbnail.width, new_thumbnail.height) == (256, 256)
    assert new_thumbnail.sha256 != old_thumbnail.sha256  # new bytes, new ?v= URL
    picture = Image.open(io.BytesIO(stored_bytes(new_thumbnail)))
    assert (picture.format, picture.size) == ("WEBP", (256, 256))
    assert new_thumbnail.size_bytes == len(stored_bytes(new_thumbnail))
    assert current.thumbnail.pk == Asset.objects.get(pk=current.pk).thumbnail_id  # untouched
    assert "1 thumbnails remade" in out.getvalue()
    assert oversized_thumbnail_ids() == []  # a second run has nothing to do


@pytest.mark.s3
def test_shrink_thumbnails_in_object_storage_replaces_the_object(
    s3, user, monkeypatch, django_capture_on_commit_callbacks
):
    from tests.gallery.conftest import object_keys

    monkeypatch.setattr(thumbnails, "THUMBNAIL_SHORT_SIDE", 512)
    asset = services.asset_store(owner=user, stream=io.BytesIO(png_bytes(1024, 1024)), kind="image")
    monkeypatch.undo()
    old_key = asset.thumbnail.storage_key

    with django_capture_on_commit_callbacks(execute=True):
        call_command("shrink_thumbnails", stdout=io.StringIO())

    asset.refresh_from_db()
    new = asset.thumbnail
    assert new.storage_key and new.storage_key != old_key
    assert object_keys(s3) == {asset.storage_key, new.storage_key}  # the old object went after commit
    picture = Image.open(io.BytesIO(b"".join(storage_backends.object_chunks(key=new.storage_key))))
    assert picture.size == (256, 256)
