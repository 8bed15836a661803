"""The browser's view (issue 16 item 6): the gallery's thumbnails and a video's start and seek, in
headless Chromium (Debian's, via Playwright), against the app as deployed (gunicorn, SQLite).

    .venv/bin/python -m bench.bench_gallery_browser [--quick] [--record]

- **Gallery, cold and warm.** 50 image generations (distinct 1024x1024 JPEGs, so 50 distinct
  WebP thumbnails, 256x256 since issue 16 item 6: ``gallery.thumbnails.thumbnail_size``; stored data
  from older runs is brought there by ``manage.py shrink_thumbnails``, as a deployed site would be). Cold: a fresh browser context (empty cache, a session cookie and nothing else) opens
  the page; warm: a new page in the same context opens it again. The time is from the navigation's
  start until every thumbnail is decoded (``img.decode()`` resolved, ``complete`` and
  ``naturalWidth > 0``), taken in the page by an init script that watches the thumbnails appear.
  Two pages: the SPA's gallery (``/image-gallery``, its own page size, so fewer than 50), and the 50
  of ``/api/images?limit=50`` drawn as the original client's gallery does (one list request, then one
  ``<img>`` per record). The viewport is tall enough that no lazy thumbnail waits for a scroll.
  Warm runs also count the thumbnails that went to the network (resource timing ``transferSize > 0``,
  which includes 304 revalidations); 0 means the browser's cache answered them all.
- **Video start and seek.** The detail page of a 100 MiB H.264 video (20 MiB with ``--quick``; the
  noise video of ``bench_serving``, 640x360, lossless, one keyframe every 250 frames, and in full
  runs the same with a keyframe every second, which tells decoding from delivery): from the navigation's
  start until the first frame is presented (``requestVideoFrameCallback``, ``play()`` called as soon
  as the player exists), ``play()`` to first frame, and a seek to the middle: from setting
  ``currentTime`` to ``seeked``, and to the sought frame presented.

Each figure is the median over the runs (5, or 2 with ``--quick``), each run in a fresh context.
The app runs with development settings only so that whitenoise serves ``frontend/dist`` without a
collectstatic into the checkout (as ``bench_browser``); API and media responses are the same.
"""

from __future__ import annotations

import io
import json
import os
import random
from pathlib import Path

from bench import common
from bench.bench_browser import REFERENCE_JS
from bench.common import Table, median, verdict

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DATA = common.CACHE / "gallery-browser"
IMAGES = 50
VIEWPORT = {"width": 1280, "height": 6000}  # every thumbnail in view: none waits for a scroll
TIMEOUT_MS = 60_000
USERNAME = "bench-gallery-browser"
SPA_THUMBNAILS = ".tile img"
TARGETS = {"warm": 300.0, "cold": 1000.0, "seek": 500.0}

# Runs before the page's own scripts: every thumbnail that appears is decoded, and the moment the
# last of them is, relative to the navigation's start, is kept in window.__thumbs.done.
WATCH_THUMBNAILS = """
(() => {
  const state = { done: null, seen: 0, decoded: 0, failed: 0, expected: %(expected)d };
  window.__thumbs = state;
  const seen = new WeakSet();
  const watch = () => {
    for (const img of document.querySelectorAll(%(selector)s)) {
      if (seen.has(img)) continue;
      seen.add(img);
      state.seen += 1;
      img.decode().then(
        () => { if (img.complete && img.naturalWidth > 0) state.decoded += 1; else state.failed += 1; },
        () => { state.failed += 1; },
      ).then(() => {
        if (state.done === null && state.decoded + state.failed >= state.expected) state.done = performance.now();
      });
    }
  };
  new MutationObserver(watch).observe(document, { childList: true, subtree: true });
})();
"""

# The original client's gallery: one list request, one <img> per record, all decoded.
ORIGINAL_GALLERY_JS = """async (limit) => {
  const t0 = performance.now();
  const answer = await fetch(`/api/images?limit=${limit}`, { credentials: "same-origin" });
  const images = (await answer.json()).images;
  const listed = performance.now() - t0;
  document.body.replaceChildren();
  const tags = images.map((record) => {
    const img = document.createElement("img");
    img.src = record.thumbnail_url;
    img.width = 160;
    document.body.append(img);
    return img;
  });
  const results = await Promise.allSettled(tags.map((img) => img.decode()));
  const decoded = tags.filter((img, i) => results[i].status === "fulfilled" && img.complete && img.naturalWidth > 0);
  return { ms: performance.now() - t0, listed, count: tags.length, decoded: decoded.length };
}"""

