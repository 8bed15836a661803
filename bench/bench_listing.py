"""Listing: a gallery page of 50 (``GET /api/images``, JSON) at 5,000 and 1,000,000 rows, SQLite and
PostgreSQL, through the app as deployed.

    .venv/bin/python -m bench.bench_listing [--quick] [--record]      # --quick: SQLite, 5,000 rows

Environment: ``LISTING_RUNS=sqlite:1000000,postgres:1000000`` picks the databases and sizes (default:
both engines at 5,000 and 1,000,000 rows); ``LISTING_PG_DATABASE=search_bench`` names the PostgreSQL
database (default ``bench_listing_<rows>``; on a shared server, drop it afterwards);
``LISTING_CASES_ONLY=1`` measures the selector's cases in process and skips the HTTP part;
``LISTING_CASES=staff,search`` keeps only the cases whose label holds one of those words;
``LISTING_REPEAT=30`` sets how many calls each case is timed over (default 100; 30 with
``--quick`` or ``LISTING_CASES_ONLY``). Each case shows its p50 wall time, the p50 CPU of this process and, on
PostgreSQL, the server backend's CPU per call, with the EXPLAIN of every query it runs.

``media_gen_generation`` is filled with 5,000 / 1,000,000 rows over 100 users (10,000 each at 1M,
three in four images; output assets left out, the ``LEFT JOIN`` on ``gallery_asset`` still runs).
SQLite databases are kept in bench/.cache/listing-<rows>.sqlite3 and PostgreSQL ones are named
bench_listing_<rows>, so only the first run fills them (1M rows: a few minutes). Per database and
size it measures, for one user:

- over HTTP, 1 client, keep-alive: the first page of images (p50/p99), against ``GET /health`` on
  the same server (the floor of a request through gunicorn and Django);
- in process, the API's own selector ``generation_page`` split into its parts: ``total``
  (``generation_total``; beside it the count through the asset join it replaced) and the page of
  rows, with a raw ``COUNT(*)`` of the owner's rows through the database driver as the storage
  reference; and the original script's five cases (first page, page 11 by cursor, prompt search,
  status filter, staff's first page over every user's rows);
- at 5,000 rows, 8 keep-alive clients (wrk): requests/s and p99, against ``/health`` with 8 clients.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import common
from bench.common import Table, median, ms, percentile, ratio, verdict

USERS = 100
BATCH = 20_000
OWNER = 7  # the user whose page is measured


def _fill(rows: int) -> list:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from gallery.models import Asset
    from media_gen.models import Generation

    call_command("migrate", verbosity=0)
    user_model = get_user_model()
    users = [user_model.objects.get_or_create(username=f"bench{i}")[0] for i in range(USERS)]
    existing = Generation.objects.count()
    start = timezone.now() - timedelta(days=365)
    models = ["black-forest-labs/flux-schnell", "stability-ai/sdxl", "ideogram-ai/ideogram-v2-turbo"]
    statuses = ["completed"] * 8 + ["failed", "canceled"]
    began = time.perf_counter()
    for offset in range(existing, rows, BATCH):
        Generation.objects.bulk_create(
            Generation(
                owner=users[i % USERS],
                kind="image" if i % 4 else "video",
                status=statuses[i % len(statuses)],
                model_id=models[i % len(models)],
                collection="text-to-image",
                prompt=f"prompt number {i} with a lighthouse" if i % 97 == 0 else f"prompt number {i}",
                inputs={"prompt": f"prompt number {i}", "seed": i},
                prediction_id=f"bench{i:020d}",
                created_at=start + timedelta(seconds=i * 30),
                updated_at=start + timedelta(seconds=i * 30),
            )
            for i in range(offset, min(offset + BATCH, rows))
        )
    if existing < rows:
        print(f"filled {rows - existing} rows in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    if existing < rows or not Asset.objects.exists():
        # Some stored files (none hidden), as a deployment has: with ``gallery_asset`` empty,
        # PostgreSQL's planner estimated 37 of the owner's 7,335 rows left after the listing's
        # ``LEFT JOIN gallery_asset … WHERE hidden_at IS NULL`` (no statistics of ``hidden_at``), so
        # it read all 10,000 rows and sorted them (120 ms) instead of walking
        # ``generation_owner_kind_new`` with the limit (0.4 ms).
        Asset.objects.bulk_create(
            Asset(owner=user, kind="image", content_type="image/png", size_bytes=0, sha256=f"{user.pk:064x}")
            for user in users
        )
        with connection.cursor() as cursor:
            # PostgreSQL: VACUUM too, so that counts can be index-only scans (as autovacuum makes them).
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return users


def _env(db: str, rows: int) -> dict[str, str]:
    data = common.CACHE / "listing"
    if db == "sqlite":
        return common.app_env(data, DATABASE_PATH=str(common.CACHE / f"listing-{rows}.sqlite3"))
    name = os.environ.get("LISTING_PG_DATABASE") or f"bench_listing_{rows}"
    return common.app_env(data, database=common.database_url(name))


def _plans(call) -> str:
    """The query plan of every query ``call`` runs (EXPLAIN QUERY PLAN / EXPLAIN), one line each:
    which index each filter goes through."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    lines = []
    for query in captured.captured_queries:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                lines.append("; ".join(row[-1] for row in cursor.fetchall()))
            else:
                cursor.execute("EXPLAIN " + query["sql"])
                lines.append(
                    "; ".join(
                        row[0].strip() for row in cursor.fetchall() if "Index" in row[0] or "Scan" in row[0]
                    )
                )
    return " / ".join(lines)


