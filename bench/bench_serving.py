"""Serving: the gallery's streaming view under the deployed server against nginx from disk.

    .venv/bin/python -m bench.bench_serving [--quick] [--record]

Stores H.264 videos of noise (20, 100, 500 MiB; --quick: 20 MiB only), a 100 KB image and 21 videos
of 20 MiB in one SQLite database under bench/.cache/serving/ (kept between runs), starts the app as
deployed (``scripts/serve web``: granian 2 workers x 8 threads, production settings, the task
worker) and Debian's nginx (``sendfile on``) serving the same bytes from files, both on loopback,
and measures:

- one client, whole downloads with curl: time to the first body byte, throughput, and the TTFB of a
  1 MiB range in the middle; references: nginx, and a raw SQLite BLOB read of the same row
  (``sqlite3`` ``blobopen``, 256 KiB reads) in this process;
- 4 clients downloading the 20 MiB video at once: total throughput, against nginx;
- each web server worker's (granian's) peak anonymous RSS growth while it streams each file;
- the 100 KB image with 8 keep-alive clients (wrk): requests/s, against nginx;
- the video list (``GET /api/videos``, 21 videos of 20 MiB stored, BLOBs never read), 1 client,
  against ``GET /health`` on the same server;
- the same list while 4 clients stream the largest video, against the idle list.

Every request to the app carries an API key (``X-API-Key``), as a script would.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench import common
from bench.common import Table, median, ms, percentile, ratio, verdict

DATA = common.CACHE / "serving"
CHUNK = 256 * 1024
LISTED_VIDEOS = 21


def _noise_image(path: Path) -> Path:
    """A ~100 KB PNG of noise (PNG cannot compress noise, so the size is predictable)."""
    if path.exists():
        return path
    import random

    from PIL import Image

    rng = random.Random(8)
    side = 184
    Image.frombytes("RGB", (side, side), bytes(rng.getrandbits(8) for _ in range(side * side * 3))).save(path)
    path.chmod(0o644)
    return path


def _prepare(files: dict[str, Path]) -> dict:
    """Users, an API key, and one Generation per file (stored once, cached); the 21 listed videos."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from gallery import services as gallery_services
    from gallery.models import Asset
    from media_gen.models import Generation
    from simpoc.models import ApiKey
    from simpoc.services import api_key_create

    users = get_user_model().objects
    owner, _ = users.get_or_create(username="bench-serving")
    lister, _ = users.get_or_create(username="bench-lister")
    generations = {}
    for name, path in files.items():
        size = path.stat().st_size
        generation = Generation.objects.filter(owner=owner, prompt=name, asset__size_bytes=size).first()
        if generation is None:
            print(f"storing {name} ({size / 2**20:.1f} MiB) ...", flush=True)
            kind = "image" if path.suffix == ".png" else "video"
            with path.open("rb") as stream:
                asset = gallery_services.asset_store(
                    owner=owner, stream=stream, kind=kind, filename=path.name
                )
            generation = Generation.objects.create(
                owner=owner, kind=kind, status="completed", model_id="bench/serving", prompt=name, asset=asset
            )
        generations[name] = generation
    listed = Generation.objects.filter(owner=lister, kind="video").count()
    if listed < LISTED_VIDEOS:
        source = generations["video-20"].asset
        columns = [f.column for f in Asset._meta.concrete_fields if f.column != "id"]
        names = ", ".join(f'"{c}"' for c in columns)
        selected = ", ".join("%s" if c == "owner_id" else f'"{c}"' for c in columns)
        with transaction.atomic():
            for index in range(listed, LISTED_VIDEOS):
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"INSERT INTO gallery_asset ({names}) SELECT {selected} FROM gallery_asset WHERE id = %s",  # noqa: S608
                        [lister.pk, source.pk],
                    )
                    asset_id = cursor.lastrowid
                Generation.objects.create(
                    owner=lister,
                    kind="video",
                    status="completed",
                    model_id="bench/serving",
                    prompt=f"listed video {index}",
                    asset_id=asset_id,
                )
    ApiKey.objects.filter(user__in=[owner, lister]).delete()
    return {
        "ids": {name: g.pk for name, g in generations.items()},
        "asset_ids": {name: g.asset_id for name, g in generations.items()},
        "key": api_key_create(user=owner, name="bench").raw_key,
        "lister_key": api_key_create(user=lister, name="bench").raw_key,
    }


