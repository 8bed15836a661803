"""Whole generations through the real `replicate` client and the emulator over HTTP."""

import io

import pytest
from PIL import Image

from media_gen import services
from media_gen.models import DownloadAttempt, Generation
from tests.media_gen.conftest import deliver_webhooks

pytestmark = pytest.mark.django_db


def run_image(
    client, prompt: str = "a red fox in snow", model_id: str = "black-forest-labs/flux-schnell", **inputs
):
    return client.post(
        "/api/run-image-model",
        {"model_id": model_id, "input": {"prompt": prompt, **inputs}, "collection": "text-to-image"},
        content_type="application/json",
    )


def test_image_lifecycle_by_webhook(user_client, webhook_client, public_site):
    response = run_image(user_client, seed=7, num_outputs=1)
    assert response.status_code == 200, response.json()
    image_id = response.json()["image_id"]
    assert response.json()["status"] == "processing"
    assert user_client.get(f"/api/images/{image_id}").json()["status"] == "processing"

    answers = deliver_webhooks(webhook_client, public_site)
    assert [a.status_code for a in answers] == [200]

    record = user_client.get(f"/api/images/{image_id}").json()
    assert record["status"] == "completed"
    sha256 = Generation.objects.get(pk=image_id).asset.sha256
    assert record["image_url"] == f"/api/images/{image_id}/data?v={sha256[:16]}"
    assert record["content_type"] == "image/webp"
    assert (record["width"], record["height"]) == (48, 48)
    assert record["parameters"] == {"prompt": "a red fox in snow", "seed": 7, "num_outputs": 1}
    assert record["error"] is None and record["metadata"]["webhook_requested"] is True
    data = user_client.get(record["image_url"])
    assert data.status_code == 200 and data["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(b"".join(data.streaming_content))).size == (48, 48)
    assert user_client.get(record["thumbnail_url"]).status_code == 200


def test_video_lifecycle_by_webhook(user_client, webhook_client, public_site):
    response = user_client.post(
        "/api/run-video-model",
        {"model_id": "tencent/hunyuan-video", "input": {"prompt": "waves", "video_length": 9, "fps": "8"}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    video_id = response.json()["video_id"]
    deliver_webhooks(webhook_client, public_site)
    record = user_client.get(f"/api/videos/{video_id}").json()
    assert record["status"] == "completed"
    assert record["content_type"] == "video/mp4" and record["duration"] > 0
    assert record["parameters"]["fps"] == 8  # typed by the schema
    data = user_client.get(record["video_url"], headers={"Range": "bytes=0-99"})
    assert data.status_code == 206
    assert b"ftyp" in b"".join(data.streaming_content)


def test_image_lifecycle_by_polling_only(user_client, emulator):
    response = run_image(user_client, model_id="ideogram-ai/ideogram-v2-turbo", aspect_ratio="16:9")
    assert response.status_code == 200, response.json()
    # No public site: no webhook was asked for, and the poll loop started by the run finished it.
    assert emulator.take_webhooks() == []
    record = user_client.get(f"/api/images/{response.json()['image_id']}").json()
    assert record["status"] == "completed", record
    assert record["metadata"]["webhook_requested"] is False
    assert record["content_type"] == "image/png"


def test_data_url_output_is_stored(user_client, emulator):
    response = run_image(user_client, model_id="simpoc-demo/pixel-sketch", palette=["red", "teal"])
    record = user_client.get(f"/api/images/{response.json()['image_id']}").json()
    assert record["status"] == "completed" and record["content_type"] == "image/jpeg"


def test_video_from_uploaded_image(user_client, emulator):
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(picture, format="PNG")
    picture.name = "start.png"
    picture.seek(0)
    upload = user_client.post("/api/upload-image", {"file": picture})
    assert upload.status_code == 200, upload.json()
    assert upload.json()["url"].startswith("data:image/png;base64,")

    response = user_client.post(
        "/api/run-video-model",
        {
            "model_id": "kwaivgi/kling-v1.6-standard",
            "collection": "image-to-video",
            "input": {"prompt": "grass grows", "start_image": upload.json()["url"], "duration": 5},
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    record = user_client.get(f"/api/videos/{response.json()['video_id']}").json()
    assert record["status"] == "completed" and record["collection"] == "image-to-video"
    prediction = emulator.predictions[Generation.objects.get().prediction_id]
    assert prediction.input["start_image"].startswith("data:image/png;base64,")


def test_video_from_a_generated_image_link(user_client, emulator):
    image_id = run_image(user_client).json()["image_id"]
    response = user_client.post(
        "/api/run-video-model",
        {
            "model_id": "stability-ai/stable-video-diffusion",
            "input": {"input_image": f"/api/images/{image_id}/data", "frames_per_second": 6},
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    video = Generation.objects.get(pk=response.json()["video_id"])
    assert video.status == "completed"
    assert video.inputs["input_image"] == f"/api/images/{image_id}/data"  # what the user chose, kept
    assert (
        emulator.predictions[video.prediction_id].input["input_image"].startswith("data:image/webp;base64,")
    )


def test_someone_elses_image_cannot_be_used_as_input(user_client, other_client, emulator):
    image_id = run_image(user_client).json()["image_id"]
    response = other_client.post(
        "/api/run-video-model",
        {
            "model_id": "stability-ai/stable-video-diffusion",
            "input": {"input_image": f"/api/images/{image_id}/data"},
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "not available" in response.json()["detail"]


def test_failed_prediction_error_reaches_the_api(user_client, webhook_client, public_site):
    public_site.set_faults(fail_predictions=1, fail_error="NSFW content detected. Try a different prompt.")
    image_id = run_image(user_client).json()["image_id"]
    deliver_webhooks(webhook_client, public_site)
    record = user_client.get(f"/api/images/{image_id}").json()
    assert record["status"] == "failed"
    assert record["error"] == "NSFW content detected. Try a different prompt."
    assert record["metadata"]["error"] == record["error"]


@pytest.mark.parametrize(
    ("faults", "status", "words"),
    [
        ({"rate_limit": 1, "retry_after": 7}, 429, "try again in 7 seconds"),
        ({"server_error": 1, "server_error_status": 500}, 502, "Replicate is unavailable"),
    ],
)
def test_upstream_refusal_on_create_gives_a_clear_error(user_client, emulator, faults, status, words):
    user_client.get("/api/image-models/black-forest-labs/flux-schnell/schema")  # catalogue cached first
    emulator.set_faults(**faults)
    response = run_image(user_client)
    assert response.status_code == status
    assert words in response.json()["detail"]
    if status == 429:
        assert response["Retry-After"] == "7"
    generation = Generation.objects.get()
    assert generation.status == "failed" and generation.error


def test_inputs_are_validated_against_the_schema(user_client, emulator):
    response = user_client.post(
        "/api/run-image-model",
        {
            "model_id": "black-forest-labs/flux-schnell",
            "input": {"num_outputs": 9, "aspect_ratio": "7:5", "go_fast": "maybe", "colour": "red"},
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors == {
        "input.prompt": "is required",
        "input.num_outputs": "must be at most 4",
        "input.aspect_ratio": errors["input.aspect_ratio"],
        "input.go_fast": "must be true or false",
        "input.colour": "is not an input of this model",
    }
    assert errors["input.aspect_ratio"].startswith("must be one of 1:1, 16:9")
    assert not Generation.objects.exists()
    assert emulator.predictions == {} or all(
        p.created_at for p in emulator.predictions.values()
    )  # nothing was created for this request
    assert ("POST", "/v1/models/black-forest-labs/flux-schnell/predictions") not in emulator.requests


def test_unknown_model_is_404(user_client, emulator):
    response = run_image(user_client, model_id="nobody/nothing")
    assert response.status_code == 404


def test_in_flight_cap(user_client, public_site, settings):
    settings.GENERATION_MAX_IN_FLIGHT = 2
    assert run_image(user_client).status_code == 200
    assert run_image(user_client).status_code == 200
    third = run_image(user_client)
    assert third.status_code == 429
    assert "limit is 2" in third.json()["detail"]
    assert Generation.objects.count() == 2


def test_cancel_cancels_upstream(user_client, public_site):
    public_site.config.run_delay = 2.0
    try:
        image_id = run_image(user_client).json()["image_id"]
        response = user_client.post(f"/api/images/{image_id}/cancel")
        assert response.status_code == 200 and response.json()["status"] == "canceled"
        prediction_id = Generation.objects.get().prediction_id
        assert public_site.predictions[prediction_id].status == "canceled"
        assert user_client.post(f"/api/images/{image_id}/cancel").status_code == 409
    finally:
        public_site.config.run_delay = 0.03


def test_retry_runs_a_failed_generation_again(user_client, webhook_client, public_site):
    public_site.set_faults(fail_predictions=1)
    image_id = run_image(user_client).json()["image_id"]
    deliver_webhooks(webhook_client, public_site)
    first_prediction = Generation.objects.get().prediction_id
    response = user_client.post(f"/api/images/{image_id}/retry")
    assert response.status_code == 200 and response.json()["status"] == "processing"
    deliver_webhooks(webhook_client, public_site)
    generation = Generation.objects.get()
    assert generation.prediction_id != first_prediction
    assert user_client.get(f"/api/images/{image_id}").json()["status"] == "completed"


def test_retry_downloads_again_while_the_output_is_fetchable(user_client, webhook_client, public_site):
    public_site.set_faults(wrong_type_output=True)
    image_id = run_image(user_client).json()["image_id"]
    deliver_webhooks(webhook_client, public_site)
    assert user_client.get(f"/api/images/{image_id}").json()["status"] == "failed"
    public_site.set_faults(wrong_type_output=False)
    # The emulator kept the bad bytes for that prediction, so the re-download is refused again, but
    # it is a download (same prediction, one more attempt), not a new run.
    prediction_id = Generation.objects.get().prediction_id
    response = user_client.post(f"/api/images/{image_id}/retry")
    assert response.status_code == 200
    generation = Generation.objects.get()
    assert generation.prediction_id == prediction_id
    assert DownloadAttempt.objects.filter(generation=generation).count() == 2


def test_delete_removes_record_and_asset(user_client, webhook_client, public_site):
    from gallery.models import Asset

    image_id = run_image(user_client).json()["image_id"]
    deliver_webhooks(webhook_client, public_site)
    assert Asset.objects.filter(kind="image").count() == 1
    assert user_client.delete(f"/api/images/{image_id}").status_code == 200
    assert not Generation.objects.exists()
    assert not Asset.objects.filter(kind="image").exists()


def test_favorite_is_set_on_record_and_asset(user_client, webhook_client, public_site):
    image_id = run_image(user_client).json()["image_id"]
    deliver_webhooks(webhook_client, public_site)
    response = user_client.patch(
        f"/api/images/{image_id}", {"favorite": True}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["favorite"] is True
    assert Generation.objects.get().asset.favorite is True


def test_polling_service_is_what_the_schedule_runs():
    from django_q.models import Schedule

    services.schedules_ensure()
    services.schedules_ensure()
    schedule = Schedule.objects.get(func="media_gen.tasks.generation_poll_loop")
    assert schedule.schedule_type == Schedule.MINUTES and schedule.repeats == -1
    from media_gen import tasks

    for func in ("generation_expire_stale", "webhook_receipts_purge"):
        assert Schedule.objects.filter(func=f"media_gen.tasks.{func}").count() == 1, func
        assert callable(getattr(tasks, func))


def test_every_move_only_leaves_the_statuses_it_names(user):
    from media_gen.services import Moves, generation_move
    from tests.media_gen.factories import GenerationFactory

    done = GenerationFactory(owner=user, status="completed")
    assert generation_move(Moves.CANCELED, pk=done.pk) == 0
    assert generation_move(Moves.RUNNING, pk=done.pk, upstream_status="processing") == 0
    done.refresh_from_db()
    assert done.status == "completed"
    running = GenerationFactory(owner=user, status="processing")
    assert generation_move(Moves.CANCELED, pk=running.pk) == 1
    running.refresh_from_db()
    assert running.status == "canceled" and running.completed_at is not None
    assert running.error == "Canceled by the user."
