"""How fast is a page of 50 generations at 5,000 and 1,000,000 rows, on SQLite and PostgreSQL?

    .venv/bin/python bench/bench_listing.py --db sqlite --rows 5000
    .venv/bin/python bench/bench_listing.py --db postgres --rows 1000000
    .venv/bin/python bench/bench_listing.py --all          # the four combinations, a Markdown table

Rows are spread over 100 users (10,000 each at 1M rows); SQLite databases are kept in
bench/.cache/ and PostgreSQL databases are named bench_listing_<rows>, so a second run skips the
fill. Each case runs the API's own selector (`generation_page`: the count and the page) REPEAT
times and reports p50 and p99 in milliseconds.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
USERS = 100
REPEAT = 200
BATCH = 20_000


def _configure(db: str, rows: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simpoc.settings")
    os.environ["DATA_DIR"] = str(CACHE)
    if db == "sqlite":
        CACHE.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_PATH"] = str(CACHE / f"listing-{rows}.sqlite3")
        os.environ.pop("DATABASE_URL", None)
    else:
        import psycopg

        name = f"bench_listing_{rows}"
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    import django

    django.setup()


def _fill(rows: int) -> list:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

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
        batch = [
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
        ]
        Generation.objects.bulk_create(batch)
    if existing < rows:
        print(f"filled {rows - existing} rows in {time.perf_counter() - began:.0f} s", file=sys.stderr)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return users


def _measure(label: str, fn) -> tuple[str, float, float]:
    fn()  # warm the caches once
    timings = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return label, statistics.median(timings), timings[int(len(timings) * 0.99) - 1]


def run(db: str, rows: int) -> list[tuple[str, float, float]]:
    _configure(db, rows)
    users = _fill(rows)
    from django.contrib.auth import get_user_model

    from media_gen.selectors import GenerationFilters, generation_page

    owner = users[7]
    staff, _ = get_user_model().objects.get_or_create(username="bench-staff", defaults={"is_staff": True})
    plain = GenerationFilters()
    cursor = None
    for _ in range(10):  # ten pages deep
        cursor = generation_page(user=owner, kind="image", filters=plain, before=cursor).next

    def page(user, filters=plain, before=None):
        return lambda: generation_page(user=user, kind="image", filters=filters, before=before)

    return [
        _measure("owner, first page", page(owner)),
        _measure("owner, page 11 (cursor)", page(owner, before=cursor)),
        _measure("owner, prompt search", page(owner, GenerationFilters(q="lighthouse"))),
        _measure("owner, status=failed", page(owner, GenerationFilters(status="failed"))),
        _measure("staff, first page (all users)", page(staff)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--all", action="store_true", help="5k and 1M rows on both databases")
    args = parser.parse_args()
    if args.all:
        print("| database | rows | case | p50 ms | p99 ms |\n|---|---|---|---|---|")
        for db in ("sqlite", "postgres"):
            for rows in (5000, 1_000_000):
                out = subprocess.run(
                    [sys.executable, __file__, "--db", db, "--rows", str(rows)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                print(out, end="")
        return
    for label, p50, p99 in run(args.db, args.rows):
        print(f"| {args.db} | {args.rows:,} | {label} | {p50:.2f} | {p99:.2f} |")


if __name__ == "__main__":
    main()
