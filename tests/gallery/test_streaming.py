"""The streaming view: ranges, conditional requests, headers, permissions, missing bytes."""

import hashlib
import io

import pytest
from django.db import connection, transaction
from django.utils.http import http_date

from gallery import storage_backends
from gallery.models import Asset
from gallery.streaming import Unsatisfiable, parse_range
from tests.gallery.factories import AssetFactory

pytestmark = pytest.mark.urls("tests.gallery.urls")

BODY = bytes(range(256)) * 40  # 10240 bytes; each offset's value is easy to predict


@pytest.fixture
def video(user, mp4):
    return AssetFactory(owner=user, kind="video", content=mp4, filename="My clip!.mp4")


@pytest.fixture
def blob(user, mp4):
    """A stored video whose BLOB we overwrite with BODY, so byte positions are easy to check."""
    asset = AssetFactory(owner=user, kind="video", content=mp4)
    with transaction.atomic():
        storage_backends.blob_write(asset_id=asset.pk, fileobj=io.BytesIO(BODY), size=len(BODY))
        Asset.objects.filter(pk=asset.pk).update(
            size_bytes=len(BODY), sha256=hashlib.sha256(BODY).hexdigest()
        )
    return Asset.objects.get(pk=asset.pk)


def url(asset: Asset, suffix: str = "data") -> str:
    return f"/api/test-assets/{asset.pk}/{suffix}"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_whole_body_with_every_header(user_client, video, mp4):
    response = user_client.get(url(video))

    assert response.status_code == 200
    assert body(response) == mp4
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Length"] == str(len(mp4))
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"] == f'"{hashlib.sha256(mp4).hexdigest()[:40]}"'
    assert response["Last-Modified"] == http_date(video.created_at.timestamp())
    assert response["Cache-Control"].startswith("private")
    assert response["Content-Disposition"] == 'inline; filename="My-clip.mp4"'


def test_download_flag_makes_an_attachment_with_the_real_extension(user_client, user, png):
    asset = AssetFactory(owner=user, content=png, filename="no-extension")

    response = user_client.get(url(asset) + "?download=1")

    assert response["Content-Disposition"] == 'attachment; filename="no-extension.png"'


def test_filename_falls_back_to_kind_and_id(user_client, user, png):
    asset = AssetFactory(owner=user, content=png, filename="")

    response = user_client.get(url(asset))

    assert response["Content-Disposition"] == f'inline; filename="image-{asset.pk}.png"'


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-0", 0, 0),  # the first byte
        ("bytes=10239-10239", 10239, 10239),  # the last byte
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, 10239),  # open-ended
        ("bytes=-1", 10239, 10239),  # suffix: last byte
        ("bytes=-500", 9740, 10239),  # suffix
        ("bytes=-20000", 0, 10239),  # suffix longer than the body: all of it
        ("bytes=10000-99999", 10000, 10239),  # last beyond the end is clipped
    ],
)
def test_satisfiable_single_ranges_give_206(user_client, blob, header, first, last):
    response = user_client.get(url(blob), HTTP_RANGE=header)

    assert response.status_code == 206
    assert body(response) == BODY[first : last + 1]
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(BODY)}"
    assert response["Content-Length"] == str(last - first + 1)


def test_range_spanning_many_chunks(user_client, blob, monkeypatch):
    monkeypatch.setattr(storage_backends, "CHUNK_BYTES", 1000)
    monkeypatch.setattr(storage_backends.blob_chunks, "__kwdefaults__", {"start": 0, "chunk_bytes": 1000})

    response = user_client.get(url(blob), HTTP_RANGE="bytes=5-10236")

    chunks = list(response.streaming_content)
    assert len(chunks) == 11
    assert b"".join(chunks) == BODY[5:10237]


@pytest.mark.parametrize("header", ["bytes=10240-", "bytes=10240-10300", "bytes=99999-", "bytes=-0"])
def test_unsatisfiable_range_gives_416_with_the_size(user_client, blob, header):
    response = user_client.get(url(blob), HTTP_RANGE=header)

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(BODY)}"
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "header",
    ["bytes=0-1,5-6", "bytes=-", "bytes=abc", "bytes=5-2", "items=0-10", "bytes 0-10", "bytes=1-2-3", ""],
    ids=["multi", "empty-spec", "garbage", "reversed", "other-unit", "no-equals", "three-parts", "blank"],
)
def test_malformed_or_multiple_ranges_are_ignored_and_the_whole_body_sent(user_client, blob, header):
    response = user_client.get(url(blob), HTTP_RANGE=header)

    assert response.status_code == 200
    assert body(response) == BODY
    assert "Content-Range" not in response


