"""Issue 16's hot paths side by side in one window: an earlier commit against the working tree's HEAD.

    .venv/bin/python -m bench.bench_hotpaths [OLD_REV] [--quick] [--postgres] [--cpu] [--worktree]

Both commits are exported (``git archive``) under ``bench/.cache/hotpaths/``, each with a SQLite
database of its own holding a 100 KB PNG generation and 5,000 listed images of one user, and served
by granian as ``scripts/serve`` does (WSGI, 2 workers x 8 blocking threads, its flags), then by the
other set-ups worth comparing on two cores (granian 2x2; gunicorn gthread 2x8, the set-up before
issue 16, sync x3 and gthread 2x2, where gunicorn is installed: ``pip install gunicorn``). For
each, after a second of 8 clients on each path to warm every thread: the 100 KB image with 8 keep-alive clients (wrk) and 1 client (p50), the first gallery page of 50 with 8 clients and 1 client, and
``GET /health`` with 8 clients; nginx (``sendfile on``) serving the same PNG is the reference, run
inside every measurement so that ratios compare like with like on a shared machine. Every request
to the app carries an API key. Prints one JSON line per set-up and a table; records nothing.

``--postgres`` runs every set-up a second time on PostgreSQL (``--postgres-only``: only there) (a database per export,
``bench_hotpaths_old`` / ``bench_hotpaths_new``). ``--cpu`` measures instead the CPU each request
costs in process (the WSGI app called directly, 1,000 times; 300 with ``--quick``) for an API key and
a browser session: on a shared machine this is the figure that queueing for a core does not inflate.
``--setups`` measures "new" with every set-up even with ``--quick``. ``--worktree`` takes the working tree (tracked and untracked files) as "new" instead of HEAD.
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
import json, os, sys
from datetime import timedelta
from pathlib import Path
from bench import common
common.django_setup(common.app_env(Path(sys.argv[1]), database=os.environ.get("DATABASE_URL", "")))
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
from django.db import connection
if connection.vendor == "postgresql":
    # Statistics, as autovacuum would gather them after a while: without them the planner read the
    # owner's 5,000 index entries for one generation by id (0.2 ms) instead of the primary key.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
prepared = {"id": generation.pk, "key": api_key_create(user=owner, name="hotpaths").raw_key}
print(json.dumps(prepared))
"""
# Appended to PREPARE for ``--cpu``: the WSGI app called directly, so the figure is this process's CPU
# per request (what a core spends on it), which other work on a shared machine does not inflate.
CPU = r"""
import io, time
from django.test import Client
from simpoc.wsgi import application
client = Client()
client.force_login(owner)
cookie = client.cookies["sessionid"].value

def environ(path, auth):
    path, _, query = path.partition("?")
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
           "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1",
           "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
           "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0)}
    if auth == "key":
        env["HTTP_X_API_KEY"] = prepared["key"]
    elif auth == "session":
        env["HTTP_COOKIE"] = f"sessionid={cookie}"
    return env

def once(path, auth):
    statuses = []
    body = application(environ(path, auth), lambda status, headers, exc_info=None: statuses.append(status))
    for _ in body:
        pass
    if hasattr(body, "close"):
        body.close()
    if not statuses[0].startswith("200"):
        raise SystemExit(f"{path} answered {statuses[0]}")

cases = [
    ("image /data, key", f"/api/images/{prepared['id']}/data", "key"),
    ("image /data, session", f"/api/images/{prepared['id']}/data", "session"),
    ("thumbnail, session", f"/api/images/{prepared['id']}/thumbnail", "session"),
    ("page of 50, key", "/api/images?limit=50", "key"),
    ("page of 50, session", "/api/images?limit=50", "session"),
    ("/health", "/health", None),
]
result = {}
for label, path, auth in cases:
    for _ in range(50):
        once(path, auth)
    start = time.process_time()
    for _ in range(REPEAT):
        once(path, auth)
    result[label] = round((time.process_time() - start) / REPEAT * 1e6)
print(json.dumps(result))
"""
# (server or gunicorn worker class, processes, threads per process); the first is scripts/serve's.
SETUPS = [("granian", 2, 8), ("gthread", 2, 8), ("sync", 3, 1), ("gthread", 2, 2), ("granian", 2, 2)]
# scripts/serve's granian flags beyond the bind and the worker counts (its access-log format included).
GRANIAN_FLAGS = [
    "--backlog",
    "1024",
    "--http1-header-read-timeout",
    "30000",
    "--respawn-failed-workers",
    "--workers-kill-timeout",
    "30",
    "--access-log",
    "--access-log-fmt",
    '%(addr)s - - [%(time)s] "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).1fms '
    '"%(header{referer})s" "%(header{user-agent})s"',
]


def _export(rev: str, name: str) -> Path:
    target = CACHE / name
    subprocess.run(["rm", "-rf", str(target)], check=True)
    target.mkdir(parents=True)
    archive = CACHE / f"{name}.tar"
    subprocess.run(["git", "archive", "-o", str(archive), rev], check=True, cwd=common.ROOT)
    subprocess.run(["tar", "-xf", str(archive), "-C", str(target)], check=True)
    return target


