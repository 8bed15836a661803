"""How long does `POST /api/webhooks/replicate` take to verify, de-duplicate and queue a delivery?

    .venv/bin/python bench/bench_webhooks.py [--count 500] [--db sqlite|postgres]

Runs Django in-process (its test client, no network) on a scratch database in bench/.cache/
(or PostgreSQL database bench_webhooks) with the real task queue (django-q2's ORM broker, not the
inline test mode), so a request does what production does: check the signature and timestamp,
insert the webhook-id, enqueue the work. It reports p50/p99 for first deliveries and for
duplicates (same webhook-id), in milliseconds.
"""

import argparse
import base64
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
SECRET = "whsec_" + base64.b64encode(b"bench-webhook-secret-0123456789!").decode()


def _configure(db: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "simpoc.settings"
    os.environ["DATA_DIR"] = str(CACHE / "webhooks")
    os.environ["REPLICATE_WEBHOOK_SECRET"] = SECRET
    os.environ.pop("REPLICATE_API_TOKEN", None)
    if db == "sqlite":
        (CACHE / "webhooks").mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_PATH"] = str(CACHE / "webhooks" / "bench.sqlite3")
        os.environ.pop("DATABASE_URL", None)
    else:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'bench_webhooks'").fetchone():
                conn.execute('CREATE DATABASE "bench_webhooks"')
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/bench_webhooks"
    import django

    django.setup()


def _percentiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[max(0, int(len(values) * 0.99) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    _configure(args.db)

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from media_gen.emulator import webhook_signature
    from media_gen.models import Generation

    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-webhooks")
    client = Client()
    first, duplicate = [], []
    for _ in range(args.count):
        prediction_id = secrets.token_hex(13)
        generation = Generation.objects.create(
            owner=user,
            kind="image",
            model_id="black-forest-labs/flux-schnell",
            status="processing",
            prediction_id=prediction_id,
        )
        body = json.dumps(
            {"id": prediction_id, "status": "processing", "output": None, "error": None}
        ).encode()
        webhook_id = "msg_" + secrets.token_hex(12)
        stamp = str(int(time.time()))
        headers = {
            "webhook-id": webhook_id,
            "webhook-timestamp": stamp,
            "webhook-signature": webhook_signature(
                secret=SECRET, webhook_id=webhook_id, timestamp=stamp, body=body
            ),
        }
        for bucket in (first, duplicate):
            began = time.perf_counter()
            response = client.post(
                f"/api/webhooks/replicate?generation={generation.pk}",
                data=body,
                content_type="application/json",
                headers=headers,
            )
            bucket.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.content
    for label, values in (("first delivery", first), ("duplicate", duplicate)):
        p50, p99 = _percentiles(values)
        print(f"| {args.db} | {label} | {args.count} | {p50:.2f} | {p99:.2f} |")


if __name__ == "__main__":
    main()
