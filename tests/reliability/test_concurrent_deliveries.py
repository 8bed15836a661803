"""Item 5: hundreds of webhooks and polls for one prediction at once: one download, one asset, and
the status only ever moves forward."""

import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from django.db import connections
from django.test import Client

from gallery.models import Asset
from media_gen import replicate_client, services
from media_gen.models import DownloadAttempt, Generation

pytestmark = pytest.mark.django_db(transaction=True)

ORDER = ["pending", "processing", "downloading", "completed"]
WEBHOOKS = 240
POLLS = 40


def test_hundreds_of_concurrent_webhooks_and_polls_download_once(user, public_site):
    generation = Generation.objects.create(
        owner=user, kind="image", model_id="black-forest-labs/flux-schnell"
    )
    webhook = f"https://simpoc.example.com/api/webhooks/replicate?generation={generation.pk}"
    prediction = replicate_client.prediction_create(
        model_id=generation.model_id, version=None, inputs={"prompt": "x"}, webhook=webhook
    )
    Generation.objects.filter(pk=generation.pk).update(status="processing", prediction_id=prediction["id"])
    public_site.wait_idle()
    completed = next(d for d in public_site.take_webhooks() if d.event == "completed")
    running = json.dumps({**json.loads(completed.body), "status": "processing", "output": None}).encode()
    path = urlsplit(completed.url)
    # Late "processing" deliveries are mixed in: they must never move the status back.
    bodies = [completed.body] * (WEBHOOKS // 2) + [running] * (WEBHOOKS // 2)
    random.Random(7).shuffle(bodies)

    seen: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        try:
            while not stop.is_set():
                seen.append(Generation.objects.values_list("status", flat=True).get(pk=generation.pk))
                time.sleep(0.002)
        finally:
            connections.close_all()

    def deliver(body: bytes) -> int:
        try:
            response = Client().post(
                f"{path.path}?{path.query}",
                data=body,
                content_type="application/json",
                headers=public_site.signed_headers(body),  # a fresh webhook-id each: no dedup shortcut
            )
            return response.status_code
        finally:
            connections.close_all()

    def poll() -> int:
        try:
            services.generation_poll_in_flight()
            return 200
        finally:
            connections.close_all()

    calls = [(deliver, body) for body in bodies] + [(poll, None) for _ in range(POLLS)]
    random.Random(11).shuffle(calls)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(pool.map(lambda call: call[0](call[1]) if call[1] else call[0](), calls))
    finally:
        stop.set()
        watcher.join()

    assert answers == [200] * (WEBHOOKS + POLLS)
    generation.refresh_from_db()
    assert generation.status == "completed", generation.error
    assert DownloadAttempt.objects.count() == 1
    assert Asset.objects.filter(kind="image").count() == 1
    assert Asset.objects.filter(kind="thumbnail").count() == 1
    ranks = [ORDER.index(status) for status in seen]
    assert ranks == sorted(ranks), f"the status moved backwards: {seen}"