NETWORK_THUMBNAILS_JS = """() => performance.getEntriesByType("resource")
  .filter((e) => e.name.includes("/thumbnail") && e.transferSize > 0).length"""
LIST_ANSWERED_JS = """() => Math.max(0, ...performance.getEntriesByType("resource")
  .filter((e) => e.name.includes("/api/images?")).map((e) => e.responseEnd))"""

# The player of the detail page: play at once, first frame; then pause and seek to the middle.
VIDEO_JS = """async () => {
  const frame = (video, ms) => new Promise((resolve) => {
    video.requestVideoFrameCallback(() => resolve(performance.now()));
    setTimeout(() => resolve(null), ms);
  });
  let video = document.querySelector("video");
  while (!video) { await new Promise((r) => setTimeout(r, 2)); video = document.querySelector("video"); }
  video.muted = true;
  const playAt = performance.now();
  const first = frame(video, 30000);
  await video.play();
  const firstAt = await first;
  video.pause();
  if (!(video.duration > 0)) await new Promise((r) => video.addEventListener("loadedmetadata", r, { once: true }));
  const seekAt = performance.now();
  const seeked = new Promise((r) => video.addEventListener("seeked", () => r(performance.now()), { once: true }));
  const shown = frame(video, 10000);
  video.currentTime = video.duration / 2;
  const seekedAt = await seeked;
  const shownAt = await shown;
  return {
    open_to_first: firstAt, play_to_first: firstAt - playAt, seeked: seekedAt - seekAt,
    seek_frame: shownAt === null ? null : shownAt - seekAt, duration: video.duration,
    width: video.videoWidth, height: video.videoHeight,
  };
}"""


def _photo(seed: int) -> bytes:
    """A 1024x1024 JPEG like a generated picture: soft shapes and detail at every scale (octaves of
    noise), so its WebP thumbnail has a photo's size, not a flat drawing's or pure noise's."""
    from PIL import Image, ImageChops

    rng = random.Random(seed)
    side = 1024
    layers = []
    for cells in (4, 16, 64, 256):  # coarse shapes down to fine texture
        small = Image.frombytes("RGB", (cells, cells), rng.randbytes(cells * cells * 3))
        layers.append(small.resize((side, side), Image.Resampling.BICUBIC))
    picture = Image.blend(
        Image.blend(layers[0], layers[1], 0.4), ImageChops.multiply(layers[2], layers[3]), 0.3
    )
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def _prepare(videos: list[tuple[str, Path]]) -> dict:
    """The user, 50 image generations and the video generations (stored once, kept between runs)."""
    from django.contrib.auth import get_user_model

    from gallery import services as gallery_services
    from media_gen.models import Generation

    owner, _ = get_user_model().objects.get_or_create(username=USERNAME)
    images = Generation.objects.filter(owner=owner, kind="image")
    for index in range(images.count(), IMAGES):
        asset = gallery_services.asset_store(
            owner=owner, stream=io.BytesIO(_photo(index)), kind="image", filename=f"bench-{index}.jpg"
        )
        Generation.objects.create(
            owner=owner,
            kind="image",
            status="completed",
            model_id="bench/gallery",
            prompt=f"gallery image {index}",
            asset=asset,
        )
    stored = []
    for label, video in videos:
        size = video.stat().st_size
        generation = Generation.objects.filter(
            owner=owner, kind="video", prompt=video.stem, asset__size_bytes=size
        ).first()
        if generation is None:
            print(f"storing {video.name} ({size / 2**20:.0f} MiB) ...", flush=True)
            with video.open("rb") as stream:
                asset = gallery_services.asset_store(
                    owner=owner, stream=stream, kind="video", filename=video.name
                )
            generation = Generation.objects.create(
                owner=owner,
                kind="video",
                status="completed",
                model_id="bench/gallery",
                prompt=video.stem,
                asset=asset,
            )
        stored.append({"label": label, "id": generation.pk, "bytes": size})
    return {"owner": owner, "videos": stored}


