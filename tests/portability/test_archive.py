"""Batch download and export as a streamed ZIP: contents, metadata, flat memory, ZIP64, permissions."""

import hashlib
import io
import json
import tempfile
import tracemalloc
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gallery.models import Asset
from portability import archive
from tests.portability.conftest import CAMERA, stored_image, stored_render

pytestmark = pytest.mark.django_db


def download(client, **ids) -> tuple:
    query = "&".join(f"{kind}={','.join(str(i) for i in values)}" for kind, values in ids.items())
    return client.get(f"/api/archive?{query}")


def as_zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, getattr(response, "content", b"")[:300]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def metadata(zipped: zipfile.ZipFile) -> dict:
    return json.loads(zipped.read("metadata.json"))


def test_selected_items_download_as_one_zip_with_their_metadata(user_client, collection):
    first, second = collection["images"]
    video, render, failed = collection["video"], collection["render"], collection["failed"]
    response = download(
        user_client, images=[first.pk, second.pk, failed.pk], videos=[video.pk], renders=[render.pk]
    )
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="simpoc-selection-')
    assert response["Cache-Control"] == "private, no-store"
    zipped = as_zip(response)
    assert zipped.namelist()[0] == "metadata.json"
    document = metadata(zipped)
    assert (document["format"], document["version"]) == ("simpoc-archive", 1)
    items = {(item["kind"], item["id"]): item for item in document["items"]}
    assert set(items) == {
        ("image", first.pk),
        ("image", second.pk),
        ("image", failed.pk),
        ("video", video.pk),
        ("render", render.pk),
    }
    fox = items[("image", first.pk)]
    assert fox["prompt"] == "a red fox in snow"
    assert fox["model"] == first.model_id
    assert fox["inputs"] == {"prompt": "a red fox in snow", "seed": 1, "aspect_ratio": "3:2"}
    assert fox["status"] == "completed"
    assert fox["created_at"] == first.created_at.isoformat()
    assert fox["file"]["name"] == f"images/{first.pk}-a-red-fox-in-snow.png"
    assert items[("image", failed.pk)]["file"] is None
    assert items[("image", failed.pk)]["status"] == "failed"
    assert items[("render", render.pk)]["render"]["resolution"] == "160x90"
    assert items[("render", render.pk)]["render"]["camera_config"] == CAMERA
    for kind, record in (("image", first), ("image", second), ("video", video), ("render", render)):
        entry = items[(kind, record.pk)]
        data = zipped.read(entry["file"]["name"])
        assert hashlib.sha256(data).hexdigest() == record.asset.sha256 == entry["file"]["sha256"]
        assert len(data) == record.asset.size_bytes
        assert zipped.getinfo(entry["file"]["name"]).compress_type == zipfile.ZIP_STORED
    assert len(zipped.namelist()) == 5  # metadata and four files; the failed image has none


def test_a_zip_of_100_items_streams_with_flat_memory_and_unpacks_to_the_same_bytes(user, user_client):
    padding = 512 * 1024
    images = [stored_image(user, prompt=f"tile {n}", shade=n, padding=padding) for n in range(100)]
    total = sum(g.asset.size_bytes for g in images)
    url = "/api/archive?images=" + ",".join(str(g.pk) for g in images)
    with tempfile.TemporaryFile() as spool:
        tracemalloc.start()
        try:
            response = user_client.get(url)
            largest = 0
            for part in response.streaming_content:
                largest = max(largest, len(part))
                spool.write(part)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        size = spool.tell()
        spool.seek(0)
        with zipfile.ZipFile(spool) as zipped:
            assert zipped.testzip() is None
            document = metadata(zipped)
            assert len(document["items"]) == 100
            for generation, item in zip(images, document["items"], strict=True):
                digest = hashlib.sha256()
                with zipped.open(item["file"]["name"]) as member:
                    while chunk := member.read(1024 * 1024):
                        digest.update(chunk)
                assert digest.hexdigest() == generation.asset.sha256 == item["file"]["sha256"]
    assert size > total > 50 * 1024 * 1024
    assert largest <= 512 * 1024  # parts are storage chunks plus headers, never whole files
    assert peak < 4 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB for a {size / 2**20:.0f} MiB archive"


def test_entries_and_offsets_past_the_zip64_limit_get_zip64_records(user, monkeypatch):
    images = [stored_image(user, shade=n, padding=4000) for n in range(3)]
    wanted = [("image", g.pk) for g in images]
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 3000)  # every file and offset is now "too big" for 32 bits
    out = io.BytesIO()
    archive.zip_write(user=user, wanted=wanted, out=out)
    monkeypatch.undo()
    data = out.getvalue()
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data  # ZIP64 end of central directory and its locator
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        assert zipped.testzip() is None
        names = [item["file"]["name"] for item in metadata(zipped)["items"]]
        assert [hashlib.sha256(zipped.read(n)).hexdigest() for n in names] == [g.asset.sha256 for g in images]


