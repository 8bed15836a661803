"""Every kind round-trips through an archive: audio, captions (text outputs), every output file of a
generation, and what each generation was made from (``source_*``), relinked to the new ids."""

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from gallery.models import Asset
from media_gen.models import Generation, GenerationOutput
from portability import archive, importing
from simulation.models import Render
from tests.factories import UserFactory
from tests.portability.kinds import every_kind, sounds_made

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def sounds() -> dict[str, bytes]:
    return sounds_made()


def export_everything(user, path: Path) -> dict:
    with path.open("wb") as out:
        archive.zip_write(user=user, wanted=archive.archive_everything_of(user=user), out=out)
    with zipfile.ZipFile(path) as zipped:
        return json.loads(zipped.read("metadata.json"))


def fresh_owner(user) -> object:
    """A new deployment: none of the media, records or the user are left."""
    Generation.objects.all().delete()
    Render.objects.all().delete()
    Asset.objects.all().delete()
    user.delete()
    return UserFactory(username="newcomer")


def test_the_archive_describes_audio_outputs_text_and_sources(user, sounds, tmp_path):
    made = every_kind(user, sounds)

    document = export_everything(user, tmp_path / "all.zip")

    items = {(item["kind"], item["id"]): item for item in document["items"]}
    audio = items[("audio", made["audio"].pk)]
    assert audio["file"]["name"] == f"audio/{made['audio'].pk}-a-slow-waltz.mp3"
    assert audio["file"]["content_type"] == "audio/mpeg"
    assert audio["file"]["duration"] == pytest.approx(1.0, abs=0.1)
    assert [(o["position"], o["file"]["name"]) for o in audio["outputs"]] == [
        (0, audio["file"]["name"]),
        (1, f"audio/{made['audio'].pk}-a-slow-waltz-1.wav"),
    ]
    caption = items[("video", made["caption"].pk)]
    assert caption["file"] is None and caption["text_output"] == "A ball rolls for 1.0 s, 48x32."
    # The source video is in the archive with these very bytes: they are not written twice.
    assert caption["source"] == {
        "kind": "video",
        "id": made["video"].pk,
        "input": "video",
        "items": None,
        "file": None,
    }
    made_real = items[("video", made["made_real"].pk)]
    assert made_real["source"]["kind"] == "render" and made_real["source"]["id"] == made["render"].pk
    assert made_real["source"]["file"]["name"] == f"sources/{made['made_real'].pk}-source.png"
    assert made_real["source"]["file"]["sha256"] == made["frame"].sha256
    combined = items[("video", made["combined"].pk)]
    assert combined["source"]["items"] == [
        {"kind": "video", "id": made["video"].pk},
        {"kind": "render", "id": made["render"].pk},
    ]
    with zipfile.ZipFile(tmp_path / "all.zip") as zipped:
        names = zipped.namelist()
    assert f"audio/{made['audio'].pk}-a-slow-waltz-1.wav" in names
    assert len(names) == len(set(names))


def test_export_then_import_round_trips_every_kind_and_relinks_sources(user, sounds, tmp_path):
    made = every_kind(user, sounds)
    path = tmp_path / "all.zip"
    export_everything(user, path)
    frame_sha = made["frame"].sha256
    newcomer = fresh_owner(user)

    report = importing.archive_import(source=path, owner=newcomer)

    assert report.failed == [] and report.imported == 8
    audio = Generation.objects.get(kind="audio")
    assert (audio.prompt, audio.collection, audio.status) == (
        "a slow waltz",
        "ai-music-generation",
        "completed",
    )
    assert (audio.asset.content_type, audio.asset.sha256) == ("audio/mpeg", made["audio"].asset.sha256)
    assert audio.asset.duration == pytest.approx(1.0, abs=0.1) and audio.asset.thumbnail_id
    outputs = list(audio.outputs.order_by("position").select_related("asset"))
    assert [(o.position, o.asset.kind, o.asset.content_type, o.url) for o in outputs] == [
        (0, "audio", "audio/mpeg", "https://replicate.delivery/a.mp3"),
        (1, "audio", "audio/wav", "https://replicate.delivery/b.wav"),
    ]
    assert outputs[0].asset == audio.asset
    video = Generation.objects.get(prompt="a ball rolls")
    caption = Generation.objects.get(collection="video-to-text")
    assert caption.asset is None and caption.text_output == "A ball rolls for 1.0 s, 48x32."
    assert (caption.source_kind, caption.source_id, caption.source_asset, caption.source_input) == (
        "video",
        video.pk,
        video.asset,
        "video",
    )
    original = Generation.objects.get(prompt="a small fox", collection="text-to-image")
    upscaled = Generation.objects.get(collection="super-resolution")
    assert (upscaled.source_kind, upscaled.source_id, upscaled.source_asset) == (
        "image",
        original.pk,
        original.asset,
    )
    render = Render.objects.get()
    made_real = Generation.objects.get(prompt="boxes falling, real")
    assert (made_real.source_kind, made_real.source_id) == ("render", render.pk)
    assert made_real.source_input == "first_frame_image"
    assert (made_real.source_asset.kind, made_real.source_asset.sha256) == ("upload", frame_sha)
    combined = Generation.objects.get(source_kind="combine")
    assert combined.inputs["items"] == [
        {"kind": "video", "id": video.pk},
        {"kind": "render", "id": render.pk},
    ]
    assert combined.inputs["transition"] == "cut"
    assert set(Asset.objects.values_list("owner__username", flat=True)) == {"newcomer"}


