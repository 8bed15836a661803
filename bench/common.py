"""What every benchmark of the suite shares: timing and statistics, tables, the machine's description,
starting the app as deployed (gunicorn + production settings, as ``scripts/serve web`` does) and nginx
on loopback, HTTP clients, and appending dated results to ``bench/README.md``.

A benchmark module has ``run(quick: bool) -> list[Table]`` and ends with ``common.main(run)``, which
gives it the command line every benchmark shares (``--quick``, ``--json PATH``, ``--record``).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"  # generated data sets, kept between runs, ignored by git
README = ROOT / "bench" / "README.md"
RESULTS_HEADING = "## Results"
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
BIN = Path(PYTHON).parent
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
# The production secret is never used here; this one only satisfies SIMPOC_ENV=production's checks.
BENCH_SECRET_KEY = "bench-only-" + "x" * 60


# --- statistics -----------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); p99 of 200 samples is the second largest."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def timed(fn: Callable[[], object], repeat: int, *, warmup: int = 1) -> list[float]:
    """Milliseconds of ``repeat`` calls of ``fn`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def ms(value: float) -> str:
    return "-" if value is None or math.isnan(value) else (f"{value:.2f}" if value < 100 else f"{value:.0f}")


def ratio(value: float, reference: float) -> str:
    if not reference or value is None or math.isnan(value) or math.isnan(reference):
        return "-"
    return f"{value / reference:.2f}x"


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("met" if ok else "**missed**")


# --- tables ---------------------------------------------------------------------------------------


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        self.rows.append([str(cell) for cell in cells])

    def markdown(self) -> str:
        lines = [f"**{self.title}**", "", "| " + " | ".join(self.columns) + " |"]
        lines.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(self.columns))) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.notes:
            lines += ["", *self.notes]
        return "\n".join(lines) + "\n"


def tables_dump(tables: list[Table], path: Path) -> None:
    path.write_text(json.dumps([asdict(t) for t in tables]))


def tables_load(path: Path) -> list[Table]:
    return [Table(**t) for t in json.loads(path.read_text())]


# --- the machine ----------------------------------------------------------------------------------


def _version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (done.stdout + done.stderr).strip().splitlines()[0] if (done.stdout + done.stderr).strip() else "?"


def machine() -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 2**20:.0f} GiB"
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory} RAM, Linux {platform.release()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{_version(['psql', '--version'])}, {_version(['nginx', '-v'])}"
    )


# --- processes and ports --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, process: subprocess.Popen | None = None, timeout: float = 60) -> None:
    """Wait until ``url`` answers anything but a 5xx (or the process dies)."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"the server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} did not answer within {timeout}s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def rss(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile"):
            values[name] = int(rest.split()[0]) * 1024
    return values


class RssSampler(threading.Thread):
    """Peak anonymous / file-backed RSS of some processes, sampled every 5 ms."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.running = pids, True
        self.before = {pid: rss(pid) for pid in pids}
        self.peak = {pid: dict(self.before[pid]) for pid in pids}

    def run(self) -> None:
        while self.running:
            for pid in self.pids:
                with contextlib.suppress(OSError):
                    now = rss(pid)
                    for name in ("RssAnon", "RssFile"):
                        self.peak[pid][name] = max(self.peak[pid][name], now[name])
            time.sleep(0.005)

    def growth_mib(self, name: str = "RssAnon") -> float:
        """The largest growth of one process over its size when sampling began."""
        self.running = False
        self.join()
        return max(self.peak[p][name] - self.before[p][name] for p in self.pids) / 2**20


# --- the app as deployed --------------------------------------------------------------------------


def database_url(name: str) -> str:
    """A PostgreSQL database of the suite's own (created when missing)."""
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def app_env(data_dir: Path, *, database: str = "", production: bool = True, **extra: str) -> dict[str, str]:
    """The environment of the app: production settings, SQLite under ``data_dir`` unless ``database``
    (a PostgreSQL URL) is given, media in the database, no Redis, logs at WARNING."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "simpoc.settings",
        "PYTHONPATH": str(ROOT),
        "DATA_DIR": str(data_dir),
        "DATABASE_PATH": str(data_dir / "bench.sqlite3"),
        "DATABASE_URL": database,
        "REDIS_URL": "",
        "MEDIA_STORAGE": "database",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "SIMPOC_ENV": "production" if production else "development",
        "SECRET_KEY": BENCH_SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Loopback has no TLS terminator in front; everything else is production's.
        "SECURE_SSL_REDIRECT": "0",
    }
    env.update(extra)
    return env


def django_setup(env: dict[str, str]) -> None:
    """Point this process's Django at the same settings and database as the app it benchmarks."""
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def gunicorn_command(port: int, workers: int | None = None) -> list[str]:
    """``scripts/serve web``'s gunicorn command, bound to loopback, access log included."""
    serve = (ROOT / "scripts" / "serve").read_text()
    for flag in ("--worker-class gthread", "--timeout 120", "--access-logfile -"):
        if flag not in " ".join(serve.split()):
            print(f"warning: scripts/serve no longer says {flag!r}; update bench/common.py", file=sys.stderr)
    return [
        str(BIN / "gunicorn"),
        "simpoc.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers or int(os.environ.get("WEB_WORKERS", "2"))),
        "--threads",
        os.environ.get("WEB_THREADS", "8"),
        "--worker-class",
        "gthread",
        "--timeout",
        "120",
        "--forwarded-allow-ips",
        "*",
        "--access-logfile",
        "-",
    ]


class App:
    """``scripts/serve web`` on a free loopback port: migrate, the task worker when the database is
    SQLite (or when ``worker=True``), gunicorn gthread with 2 workers x 8 threads."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        worker: bool | None = None,
        workers: int | None = None,
        migrate: bool = True,
    ):
        """``migrate=False`` when this process has just migrated the same database (saves a start)."""
        self.env, self.workers, self.migrate = env, workers, migrate
        self.worker = (not env.get("DATABASE_URL")) if worker is None else worker
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> App:
        if self.migrate:
            subprocess.run(
                [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=self.env, check=True
            )
        if self.worker:
            self.processes.append(
                subprocess.Popen(
                    [PYTHON, "manage.py", "qcluster"],
                    cwd=ROOT,
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        # The access log goes to stdout as deployed (and is dropped); errors to a log under DATA_DIR.
        self.log = (Path(self.env["DATA_DIR"]) / "server.log").open("ab")
        self.gunicorn = subprocess.Popen(
            gunicorn_command(self.port, self.workers),
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        self.processes.append(self.gunicorn)
        wait_http(self.url + "/health", self.gunicorn)
        return self

    def worker_pids(self) -> list[int]:
        return children(self.gunicorn.pid)

    def __exit__(self, *exc: object) -> None:
        for process in reversed(self.processes):
            stop(process)
        self.log.close()


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise SystemExit("nginx is missing: apt-get install -y nginx-light")
    return found


class Nginx:
    """Debian's nginx with ``sendfile on`` serving ``root`` on a free loopback port (the reference)."""

    def __init__(self, root: Path):
        self.root, self.port = root, free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Nginx:
        self.prefix = tempfile.TemporaryDirectory(prefix="bench-nginx-")
        prefix = self.prefix.name
        conf = Path(prefix) / "nginx.conf"
        conf.write_text(
            f"""daemon off;
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{ listen 127.0.0.1:{self.port}; root {self.root}; }}
}}
"""
        )
        self.process = subprocess.Popen(
            [nginx_binary(), "-c", str(conf), "-p", prefix, "-e", f"{prefix}/error.log"]
        )
        wait_http(self.url + "/", self.process)
        return self

    def __exit__(self, *exc: object) -> None:
        stop(self.process)
        self.prefix.cleanup()


# --- HTTP clients ---------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP/1.1 connection; ``get`` reads the whole body."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None):
        host, port = base_url.split("//", 1)[1].split(":")
        self.host, self.port, self.headers = host, int(port), headers or {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes]:
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers={**self.headers, **(headers or {})})
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str, headers: dict | None = None) -> bytes:
        status, body = self.request("GET", path, headers=headers)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}: {body[:300]!r}")
        return body

    def latencies(self, path: str, repeat: int, *, warmup: int = 5) -> list[float]:
        return timed(lambda: self.get(path), repeat, warmup=warmup)


def curl(url: str, *, headers: dict[str, str] | None = None, range_header: str = "") -> dict:
    """One download with curl: seconds to the first byte, total seconds, bytes, status."""
    command = ["curl", "-s", "-o", "/dev/null", "-w", "%{json}", url]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if range_header:
        command += ["-H", f"Range: {range_header}"]
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    if result["http_code"] not in (200, 206):
        raise SystemExit(f"{url} answered {result['http_code']}")
    return {
        "ttfb": result["time_starttransfer"],
        "total": result["time_total"],
        "bytes": result["size_download"],
        "status": result["http_code"],
    }


def wrk(url: str, *, connections: int, seconds: float, headers: dict[str, str] | None = None) -> dict:
    """Requests/s and latency percentiles (ms) from wrk with ``connections`` keep-alive clients."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    command = [
        "wrk",
        "-t",
        str(min(connections, 2)),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def latency(label: str) -> float:
        found = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(found.group(1)) * units[found.group(2)] if found else math.nan

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"wrk {url}: {errors.group(1)} error responses\n{out}")
    return {
        "rps": float(rate.group(1)) if rate else math.nan,
        "p50": latency("50"),
        "p90": latency("90"),
        "p99": latency("99"),
    }


# --- data sets ------------------------------------------------------------------------------------


def make_video(path: Path, size: int) -> Path:
    """An H.264 MP4 of noise (incompressible, like a real video's bytes) of about ``size`` bytes."""
    import imageio_ffmpeg

    if path.exists() and path.stat().st_size >= size * 0.95:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"making a {size / 2**20:.0f} MiB H.264 video of noise ...", file=sys.stderr, flush=True)
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            *("-v", "error", "-y", "-f", "lavfi"),
            *("-i", "nullsrc=s=640x360:r=30,geq=lum='random(1)*255':cb=128:cr=128", "-t", "3600"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p"),
            *("-fs", str(size), "-movflags", "+faststart", str(path) + ".part.mp4"),
        ],
        check=True,
    )
    Path(str(path) + ".part.mp4").rename(path)
    path.chmod(0o644)
    return path


# --- recording ------------------------------------------------------------------------------------


def record(sections: list[tuple[str, str, list[Table]]], *, header: str) -> None:
    """Append one dated run (``header``, then per benchmark: title, load average, tables) at the end
    of the README's Results section."""
    lines = [header, ""]
    for title, load, tables in sections:
        lines += [f"#### {title}", "", f"Load average (1/5/15 min) when it ended: {load}.", ""]
        for table in tables:
            lines += [table.markdown()]
    entry = "\n".join(lines).rstrip("\n") + "\n"
    text = README.read_text() if README.exists() else "# Benchmarks\n"
    if RESULTS_HEADING not in text.splitlines():
        text = text.rstrip("\n") + f"\n\n{RESULTS_HEADING}\n\nOne entry per recorded run, oldest first.\n"
    README.write_text(text.rstrip("\n") + "\n\n" + entry)


def main(run: Callable[[bool], list[Table]], doc: str | None = None) -> None:
    """The command line of one benchmark module (``python -m bench.<module>``)."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data, few repetitions")
    parser.add_argument("--json", type=Path, help="also write the tables here (the suite's runner)")
    parser.add_argument("--record", action="store_true", help="append the results to bench/README.md")
    args = parser.parse_args()
    tables = run(args.quick)
    for table in tables:
        print(table.markdown())
    if args.json:
        tables_dump(tables, args.json)
    if args.record:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        name = Path(sys.argv[0]).stem
        record(
            [(name, load_average(), tables)],
            header=f"### {stamp}: {name}{' --quick' if args.quick else ''}\n\nMachine: {machine()}.",
        )


@contextlib.contextmanager
def background(target: Callable[[threading.Event], None], count: int) -> Iterator[threading.Event]:
    """``count`` threads running ``target(stop_event)`` until the block ends."""
    stop_event = threading.Event()
    threads = [threading.Thread(target=target, args=(stop_event,), daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    try:
        yield stop_event
    finally:
        stop_event.set()
        for thread in threads:
            thread.join(timeout=120)


def in_subprocesses(module: str, calls: list[tuple]) -> list:
    """``module.case(*args)`` for each args in ``calls``, each in a fresh process (Django is set up
    once per process, with one database); returns what each returned (JSON)."""
    results = []
    for args in calls:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            code = (
                "import json, sys\n"
                f"from {module} import case\n"
                f"json.dump(case(*{args!r}), open({out.name!r}, 'w'))\n"
            )
            subprocess.run([PYTHON, "-c", code], cwd=ROOT, check=True)
            results.append(json.loads(Path(out.name).read_text()))
    return results
