"""Every page right at first sight: each SPA route and each admin page at a laptop's and a phone's size.

For every page the browser must see no console error, no Content-Security-Policy violation, no
request to another origin, no sideways scrolling of the page, and no two visible controls whose
boxes overlap (the admin's action buttons once covered the fields). A full-page screenshot of each
is written to a folder this test prints (PAGE_CHECK_DIR chooses it), so a person can look at them.

The two sizes run side by side, each in its own browser with one page reused for every address
(signed out for the two sign-in pages, then as staff): about 75 s on two busy cores.
"""

import io
import os
import re
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from gallery.models import Asset
from tests.e2e.test_generate_image import demo_emulator  # noqa: F401  (a fixture)

pytestmark = pytest.mark.engine_independent

SHOT_MAX_HEIGHT = 4000
LOADING_TIMEOUT_MS = 30_000
VIEWPORTS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# Recorded in the page before any of its own scripts run.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} `
    + `(${e.sourceFile || "?"}:${e.lineNumber})`);
});
"""

# The page is wider than the window; names the outermost elements that stick out, to find the cause.
HORIZONTAL_OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth + 1) return "";
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const out = [...document.body.querySelectorAll("*")].filter((el) => {
    const r = el.getBoundingClientRect();
    if (r.right <= root.clientWidth + 1 || r.width === 0) return false;
    const parent = el.parentElement.getBoundingClientRect();
    // Sticks out while its parent does not, and no scrolling box around it hides the excess (an
    // absolutely positioned element escapes a box that is not its containing block, so it counts).
    const positioned = ["absolute", "fixed"].includes(getComputedStyle(el).position);
    return parent.right <= root.clientWidth + 1 && (positioned || !clipped(el));
  });
  return `${root.scrollWidth}px wide in ${root.clientWidth}px (${out.slice(0, 3).map(name).join(", ")})`;
}"""

# (An item of a list may show its own failure, a failed render for one; that is content, not the page.)
ALERTS = """() => [...document.querySelectorAll('[role="alert"], .errornote')]
  .filter((el) => el.checkVisibility() && el.innerText.trim() && !el.closest("li, article, tr"))
  .map((el) => el.innerText.trim().slice(0, 120))"""

# At a laptop's width a list or a dashboard table shows all its columns: no sideways scrolling inside.
TABLES_SCROLL = """() => [...document.querySelectorAll("#changelist-form .results, .bo-scroll")]
  .filter((box) => box.scrollWidth > box.clientWidth + 1)
  .map((box) => `${box.id || box.className} needs ${box.scrollWidth}px, has ${box.clientWidth}px`)"""

