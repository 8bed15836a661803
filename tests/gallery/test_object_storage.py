"""MEDIA_STORAGE=s3 against moto's S3 server: storing, serving by redirect, deleting, move_media."""

import io
from urllib.request import urlopen

import pytest
from django.core.management import CommandError, call_command

from gallery import services, storage_backends
from gallery.models import Asset
from tests.gallery.conftest import object_keys
from tests.gallery.factories import AssetFactory

pytestmark = [pytest.mark.s3, pytest.mark.urls("tests.gallery.urls")]


def test_store_puts_bytes_and_thumbnail_in_the_bucket_not_the_database(s3, user, png):
    asset = services.asset_store(owner=user, stream=io.BytesIO(png), kind="image")

    row = Asset.objects.only("data", "storage_key").get(pk=asset.pk)
    assert row.data is None
    assert row.storage_key
    assert object_keys(s3) == {asset.storage_key, asset.thumbnail.storage_key}
    assert b"".join(storage_backends.object_chunks(key=asset.storage_key)) == png


def test_data_redirects_to_a_signed_url_that_serves_the_bytes(s3, user_client, user, png):
    asset = AssetFactory(owner=user, content=png, filename="red.png")

    response = user_client.get(f"/api/test-assets/{asset.pk}/data?download=1")

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    signed = response["Location"]
    assert "Signature=" in signed or "X-Amz-Signature=" in signed
    with urlopen(signed) as upstream:
        assert upstream.read() == png
        assert upstream.headers["Content-Type"] == "image/png"
        assert upstream.headers["Content-Disposition"] == 'attachment; filename="red.png"'


def test_conditional_request_is_answered_without_a_redirect(s3, user_client, user):
    asset = AssetFactory(owner=user)

    response = user_client.get(
        f"/api/test-assets/{asset.pk}/data", HTTP_IF_NONE_MATCH=f'"{asset.sha256[:40]}"'
    )

    assert response.status_code == 304


def test_deleting_an_asset_deletes_its_objects_after_commit(s3, user, django_capture_on_commit_callbacks):
    asset = AssetFactory(owner=user)

    with django_capture_on_commit_callbacks() as callbacks:
        services.asset_delete(asset=asset)
        assert len(object_keys(s3)) == 2  # still there until the transaction commits

    for callback in callbacks:
        callback()
    assert object_keys(s3) == set()


def test_failed_store_leaves_no_object_behind(s3, user, png, settings):
    first = services.asset_store(owner=user, stream=io.BytesIO(png), kind="image")
    settings.USER_QUOTA_BYTES = first.size_bytes + first.thumbnail.size_bytes + 1
    keys_before = object_keys(s3)

    with pytest.raises(services.QuotaExceeded):
        services.asset_store(owner=user, stream=io.BytesIO(png), kind="image")

    assert object_keys(s3) == keys_before


def _stored_bytes(asset: Asset) -> bytes:
    asset = Asset.objects.get(pk=asset.pk)
    if asset.storage_key:
        return b"".join(storage_backends.object_chunks(key=asset.storage_key))
    return b"".join(storage_backends.blob_chunks(asset_id=asset.pk, length=asset.size_bytes))


def test_move_to_s3_and_back_keeps_every_byte(
    s3, user, png, mp4, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_STORAGE = "database"
    image = AssetFactory(owner=user, content=png)
    video = AssetFactory(owner=user, kind="video", content=mp4)
    originals = {a.pk: _stored_bytes(a) for a in Asset.objects.all()}

    call_command("move_media", "--to", "s3", stdout=io.StringIO())

    assert not Asset.objects.filter(storage_key="").exists()
    assert Asset.objects.filter(data__isnull=False).count() == 0
    assert len(object_keys(s3)) == 4  # two assets, two thumbnails
    assert {a.pk: _stored_bytes(a) for a in Asset.objects.all()} == originals

    with django_capture_on_commit_callbacks(execute=True):
        call_command("move_media", "--to", "database", stdout=io.StringIO())

    assert not Asset.objects.exclude(storage_key="").exists()
    assert object_keys(s3) == set()
    assert {a.pk: _stored_bytes(a) for a in Asset.objects.all()} == originals
    assert _stored_bytes(video) == mp4 and _stored_bytes(image) == png


def test_move_is_resumable_after_an_interruption(s3, user, settings, monkeypatch):
    settings.MEDIA_STORAGE = "database"
    AssetFactory.create_batch(3, owner=user)  # six assets with the thumbnails
    real_upload = storage_backends.object_upload
    uploads = []

    def upload_then_die_on_the_third(**kwargs):
        uploads.append(kwargs["key"])
        if len(uploads) == 3:
            raise KeyboardInterrupt
        real_upload(**kwargs)

    monkeypatch.setattr(storage_backends, "object_upload", upload_then_die_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        call_command("move_media", "--to", "s3", stdout=io.StringIO())

    assert Asset.objects.exclude(storage_key="").count() == 2
    assert Asset.objects.filter(storage_key="", data__isnull=False).count() == 4  # untouched, readable

    monkeypatch.setattr(storage_backends, "object_upload", real_upload)
    out = io.StringIO()
    call_command("move_media", "--to", "s3", stdout=out)

    assert "4 assets" in out.getvalue()
    assert not Asset.objects.filter(storage_key="").exists()
    assert len(object_keys(s3)) == 6


def test_move_refuses_bytes_that_do_not_match_their_hash(s3, user, settings):
    settings.MEDIA_STORAGE = "database"
    asset = AssetFactory(owner=user)
    Asset.objects.filter(pk=asset.pk).update(sha256="0" * 64)
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 assets could not be moved"):
        call_command("move_media", "--to", "s3", stdout=io.StringIO(), stderr=err)

    assert "do not match the recorded SHA-256" in err.getvalue()
    assert Asset.objects.get(pk=asset.pk).storage_key == ""
    assert Asset.objects.exclude(storage_key="").count() == 1  # the thumbnail moved fine


def test_dry_run_moves_nothing(s3, user, settings):
    settings.MEDIA_STORAGE = "database"
    AssetFactory(owner=user)
    out = io.StringIO()

    call_command("move_media", "--to", "s3", "--dry-run", stdout=out)

    assert "2 assets" in out.getvalue()
    assert object_keys(s3) == set()