def test_importing_twice_skips_every_duplicate_captions_included(user, other_user, sounds, tmp_path):
    every_kind(user, sounds)
    path = tmp_path / "all.zip"
    export_everything(user, path)
    first = importing.archive_import(source=path, owner=other_user)
    counts = (Asset.objects.count(), Generation.objects.count(), GenerationOutput.objects.count())

    second = importing.archive_import(source=path, owner=other_user)

    assert first.imported == 8 and first.failed == []
    assert (second.imported, second.duplicates, second.failed) == (0, 8, [])
    assert (Asset.objects.count(), Generation.objects.count(), GenerationOutput.objects.count()) == counts


def test_a_source_outside_the_selection_travels_as_bytes_and_stays_unlinked(
    user, user_client, sounds, tmp_path
):
    made = every_kind(user, sounds)
    response = user_client.get(f"/api/archive?videos={made['caption'].pk}&audio={made['audio'].pk}")
    path = tmp_path / "two.zip"
    path.write_bytes(b"".join(response.streaming_content))
    with zipfile.ZipFile(path) as zipped:
        document = json.loads(zipped.read("metadata.json"))
        names = zipped.namelist()
    caption = next(item for item in document["items"] if item["kind"] == "video")
    assert caption["source"]["file"]["name"] == f"sources/{made['caption'].pk}-source.mp4"
    assert caption["source"]["file"]["name"] in names
    newcomer = fresh_owner(user)

    report = importing.archive_import(source=path, owner=newcomer)

    assert (report.imported, report.failed) == (2, [])
    copy = Generation.objects.get(kind="video")
    assert (copy.source_kind, copy.source_id) == ("video", None)
    assert (copy.source_asset.kind, copy.source_asset.content_type) == ("upload", "video/mp4")


def _rewrite(path: Path, edited: Path, change, replace: dict[str, bytes] | None = None) -> None:
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(edited, "w") as target:
        document = json.loads(source.read("metadata.json"))
        change(document["items"])
        target.writestr("metadata.json", json.dumps(document))
        for name in source.namelist()[1:]:
            target.writestr(name, (replace or {}).get(name, source.read(name)))


def _audio_entry(items: list[dict]) -> dict:
    return next(item for item in items if item["kind"] == "audio")


def test_import_validates_sources_and_outputs_and_a_refused_item_leaves_nothing(
    user, other_user, sounds, tmp_path
):
    every_kind(user, sounds)
    path = tmp_path / "all.zip"
    export_everything(user, path)

    def bad_source(items):
        next(item for item in items if item.get("text_output"))["source"]["kind"] = "webpage"

    edited = tmp_path / "bad-source.zip"
    _rewrite(path, edited, bad_source)
    report = importing.archive_import(source=edited, owner=other_user)
    assert len(report.failed) == 1 and "invalid entry" in report.failed[0][1]
    assert report.imported == 7
    assert not Generation.objects.filter(owner=other_user, collection="video-to-text").exists()


def test_html_posing_as_an_audio_output_refuses_the_item_and_stores_nothing(
    user, other_user, sounds, tmp_path
):
    every_kind(user, sounds)
    path = tmp_path / "all.zip"
    export_everything(user, path)
    page = b"<!DOCTYPE html><html><body>not a song</body></html>"

    def html_output(items):
        second = _audio_entry(items)["outputs"][1]["file"]
        second.update(sha256=hashlib.sha256(page).hexdigest(), size_bytes=len(page))

    with zipfile.ZipFile(path) as zipped:
        second_name = _audio_entry(json.loads(zipped.read("metadata.json"))["items"])["outputs"][1]["file"][
            "name"
        ]
    edited = tmp_path / "html.zip"
    _rewrite(path, edited, html_output, replace={second_name: page})
    before = Asset.objects.count()

    report = importing.archive_import(source=edited, owner=other_user)

    assert len(report.failed) == 1 and report.failed[0][0].startswith("audio ")
    assert "not accepted" in report.failed[0][1]
    assert not Generation.objects.filter(owner=other_user, kind="audio").exists()
    assert not Asset.objects.filter(owner=other_user, kind="audio").exists()
    assert Asset.objects.count() - before == Asset.objects.filter(owner=other_user).count()
    assert report.imported == 7


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda entry: entry["outputs"][1].update(position=0), "distinct"),
        (lambda entry: entry["outputs"][1]["file"].update(name="audio/missing.wav"), "not in the archive"),
        (lambda entry: entry.update(outputs=[{"position": 500}]), "invalid entry"),
    ],
    ids=["same-position-twice", "missing-file", "position-out-of-range"],
)
def test_bad_outputs_refuse_the_item_alone(user, other_user, sounds, tmp_path, change, words):
    every_kind(user, sounds)
    path = tmp_path / "all.zip"
    export_everything(user, path)
    edited = tmp_path / "edited.zip"
    _rewrite(path, edited, lambda items: change(_audio_entry(items)))

    report = importing.archive_import(source=edited, owner=other_user)

    assert len(report.failed) == 1 and words in report.failed[0][1]
    assert report.imported == 7
    assert not Asset.objects.filter(owner=other_user, kind="audio").exists()