def _env(code: Path, engine: str) -> dict[str, str]:
    """The app's environment for the export ``code`` on ``engine``: a database of its own per export."""
    data = CACHE / f"data-{code.name}"
    database = common.database_url(f"bench_hotpaths_{code.name}") if engine == "postgres" else ""
    return {**common.app_env(data, database=database), "PYTHONPATH": str(code)}


def _prepare(code: Path, env: dict[str, str], script: str = PREPARE) -> dict:
    out = subprocess.run(
        [common.PYTHON, "-c", script, str(env["DATA_DIR"]), str(IMAGE)],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cpu(code: Path, label: str, engine: str, repeat: int) -> dict:
    """CPU per request (µs of this process's time) with the WSGI app called in process."""
    env = _env(code, engine)
    cpu = _prepare(code, env, PREPARE + f"REPEAT = {repeat}\n" + CPU)
    return {"setup": label, **cpu, "load": common.load_average()}


def _measure(
    code: Path,
    label: str,
    engine: str,
    worker_class: str,
    workers: int,
    threads: int,
    nginx: str,
    seconds: int,
) -> dict:
    env = _env(code, engine)
    prepared = _prepare(code, env)
    port = common.free_port()
    if worker_class == "granian":  # Rust HTTP server, Python WSGI app in blocking threads
        command = [common.PYTHON, "-m", "granian", "--interface", "wsgi", "simpoc.wsgi:application"]
        command += ["--host", "127.0.0.1", "--port", str(port)]
        command += ["--workers", str(workers), "--blocking-threads", str(threads), *GRANIAN_FLAGS]
    else:
        command = [str(common.BIN / "gunicorn"), "simpoc.wsgi", "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", str(workers), "--worker-class", worker_class, "--timeout", "120"]
        command += ["--access-logfile", "-"]
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
        # Every thread's first request opens its connection and compiles its queries (tens of ms):
        # 16 of them in a 3-second run are the p99. Warm every thread first, so p99 is steady state.
        for path in (image_path, "/api/images?limit=50"):
            common.wrk(url + path, connections=8, seconds=1, headers=key)
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


def _export_worktree(name: str) -> Path:
    """The working tree as it is (tracked and untracked files git does not ignore): to measure a change
    before committing it."""
    target = CACHE / name
    subprocess.run(["rm", "-rf", str(target)], check=True)
    target.mkdir(parents=True)
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        check=True,
        capture_output=True,
        cwd=common.ROOT,
    ).stdout
    subprocess.run(
        ["tar", "-cf", "-", "--null", "-T", "-"],
        input=files,
        check=True,
        cwd=common.ROOT,
        stdout=open(  # noqa: SIM115
            CACHE / f"{name}.tar", "wb"
        ),
    )
    subprocess.run(["tar", "-xf", str(CACHE / f"{name}.tar"), "-C", str(target)], check=True)
    return target


def _table(rows: list[dict]) -> None:
    names = list(rows[0])
    print("\n| " + " | ".join(names) + " |\n|" + "---|" * len(names))
    for row in rows:
        print("| " + " | ".join(str(row.get(name, "")) for name in names) + " |")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    engines = ["sqlite", "postgres"] if "--postgres" in sys.argv else ["sqlite"]
    if "--postgres-only" in sys.argv:
        engines = ["postgres"]
    seconds = 3 if quick else 5
    old = _export(args[0] if args else "HEAD~1", "old")
    new = _export_worktree("new") if "--worktree" in sys.argv else _export("HEAD", "new")
    IMAGE.parent.mkdir(parents=True, exist_ok=True)
    from bench.bench_serving import _noise_image

    _noise_image(IMAGE)
    if "--cpu" in sys.argv:
        rows = []
        for engine in engines:
            for code in (old, new, old):
                row = _cpu(code, f"{code.name} {engine}", engine, 300 if quick else 1000)
                print(json.dumps(row), flush=True)
                rows.append(row)
        _table(rows)
        return
    rows = []
    with common.Nginx(IMAGE.parent) as nginx:
        for engine in engines:
            for code, setups in (
                (old, SETUPS[:1]),
                (new, SETUPS if not quick or "--setups" in sys.argv else SETUPS[:1]),
                (old, SETUPS[:1]),
            ):
                for worker_class, workers, threads in setups:
                    if worker_class != "granian" and not (common.BIN / "gunicorn").exists():
                        continue  # gunicorn is no dependency since issue 16: compared where installed
                    label = f"{code.name} {engine} {worker_class} {workers}x{threads}"
                    row = _measure(code, label, engine, worker_class, workers, threads, nginx.url, seconds)
                    print(json.dumps(row), flush=True)
                    rows.append(row)
    _table(rows)


if __name__ == "__main__":
    main()
