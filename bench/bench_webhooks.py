"""Webhooks: ``POST /api/webhooks/replicate`` accepted (signature checked, receipt stored, work
queued) through the app as deployed, 1 client and 8 clients, SQLite (and PostgreSQL in a full run).

    .venv/bin/python -m bench.bench_webhooks [--quick] [--record]

The app runs as ``scripts/serve web`` does (gunicorn gthread 2x8; with SQLite also the django-q2
worker, which processes the queued work meanwhile, as in production) with REPLICATE_WEBHOOK_SECRET
set. Generations are created beforehand and every request is signed beforehand, so the clients only
send. Each first delivery is then sent again (same ``webhook-id``) to time the duplicate path. The
reference is ``GET /health`` sent by the same client code on the same server.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time

from bench import common
from bench.common import Table, median, ms, percentile, ratio, verdict

SECRET = "whsec_" + base64.b64encode(b"bench-webhook-secret-0123456789!").decode()


def _signed(generation_ids: list[int], prediction_ids: list[str]) -> list[tuple[str, bytes, dict]]:
    from media_gen.emulator import webhook_signature

    requests = []
    for pk, prediction_id in zip(generation_ids, prediction_ids, strict=True):
        body = json.dumps(
            {"id": prediction_id, "status": "processing", "output": None, "error": None}
        ).encode()
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
        requests.append((f"/api/webhooks/replicate?generation={pk}", body, headers))
    return requests


def _send(client: common.Client, requests: list[tuple[str, bytes, dict]]) -> list[float]:
    samples = []
    for path, body, headers in requests:
        began = time.perf_counter()
        status, answer = client.request("POST", path, body, headers)
        samples.append((time.perf_counter() - began) * 1000)
        assert status == 200, answer
    return samples


def _concurrent(url: str, work: list[list], send) -> tuple[float, list[float]]:
    """Requests/s and all latencies of one thread per list of requests."""
    samples: list[float] = []
    lock = threading.Lock()

    def worker(requests: list) -> None:
        client = common.Client(url)
        mine = send(client, requests)
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=worker, args=(part,)) for part in work]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(samples) / (time.perf_counter() - began), samples


def case(db: str, quick: bool) -> dict:
    data = common.CACHE / "webhooks"
    database = common.database_url("bench_webhooks") if db == "postgres" else ""
    env = common.app_env(data, database=database, REPLICATE_WEBHOOK_SECRET=SECRET, REPLICATE_API_TOKEN="")
    common.django_setup(env)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from media_gen.models import Generation

    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-webhooks")
    count = 60 if quick else 400
    clients = 8
    prediction_ids = [secrets.token_hex(13) for _ in range(2 * count)]
    generations = Generation.objects.bulk_create(
        Generation(
            owner=user,
            kind="image",
            model_id="black-forest-labs/flux-schnell",
            status="processing",
            prediction_id=p,
        )
        for p in prediction_ids
    )
    ids = [g.pk for g in generations]
    serial = _signed(ids[:count], prediction_ids[:count])
    parallel = _signed(ids[count:], prediction_ids[count:])
    with common.App(env, migrate=False) as app:
        client = common.Client(app.url)
        health = client.latencies("/health", count)
        first = _send(client, serial)
        duplicate = _send(client, serial)
        health_rps, health_parallel = _concurrent(
            app.url,
            [["/health"] * (count // clients)] * clients,
            lambda c, paths: [common.timed(lambda p=p: c.get(p), 1, warmup=0)[0] for p in paths],
        )
        rps, latencies = _concurrent(app.url, [parallel[i::clients] for i in range(clients)], _send)
    return {
        "db": db,
        "count": count,
        "health": health,
        "first": first,
        "duplicate": duplicate,
        "health_rps": health_rps,
        "health_parallel": health_parallel,
        "rps": rps,
        "parallel": latencies,
    }


def run(quick: bool) -> list[Table]:
    results = common.in_subprocesses(
        "bench.bench_webhooks", [("sqlite", quick)] + ([] if quick else [("postgres", quick)])
    )
    one = Table(
        "Webhook accepted (signature, receipt, queued), 1 keep-alive client",
        ["database", "case", "requests", "p50 ms", "p99 ms", "vs /health p50", "target", "verdict"],
    )
    many = Table(
        "Webhook accepted, 8 keep-alive clients (Python http.client threads)",
        ["database", "case", "requests/s", "p50 ms", "p99 ms", "vs /health requests/s", "target", "verdict"],
    )
    for r in results:
        h = median(r["health"])
        one.add(
            r["db"],
            "reference: GET /health",
            r["count"],
            ms(h),
            ms(percentile(r["health"], 99)),
            "1.00x",
            "",
            "",
        )
        for label in ("first", "duplicate"):
            v = r[label]
            ok = percentile(v, 99) < 50 if label == "first" else None
            one.add(
                r["db"],
                f"{label} delivery",
                r["count"],
                ms(median(v)),
                ms(percentile(v, 99)),
                ratio(median(v), h),
                "p99 < 50 ms" if label == "first" else "",
                verdict(ok),
            )
        many.add(
            r["db"],
            "reference: GET /health",
            f"{r['health_rps']:.0f}",
            ms(median(r["health_parallel"])),
            ms(percentile(r["health_parallel"], 99)),
            "1.00x",
            "",
            "",
        )
        many.add(
            r["db"],
            "first delivery",
            f"{r['rps']:.0f}",
            ms(median(r["parallel"])),
            ms(percentile(r["parallel"], 99)),
            ratio(r["rps"], r["health_rps"]),
            "≥ 300/s, p99 < 50 ms",
            verdict(r["rps"] >= 300 and percentile(r["parallel"], 99) < 50),
        )
    many.notes.append(
        "The client threads share the 2 cores (and the GIL) with nothing else of the suite; "
        "the /health row shows what this client can drive."
    )
    return [one, many]


if __name__ == "__main__":
    common.main(run, __doc__)
