"""Load: 50 concurrent clients mixing gallery listing, thumbnails, range requests on videos and signed
webhooks against the app as deployed, for 60 seconds (10 with ``--quick``), with zero errors allowed.

    .venv/bin/python -m bench.bench_load [--quick] [--record]

The app runs as ``scripts/serve web`` does (granian 2 workers x 8 threads on loopback, SQLite, the
django-q2 worker beside it processing the queued webhook work). 50 client threads in this process each keep
one keep-alive connection and pick, per request: a gallery page (``GET /api/images`` or
``/api/videos``, 35%), a thumbnail (30%), a 256 KiB range of a stored 8 MiB video (20%), or a signed
``POST /api/webhooks/replicate`` with a fresh ``webhook-id`` (15%). An error is any answer other
than the expected 200/206 (or a dropped connection). The web server's processes' resident memory is
sampled every 50 ms; the table shows the peak of the largest worker and of all of them together.
"""

from __future__ import annotations

import base64
import io
import json
import os
import random
import secrets
import threading
import time
from pathlib import Path

from bench import common
from bench.common import Table, median, ms, percentile, verdict

SECRET = "whsec_" + base64.b64encode(b"bench-load-webhook-secret-012345").decode()
CLIENTS = 50
IMAGES = 60
VIDEOS = 4
VIDEO_BYTES = 8 * 2**20
RANGE_BYTES = 256 * 1024
WEBHOOK_GENERATIONS = 200
MIX = (("listing", 35), ("thumbnail", 30), ("range", 20), ("webhook", 15))