# Visible interactive elements whose boxes intersect, where the browser shows one of the two on top
# (so an overlap clipped away by a scrolling container does not count). Nested pairs (a checkbox in
# its label) are one control.
OVERLAPS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button], [role=switch], [role=tab], [role=link]';
  const describe = (el) => {
    const text = (el.getAttribute("aria-label") || el.innerText || el.value || el.name || "").trim();
    return `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}> "${text.slice(0, 40)}"`;
  };
  const controls = [...document.querySelectorAll(selector)].filter((el) => {
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    if (getComputedStyle(el).clip !== "auto") return false;  // the screen-reader-only pattern
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1;
  });
  const x0 = window.scrollX, y0 = window.scrollY;
  // An inline link that wraps has one box per line: compare those, not the rectangle around them.
  const boxes = controls.map((el) => ({
    el,
    rects: [...el.getClientRects()].filter((r) => r.width > 1 && r.height > 1).map((r) => ({
      left: r.left + x0, right: r.right + x0, top: r.top + y0, bottom: r.bottom + y0,
    })),
  }));
  const intersection = (a, b) => {
    for (const p of a.rects) {
      for (const q of b.rects) {
        const width = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const height = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (width > 2 && height > 2) {
          return { width, height, x: Math.max(p.left, q.left) + width / 2, y: Math.max(p.top, q.top) + height / 2 };
        }
      }
    }
    return null;
  };
  const unclippedAt = (el, x, y) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX === "visible" && style.overflowY === "visible") continue;
      const r = up.getBoundingClientRect();
      if (x < r.left + x0 || x > r.right + x0 || y < r.top + y0 || y > r.bottom + y0) return false;
    }
    return true;
  };
  const found = [];
  for (let i = 0; i < boxes.length && found.length < 10; i++) {
    for (let j = i + 1; j < boxes.length && found.length < 10; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const both = intersection(a, b);
      if (!both) continue;
      // A control scrolled out of its box (a wide table in its scrolling container) is not there.
      if (!unclippedAt(a.el, both.x, both.y) || !unclippedAt(b.el, both.x, both.y)) continue;
      window.scrollTo(both.x - innerWidth / 2, both.y - innerHeight / 2);
      const top = document.elementFromPoint(both.x - window.scrollX, both.y - window.scrollY);
      if (top && (a.el.contains(top) || b.el.contains(top) || top.contains(a.el) || top.contains(b.el))) {
        found.push(`${describe(a.el)} overlaps ${describe(b.el)} by ${Math.round(both.width)}x${Math.round(both.height)}px`);
      }
    }
  }
  window.scrollTo(x0, y0);
  return found;
}"""


@dataclass
class Watch:
    """What one browser page reported while showing one address."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    in_flight: set = field(default_factory=set)
    last_activity: float = 0.0

    def attach(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"uncaught: {exc}"))
        page.on("request", self._request)
        page.on("requestfinished", self._done)
        page.on("requestfailed", self._done)

    def _console(self, message) -> None:
        if message.type != "error":
            return
        # Signed out, the SPA learns so from GET /api/auth/me answering 401; the browser logs that.
        if message.location.get("url", "").endswith("/api/auth/me") and "401" in message.text:
            return
        self.console_errors.append(message.text)

    def _request(self, request) -> None:
        self.last_activity = time.monotonic()
        url = request.url
        if url.startswith(("data:", "blob:")):
            return
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(url)
            return
        self.in_flight.add(request)

    def _done(self, request) -> None:
        self.last_activity = time.monotonic()
        self.in_flight.discard(request)

    def reset(self) -> None:
        self.console_errors.clear()
        self.foreign_requests.clear()

    def settle(self, page, *, quiet: float = 0.15, timeout: float = 10.0) -> None:
        """Until no request of ours has been open or started for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            page.wait_for_timeout(50)
            if not self.in_flight and time.monotonic() - self.last_activity >= quiet:
                return


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "root"


def _screenshot_dir() -> Path:
    chosen = os.environ.get("PAGE_CHECK_DIR")
    folder = Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="simpoc-page-check-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _populate():
    """A row behind every admin list and every SPA page: the check sees real pages, not empty states."""
    from django_q.brokers import get_broker
    from django_q.models import Schedule, Task
    from django_q.signing import SignedPackage

    from gallery import moderation
    from gallery.services import asset_store
    from media_gen.emulator import media
    from media_gen.models import DownloadAttempt, Generation, GenerationOutput, WebhookReceipt
    from simpoc.models import Backup
    from simulation.models import Render
    from tests.factories import StaffFactory, UserFactory, make_api_key
    from tests.gallery.factories import AssetFactory
    from tests.gallery.media import audio_bytes
    from tests.media_gen.factories import GenerationFactory
    from tests.simulation.factories import RenderFactory, SceneFactory

    staff = StaffFactory(username="page-check-admin", is_superuser=True)
    owner = UserFactory(username="page-check-owner")
    Group.objects.get_or_create(name="Moderators")
    make_api_key(staff, name="page check key")
    clip = media.video_bytes(prompt="waves", seed=3, size=(64, 48), frames=6, fps=6)

    image = GenerationFactory(
        owner=staff, asset=AssetFactory(owner=staff), prompt="a lighthouse on a cliff at dusk"
    )
    video = GenerationFactory(
        owner=staff,
        kind="video",
        model_id="minimax/video-01",
        collection="text-to-video",
        prompt="the lighthouse beam sweeps over the sea",
        asset=AssetFactory(owner=staff, kind="video", content=clip, filename="clip.mp4"),
    )
    # Issue 15's kinds: an audio clip (waveform, player), a caption of the video, a set of images.
    audio = GenerationFactory(
        owner=staff,
        kind="audio",
        model_id="emulator/music",
        collection="ai-music-generation",
        prompt="a calm tune in C",
        asset=asset_store(
            owner=staff, stream=io.BytesIO(audio_bytes("wav")), kind="audio", filename="tune.wav"
        ),
    )
    GenerationFactory(
        owner=staff,
        kind="video",
        model_id="emulator/captioner",
        collection="video-to-text",
        prompt="",
        asset=None,
        text_output="A 1.0 s video, 64x48: waves over a lighthouse.",
        source_kind="video",
        source_id=video.pk,
        source_asset=video.asset,
    )
    # A set: a generation of three images (the gallery's count badge, the detail page's files).
    files = [AssetFactory(owner=staff) for _ in range(3)]
    image_set = GenerationFactory(owner=staff, asset=files[0], prompt="three lighthouses")
    for position, asset in enumerate(files):
        GenerationOutput.objects.create(generation=image_set, position=position, asset=asset)
    now = timezone.now()
    # Queue health's four tables each get a row, with their fix buttons.
    failed = GenerationFactory(
        owner=owner,
        status="failed",
        error="Download gave up after 2 tries: HTTP 500",
        prompt="a storm",
        output_url="https://replicate.delivery/x/out.png",
        upstream_completed_at=now,
    )
    stuck = GenerationFactory(owner=owner, status="processing", upstream_status="processing", asset=None)
    Generation.objects.filter(pk=stuck.pk).update(created_at=now - timedelta(hours=2))
    moderation.asset_flag(asset=image.asset, by=staff, reason="Looks like someone else's photo")
    DownloadAttempt.objects.create(
        generation=failed, url="https://replicate.delivery/x/out.png", http_status=500, error="HTTP 500"
    )
    WebhookReceipt.objects.create(webhook_id="msg_page_check", generation=image)
    scene = SceneFactory(owner=staff, name="Falling boxes")
    RenderFactory(
        owner=staff,
        status="completed",
        frames_done=10,
        asset=AssetFactory(owner=staff, kind="video", content=clip, filename="render.mp4"),
    )
    RenderFactory(owner=owner, status="failed", error="EGL: no display")
    rendering = RenderFactory(owner=owner, status="rendering", frames_done=3)
    Render.objects.filter(pk=rendering.pk).update(updated_at=now - timedelta(hours=1))
    Backup.objects.create(status=Backup.Status.VERIFIED, engine="sqlite", size_bytes=123_456, asset_count=4)
    Schedule.objects.create(name="page check", func="math.floor", args="1.5", schedule_type=Schedule.DAILY)
    for success in (True, False):
        Task.objects.create(
            id=uuid.uuid4().hex,
            name=f"page check {'ok' if success else 'failed'}",
            func="math.floor",
            started=now,
            stopped=now,
            success=success,
            result=1 if success else "ValueError: page check",
        )
    broker = get_broker()
    broker.enqueue(
        SignedPackage.dumps(
            {
                "id": uuid.uuid4().hex,
                "name": "page check queued",
                "func": "math.floor",
                "args": (1.5,),
                "kwargs": {},
            }
        )
    )
    return staff, {
        "image": image,
        "video": video,
        "audio": audio,
        "image_set": image_set,
        "failed": failed,
        "scene": scene,
    }


def _admin_pages(staff) -> list[str]:
    """The index, every registered model's list and the change page of its first row, the custom views."""
    request = RequestFactory().get("/admin/")
    request.user = staff
    pages = [reverse("admin:index")]
    empty = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is None:
            empty.append(opts.label)
            continue
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
    assert not empty, f"give these admin lists a row in _populate(): {empty}"
    pages += [
        reverse("admin:app_list", kwargs={"app_label": "media_gen"}),
        reverse("admin:gallery_asset_find"),
        # The find view with a hit: the number of a stored asset (ids go on rising across the suite).
        reverse("admin:gallery_asset_find")
        + f"?q={Asset.objects.order_by('pk').values_list('pk', flat=True).first()}",
        reverse("admin:gallery_storage_dashboard"),
        reverse("admin:media_gen_queue_health"),
        reverse("admin:gallery_assetflag_changelist") + "?open=yes",
    ]
    return pages


