"""Issue 16's hot paths side by side in one window: an earlier commit against the working tree's HEAD.

    .venv/bin/python -m bench.bench_hotpaths [OLD_REV] [--quick]

Both commits are exported (``git archive``) under ``bench/.cache/hotpaths/``, each with a SQLite
database of its own holding a 100 KB PNG generation and 5,000 listed images of one user, and served
by gunicorn as ``scripts/serve`` would (gthread 2x8), then by the other worker set-ups worth
comparing on two cores (sync x3, gthread 2x2). For each: the 100 KB image with 8 keep-alive
clients (wrk) and 1 client (p50), the first gallery page of 50 with 8 clients and 1 client, and
``GET /health`` with 8 clients; nginx (``sendfile on``) serving the same PNG is the reference, run
inside every measurement so that ratios compare like with like on a shared machine. Every request
to the app carries an API key. Prints one JSON line per set-up and a table; records nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench import common

CACHE = common.CACHE / "hotpaths"
IMAGE = CACHE / "www" / "image.png"
PREPARE = r"""
import json, sys
from datetime import timedelta
from pathlib import Path
from bench import common
common.django_setup(common.app_env(Path(sys.argv[1])))
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.utils import timezone
from gallery import services as gallery_services
from media_gen.models import Generation
from simpoc.services import api_key_create
owner, _ = get_user_model().objects.get_or_create(username="hotpaths")
generation = Generation.objects.filter(owner=owner, prompt="image").first()
if generation is None:
    with open(sys.argv[2], "rb") as stream:
        asset = gallery_services.asset_store(owner=owner, stream=stream, kind="image", filename="image.png")
    generation = Generation.objects.create(
        owner=owner, kind="image", status="completed", model_id="bench/hotpaths", prompt="image", asset=asset
    )
    start = timezone.now() - timedelta(days=365)
    Generation.objects.bulk_create(
        Generation(owner=owner, kind="image", status="completed", model_id="bench/hotpaths",
                   prompt=f"prompt number {i}", inputs={"prompt": f"prompt number {i}"},
                   prediction_id=f"hotpaths{i:020d}", created_at=start + timedelta(seconds=30 * i))
        for i in range(5000)
    )
print(json.dumps({"id": generation.pk, "key": api_key_create(user=owner, name="hotpaths").raw_key}))
"""
SETUPS = [("gthread", 2, 8), ("sync", 3, 1), ("gthread", 2, 2)]


def _export(rev: str, name: str) -> Path:
    target = CACHE / name
    subprocess.run(["rm", "-rf", str(target)], check=True)
    target.mkdir(parents=True)
    archive = CACHE / f"{name}.tar"
    subprocess.run(["git", "archive", "-o", str(archive), rev], check=True, cwd=common.ROOT)
    subprocess.run(["tar", "-xf", str(archive), "-C", str(target)], check=True)
    return target


def _measure(
    code: Path, label: str, worker_class: str, workers: int, threads: int, nginx: str, seconds: int
) -> dict:
    data = CACHE / f"data-{code.name}"
    env = {**common.app_env(data), "PYTHONPATH": str(code)}
    out = subprocess.run(
        [common.PYTHON, "-c", PREPARE, str(data), str(IMAGE)],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    prepared = json.loads(out.stdout.strip().splitlines()[-1])
    port = common.free_port()
    command = [
        str(common.BIN / "gunicorn"),
        "simpoc.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]
    command += ["--worker-class", worker_class, "--timeout", "120", "--access-logfile", "-"]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    server = subprocess.Popen(
        command, cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        common.wait_http(url + "/health", server)
        key = {"X-API-Key": prepared["key"]}
        client = common.Client(url, key)
        image_path = f"/api/images/{prepared['id']}/data"
        client.latencies(image_path, 30)
        image_one = common.median(client.latencies(image_path, 300))
        page_one = common.median(client.latencies("/api/images?limit=50", 200))
        image_eight = common.wrk(url + image_path, connections=8, seconds=seconds, headers=key)
        page_eight = common.wrk(url + "/api/images?limit=50", connections=8, seconds=seconds, headers=key)
        health = common.wrk(url + "/health", connections=8, seconds=seconds)
        reference = common.wrk(nginx + "/image.png", connections=8, seconds=seconds)
    finally:
        common.stop(server)
    return {
        "setup": label,
        "image x8 /s": round(image_eight["rps"]),
        "image x8 p99 ms": image_eight["p99"],
        "image x1 p50 ms": round(image_one, 2),
        "page x8 /s": round(page_eight["rps"]),
        "page x8 p99 ms": page_eight["p99"],
        "page x1 p50 ms": round(page_one, 2),
        "health x8 /s": round(health["rps"]),
        "nginx x8 /s": round(reference["rps"]),
        "image / nginx": round(image_eight["rps"] / reference["rps"], 4),
        "load": common.load_average(),
    }


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    seconds = 3 if quick else 5
    old = _export(args[0] if args else "HEAD~1", "old")
    new = _export("HEAD", "new")
    IMAGE.parent.mkdir(parents=True, exist_ok=True)
    from bench.bench_serving import _noise_image

    _noise_image(IMAGE)
    rows = []
    with common.Nginx(IMAGE.parent) as nginx:
        for code, setups in (
            (old, SETUPS[:1]),
            (new, SETUPS if not quick else SETUPS[:1]),
            (old, SETUPS[:1]),
        ):
            for worker_class, workers, threads in setups:
                label = f"{code.name} {worker_class} {workers}x{threads}"
                row = _measure(code, label, worker_class, workers, threads, nginx.url, seconds)
                print(json.dumps(row), flush=True)
                rows.append(row)
    names = list(rows[0])
    print("\n| " + " | ".join(names) + " |\n|" + "---|" * len(names))
    for row in rows:
        print("| " + " | ".join(str(row[name]) for name in names) + " |")


if __name__ == "__main__":
    main()