def test_parse_range_on_an_empty_body_is_unsatisfiable():
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=0-", 0)
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=-5", 0)


def test_head_gives_headers_and_no_body(user_client, blob):
    response = user_client.head(url(blob), HTTP_RANGE="bytes=0-9")

    assert response.status_code == 206
    assert response["Content-Length"] == "10"
    assert response.content == b""


def test_if_none_match_gives_304_without_body(user_client, video):
    etag = user_client.get(url(video))["ETag"]

    response = user_client.get(url(video), HTTP_IF_NONE_MATCH=etag)
    weak = user_client.get(url(video), HTTP_IF_NONE_MATCH=f'"other", W/{etag}')
    changed = user_client.get(url(video), HTTP_IF_NONE_MATCH='"something-else"')

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert weak.status_code == 304
    assert changed.status_code == 200


def test_if_modified_since(user_client, video):
    later = http_date(video.created_at.timestamp() + 10)
    earlier = http_date(video.created_at.timestamp() - 10)

    assert user_client.get(url(video), HTTP_IF_MODIFIED_SINCE=later).status_code == 304
    assert user_client.get(url(video), HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_if_range_with_the_current_etag_or_date_honours_the_range(user_client, blob):
    etag = user_client.head(url(blob))["ETag"]
    date = http_date(blob.created_at.timestamp())

    by_etag = user_client.get(url(blob), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    by_date = user_client.get(url(blob), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=date)

    assert (by_etag.status_code, body(by_etag)) == (206, BODY[:10])
    assert by_date.status_code == 206


def test_if_range_that_does_not_match_sends_the_whole_body(user_client, blob):
    stale = user_client.get(url(blob), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"stale"')
    weak = user_client.get(url(blob), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=f"W/{blob.sha256[:40]}")

    assert (stale.status_code, body(stale)) == (200, BODY)
    assert weak.status_code == 200


def test_if_match_failure_gives_412(user_client, blob):
    assert user_client.get(url(blob), HTTP_IF_MATCH='"nope"').status_code == 412
    assert user_client.get(url(blob), HTTP_IF_MATCH=f'"{blob.sha256[:40]}"').status_code == 200


def test_thumbnail_is_a_webp_named_after_the_item(user_client, video):
    response = user_client.get(url(video, "thumbnail"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    content = body(response)
    assert content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    assert response["Content-Disposition"] == 'inline; filename="My-clip-thumbnail.webp"'
    assert "max-age" in response["Cache-Control"]


def test_item_without_thumbnail_gives_json_404(user_client, video):
    Asset.objects.filter(pk=video.thumbnail_id).delete()

    response = user_client.get(url(video, "thumbnail"))

    assert response.status_code == 404
    assert response.json() == {"detail": "This item has no thumbnail."}


def test_missing_bytes_give_a_clean_404(user_client, video):
    Asset.objects.filter(pk=video.pk).update(data=None)

    response = user_client.get(url(video))

    assert response.status_code == 404
    assert "missing" in response.json()["detail"]


@pytest.mark.parametrize(
    ("client_name", "hidden", "expected"),
    [
        ("user_client", False, 200),
        ("user_client", True, 404),
        ("other_client", False, 404),
        ("staff_client", False, 200),
        ("staff_client", True, 200),
        ("anon_client", False, 404),
    ],
)
def test_visibility(request, user, staff_user, video, client_name, hidden, expected):
    if hidden:
        Asset.objects.filter(pk=video.pk).update(hidden_at=video.created_at, hidden_by=staff_user)
    client = request.getfixturevalue(client_name)

    assert client.get(url(video)).status_code == expected


def test_a_long_sqlite_read_reopens_its_snapshot_and_still_sends_every_byte(user_client, blob, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's incremental BLOB reads")
    monkeypatch.setattr(storage_backends, "SQLITE_SNAPSHOT_SECONDS", -1)  # reopen after every chunk
    monkeypatch.setattr(storage_backends.blob_chunks, "__kwdefaults__", {"start": 0, "chunk_bytes": 1000})

    response = user_client.get(url(blob), HTTP_RANGE="bytes=123-")

    assert body(response) == BODY[123:]


def test_an_asset_deleted_mid_stream_ends_the_body_early_without_an_error(user_client, blob, monkeypatch):
    monkeypatch.setattr(storage_backends.blob_chunks, "__kwdefaults__", {"start": 0, "chunk_bytes": 1000})
    response = user_client.get(url(blob))
    chunks = iter(response.streaming_content)

    first = next(chunks)
    Asset.objects.filter(pk=blob.pk).delete()
    rest = b"".join(chunks)

    assert first == BODY[:1000]
    assert len(first + rest) < len(BODY)