def _spa_pages(items: dict) -> list[str]:
    return [
        "/",
        "/videos",
        "/images",
        f"/image/{items['image'].pk}",
        f"/video/{items['video'].pk}",
        "/gallery",
        "/image-gallery",
        "/gallery?kind=audio",
        "/gallery?kind=render",
        "/audio",
        f"/audio/{items['audio'].pk}",
        f"/image/{items['image_set'].pk}",
        "/images?collection=super-resolution",
        "/videos?collection=video-to-text",
        "/physics",
        "/scenes",
        "/simulations",
        "/settings",
        "/no-such-page",
        "/api/docs",
    ]


def _check(page, watch: Watch, path: str, shots: Path, name: str) -> list[str]:
    watch.reset()
    began = time.monotonic()
    response = page.goto(path, wait_until="load")
    watch.settle(page)
    problems = []
    # The SPA says so while a lazy page or the physics engine (Rapier's WASM) loads; an item still
    # processing keeps its own spinner, which is not the page loading.
    try:
        page.wait_for_function(
            "() => !document.querySelector('p.loading, .viewport-note .spinner')", timeout=LOADING_TIMEOUT_MS
        )
    except PlaywrightTimeoutError:
        problems.append(f"still loading after {LOADING_TIMEOUT_MS / 1000:.0f} s")
    watch.settle(page)
    if response is None or response.status >= 400:
        problems.append(f"answered {response.status if response else 'nothing'}")
    problems += [f"console error: {text}" for text in watch.console_errors]
    problems += [f"CSP violation: {text}" for text in page.evaluate("window.__cspViolations || []")]
    problems += [f"request to another origin: {url}" for url in watch.foreign_requests]
    # A page that failed to load what it needs says so in an alert (the physics engine, a list).
    problems += [f"shows an alert: {text}" for text in page.evaluate(ALERTS)]
    if overflow := page.evaluate(HORIZONTAL_OVERFLOW):
        problems.append(f"scrolls sideways: {overflow}")
    if page.viewport_size["width"] >= 1280:
        problems += [f"table scrolls sideways: {text}" for text in page.evaluate(TABLES_SCROLL)]
    problems += [f"overlap: {text}" for text in page.evaluate(OVERLAPS)]
    # Full page only when it scrolls (resizing for the shot redraws a WebGL canvas, seconds on a CPU),
    # and at most SHOT_MAX_HEIGHT: the API docs' list of schemas is 10,000 px long on a phone.
    height = page.evaluate("document.documentElement.scrollHeight")
    viewport = page.viewport_size
    if height > viewport["height"] + 1:
        clip = {"x": 0, "y": 0, "width": viewport["width"], "height": min(height, SHOT_MAX_HEIGHT)}
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True, clip=clip)
    else:
        page.screenshot(path=str(shots / f"{name}.png"))
    with (shots / "timings.txt").open("a") as log:
        log.write(f"{time.monotonic() - began:6.2f} s  {name}\n")
    return [f"{name} {path}: {problem}" for problem in problems]