def _raw_sqlite_read(database: Path, asset_id: int) -> float:
    """Seconds to read one BLOB whole in 256 KiB pieces with the sqlite3 module (the storage floor)."""
    with sqlite3.connect(database) as conn:
        began = time.perf_counter()
        with conn.blobopen("gallery_asset", "data", asset_id, readonly=True) as blob:
            while blob.read(CHUNK):
                pass
        return time.perf_counter() - began


def _downloads(url: str, size: int, runs: int, headers: dict) -> dict:
    common.curl(url, headers=headers)  # warm: imports, page cache
    whole = [common.curl(url, headers=headers) for _ in range(runs)]
    assert all(r["bytes"] == size for r in whole), whole
    middle = size // 2
    ranged = [
        common.curl(url, headers=headers, range_header=f"bytes={middle}-{middle + 2**20 - 1}")
        for _ in range(runs)
    ]
    assert all(r["status"] == 206 and r["bytes"] == 2**20 for r in ranged), ranged
    return {
        "ttfb": median([r["ttfb"] for r in whole]) * 1000,
        "mib_s": median([size / r["total"] for r in whole]) / 2**20,
        "range_ttfb": median([r["ttfb"] for r in ranged]) * 1000,
    }


def _parallel(url: str, size: int, clients: int, runs: int, headers: dict) -> float:
    """Median total MiB/s of ``clients`` simultaneous whole downloads."""
    rates = []
    with ThreadPoolExecutor(clients) as pool:
        for _ in range(runs):
            began = time.perf_counter()
            results = list(pool.map(lambda _: common.curl(url, headers=headers), range(clients)))
            assert all(r["bytes"] == size for r in results)
            rates.append(clients * size / (time.perf_counter() - began) / 2**20)
    return median(rates)


@dataclass
class Setup:
    """What every measurement needs: the two servers, the files, the stored rows and the API key."""

    quick: bool
    app: common.App
    nginx: common.Nginx
    files: dict[str, Path]
    prepared: dict
    sizes: list[int]

    @property
    def key(self) -> dict[str, str]:
        return {"X-API-Key": self.prepared["key"]}

    def app_url(self, name: str) -> str:
        plural = "images" if name == "image" else "videos"
        return f"{self.app.url}/api/{plural}/{self.prepared['ids'][name]}/data"

    def nginx_url(self, name: str) -> str:
        return f"{self.nginx.url}/{self.files[name].name}"

    def raw_read(self, name: str, runs: int) -> float:
        """Median seconds to read the file's BLOB with raw sqlite3 (the storage reference)."""
        asset_id = self.prepared["asset_ids"][name]
        return median([_raw_sqlite_read(DATA / "bench.sqlite3", asset_id) for _ in range(runs)])


