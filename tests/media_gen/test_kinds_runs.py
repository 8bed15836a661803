"""Runs of every kind through the emulator, stored by what they answer (issue 15): music and speech
as audio records, a caption as the text of a video record that names its source."""

import json

import pytest

from gallery.models import Asset
from media_gen.models import Generation
from tests.media_gen.test_audio_api import _audio
from tests.media_gen.test_kinds_api import _post, _stored


@pytest.mark.parametrize(
    ("model_id", "collection", "inputs"),
    [
        ("emulator/music", "ai-music-generation", {"prompt": "a calm tune", "duration": 2}),
        ("emulator/speech", "text-to-speech", {"text": "hello there"}),
    ],
)
def test_run_a_music_or_speech_model(user_client, emulator, model_id, collection, inputs):
    response = user_client.post(
        "/api/run-audio-model",
        json.dumps({"model_id": model_id, "collection": collection, "input": inputs}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"audio_id", "status", "demo_mode"} and body["demo_mode"] is True
    record = user_client.get(f"/api/audio/{body['audio_id']}").json()
    assert record["collection"] == collection and record["model_id"] == model_id
    assert record["status"] == "completed", record
    assert record["content_type"].startswith("audio/") and record["duration"] > 0
    assert record["audio_url"] and record["video_url"] == record["audio_url"]
    listed = user_client.get("/api/audio").json()["audio"]
    assert [r["id"] for r in listed] == [body["audio_id"]]


def test_retry_runs_a_canceled_audio_again(user_client, user, emulator):
    running = _audio(
        user, stored=False, status=Generation.Status.CANCELED, prediction_id="", upstream_status=""
    )
    retried = user_client.post(f"/api/audio/{running.pk}/retry")
    assert retried.status_code == 200, retried.json()
    record = user_client.get(f"/api/audio/{running.pk}").json()
    assert record["status"] == "completed", record
    assert record["audio_url"].startswith(f"/api/audio/{running.pk}/data")


def test_caption_a_stored_video_end_to_end(user_client, user, emulator):
    video = _stored(user, "video")
    response = _post(
        user_client,
        "/api/run-video-model",
        {
            "model_id": "emulator/captioner",
            "collection": "video-to-text",
            "source": {"kind": "video", "id": video.pk},
        },
    )
    assert response.status_code == 200, response.json()
    caption = user_client.get(f"/api/videos/{response.json()['video_id']}").json()
    assert caption["source"]["kind"] == "video" and caption["source"]["id"] == video.pk
    assert caption["status"] == "completed", caption
    assert caption["text_output"] and caption["video_url"] == ""
    captions = user_client.get(f"/api/videos/{video.pk}").json()["captions"]
    assert [c["id"] for c in captions] == [caption["id"]]


@pytest.mark.parametrize(
    ("path", "model_id", "collection", "family"),
    [
        ("/api/run-audio-model", "emulator/bad-music", "ai-music-generation", "audio"),
        ("/api/run-video-model", "emulator/bad-captioner", "video-to-text", "videos"),
    ],
)
def test_an_output_that_cannot_be_stored_fails_the_run_with_its_reason(
    user_client, user, emulator, path, model_id, collection, family
):
    body = {"model_id": model_id, "collection": collection, "input": {"prompt": "a tune"}}
    if family == "videos":
        body = {**body, "input": {}, "source": {"kind": "video", "id": _stored(user, "video").pk}}
    assets_before = set(Asset.objects.values_list("id", flat=True))
    response = _post(user_client, path, body)
    assert response.status_code == 200, response.json()
    generation_id = next(value for key, value in response.json().items() if key.endswith("_id"))
    record = user_client.get(f"/api/{family}/{generation_id}").json()
    assert record["status"] == "failed", record
    assert record["error"]
    assert record["outputs"] == [] and record["text_output"] is None
    assert record["video_url"] == ""
    assert set(Asset.objects.values_list("id", flat=True)) == assets_before