def _session_cookie(owner, url: str) -> dict:
    """A signed-in session for ``owner``, as a cookie for a fresh context (nothing else in its cache)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(owner)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": url,
    }


def _spa_gallery(browser, app_url: str, cookie: dict, expected: int) -> dict:
    """Cold and warm ms of /image-gallery, when its list answered, and the warm page's network thumbnails."""
    context = browser.new_context(base_url=app_url, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([cookie])
    context.add_init_script(WATCH_THUMBNAILS % {"expected": expected, "selector": json.dumps(SPA_THUMBNAILS)})
    result: dict = {}
    for visit in ("cold", "warm"):
        page = context.new_page()
        page.goto("/image-gallery", wait_until="commit")
        page.wait_for_function("() => window.__thumbs && window.__thumbs.done !== null", timeout=TIMEOUT_MS)
        state = page.evaluate("() => window.__thumbs")
        if state["failed"]:
            raise RuntimeError(f"{state['failed']} of the gallery's thumbnails did not decode")
        result[visit] = state["done"]
        result[f"{visit}_list"] = page.evaluate(LIST_ANSWERED_JS)
        result["network"] = page.evaluate(NETWORK_THUMBNAILS_JS)
        page.close()
    context.close()
    return result


def _original_gallery(browser, app_url: str, cookie: dict) -> dict:
    """Cold and warm ms of 50 thumbnails drawn from /api/images?limit=50, as the SPA's result."""
    context = browser.new_context(base_url=app_url, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([cookie])
    result: dict = {}
    for visit in ("cold", "warm"):
        page = context.new_page()
        page.goto("/health")  # a same-origin page that loads nothing else
        answer = page.evaluate(ORIGINAL_GALLERY_JS, IMAGES)
        if answer["decoded"] != IMAGES:
            raise RuntimeError(f"only {answer['decoded']} of {answer['count']} thumbnails decoded")
        result[visit], result[f"{visit}_list"] = answer["ms"], answer["listed"]
        result["network"] = page.evaluate(NETWORK_THUMBNAILS_JS)
        if visit == "warm":  # how fast this browser computes right now (the machine is shared)
            result["reference"] = page.evaluate(REFERENCE_JS)[0]
        page.close()
    context.close()
    return result


def _video(browser, app_url: str, cookie: dict, video_id: int) -> dict:
    context = browser.new_context(base_url=app_url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([cookie])
    page = context.new_page()
    page.goto(f"/video/{video_id}", wait_until="commit")
    result = page.evaluate(VIDEO_JS)
    context.close()
    return result


def _row(table: Table, name: str, values: list[float | None], target: float | None, *extra: str) -> None:
    """A measurement's median and range against its target; a missing value (no frame shown) is n/a."""
    known = [v for v in values if v is not None]
    goal = f"<= {target:.0f} ms" if target else ""
    if not known:
        table.add(name, "n/a", "", *extra, goal, "")
        return
    middle = median(known)
    spread = f"{min(known):.0f}-{max(known):.0f}"
    table.add(name, f"{middle:.0f}", spread, *extra, goal, verdict(middle <= target) if target else "")


def run(quick: bool) -> list[Table]:
    if not (common.ROOT / "frontend" / "dist" / ".vite" / "manifest.json").exists():
        raise SystemExit("frontend/dist is missing: run `npm run build` in frontend/")
    mib = 20 if quick else 100
    DATA.mkdir(parents=True, exist_ok=True)
    videos = [("keyframe every 250 frames", common.make_video(DATA / f"video-{mib}.mp4", mib * 2**20))]
    if not quick:  # is a slow seek the decoder's work from the last keyframe, or the delivery's?
        dense = common.make_video(DATA / f"video-{mib}-g30.mp4", mib * 2**20, keyframe_every=30)
        videos.append(("keyframe every 30 frames (1 s)", dense))
    env = common.app_env(DATA, production=False)
    common.django_setup(env)
    from django.core.management import call_command
    from playwright.sync_api import sync_playwright

    call_command("migrate", verbosity=0)
    prepared = _prepare(videos)
    call_command("shrink_thumbnails", verbosity=0, stdout=io.StringIO())  # data stored by older runs
    runs = 2 if quick else 5
    spa: list[dict] = []
    original: list[dict] = []
    players: dict[str, list[dict]] = {video["label"]: [] for video in prepared["videos"]}
    load = common.load_average()
    app = common.App(env, migrate=False)
    cookie = _session_cookie(prepared["owner"], app.url)  # before Playwright's event loop runs
    page_size = _spa_page_size()
    with app, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for _ in range(runs):
            spa.append(_spa_gallery(browser, app.url, cookie, page_size))
            original.append(_original_gallery(browser, app.url, cookie))
            for video in prepared["videos"]:
                players[video["label"]].append(_video(browser, app.url, cookie, video["id"]))
        browser.close()
    load_after = common.load_average()
    gallery = Table(
        f"Gallery in headless Chromium: time until every thumbnail is decoded (median of {runs} fresh contexts, ms)",
        ["page", "median ms", "range", "list answered at (median ms)", "target", "verdict"],
    )
    rows = [
        (f"{IMAGES} thumbnails (original client's page: list + <img> each), cold", original, "cold"),
        (
            f"{IMAGES} thumbnails (original client's page), warm: reopened in the same context",
            original,
            "warm",
        ),
        (f"SPA /image-gallery ({page_size} thumbnails per page), cold: from navigation start", spa, "cold"),
        (f"SPA /image-gallery ({page_size} thumbnails), warm: new page, same context", spa, "warm"),
    ]
    for name, results, visit in rows:
        _row(
            gallery,
            name,
            [r[visit] for r in results],
            TARGETS[visit],
            f"{median([r[f'{visit}_list'] for r in results]):.0f}",
        )
    _row(
        gallery,
        "reference: 10M multiply-adds in JavaScript, same browser (quiet machine: 16-20 ms, `browser`)",
        [r["reference"] for r in original],
        None,
        "",
    )
    gallery.notes.append(
        "Thumbnails the warm page fetched over the network (0 = all from the browser's cache): "
        f"original page {', '.join(str(r['network']) for r in original)}; "
        f"SPA {', '.join(str(r['network']) for r in spa)}. The original page's times start at its list "
        "request; the SPA's at the navigation's start (its JavaScript, the session check, the list)."
    )
    gallery.notes.append(
        f"{_version()}; load average (1/5/15 min) before: {load}, after: {load_after} on {os.cpu_count()} cores."
    )
    tables = [gallery]
    for video in prepared["videos"]:
        results = players[video["label"]]
        first = results[0]
        player = Table(
            f"Detail page video in headless Chromium: {video['bytes'] / 2**20:.0f} MiB H.264, "
            f"{first['width']}x{first['height']}, {first['duration']:.1f} s, {video['label']} "
            f"(median of {runs} fresh contexts, ms)",
            ["measurement", "median ms", "range", "target", "verdict"],
        )
        rows = [
            (
                "open the page -> first frame presented (play() as soon as the player exists)",
                "open_to_first",
                None,
            ),
            ("play() -> first frame presented", "play_to_first", None),
            ("seek to the middle: currentTime set -> 'seeked'", "seeked", TARGETS["seek"]),
            ("seek to the middle: currentTime set -> that frame presented", "seek_frame", TARGETS["seek"]),
        ]
        for name, key, target in rows:
            _row(player, name, [r[key] for r in results], target)
        tables.append(player)
    return tables


def _spa_page_size() -> int:
    """The SPA gallery's page size (frontend/src/pages/gallery/gallery.ts), capped at the 50 stored."""
    source = (common.ROOT / "frontend" / "src" / "pages" / "gallery" / "gallery.ts").read_text()
    for line in source.splitlines():
        if line.startswith("export const PAGE_SIZE"):
            return min(IMAGES, int(line.split("=")[1].strip().rstrip(";")))
    return IMAGES


def _version() -> str:
    return common.tool_version([CHROMIUM, "--version"]) if Path(CHROMIUM).exists() else "chromium missing"


if __name__ == "__main__":
    common.main(run, __doc__)