def _one_client(setup: Setup) -> Table:
    """1. One client, whole downloads and a range, against nginx and a raw BLOB read."""
    runs = 3 if setup.quick else 5
    big = f"video-{setup.sizes[-1] if setup.quick else 100}"
    big_size = setup.files[big].stat().st_size
    ours = _downloads(setup.app_url(big), big_size, runs, setup.key)
    theirs = _downloads(setup.nginx_url(big), big_size, runs, {})
    raw = setup.raw_read(big, runs)
    raw_mib_s = big_size / raw / 2**20
    one = Table(
        f"Stream a {big_size / 2**20:.0f} MiB video, one client (curl, median of {runs})",
        ["measurement", "simpoc", "nginx (sendfile)", "simpoc / nginx", "target", "verdict"],
    )
    one.add(
        "time to first byte (ms)",
        ms(ours["ttfb"]),
        ms(theirs["ttfb"]),
        ratio(ours["ttfb"], theirs["ttfb"]),
        "< 5 ms",
        verdict(ours["ttfb"] < 5),
    )
    one.add(
        "throughput (MiB/s)",
        f"{ours['mib_s']:.0f}",
        f"{theirs['mib_s']:.0f}",
        ratio(ours["mib_s"], theirs["mib_s"]),
        "≥ 0.50x",
        verdict(ours["mib_s"] >= 0.5 * theirs["mib_s"]),
    )
    one.add(
        "TTFB of 1 MiB from the middle (ms)",
        ms(ours["range_ttfb"]),
        ms(theirs["range_ttfb"]),
        ratio(ours["range_ttfb"], theirs["range_ttfb"]),
        "-",
        "-",
    )
    one.notes.append(
        f"Storage reference: the same BLOB read whole with Python's sqlite3 (blobopen, 256 KiB reads) in "
        f"{raw * 1000:.0f} ms = {raw_mib_s:.0f} MiB/s; simpoc streams at {ratio(ours['mib_s'], raw_mib_s)} of that."
    )
    return one


def _four_clients(setup: Setup) -> Table:
    """2. Four clients on the 20 MiB video: total throughput against nginx."""
    size20 = setup.files["video-20"].stat().st_size
    parallel_runs = 2 if setup.quick else 3
    ours4 = _parallel(setup.app_url("video-20"), size20, 4, parallel_runs, setup.key)
    theirs4 = _parallel(setup.nginx_url("video-20"), size20, 4, parallel_runs, {})
    four = Table(
        f"20 MiB video, 4 clients at once: total throughput (median of {parallel_runs})",
        ["server", "MiB/s", "simpoc / nginx", "target", "verdict"],
    )
    four.add("nginx (sendfile)", f"{theirs4:.0f}", "1.00x", "", "")
    four.add("simpoc", f"{ours4:.0f}", ratio(ours4, theirs4), "≥ 0.50x", verdict(ours4 >= 0.5 * theirs4))
    return four


def _memory(setup: Setup) -> Table:
    """3. Peak memory growth of the web server's workers while streaming each file once."""
    memory = Table(
        "Web process peak memory growth while streaming (one download, both granian workers sampled)",
        [
            "file",
            "anonymous RSS growth (MiB)",
            "file-backed growth (MiB, SQLite mmap = page cache)",
            "target",
            "verdict",
        ],
    )
    for mib in setup.sizes:
        sampler = common.RssSampler(setup.app.worker_pids())
        sampler.start()
        common.curl(setup.app_url(f"video-{mib}"), headers=setup.key)
        file_backed = [sampler.peak[p]["RssFile"] - sampler.before[p]["RssFile"] for p in sampler.pids]
        anon = sampler.growth_mib("RssAnon")
        memory.add(
            f"{mib} MiB", f"{anon:.1f}", f"{max(file_backed) / 2**20:.0f}", "< 16 MiB", verdict(anon < 16)
        )
    return memory


def _image(setup: Setup) -> Table:
    """4. The 100 KB image, 8 keep-alive clients (wrk), against nginx."""
    seconds = 2 if setup.quick else 8
    image_size = setup.files["image"].stat().st_size
    ours = common.wrk(setup.app_url("image"), connections=8, seconds=seconds, headers=setup.key)
    theirs = common.wrk(setup.nginx_url("image"), connections=8, seconds=seconds)
    image = Table(
        f"{image_size / 1000:.0f} KB image, 8 keep-alive clients (wrk, {seconds} s)",
        ["server", "requests/s", "p50 ms", "p99 ms", "simpoc / nginx", "target", "verdict"],
    )
    image.add(
        "nginx (sendfile)", f"{theirs['rps']:.0f}", ms(theirs["p50"]), ms(theirs["p99"]), "1.00x", "", ""
    )
    image.add(
        "simpoc",
        f"{ours['rps']:.0f}",
        ms(ours["p50"]),
        ms(ours["p99"]),
        ratio(ours["rps"], theirs["rps"]),
        "≥ 2,000/s",
        verdict(ours["rps"] >= 2000),
    )
    return image