def _cpu(call, repeat: int) -> list[float]:
    """Milliseconds of this process's CPU per call: on a shared, loaded machine the wall time also
    counts waiting for a core; for SQLite (in process) this is all of the work."""
    samples = []
    for _ in range(repeat):
        began = time.process_time()
        call()
        samples.append((time.process_time() - began) * 1000)
    return samples


def _server_cpu(call, repeat: int) -> float | None:
    """PostgreSQL: milliseconds of the server's CPU per call, the mean over ``repeat`` calls, read from
    this connection's backend process (``/proc/<pg_backend_pid()>/stat``: user + system time, in
    clock ticks of 10 ms, hence the mean); None for SQLite (its work is this process's CPU)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    if not stat.exists():  # a server on another machine
        return None

    def ticks() -> int:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the line)

    began = ticks()
    for _ in range(repeat):
        call()
    return (ticks() - began) * 1000 / os.sysconf("SC_CLK_TCK") / repeat


def case(db: str, rows: int, quick: bool, out: str) -> None:
    """One database and size, in a process of its own (Django is set up once per process)."""
    env = _env(db, rows)
    common.django_setup(env)
    users = _fill(rows)
    from django.db import connection

    from media_gen.selectors import GenerationFilters, generation_list, generation_page, generation_total
    from simpoc.models import ApiKey
    from simpoc.services import api_key_create

    owner = users[OWNER]
    repeat = 100 if quick else 300
    filters = GenerationFilters()
    results: dict = {"db": db, "rows": rows}
    if os.environ.get("LISTING_CASES_ONLY"):
        repeat = 15

    # In process: the selector and its two queries, and the raw count through the driver.
    results["selector"] = common.timed(
        lambda: generation_page(user=owner, kind="image", filters=filters), repeat
    )
    counted = generation_list(user=owner, kind="image", filters=filters)
    results["count"] = common.timed(
        lambda: generation_total(user=owner, kind="image", filters=filters), repeat
    )
    results["count_join"] = common.timed(counted.count, repeat)  # how total was counted before
    results["rows_only"] = common.timed(lambda: list(counted[:51]), repeat)
    with connection.cursor() as cursor:
        sql = "SELECT COUNT(*) FROM media_gen_generation WHERE owner_id = %s AND kind = %s"

        def raw_count() -> None:
            cursor.execute(sql, [owner.pk, "image"])
            cursor.fetchone()

        results["raw_count"] = common.timed(raw_count, repeat)
    results["total"] = counted.count()
    # The cases of the original script: deeper pages, filters, and staff (every user's rows).
    from django.contrib.auth import get_user_model

    staff, _ = get_user_model().objects.get_or_create(username="bench-staff", defaults={"is_staff": True})
    cursor = None
    for _ in range(10):  # ten pages deep
        cursor = generation_page(user=owner, kind="image", filters=filters, before=cursor).next
    few = 30 if quick or os.environ.get("LISTING_CASES_ONLY") else 100
    few = int(os.environ.get("LISTING_REPEAT") or few)
    cases = [
        ("owner, first page", owner, filters, None),
        ("owner, page 11 (cursor)", owner, filters, cursor),
        ("owner, prompt search", owner, GenerationFilters(q="lighthouse"), None),
        ("owner, search: two words, any order", owner, GenerationFilters(q="lighthouse number"), None),
        ("owner, search: -word", owner, GenerationFilters(q="lighthouse -with"), None),
        ("owner, search: phrase", owner, GenerationFilters(q='"with a lighthouse"'), None),
        ("owner, status=failed", owner, GenerationFilters(status="failed"), None),
        ("owner, favourites", owner, GenerationFilters(favorite=True), None),
        ("owner, model", owner, GenerationFilters(model_id="stability-ai/sdxl"), None),
        ("staff, first page (all users)", staff, filters, None),
        ("staff, prompt search (all users)", staff, GenerationFilters(q="lighthouse"), None),
        ("staff, search: two words (all users)", staff, GenerationFilters(q="lighthouse number"), None),
    ]
    if os.environ.get("LISTING_CASES"):  # e.g. "staff" or "search": only the cases whose label has it
        cases = [c for c in cases if any(part in c[0] for part in os.environ["LISTING_CASES"].split(","))]
    results["cases"] = []
    for label, u, f, b in cases:

        def page(u=u, f=f, b=b) -> None:
            generation_page(user=u, kind="image", filters=f, before=b)

        results["cases"].append(
            (label, common.timed(page, few), _plans(page), _cpu(page, few), _server_cpu(page, few))
        )
    connection.close()
    if os.environ.get("LISTING_CASES_ONLY"):
        Path(out).write_text(json.dumps(results))
        return

    ApiKey.objects.filter(user=owner).delete()
    key = api_key_create(user=owner, name="bench").raw_key
    with common.App(env, migrate=False) as app:
        client = common.Client(app.url, {"X-API-Key": key})
        body = json.loads(client.get("/api/images?limit=50"))
        assert len(body["images"]) == 50 and body["total"] == results["total"], body.get("total")
        results["health"] = common.Client(app.url).latencies("/health", repeat)
        results["http"] = client.latencies("/api/images?limit=50", repeat)
        if rows <= 5000:
            seconds = 2 if quick else 8
            results["wrk_health"] = common.wrk(app.url + "/health", connections=8, seconds=seconds)
            results["wrk"] = common.wrk(
                app.url + "/api/images?limit=50", connections=8, seconds=seconds, headers={"X-API-Key": key}
            )
            results["wrk_seconds"] = seconds
    Path(out).write_text(json.dumps(results))


def run(quick: bool) -> list[Table]:
    combos = (
        [("sqlite", 5000)] if quick else [(db, n) for db in ("sqlite", "postgres") for n in (5000, 1_000_000)]
    )
    if os.environ.get("LISTING_RUNS"):
        combos = [(db, int(n)) for db, n in (run.split(":") for run in os.environ["LISTING_RUNS"].split(","))]
    results = []
    for db, rows in combos:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run(
                [
                    common.PYTHON,
                    "-c",
                    f"from bench.bench_listing import case; case({db!r}, {rows}, {quick}, {out.name!r})",
                ],
                cwd=common.ROOT,
                check=True,
            )
            results.append(json.loads(Path(out.name).read_text()))

    page = Table(
        "Gallery page of 50 images (GET /api/images?limit=50, JSON), 1 client, keep-alive",
        [
            "database",
            "rows",
            "owner's images",
            "p50 ms",
            "p99 ms",
            "/health p50 ms (reference)",
            "page / health",
            "target p50",
            "verdict",
        ],
    )
    split = Table(
        "The same page in process: the selector and its two queries (p50 ms)",
        [
            "database",
            "rows",
            "generation_page",
            "total (generation_total)",
            "total counted through the join (before)",
            "raw COUNT(*) of the owner's rows (reference)",
            "the 51 rows",
            "total / raw count",
        ],
    )
    cases = Table(
        "The selector (generation_page, in process) for the original script's cases, search and filters",
        [
            "database",
            "rows",
            "case",
            "p50 ms",
            "p99 ms",
            "CPU p50 ms (this process)",
            "server CPU ms per call (PostgreSQL backend, mean)",
            "query plans (EXPLAIN)",
            "p50 ≤ 4 / 20 ms",
        ],
    )
    load = Table(
        "Gallery page, 8 keep-alive clients (wrk)",
        [
            "database",
            "rows",
            "page requests/s",
            "page p99 ms",
            "/health requests/s (reference)",
            "page / health",
            "target",
            "verdict",
        ],
    )
    for r in results:
        target = 4 if r["rows"] <= 5000 else 20
        if "http" in r:
            p50 = median(r["http"])
            page.add(
                r["db"],
                f"{r['rows']:,}",
                f"{r['total']:,}",
                ms(p50),
                ms(percentile(r["http"], 99)),
                ms(median(r["health"])),
                ratio(p50, median(r["health"])),
                f"≤ {target} ms",
                verdict(p50 <= target),
            )
        split.add(
            r["db"],
            f"{r['rows']:,}",
            ms(median(r["selector"])),
            ms(median(r["count"])),
            ms(median(r["count_join"])),
            ms(median(r["raw_count"])),
            ms(median(r["rows_only"])),
            ratio(median(r["count"]), median(r["raw_count"])),
        )
        for label, samples, plans, cpu, server_cpu in r["cases"]:
            cases.add(
                r["db"],
                f"{r['rows']:,}",
                label,
                ms(median(samples)),
                ms(percentile(samples, 99)),
                ms(median(cpu)),
                "-" if server_cpu is None else ms(server_cpu),
                plans.replace("|", "/"),
                verdict(median(samples) <= target),
            )
        if "wrk" in r:
            w, h = r["wrk"], r["wrk_health"]
            load.add(
                r["db"],
                f"{r['rows']:,}",
                f"{w['rps']:.0f}",
                ms(w["p99"]),
                f"{h['rps']:.0f}",
                ratio(w["rps"], h["rps"]),
                "≥ 550/s, p99 ≤ 30 ms",
                verdict(w["rps"] >= 550 and w["p99"] <= 30),
            )
    load.notes.append(
        f"{results[0].get('wrk_seconds', '?')} s per wrk run (2 threads); wrk shares the 2 cores with the server."
    )
    return [page, split, _side_by_side(results), cases, load]


def _side_by_side(results: list[dict]) -> Table:
    """Each case's p50 on every database and size measured, in one row: wall time and CPU (SQLite:
    this process's, all of the work; PostgreSQL: this process's + the server backend's)."""
    runs = [r for r in results if r.get("cases")]
    columns = ["case"]
    for r in runs:
        where = f"{r['db']} {r['rows']:,}"
        columns += [
            f"{where} p50 ms",
            f"{where} CPU ms" + (" (client + server)" if r["db"] != "sqlite" else ""),
        ]
    table = Table("Search and filters side by side: p50 wall time and CPU per call (ms)", columns)
    labels = list(dict.fromkeys(case[0] for r in runs for case in r["cases"]))
    for label in labels:
        cells: list[str] = [label]
        for r in runs:
            found = [case for case in r["cases"] if case[0] == label]
            if not found:
                cells += ["-", "-"]
                continue
            _, samples, _, cpu, server_cpu = found[0]
            cpu_text = ms(median(cpu)) if server_cpu is None else f"{ms(median(cpu))} + {ms(server_cpu)}"
            cells += [ms(median(samples)), cpu_text]
        table.add(*cells)
    table.notes.append(
        "Target: p50 ≤ 20 ms at 1M rows. On a loaded machine the wall time also counts waiting for a "
        "core: the CPU columns are the code's cost. Query plans: the next table."
    )
    return table


if __name__ == "__main__":
    common.main(run, __doc__)
