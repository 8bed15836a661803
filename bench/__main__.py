"""Run the benchmark suite: ``bench/run`` or ``.venv/bin/python -m bench``.

    bench/run                       # everything, about 10-15 minutes (data sets cached after the first run)
    bench/run --quick               # small data, few repetitions, under 2 minutes
    bench/run --only serving,auth   # some of them
    bench/run --no-record           # print only; leave bench/README.md alone

Each benchmark runs in a process of its own (each configures Django for its own database), prints
its tables, and the run is appended, dated, with the machine and the load average after each
benchmark, to the Results section of bench/README.md. Generated data lives in bench/.cache/.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import common

# name, module, what it measures (in the order they run: the cheap ones first)
BENCHMARKS = [
    ("spa", "bench.bench_spa", "SPA initial JavaScript, gzip"),
    ("auth", "bench.bench_auth", "API key overhead per request"),
    ("composer", "bench.bench_composer", "scene composer corpus: pass rate, compose + check p95"),
    ("listing", "bench.bench_listing", "gallery page at 5k/1M rows, SQLite/PostgreSQL, 1 and 8 clients"),
    ("webhooks", "bench.bench_webhooks", "webhook accepted, 1 and 8 clients"),
    ("pipeline", "bench.bench_pipeline", "webhook to stored 5 MiB asset"),
    ("serving", "bench.bench_serving", "streaming vs nginx, memory, image x8, video list"),
    ("render", "bench.render_suite", "3 s 720p render end to end"),
    ("browser", "bench.bench_browser", "browser physics step, 500 bodies"),
    (
        "gallery-browser",
        "bench.bench_gallery_browser",
        "Chromium: 50 thumbnails cold/warm, video start and seek",
    ),
    ("load", "bench.bench_load", "50 clients, mixed requests, 60 s, zero errors (full runs only)"),
]
# Left out of --quick runs unless named with --only (their quick mode alone would pass 2 minutes).
FULL_ONLY = {"load"}


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data, few repetitions (< 2 minutes)")
    parser.add_argument(
        "--only", default="", help="comma-separated names: " + ", ".join(n for n, _, _ in BENCHMARKS)
    )
    parser.add_argument("--no-record", action="store_true", help="print only; leave bench/README.md alone")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args()
    if args.list:
        for name, module, what in BENCHMARKS:
            print(f"{name:10} {module:26} {what}")
        return
    if args.only:
        chosen = [b for b in BENCHMARKS if b[0] in args.only.split(",")]
    else:
        chosen = [b for b in BENCHMARKS if not (args.quick and b[0] in FULL_ONLY)]
    unknown = set(filter(None, args.only.split(","))) - {n for n, _, _ in BENCHMARKS}
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    started = datetime.now(UTC)
    load_before = common.load_average()
    began = time.perf_counter()
    sections, failed = [], []
    for name, module, what in chosen:
        print(f"== {name}: {what} (load average {common.load_average()})", flush=True)
        t0 = time.perf_counter()
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [common.PYTHON, "-m", module, "--json", out.name] + (["--quick"] if args.quick else [])
            done = subprocess.run(command, cwd=common.ROOT, check=False)
            seconds = time.perf_counter() - t0
            if done.returncode != 0 or not Path(out.name).read_text():
                print(f"!! {name} failed (exit {done.returncode})", flush=True)
                failed.append(name)
                continue
            tables = common.tables_load(Path(out.name))
        sections.append((f"{name} ({seconds:.0f} s)", common.load_average(), tables))
        print(f"-- {name} took {seconds:.0f} s", flush=True)
    total = time.perf_counter() - began
    mode = "--quick" if args.quick else "full"
    header = (
        f"### {started:%Y-%m-%d %H:%M} UTC, {mode} run{' (' + ', '.join(n for n, _, _ in chosen) + ')' if args.only else ''}, "
        f"{total / 60:.1f} minutes\n\nMachine: {common.machine()}. Load average (1/5/15 min) at the start: "
        f"{load_before}; the machine was shared with other work unless this says otherwise."
        + (f"\n\nFailed: {', '.join(failed)}." if failed else "")
    )
    print(f"\n== done in {total / 60:.1f} minutes{'; failed: ' + ', '.join(failed) if failed else ''}")
    if not args.no_record and sections:
        common.record(sections, header=header)
        print(f"appended to {common.README.relative_to(common.ROOT)}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