def _list_while_streaming(setup: Setup, lister: common.Client, repeat: int, stream_url: str) -> tuple:
    """List latencies while 4 clients stream ``stream_url`` whole, and how many downloads finished."""
    streamed = [0]

    def stream_loop(stop: threading.Event) -> None:
        while not stop.is_set():
            done = subprocess.run(
                ["curl", "-s", "-o", "/dev/null", "-H", f"X-API-Key: {setup.prepared['key']}", stream_url],
                check=False,
            )
            streamed[0] += done.returncode == 0

    with common.background(stream_loop, 4):
        time.sleep(0.5)
        busy = lister.latencies("/api/videos?limit=50", repeat, warmup=0)
    return busy, streamed[0]


def _video_list(setup: Setup) -> Table:
    """5. The video list, idle, against /health; 6. the same list while 4 clients stream."""
    repeat = 100 if setup.quick else 300
    stream_big = "video-20" if setup.quick else "video-100"
    lister = common.Client(setup.app.url, {"X-API-Key": setup.prepared["lister_key"]})
    body = lister.get("/api/videos?limit=50")
    assert body.count(b'"video_url"') == LISTED_VIDEOS, body[:200]
    health = common.Client(setup.app.url).latencies("/health", repeat)
    idle = lister.latencies("/api/videos?limit=50", repeat)
    busy, streamed = _list_while_streaming(setup, lister, repeat, setup.app_url(stream_big))
    listing = Table(
        f"Video list (GET /api/videos, {LISTED_VIDEOS} videos of 20 MiB stored), 1 client, {repeat} requests",
        ["case", "p50 ms", "p99 ms", "vs reference (p50)", "target", "verdict"],
    )
    listing.add(
        "reference: GET /health, same server", ms(median(health)), ms(percentile(health, 99)), "1.00x", "", ""
    )
    listing.add(
        "video list, idle",
        ms(median(idle)),
        ms(percentile(idle, 99)),
        ratio(median(idle), median(health)),
        "< 10 ms",
        verdict(median(idle) < 10),
    )
    listing.add(
        f"video list while 4 clients stream the {stream_big.split('-')[1]} MiB video",
        ms(median(busy)),
        ms(percentile(busy, 99)),
        f"{ratio(percentile(busy, 99), percentile(idle, 99))} of idle p99",
        "p99 < 50 ms",
        verdict(percentile(busy, 99) < 50),
    )
    raw20 = setup.raw_read("video-20", 3)
    listing.notes.append(
        f"{streamed} whole downloads completed by the 4 streaming clients meanwhile. Reading the "
        f"{LISTED_VIDEOS} BLOBs with raw sqlite3 would take {LISTED_VIDEOS * raw20 * 1000:.0f} ms, so the list "
        "does not read them."
    )
    return listing


def _files(sizes: list[int]) -> dict[str, Path]:
    DATA.mkdir(parents=True, exist_ok=True)
    DATA.chmod(0o755)
    common.CACHE.chmod(0o755)  # nginx's worker may run as another user
    files = {f"video-{mib}": common.make_video(DATA / f"video-{mib}.mp4", mib * 2**20) for mib in sizes}
    files["image"] = _noise_image(DATA / "image.png")
    return files


def run(quick: bool) -> list[Table]:
    sizes = [20] if quick else [20, 100, 500]
    files = _files(sizes)
    env = common.app_env(DATA)
    common.django_setup(env)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    prepared = _prepare(files)
    with common.Nginx(DATA) as nginx, common.App(env, migrate=False) as app:
        setup = Setup(quick=quick, app=app, nginx=nginx, files=files, prepared=prepared, sizes=sizes)
        return [measure(setup) for measure in (_one_client, _four_clients, _memory, _image, _video_list)]


if __name__ == "__main__":
    common.main(run, __doc__)
