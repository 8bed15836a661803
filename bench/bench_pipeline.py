"""Webhook → asset stored: a 5 MiB video output, from the "completed" webhook to the stored asset.

    .venv/bin/python -m bench.bench_pipeline [--quick] [--record]

The built-in Replicate emulator runs on loopback in this process (demo mode: no token, the app
trusts downloads from the emulator's host:port) and records its webhooks instead of sending them;
every output is padded to 5 MiB. For each run a Generation in "processing" is created, the emulator
completes its prediction, and the clock starts when this process POSTs the signed "completed"
webhook to the app as deployed (granian + the django-q2 worker on the ORM broker, SQLite). It stops
when the generation has its asset (downloaded, sniffed, thumbnailed, stored). The reference is a plain
GET of the same 5 MiB file from the emulator.
"""

from __future__ import annotations

import time

from bench import common
from bench.common import Table, median, ms, ratio, verdict

DATA = common.CACHE / "pipeline"
OUTPUT_BYTES = 5 * 2**20
MODEL = "minimax/video-01"


def run(quick: bool) -> list[Table]:
    from media_gen.emulator import Emulator, EmulatorConfig, Faults

    emulator = Emulator(
        EmulatorConfig(
            start_delay=0,
            run_delay=0,
            webhook_mode="record",
            faults=Faults(oversize_output_bytes=OUTPUT_BYTES),
        )
    ).start()
    env = common.app_env(
        DATA,
        REPLICATE_API_TOKEN="",
        REPLICATE_BASE_URL=emulator.url,
        REPLICATE_WEBHOOK_SECRET=emulator.secret,
        BASE_URL="http://127.0.0.1:8000",
    )
    common.django_setup(env)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from media_gen.emulator.catalogue import MODELS_BY_ID
    from media_gen.models import Generation

    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-pipeline")
    runs = 2 if quick else 10
    stored, downloads, sizes = [], [], []
    try:
        with common.App(env, migrate=False) as app:
            client = common.Client(app.url)
            for index in range(runs + 1):  # the first is a warm-up
                prediction = emulator.create_prediction(
                    MODELS_BY_ID[MODEL],
                    {
                        "input": {"prompt": f"bench pipeline {index}"},
                        "webhook": "placeholder",
                        "webhook_events_filter": ["completed"],
                    },
                )
                generation = Generation.objects.create(
                    owner=user,
                    kind="video",
                    model_id=MODEL,
                    status="processing",
                    prediction_id=prediction.id,
                    prompt=f"bench pipeline {index}",
                )
                answer = emulator.wait_for(prediction.id, timeout=60)
                deliveries: list = []
                while not deliveries:  # the webhook is recorded just after the prediction ends
                    deliveries = [d for d in emulator.take_webhooks() if d.event == "completed"]
                    time.sleep(0.001)
                delivery = deliveries[0]
                path = f"/api/webhooks/replicate?generation={generation.pk}"
                began = time.perf_counter()
                status, body = client.request("POST", path, delivery.body, delivery.headers)
                assert status == 200, body
                while True:
                    row = (
                        Generation.objects.filter(pk=generation.pk)
                        .values("asset_id", "status", "error")
                        .get()
                    )
                    if row["asset_id"] or row["status"] in ("failed", "canceled"):
                        break
                    if time.perf_counter() - began > 120:
                        raise SystemExit(f"no asset after 120 s: {row}")
                    time.sleep(0.005)
                elapsed = (time.perf_counter() - began) * 1000
                assert row["status"] == "completed", row
                output = answer["output"]
                url = output[0] if isinstance(output, list) else output
                fetch = common.Client(emulator.url)
                began = time.perf_counter()
                data = fetch.get("/" + url.split("/", 3)[3])
                fetched = (time.perf_counter() - began) * 1000
                if index:
                    stored.append(elapsed)
                    downloads.append(fetched)
                    sizes.append(len(data))
    finally:
        emulator.stop()
    table = Table(
        f"Webhook → asset stored, {sizes[0] / 2**20:.1f} MiB video output, emulator on loopback ({runs} runs)",
        ["measurement", "p50 ms", "max ms", "vs reference (p50)", "target", "verdict"],
    )
    table.add(
        "reference: GET the output file from the emulator",
        ms(median(downloads)),
        ms(max(downloads)),
        "1.00x",
        "",
        "",
    )
    table.add(
        "webhook POST → generation has its asset",
        ms(median(stored)),
        ms(max(stored)),
        ratio(median(stored), median(downloads)),
        "p50 < 1 s",
        verdict(median(stored) < 1000),
    )
    table.notes.append(
        "Two queued tasks run in turn (the webhook's, then the download's) on django-q2's ORM broker, which "
        f"the worker polls every {0.5} s; p99 of {runs} runs is the max."
    )
    return [table]


if __name__ == "__main__":
    common.main(run, __doc__)