def _prepare(video: Path) -> dict:
    """A user with images and videos stored (once, cached) and generations that webhooks address."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from PIL import Image

    from gallery import services as gallery_services
    from media_gen.models import Generation
    from simpoc.models import ApiKey
    from simpoc.services import api_key_create

    call_command("migrate", verbosity=0)
    owner, _ = get_user_model().objects.get_or_create(username="bench-load")
    stored = Generation.objects.filter(owner=owner, status="completed")
    rng = random.Random(5)
    for index in range(stored.filter(kind="image").count(), IMAGES):
        buffer = io.BytesIO()
        noise = bytes(rng.getrandbits(8) for _ in range(96 * 96 * 3))
        Image.frombytes("RGB", (96, 96), noise).resize((768, 512)).save(buffer, format="PNG")
        buffer.seek(0)
        asset = gallery_services.asset_store(
            owner=owner, stream=buffer, kind="image", filename=f"{index}.png"
        )
        Generation.objects.create(
            owner=owner,
            kind="image",
            status="completed",
            model_id="bench/load",
            prompt=f"image {index}",
            asset=asset,
        )
    for index in range(stored.filter(kind="video").count(), VIDEOS):
        print(f"storing video {index} ...", flush=True)
        with video.open("rb") as stream:
            asset = gallery_services.asset_store(owner=owner, stream=stream, kind="video", filename="v.mp4")
        Generation.objects.create(
            owner=owner,
            kind="video",
            status="completed",
            model_id="bench/load",
            prompt=f"video {index}",
            asset=asset,
        )
    waiting = Generation.objects.filter(owner=owner, status="processing")
    Generation.objects.bulk_create(
        Generation(
            owner=owner,
            kind="image",
            model_id="black-forest-labs/flux-schnell",
            status="processing",
            prediction_id=secrets.token_hex(13),
        )
        for _ in range(WEBHOOK_GENERATIONS - waiting.count())
    )
    ApiKey.objects.filter(user=owner).delete()
    return {
        "key": api_key_create(user=owner, name="bench-load").raw_key,
        "images": list(stored.filter(kind="image").values_list("pk", flat=True)),
        "videos": list(stored.filter(kind="video").values_list("pk", "asset__size_bytes")),
        "webhooks": list(waiting.values_list("pk", "prediction_id")),
    }


def _webhook(generation_id: int, prediction_id: str) -> tuple[str, bytes, dict]:
    from media_gen.emulator import webhook_signature

    body = json.dumps({"id": prediction_id, "status": "processing", "output": None, "error": None}).encode()
    webhook_id = "msg_" + secrets.token_hex(12)
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": stamp,
        "webhook-signature": webhook_signature(
            secret=SECRET, webhook_id=webhook_id, timestamp=stamp, body=body
        ),
    }
    return f"/api/webhooks/replicate?generation={generation_id}", body, headers


def _request(kind: str, data: dict, rng: random.Random) -> tuple[str, str, bytes | None, dict, int]:
    """(method, path, body, headers, expected status) of one request of ``kind``."""
    if kind == "listing":
        plural = rng.choice(["images", "videos"])
        return "GET", f"/api/{plural}?limit=50", None, {}, 200
    if kind == "thumbnail":
        return "GET", f"/api/images/{rng.choice(data['images'])}/thumbnail", None, {}, 200
    if kind == "range":
        video_id, size = rng.choice(data["videos"])
        start = rng.randrange(0, size - RANGE_BYTES)
        return (
            "GET",
            f"/api/videos/{video_id}/data",
            None,
            {"Range": f"bytes={start}-{start + RANGE_BYTES - 1}"},
            206,
        )
    path, body, headers = _webhook(*rng.choice(data["webhooks"]))
    return "POST", path, body, headers, 200


class _Memory(threading.Thread):
    """Peak VmRSS of each web server process (granian's main process and its workers), every 50 ms."""

    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master, self.running, self.peak, self.peak_total = master, True, {}, 0

    def run(self) -> None:
        while self.running:
            total = 0
            for pid in [self.master, *common.children(self.master)]:
                try:
                    value = common.rss(pid)["VmRSS"]
                except (OSError, KeyError):
                    continue
                self.peak[pid] = max(self.peak.get(pid, 0), value)
                total += value
            self.peak_total = max(self.peak_total, total)
            time.sleep(0.05)

    def stop(self) -> None:
        self.running = False
        self.join()


def _client(url: str, data: dict, seconds: float, seed: int, results: list, errors: list) -> None:
    rng = random.Random(seed)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    client = common.Client(url, headers={"X-API-Key": data["key"]})
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        kind = rng.choice(kinds)
        method, path, body, headers, expected = _request(kind, data, rng)
        began = time.perf_counter()
        try:
            status, answer = client.request(method, path, body, headers)
        except Exception as exc:  # a dropped connection is an error of the run, not of the script
            errors.append(f"{method} {path}: {type(exc).__name__}: {exc}")
            continue
        elapsed = (time.perf_counter() - began) * 1000
        if status != expected:
            errors.append(f"{method} {path}: {status} {answer[:200]!r}")
        elif kind == "thumbnail" and not answer:
            errors.append(f"{method} {path}: empty body")
        results.append((kind, elapsed))


def run(quick: bool) -> list[Table]:
    seconds = 10.0 if quick else 60.0
    video = common.make_video(common.CACHE / "load" / "video-8.mp4", VIDEO_BYTES)
    env = common.app_env(common.CACHE / "load", REPLICATE_WEBHOOK_SECRET=SECRET, REPLICATE_API_TOKEN="")
    common.django_setup(env)
    data = _prepare(video)
    results: list[tuple[str, float]] = []
    errors: list[str] = []
    with common.App(env) as app:
        common.Client(app.url).latencies("/health", 20)  # warm both workers
        memory = _Memory(app.server.pid)
        memory.start()
        threads = [
            threading.Thread(target=_client, args=(app.url, data, seconds, seed, results, errors))
            for seed in range(CLIENTS)
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        memory.stop()
    for error in errors[:10]:
        print("error:", error, flush=True)
    table = Table(
        f"Load: {CLIENTS} clients for {seconds:g} s (SQLite, granian 2x{os.environ.get('WEB_THREADS', '8')} + django-q2 worker)",
        ["kind", "requests", "share", "req/s", "p50", "p99", "errors"],
    )
    for kind, _ in MIX:
        latencies = [value for name, value in results if name == kind]
        if latencies:
            table.add(
                kind,
                len(latencies),
                f"{len(latencies) / len(results):.0%}",
                f"{len(latencies) / elapsed:.0f}",
                ms(median(latencies)),
                ms(percentile(latencies, 99)),
                "",
            )
    every = [value for _, value in results]
    table.add(
        "all",
        len(every),
        "100%",
        f"{len(every) / elapsed:.0f}",
        ms(median(every)),
        ms(percentile(every, 99)),
        f"{len(errors)} {verdict(not errors)}",
    )
    workers = [value for pid, value in memory.peak.items() if pid != app.server.pid]
    rss = Table("Load: peak resident memory of the web server", ["process", "MiB"])
    rss.add("largest granian worker", f"{max(workers) / 2**20:.0f}")
    rss.add("main process + workers together", f"{memory.peak_total / 2**20:.0f}")
    if errors:
        table.notes.append(f"**{len(errors)} errors**; the first: {errors[0][:200]}")
    ERRORS.extend(errors)
    return [table, rss]


ERRORS: list[str] = []

if __name__ == "__main__":
    common.main(run, __doc__)
    if ERRORS:
        raise SystemExit(f"{len(ERRORS)} errors: the load run must have none")
