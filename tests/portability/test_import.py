"""Export → import into an emptied database round-trips; duplicates skipped; damage reported, nothing half-stored."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gallery import storage_backends
from gallery.models import Asset
from media_gen.models import Generation
from portability import importing
from simulation.models import Render
from tests.factories import UserFactory
from tests.portability.conftest import CAMERA, stored_image

pytestmark = pytest.mark.django_db


def export(user, path: Path) -> str:
    out = io.StringIO()
    call_command("export_media", user=user.username, output=str(path), stdout=out)
    return out.getvalue()


def import_(path: Path, owner) -> str:
    out = io.StringIO()
    call_command("import_media", str(path), owner=owner.username, stdout=out)
    return out.getvalue()


def snapshot_generations() -> list[tuple]:
    return sorted(
        (
            g.kind,
            g.prompt,
            g.model_id,
            g.collection,
            json.dumps(g.inputs, sort_keys=True),
            g.created_at,
            g.asset.sha256,
        )
        for g in Generation.objects.filter(asset__isnull=False).select_related("asset")
    )


def snapshot_renders() -> list[tuple]:
    return sorted(
        (
            r.scene_context,
            json.dumps(r.scene_data, sort_keys=True),
            r.fps,
            r.duration,
            r.width,
            r.height,
            r.asset.sha256,
        )
        for r in Render.objects.select_related("asset")
    )


def test_export_then_import_into_an_emptied_database_round_trips(user, collection, tmp_path):
    path = tmp_path / "mine.zip"
    assert "Exported 5 items" in export(user, path)
    generations, renders = snapshot_generations(), snapshot_renders()
    favourite = collection["images"][0]
    assert len(generations) == 3 and len(renders) == 1

    # A fresh deployment: none of the media, records or the user are left.
    Generation.objects.all().delete()
    Render.objects.all().delete()
    Asset.objects.all().delete()
    user.delete()
    newcomer = UserFactory(username="newcomer")

    report = import_(path, newcomer)
    assert "Imported 4 items" in report
    assert "Skipped 1 items without a stored file" in report
    assert snapshot_generations() == generations
    assert snapshot_renders() == renders
    assert set(Generation.objects.values_list("status", flat=True)) == {"completed"}
    assert set(Asset.objects.values_list("owner__username", flat=True)) == {"newcomer"}
    for asset in Asset.objects.exclude(kind="thumbnail"):
        assert storage_backends.blob_sha256(asset_id=asset.pk, size=asset.size_bytes) == asset.sha256
        assert asset.thumbnail_id is not None
    assert Generation.objects.get(prompt=favourite.prompt).favorite is False
    render = Render.objects.get()
    assert (render.status, render.progress, render.camera_config) == (
        "completed",
        1.0,
        CAMERA,
    )


def test_importing_twice_skips_every_duplicate(user, other_user, collection, tmp_path):
    path = tmp_path / "mine.zip"
    export(user, path)
    first = import_(path, other_user)
    assert "Imported 4 items" in first
    counts = (Asset.objects.count(), Generation.objects.count(), Render.objects.count())
    second = import_(path, other_user)
    assert "Imported 0 items" in second and "Skipped 4 duplicates" in second
    assert (Asset.objects.count(), Generation.objects.count(), Render.objects.count()) == counts
    # The original owner already holds every file: all duplicates for them too.
    assert "Skipped 4 duplicates" in import_(path, user)


def test_favourites_and_dates_survive(user, other_user, tmp_path):
    kept = stored_image(user, prompt="keep me", shade=3, favorite=True)
    path = tmp_path / "mine.zip"
    export(user, path)
    import_(path, other_user)
    copy = Generation.objects.get(owner=other_user)
    assert copy.favorite and copy.asset.favorite
    assert copy.created_at == kept.created_at
    assert copy.prediction_id == ""


def _damage(path: Path, name: str) -> None:
    """Flip one byte in the middle of a stored member (its data follows the local header's name and extra)."""
    with zipfile.ZipFile(path) as zipped:
        info = zipped.getinfo(name)
    data = bytearray(path.read_bytes())
    header = info.header_offset
    start = header + 30 + int.from_bytes(data[header + 26 : header + 28], "little")
    start += int.from_bytes(data[header + 28 : header + 30], "little")
    data[start + info.file_size // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_damaged_file_is_reported_and_leaves_nothing_behind(user, other_user, collection, tmp_path):
    path = tmp_path / "mine.zip"
    export(user, path)
    with zipfile.ZipFile(path) as zipped:
        items = json.loads(zipped.read("metadata.json"))["items"]
    broken = next(item for item in items if item["kind"] == "video")
    _damage(path, broken["file"]["name"])
    before = Asset.objects.count()
    with pytest.raises(CommandError, match="1 items could not be imported"):
        import_(path, other_user)
    report = importing.archive_import(source=path, owner=UserFactory())
    assert [label for label, _ in report.failed] == [f"video {broken['id']}"]
    assert report.imported == 3
    # Three items for each of the two importers, each with its thumbnail; nothing of the broken video.
    assert Asset.objects.count() == before + 2 * 3 * 2
    assert not Generation.objects.filter(owner=other_user, kind="video").exists()


def test_a_wrong_entry_in_the_metadata_fails_alone(user, other_user, tmp_path):
    stored_image(user, shade=1)
    stored_image(user, shade=2)
    path = tmp_path / "mine.zip"
    export(user, path)
    edited = tmp_path / "edited.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(edited, "w") as target:
        document = json.loads(source.read("metadata.json"))
        document["items"][0]["kind"] = "hologram"
        target.writestr("metadata.json", json.dumps(document))
        for name in source.namelist()[1:]:
            target.writestr(name, source.read(name))
    report = importing.archive_import(source=edited, owner=other_user)
    assert report.imported == 1
    assert report.failed[0][0] == "item 1" and "invalid entry" in report.failed[0][1]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"not a zip at all", "Not a readable ZIP archive"),
        ("no-metadata", "has no metadata.json"),
        ("other-format", "is not a simpoc-archive document"),
        ("future", "version 99 is not supported"),
    ],
)
def test_a_file_that_is_not_an_archive_is_refused_clearly(other_user, tmp_path, content, words):
    path = tmp_path / "upload.zip"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        with zipfile.ZipFile(path, "w") as zipped:
            if content == "other-format":
                zipped.writestr("metadata.json", json.dumps({"format": "something", "items": []}))
            elif content == "future":
                zipped.writestr("metadata.json", json.dumps({"format": "simpoc-archive", "version": 99}))
            else:
                zipped.writestr("hello.txt", "hi")
    with pytest.raises(CommandError, match=words):
        import_(path, other_user)
    assert Asset.objects.count() == 0


def test_commands_refuse_unknown_users_and_existing_files(user, tmp_path):
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("export_media", user="ghost", output=str(tmp_path / "a.zip"))
    existing = tmp_path / "there.zip"
    existing.write_bytes(b"keep")
    with pytest.raises(CommandError, match="exists already"):
        call_command("export_media", user=user.username, output=str(existing))
    assert existing.read_bytes() == b"keep"
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("import_media", str(existing), owner="ghost")


def test_a_gallery_download_imports_too(user, user_client, other_user, tmp_path):
    image = stored_image(user, prompt="a selection", shade=4)
    response = user_client.get(f"/api/archive?images={image.pk}")
    path = tmp_path / "selection.zip"
    path.write_bytes(b"".join(response.streaming_content))
    assert "Imported 1 items" in import_(path, other_user)
    copy = Generation.objects.get(owner=other_user)
    assert (copy.prompt, copy.inputs) == ("a selection", image.inputs)
    assert copy.asset.sha256 == hashlib.sha256(storage_bytes(image.asset)).hexdigest()


def storage_bytes(asset: Asset) -> bytes:
    return b"".join(storage_backends.blob_chunks(asset_id=asset.pk, length=asset.size_bytes))
