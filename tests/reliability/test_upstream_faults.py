"""Item 3: Replicate answering 5xx, 429 with Retry-After, timing out, or losing its outputs: every
generation ends completed or failed with a clear error, within the deadlines; none stays in flight."""

from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from gallery.models import Asset
from media_gen import replicate_client, services
from media_gen.models import Generation

pytestmark = pytest.mark.django_db

MODEL = "black-forest-labs/flux-schnell"


def run(client, emulator, **faults):
    # The model's input schema is cached first, so the fault hits the create itself.
    assert client.get(f"/api/image-models/{MODEL}/schema").status_code == 200
    emulator.set_faults(**faults)
    return client.post(
        "/api/run-image-model",
        {"model_id": MODEL, "input": {"prompt": "a kite"}},
        content_type="application/json",
    )


@pytest.fixture
def short_timeouts(monkeypatch):
    """The client waits 20 s for an answer; a test waits a fraction of a second."""
    short = httpx.Timeout(0.3, connect=0.3)
    monkeypatch.setattr(replicate_client, "TIMEOUT", short)
    http = replicate_client.client()._client
    monkeypatch.setattr(http, "timeout", short)


def record(client, generation_id: int) -> dict:
    return client.get(f"/api/images/{generation_id}").json()


@pytest.mark.parametrize(
    ("faults", "status", "words"),
    [
        ({"server_error": 1, "server_error_status": 503}, 502, "unavailable"),
        ({"server_error": 1, "server_error_status": 500}, 502, "unavailable"),
        ({"rate_limit": 1, "retry_after": 7}, 429, "rate limited"),
    ],
    ids=["503", "500", "429"],
)
def test_create_refused_upstream_fails_the_item_with_a_clear_error(
    user_client, emulator, faults, status, words
):
    response = run(user_client, emulator, **faults)
    assert response.status_code == status
    assert words in response.json()["detail"]
    if status == 429:
        assert response["Retry-After"] == "7"
    generation = Generation.objects.get()
    assert generation.status == "failed" and generation.error
    assert record(user_client, generation.pk)["error"] == generation.error
    # The create is never retried: a retry could run (and bill) the model twice.
    assert sum(1 for method, path in emulator.requests if method == "POST") == 1


def test_create_timing_out_fails_the_item(user_client, emulator, short_timeouts):
    response = run(user_client, emulator, slow_seconds=1.0)
    assert response.status_code == 502
    generation = Generation.objects.get()
    assert generation.status == "failed"
    assert "could not be reached" in generation.error


def test_polls_answering_5xx_and_429_keep_the_item_then_it_completes(user, emulator):
    prediction = replicate_client.prediction_create(
        model_id=MODEL, version=None, inputs={"prompt": "x"}, webhook=None
    )
    generation = Generation.objects.create(
        owner=user, kind="image", model_id=MODEL, status="processing", prediction_id=prediction["id"]
    )
    emulator.wait_idle()
    emulator.set_faults(server_error=3, server_error_status=502)  # more than the client's retries
    services.generation_poll_in_flight()
    generation.refresh_from_db()
    assert generation.status == "processing"
    emulator.set_faults(rate_limit=3, retry_after=1)
    services.generation_poll_in_flight()
    generation.refresh_from_db()
    assert generation.status == "processing"
    emulator.set_faults(server_error=0, rate_limit=0)
    services.generation_poll_in_flight()
    generation.refresh_from_db()
    assert generation.status == "completed"
    assert Asset.objects.filter(kind="image").count() == 1


@pytest.mark.parametrize(
    "faults",
    [{"server_error": 10_000, "server_error_status": 503}, {"slow_seconds": 1.0}],
    ids=["5xx-for-ever", "timeouts-for-ever"],
)
def test_upstream_that_never_answers_again_fails_the_item_after_the_deadline(
    user, emulator, short_timeouts, faults
):
    prediction = replicate_client.prediction_create(
        model_id=MODEL, version=None, inputs={"prompt": "x"}, webhook=None
    )
    generation = Generation.objects.create(
        owner=user, kind="image", model_id=MODEL, status="processing", prediction_id=prediction["id"]
    )
    emulator.wait_idle()
    emulator.set_faults(**faults)
    services.generation_poll_in_flight()
    generation.refresh_from_db()
    assert generation.status == "processing", "one failed poll is not the end"
    later = timezone.now() + services.PROCESSING_GIVE_UP + timedelta(minutes=1)
    assert services.generation_expire_stale(now=later) == 1
    assert services.generation_poll_in_flight(now=later) == 0
    generation.refresh_from_db()
    assert generation.status == "failed"
    assert "Replicate" in generation.error and generation.completed_at is not None


def test_prediction_stuck_processing_upstream_fails_after_the_deadline(user, emulator):
    emulator.config.run_delay = 2.0
    try:
        prediction = replicate_client.prediction_create(
            model_id=MODEL, version=None, inputs={"prompt": "x"}, webhook=None
        )
        generation = Generation.objects.create(
            owner=user, kind="image", model_id=MODEL, status="processing", prediction_id=prediction["id"]
        )
        later = timezone.now() + services.PROCESSING_GIVE_UP + timedelta(minutes=1)
        assert services.generation_expire_stale(now=later) == 1
        assert services.generation_poll_in_flight(now=later) == 0
        generation.refresh_from_db()
        assert generation.status == "failed" and generation.error
    finally:
        replicate_client.prediction_cancel(prediction_id=prediction["id"])
        emulator.config.run_delay = 0.03


@pytest.mark.parametrize(
    ("faults", "words"),
    [
        ({"output_ttl_seconds": 0.0}, "no longer available"),
        ({"file_failures": 10_000}, "gave up"),
    ],
    ids=["output-vanished", "output-5xx-for-ever"],
)
def test_outputs_that_vanish_or_never_download_fail_within_the_window(user, emulator, faults, words):
    emulator.set_faults(**faults)
    prediction = replicate_client.prediction_create(
        model_id=MODEL, version=None, inputs={"prompt": "x"}, webhook=None
    )
    generation = Generation.objects.create(
        owner=user, kind="image", model_id=MODEL, status="processing", prediction_id=prediction["id"]
    )
    emulator.wait_idle()
    now = timezone.now()
    # Poll rounds, minutes apart, until Replicate's one-hour retention is over.
    for minutes in range(0, 61, 5):
        services.generation_poll_in_flight(now=now + timedelta(minutes=minutes))
    generation.refresh_from_db()
    assert generation.status == "failed"
    assert words in generation.error
    assert not Asset.objects.exists()
