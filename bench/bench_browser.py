"""Browser physics: one Rapier step with 500 bodies in headless Chromium (Debian's, via Playwright).

    .venv/bin/python -m bench.bench_browser [--quick] [--record]

The approach of ``tests/e2e/test_physics_step_benchmark.py``: sign in, open ``/physics`` on the app
(granian, built SPA), import a scene of 500 boxes and spheres (a 10x10 grid, five layers), play
three simulated seconds (free fall, then the pile-up with most contacts) and read the editor's own
figure, the median milliseconds Rapier spends in ``world.step()`` per 1/60 s step. The reference,
in the same page, is a fixed JavaScript loop (10 million multiply-adds on doubles): it tells how fast
this browser runs on this machine today, so a slower step can be told apart from a slower machine.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench import common
from bench.common import Table, median, ratio, verdict

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
BODIES = 500
DATA = common.CACHE / "browser"
PASSWORD = "bench-browser-password-1"  # a throwaway user in the suite's own database
REFERENCE_JS = """() => {
  const t0 = performance.now(); let x = 0.5;
  for (let i = 0; i < 10_000_000; i++) { x = x * 1.0000001 + 0.0000001; }
  return [performance.now() - t0, x];
}"""


# The same scene the browser test imports: a 10x10 grid, five layers high, of boxes and spheres.
SCENE_FILE = Path(__file__).resolve().parents[1] / "examples" / "scenes" / "five_hundred_bodies.json"


def scene() -> dict:
    return json.loads(SCENE_FILE.read_text())


def run(quick: bool) -> list[Table]:
    if not (common.ROOT / "frontend" / "dist" / ".vite" / "manifest.json").exists():
        raise SystemExit("frontend/dist is missing: run `npm run build` in frontend/")
    # Development settings only so that whitenoise serves frontend/dist without a collectstatic into
    # the checkout; the step is measured in the browser, so the server's mode does not enter it.
    env = common.app_env(DATA, production=False)
    common.django_setup(env)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from playwright.sync_api import expect, sync_playwright

    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-browser")
    user.set_password(PASSWORD)
    user.save()
    runs = 1 if quick else 3
    simulated = 1.5 if quick else 3  # simulated seconds: the pile-up (most contacts) begins after ~1 s
    steps, references = [], []
    with common.App(env, migrate=False) as app, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for _ in range(runs):
            # --quick draws a quarter of the pixels: software WebGL (SwiftShader) frames are what make
            # the simulated clock lag behind under load; the step is timed apart from drawing.
            viewport = {"width": 640, "height": 360} if quick else {"width": 1280, "height": 720}
            context = browser.new_context(base_url=app.url, viewport=viewport)
            context.set_default_timeout(30_000)
            page = context.new_page()
            page.goto("/login")
            page.get_by_label("Username").fill(user.username)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(lambda url: not url.endswith("/login"))
            page.goto("/physics")
            expect(page.get_by_role("status").filter(has_text="Loading the physics engine")).to_have_count(0)
            page.get_by_label("Import a scene from a JSON file").set_input_files(
                files=[
                    {
                        "name": "500.json",
                        "mimeType": "application/json",
                        "buffer": json.dumps(scene()).encode(),
                    }
                ]
            )
            expect(
                page.get_by_role("list", name="Objects in the scene").get_by_role("listitem")
            ).to_have_count(BODIES)
            references.append(page.evaluate(REFERENCE_JS)[0])
            page.get_by_role("button", name="Play").click()
            page.wait_for_function(
                "seconds => parseFloat(document.querySelector('[data-testid=sim-time]').textContent"
                ".replace('t = ', '')) >= seconds",
                arg=simulated,
                timeout=180_000,
            )
            page.get_by_role("button", name="Pause").click()
            steps.append(float(page.get_by_test_id("step-cost").inner_text().split()[0]))
            context.close()
        browser.close()
    step, reference = median(steps), median(references)
    table = Table(
        f"Browser physics, {BODIES} bodies, headless Chromium (median of {runs} pages, {simulated:g} simulated s each)",
        ["measurement", "ms", "step / reference", "target", "verdict"],
    )
    table.add("reference: 10M multiply-adds in JavaScript, same page", f"{reference:.1f}", "1.00x", "", "")
    table.add(
        "Rapier world.step(), median per 1/60 s step",
        f"{step:.2f}",
        ratio(step, reference),
        "< 4 ms",
        verdict(step < 4),
    )
    table.notes.append(f"{_version()}; every page's step: {', '.join(f'{s:.2f}' for s in steps)} ms.")
    return [table]


def _version() -> str:
    return common.tool_version([CHROMIUM, "--version"]) if Path(CHROMIUM).exists() else "chromium missing"


if __name__ == "__main__":
    common.main(run, __doc__)