def test_export_everything_of_mine_holds_only_my_items(user, user_client, other_user, collection):
    theirs = stored_image(other_user, shade=9)
    response = user_client.get("/api/archive/mine")
    assert response["Content-Disposition"].startswith(f'attachment; filename="simpoc-{user.username}-')
    document = metadata(as_zip(response))
    kinds = sorted((item["kind"], item["id"]) for item in document["items"])
    assert ("image", theirs.pk) not in kinds
    assert len(kinds) == 5
    assert {item["owner"] for item in document["items"]} == {user.username}


def test_staff_export_of_their_own_leaves_everyone_else_out(staff_client, staff_user, user, collection):
    mine = stored_image(staff_user, shade=77)
    document = metadata(as_zip(staff_client.get("/api/archive/mine")))
    assert [(item["kind"], item["id"]) for item in document["items"]] == [("image", mine.pk)]


def test_another_users_ids_are_refused_and_nothing_is_sent(user_client, user, other_user):
    mine = stored_image(user, shade=1)
    theirs = stored_image(other_user, shade=2)
    response = download(user_client, images=[mine.pk, theirs.pk])
    assert response.status_code == 404
    assert response.json() == {"detail": f"Not found: image {theirs.pk}."}
    assert download(user_client, renders=[stored_render(other_user).pk]).status_code == 404
    assert download(user_client, videos=[mine.pk]).status_code == 404  # an image is not a video


def test_hidden_items_only_for_staff(user_client, staff_client, user, staff_user):
    hidden = stored_image(user, shade=5)
    Asset.objects.filter(pk=hidden.asset_id).update(hidden_at=timezone.now(), hidden_reason="spam")
    assert download(user_client, images=[hidden.pk]).status_code == 404
    assert hidden.pk not in [i["id"] for i in metadata(as_zip(user_client.get("/api/archive/mine")))["items"]]
    zipped = as_zip(download(staff_client, images=[hidden.pk]))
    assert metadata(zipped)["items"][0]["owner"] == user.username


def test_staff_may_download_anyones_items(staff_client, user, collection):
    render = collection["render"]
    zipped = as_zip(download(staff_client, renders=[render.pk], videos=[collection["video"].pk]))
    assert len(metadata(zipped)["items"]) == 2


def test_anonymous_clients_are_refused(anon_client, collection):
    assert download(anon_client, images=[collection["images"][0].pk]).status_code == 401
    assert anon_client.get("/api/archive/mine").status_code == 401


def test_an_api_key_client_downloads_too(key_client, collection):
    zipped = as_zip(download(key_client, videos=[collection["video"].pk]))
    assert len(zipped.namelist()) == 2


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("", "Choose at least one item"),
        ("images=1,abc", "'abc' is not an id"),
        ("images=-4", "'-4' is not an id"),
        ("videos=0", "'0' is not an id"),
    ],
    ids=["nothing", "letters", "negative", "zero"],
)
def test_bad_selections_get_a_clear_422(user_client, query, words):
    response = user_client.get(f"/api/archive?{query}")
    assert response.status_code == 422
    assert words in response.json()["detail"]


def test_too_many_items_are_refused(user_client, user, monkeypatch):
    monkeypatch.setattr(archive, "SELECTION_MAX_ITEMS", 2)
    ids = [stored_image(user, shade=n).pk for n in range(3)]
    response = download(user_client, images=ids)
    assert response.status_code == 422
    assert "at most 2" in response.json()["detail"]


def test_the_archive_lists_are_not_n_plus_one(user_client, user):
    ids = [stored_image(user, shade=n).pk for n in range(30)]
    with CaptureQueriesContext(connection) as queries:
        response = download(user_client, images=ids)
        b"".join(response.streaming_content)
    # PostgreSQL reads each BLOB with its own SELECT substring(...); everything else is a few queries.
    rows = [q["sql"] for q in queries.captured_queries if "substring(" not in q["sql"]]
    assert len(rows) <= 10, rows


def test_items_in_object_storage_are_archived_from_the_bucket(s3, user, user_client):
    image = stored_image(user, prompt="in the bucket", shade=8, padding=300_000)
    assert image.asset.storage_key
    zipped = as_zip(download(user_client, images=[image.pk]))
    name = metadata(zipped)["items"][0]["file"]["name"]
    assert hashlib.sha256(zipped.read(name)).hexdigest() == image.asset.sha256