def _check_at_size(browser, base_url: str, size_name: str, paths: list[str], shots: Path, username: str):
    """Signed out: the two sign-in pages; then signed in as staff (one session for the SPA and admin)."""
    from tests.factories import DEFAULT_PASSWORD

    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[size_name])
    context.set_default_timeout(15_000)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    watch = Watch(origin=base_url)
    watch.attach(page)
    problems = []
    for index, path in enumerate(["/login", "/admin/login/"]):
        problems += _check(page, watch, path, shots, f"{size_name}-0{index}-{_slug(path)}")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    for index, path in enumerate(paths, start=10):
        problems += _check(page, watch, path, shots, f"{size_name}-{index:02d}-{_slug(path)}")
    context.close()
    return problems


def _check_in_own_browser(results: dict, *args) -> None:
    """The phone's pages in a second browser on a thread: the two sizes run side by side."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            results["problems"] = _check_at_size(browser, *args)
            browser.close()
    except Exception as exc:  # reported by the test, on the main thread
        results["error"] = exc


@pytest.mark.usefixtures("demo_emulator")
def test_every_page_right_at_first_sight(browser, live_server, transactional_db, capsys):
    staff, items = _populate()
    paths = _spa_pages(items) + _admin_pages(staff)
    only = os.environ.get("PAGE_CHECK_ONLY", "")  # a regular expression: check only the paths it finds
    if only:
        paths = [path for path in paths if re.search(only, path)]
    shots = _screenshot_dir()
    with capsys.disabled():
        print(f"\npage check screenshots: {shots}")

    started = time.monotonic()
    phone: dict = {}
    thread = threading.Thread(
        target=_check_in_own_browser,
        args=(phone, live_server.url, "phone", paths, shots, staff.username),
        daemon=True,
    )
    thread.start()
    problems = _check_at_size(browser, live_server.url, "laptop", paths, shots, staff.username)
    thread.join(timeout=300)
    if "error" in phone:
        raise phone["error"]
    assert not thread.is_alive(), "the phone-sized check did not finish"
    problems += phone["problems"]

    with capsys.disabled():
        count = 2 * (2 + len(paths))
        print(f"page check: {count} pages in {time.monotonic() - started:.1f} s, screenshots in {shots}")
    (shots / "problems.txt").write_text("\n".join(problems))
    assert not problems, "\n".join(problems)
