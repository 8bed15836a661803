#!/usr/bin/env python3
"""Serving benchmark: the gallery's streaming view under gunicorn vs. nginx with sendfile.

    .venv/bin/python bench/bench_serving.py           # 100 MiB video, 5 runs each
    .venv/bin/python bench/bench_serving.py --quick   # 16 MiB, 2 runs each

It makes an H.264 MP4 of noise with imageio-ffmpeg's ffmpeg, stores it with
``gallery.services.asset_store`` in its own SQLite database under ``bench/.cache/`` (kept between
runs, never committed), starts ``gunicorn simpoc.wsgi`` (one sync worker) and Debian's nginx
(``sendfile on``, serving the same bytes from a file) on free loopback ports, and measures with
curl: time to first byte and throughput of whole downloads, time to first byte of a 1 MiB range in
the middle of the file, and the gunicorn worker's peak RSS growth while it streams. Results are
printed and appended, dated, to the "Serving" section of ``bench/README.md``.
"""

import argparse
import json
import os
import platform
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
README = ROOT / "bench" / "README.md"
README_INTRO = """# Benchmarks

Standalone scripts that measure the running application on this machine. Each writes its results
below, dated, with the machine it ran on; numbers from different machines are not comparable.
"""
SECTION = "## Serving"
SECTION_INTRO = """Run `.venv/bin/python bench/bench_serving.py` (add `--quick` for a 16 MiB file). It serves one video
through the gallery's streaming view (gunicorn, one sync worker, SQLite BLOB read in 256 KiB chunks)
and the same bytes from a file through nginx with `sendfile on`, over loopback, with curl as the
client. TTFB is the median time to the first body byte; throughput is the median of whole
downloads; "range TTFB" asks for 1 MiB from the middle of the file; RSS growth is the gunicorn
worker's peak during the whole downloads over its size before them (anonymous memory, and in
brackets the file-backed pages SQLite's mmap maps, which are the shared page cache, not heap).
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port} after {timeout}s")


def ensure_nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    print("nginx is missing: apt-get install -y nginx-light", flush=True)
    subprocess.run(["apt-get", "install", "-y", "nginx-light"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def make_video(path: Path, size: int) -> None:
    import imageio_ffmpeg

    if path.exists() and path.stat().st_size >= size * 0.95:
        return
    print(f"making a {size / 2**20:.0f} MiB H.264 video of noise ...", flush=True)
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "nullsrc=s=640x360:r=30,geq=lum='random(1)*255':cb=128:cr=128",
            "-t",
            "3600",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-qp",
            "0",
            "-pix_fmt",
            "yuv420p",
            "-fs",
            str(size),
            "-movflags",
            "+faststart",
            str(path),
        ],
        check=True,
    )


def django_env(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "simpoc.settings",
        "DATA_DIR": str(data_dir),
        "DATABASE_PATH": str(data_dir / "bench.sqlite3"),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "MEDIA_STORAGE": "database",
        "DEBUG": "0",
        "SIMPOC_ENV": "development",
        "LOG_LEVEL": "WARNING",
    }


def prepare_database(data_dir: Path, video: Path) -> tuple[int, str, int]:
    """Migrate, store the video once (cached), and sign a staff user in; (asset id, session, size)."""
    os.environ.update(django_env(data_dir))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from gallery import services
    from gallery.models import Asset

    call_command("migrate", verbosity=0)
    user, created = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    size = video.stat().st_size
    asset = Asset.objects.filter(owner=user, kind="video", size_bytes=size).first()
    if asset is None:
        print("storing the video in the bench database ...", flush=True)
        with video.open("rb") as stream:
            asset = services.asset_store(owner=user, stream=stream, kind="video", filename=video.name)
    client = Client()
    client.force_login(user)
    return asset.pk, client.cookies["sessionid"].value, size


def curl(url: str, *, cookie: str = "", range_header: str = "") -> dict[str, float]:
    command = ["curl", "-s", "-o", "/dev/null", "-w", "%{json}", url]
    if cookie:
        command += ["-b", f"sessionid={cookie}"]
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


def worker_pid(master: int) -> int:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    raise SystemExit("gunicorn started no worker")


def rss(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile"):
            values[name] = int(rest.split()[0]) * 1024
    return values


class RssSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, {"RssAnon": 0, "RssFile": 0}, True

    def run(self) -> None:
        while self.running:
            now = rss(self.pid)
            for name in self.peak:
                self.peak[name] = max(self.peak[name], now[name])
            time.sleep(0.002)


def measure(url: str, *, runs: int, size: int, cookie: str = "", pid: int | None = None) -> dict:
    curl(url, cookie=cookie)  # warm up: imports, page cache, connection set-up
    whole = [curl(url, cookie=cookie) for _ in range(runs)]
    assert all(r["bytes"] == size for r in whole), whole
    middle = size // 2
    ranged = [
        curl(url, cookie=cookie, range_header=f"bytes={middle}-{middle + 2**20 - 1}") for _ in range(runs)
    ]
    assert all(r["status"] == 206 and r["bytes"] == 2**20 for r in ranged), ranged
    result = {
        "ttfb_ms": statistics.median(r["ttfb"] for r in whole) * 1000,
        "throughput_mib_s": statistics.median(size / r["total"] for r in whole) / 2**20,
        "range_ttfb_ms": statistics.median(r["ttfb"] for r in ranged) * 1000,
    }
    if pid:
        # A separate, sampled download: the sampler would otherwise steal CPU from the timed ones.
        before = rss(pid)
        sampler = RssSampler(pid)
        sampler.start()
        curl(url, cookie=cookie)
        sampler.running = False
        sampler.join()
        result["rss_anon_growth_mib"] = max(sampler.peak["RssAnon"] - before["RssAnon"], 0) / 2**20
        result["rss_file_growth_mib"] = max(sampler.peak["RssFile"] - before["RssFile"], 0) / 2**20
    return result


def run_nginx(nginx: str, root: Path, runs: int, size: int, name: str) -> dict:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as prefix:
        conf = Path(prefix) / "nginx.conf"
        conf.write_text(
            f"""daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    sendfile on;
    tcp_nopush on;
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
"""
        )
        process = subprocess.Popen([nginx, "-c", str(conf), "-p", prefix, "-e", "stderr"])
        try:
            wait_for_port(port, process)
            return measure(f"http://127.0.0.1:{port}/{name}", runs=runs, size=size)
        finally:
            process.terminate()
            process.wait(timeout=10)


def run_gunicorn(data_dir: Path, asset_id: int, session: str, runs: int, size: int) -> dict:
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "simpoc.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--worker-class",
            "sync",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=django_env(data_dir),
    )
    try:
        wait_for_port(port, process)
        pid = worker_pid(process.pid)
        url = f"http://127.0.0.1:{port}/admin/gallery/asset/{asset_id}/data/"
        return measure(url, runs=runs, size=size, cookie=session, pid=pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def record(results: dict[str, dict], *, size: int, runs: int, quick: bool) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {subprocess.run(['nginx', '-v'], capture_output=True, text=True).stderr.strip()}, "
        f"load average {os.getloadavg()[0]:.1f} when it ended"
    )
    lines = [
        f"### {stamp}{' (--quick)' if quick else ''}",
        "",
        f"{size / 2**20:.1f} MiB MP4, {runs} downloads each; {machine}.",
        "",
        "| server | TTFB (ms) | throughput (MiB/s) | range TTFB (ms) | worker peak RSS growth (MiB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        growth = (
            f"{r['rss_anon_growth_mib']:.1f} (+{r['rss_file_growth_mib']:.0f} mmap)"
            if "rss_anon_growth_mib" in r
            else "-"
        )
        lines.append(
            f"| {name} | {r['ttfb_ms']:.2f} | {r['throughput_mib_s']:.0f} | {r['range_ttfb_ms']:.2f} | {growth} |"
        )
    return "\n".join(lines) + "\n"


def append_to_readme(entry: str) -> None:
    """Add the entry at the end of the Serving section (created if missing), leaving others alone."""
    lines = (README.read_text() if README.exists() else README_INTRO).splitlines()
    if SECTION not in lines:
        lines += ["", SECTION, "", *SECTION_INTRO.splitlines()]
    start = lines.index(SECTION)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    section = lines[start:end]
    while section and not section[-1].strip():
        section.pop()
    updated = [*lines[:start], *section, "", *entry.rstrip("\n").splitlines(), "", *lines[end:]]
    README.write_text("\n".join(updated).rstrip("\n") + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="16 MiB and 2 runs instead of 100 MiB and 5")
    parser.add_argument("--no-record", action="store_true", help="print only; leave bench/README.md alone")
    args = parser.parse_args()
    size = (16 if args.quick else 100) * 2**20
    runs = 2 if args.quick else 5

    nginx = ensure_nginx()
    for tool in ("curl",):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed")
    data_dir = CACHE / ("quick" if args.quick else "full")
    data_dir.mkdir(parents=True, exist_ok=True)
    video = data_dir / "video.mp4"
    make_video(video, size)
    video.chmod(0o644)
    for folder in (CACHE, data_dir):
        folder.chmod(0o755)  # nginx's worker may run as another user
    asset_id, session, actual_size = prepare_database(data_dir, video)

    results = {
        "nginx (sendfile, file on disk)": run_nginx(nginx, data_dir, runs, actual_size, video.name),
        "simpoc (gunicorn, SQLite BLOB)": run_gunicorn(data_dir, asset_id, session, runs, actual_size),
    }
    entry = record(results, size=actual_size, runs=runs, quick=args.quick)
    print()
    print(entry)
    if not args.no_record:
        append_to_readme(entry)
        print(f"appended to {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
