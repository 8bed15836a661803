"""While an output is copied into storage, its record shows the phase and bytes received of the total."""

import threading
import time
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.db import connection

from media_gen import services
from media_gen.models import DownloadPhase, Generation
from media_gen.services import delivery as media_delivery
from media_gen.services import lifecycle
from tests.media_gen.factories import GenerationFactory

SIZE = 1_500_000


def start_image(client) -> int:
    response = client.post(
        "/api/run-image-model",
        {"model_id": "black-forest-labs/flux-schnell", "input": {"prompt": "a slow kite"}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    return response.json()["image_id"]


def post_deliveries(client, deliveries) -> None:
    for delivery in deliveries:
        parts = urlsplit(delivery.url)
        headers = {k: v for k, v in delivery.headers.items() if k != "content-type"}
        client.post(
            f"{parts.path}?{parts.query}",
            data=delivery.body,
            content_type="application/json",
            headers=headers,
        )


@pytest.mark.django_db(transaction=True)
def test_progress_moves_during_a_slow_download_from_the_emulator(
    user_client, webhook_client, public_site, monkeypatch
):
    # About 3 s at 500 kB/s. The webhook queues the download inside its own transaction (tasks would
    # run inline here, inside it), so the test is the worker: it runs the queued download in a thread
    # while the page polls, as qcluster would after the webhook's commit.
    public_site.set_faults(oversize_output_bytes=SIZE, file_bytes_per_second=500_000)
    image_id = start_image(user_client)
    public_site.wait_idle()
    queued: list[tuple] = []
    monkeypatch.setattr(lifecycle, "async_task", lambda func, *args, **kwargs: queued.append((func, args)))
    post_deliveries(webhook_client, public_site.take_webhooks())
    assert queued == [("media_gen.tasks.generation_download", (image_id,))]
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            services.generation_download(generation_id=image_id)
        except BaseException as exc:  # reported by the test below
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    started = time.monotonic()
    thread.start()
    seen = []
    while thread.is_alive():
        record = user_client.get(f"/api/images/{image_id}").json()
        if record["download_progress"] is not None:
            seen.append((record["status"], record["download_progress"]))
        time.sleep(0.05)
    thread.join()
    seconds = time.monotonic() - started
    assert not failures, failures
    final = user_client.get(f"/api/images/{image_id}").json()

    downloading = [p for status, p in seen if p["phase"] == "downloading"]
    assert all(status == "processing" for status, p in seen if p["phase"] != "done")
    middle = {p["bytes_received"] for p in downloading if 0 < p["bytes_received"] < SIZE}
    assert len(middle) >= 3, seen  # several intermediate values, not just the start and the end
    assert all(p["bytes_total"] in (SIZE, None) for p in downloading)
    assert any(p["bytes_total"] == SIZE for p in downloading)  # Content-Length makes the total known
    received = [p["bytes_received"] for p in downloading]
    assert received == sorted(received)
    # At most four writes a second, although the page asked twenty times a second.
    assert len(middle) <= seconds * 4 + 1, (len(middle), seconds)
    assert len(downloading) > len(middle)
    assert final["status"] == "completed"
    assert final["download_progress"] == {"phase": "done", "bytes_received": SIZE, "bytes_total": SIZE}
    assert final["size_bytes"] < SIZE  # the emulator's padding follows the PNG's end, so it is not stored


@pytest.mark.django_db
def test_a_failed_try_goes_back_to_queued_and_the_next_try_finishes(user_client, webhook_client, public_site):
    public_site.set_faults(file_failures=1)
    image_id = start_image(user_client)
    public_site.wait_idle()
    post_deliveries(webhook_client, public_site.take_webhooks())
    record = user_client.get(f"/api/images/{image_id}").json()
    assert record["status"] == "processing"
    assert record["download_progress"] == {"phase": "queued", "bytes_received": 0, "bytes_total": None}
    Generation.objects.filter(pk=image_id).update(download_next_at=None)
    services.generation_download(generation_id=image_id)
    record = user_client.get(f"/api/images/{image_id}").json()
    assert record["status"] == "completed"
    assert record["download_progress"]["phase"] == "done"
    assert record["download_progress"]["bytes_received"] == record["size_bytes"]


@pytest.mark.django_db
def test_a_generation_that_never_downloaded_shows_no_progress(user_client, user):
    generation = GenerationFactory(owner=user, status=Generation.Status.PROCESSING)
    assert user_client.get(f"/api/images/{generation.pk}").json()["download_progress"] is None


@pytest.mark.django_db
def test_progress_is_written_at_most_four_times_a_second(user, monkeypatch, django_assert_num_queries):
    generation = GenerationFactory(
        owner=user, status=Generation.Status.DOWNLOADING, download_phase=DownloadPhase.DOWNLOADING
    )
    clock = iter([100.0, 100.1, 100.2, 100.26, 100.3, 100.4, 100.52])
    monkeypatch.setattr(media_delivery, "time", SimpleNamespace(monotonic=lambda: next(clock)))
    record = media_delivery._progress_recorder(generation.pk)
    with django_assert_num_queries(3):  # at 100.0, 100.26 and 100.52
        for received in (0, 10, 20, 30, 40, 50, 60):
            record(received, 100)
    generation.refresh_from_db()
    assert (generation.download_bytes_received, generation.download_bytes_total) == (60, 100)
