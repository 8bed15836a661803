"""Audio records end to end (issue 15): /api/audio in the style of /api/videos, and runs of the
music and speech models of the emulator."""

import json

import pytest

from gallery.models import Asset
from media_gen.models import Generation
from tests.gallery.factories import AssetFactory
from tests.gallery.media import audio_bytes
from tests.media_gen.factories import GenerationFactory


def _audio(owner, *, stored: bool = True, **fields) -> Generation:
    asset = (
        AssetFactory(owner=owner, kind=Asset.Kind.AUDIO, content=audio_bytes("wav"), filename="tune.wav")
        if stored
        else None
    )
    fields.setdefault("status", Generation.Status.COMPLETED if stored else Generation.Status.PROCESSING)
    return GenerationFactory(
        owner=owner,
        kind="audio",
        model_id="emulator/music",
        collection="ai-music-generation",
        asset=asset,
        **fields,
    )


def test_the_list_pages_and_filters_like_videos(user_client, user, other_user):
    mine = [_audio(user, stored=False) for _ in range(3)]
    favourite = _audio(user, favorite=True)
    _audio(other_user)
    GenerationFactory(owner=user, kind="video")  # another family
    body = user_client.get("/api/audio", {"limit": 2}).json()
    assert set(body) >= {"audio", "total", "next"}
    assert body["total"] == 4 and len(body["audio"]) == 2 and body["next"]
    rest = user_client.get("/api/audio", {"limit": 2, "before": body["next"]}).json()
    ids = [r["id"] for r in body["audio"] + rest["audio"]]
    assert sorted(ids) == sorted(g.pk for g in [*mine, favourite])
    assert [r["id"] for r in user_client.get("/api/audio", {"favorite": "true"}).json()["audio"]] == [
        favourite.pk
    ]
    assert user_client.get("/api/audio", {"status": "processing"}).json()["total"] == 3
    assert user_client.get("/api/audio", {"status": "nonsense"}).status_code == 422


def test_a_stored_record_and_its_bytes_with_ranges(user_client, user):
    generation = _audio(user)
    record = user_client.get(f"/api/audio/{generation.pk}").json()
    assert record["audio_url"].startswith(f"/api/audio/{generation.pk}/data")
    assert record["video_url"] == record["audio_url"]
    assert record["content_type"] == "audio/wav" and record["duration"] == pytest.approx(1.0, abs=0.1)
    assert record["outputs"][0]["url"] == record["audio_url"]
    whole = b"".join(user_client.get(record["audio_url"]).streaming_content)
    assert whole[:4] == b"RIFF"
    part = user_client.get(record["audio_url"], headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part["Content-Range"].startswith("bytes 0-99/")
    assert b"".join(part.streaming_content) == whole[:100]
    if record["thumbnail_url"]:  # the waveform, drawn when the file was stored
        thumbnail = user_client.get(record["thumbnail_url"])
        assert thumbnail.status_code == 200 and thumbnail["Content-Type"].startswith("image/")


def test_nothing_stored_yet_is_a_clear_404(user_client, user):
    generation = _audio(user, stored=False)
    response = user_client.get(f"/api/audio/{generation.pk}/data")
    assert response.status_code == 404 and "no stored output" in response.json()["detail"]


def test_someone_elses_audio_is_not_found(other_client, user):
    generation = _audio(user)
    assert other_client.get(f"/api/audio/{generation.pk}").status_code == 404
    assert other_client.get(f"/api/audio/{generation.pk}/data").status_code == 404
    assert other_client.delete(f"/api/audio/{generation.pk}").status_code == 404
    assert Generation.objects.filter(pk=generation.pk).exists()


def test_favourite_cancel_and_delete(user_client, user):
    stored = _audio(user)
    patched = user_client.patch(
        f"/api/audio/{stored.pk}", json.dumps({"favorite": True}), content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["favorite"] is True

    running = _audio(
        user, stored=False, status=Generation.Status.PENDING, prediction_id="", upstream_status=""
    )
    canceled = user_client.post(f"/api/audio/{running.pk}/cancel")
    assert canceled.status_code == 200 and canceled.json()["status"] == "canceled"
    assert canceled.json()["audio_url"] == ""

    asset_id = stored.asset_id
    deleted = user_client.delete(f"/api/audio/{stored.pk}")
    assert deleted.status_code == 200 and deleted.json()["success"]
    assert not Generation.objects.filter(pk=stored.pk).exists()
    assert not Asset.objects.filter(pk=asset_id).exists()


def test_an_audio_id_is_not_a_video(user_client, user):
    generation = _audio(user)
    assert user_client.get(f"/api/videos/{generation.pk}").status_code == 404
    assert user_client.get(f"/api/audio/{GenerationFactory(owner=user, kind='video').pk}").status_code == 404


def test_a_run_with_an_image_collection_is_refused(user_client, emulator):
    response = user_client.post(
        "/api/run-audio-model",
        json.dumps({"model_id": "emulator/music", "collection": "text-to-image", "input": {"prompt": "x"}}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "ai-music-generation" in response.json()["detail"]
    assert not Generation.objects.exists()
