"""How long one browser physics step takes with 500 bodies, in headless Chromium (target: < 4 ms).

Measured here (2 cores, SwiftShader WebGL, other suites running): 1.6 to 2.9 ms, the median step over
three simulated seconds.

Run with `-s` to see the number: `.venv/bin/pytest tests/e2e/test_physics_step_benchmark.py -q -s`.
The editor measures the time Rapier spends in `world.step()` and shows it next to the simulated time.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.engine_independent

BODIES = 500
TARGET_MS = 4.0


# A 10 x 10 grid, five layers high, of boxes and spheres that fall and pile up on the ground
# (also what bench/bench_browser.py measures).
SCENE_FILE = Path(__file__).resolve().parents[2] / "examples" / "scenes" / "five_hundred_bodies.json"


def test_step_cost_with_500_bodies(signed_in_page):
    page = signed_in_page
    page.goto("/physics")
    expect(page.get_by_role("status").filter(has_text="Loading the physics engine")).to_have_count(
        0, timeout=30_000
    )
    page.get_by_label("Import a scene from a JSON file").set_input_files(
        files=[
            {
                "name": "five-hundred.json",
                "mimeType": "application/json",
                "buffer": SCENE_FILE.read_bytes(),
            }
        ]
    )
    expect(page.get_by_role("list", name="Objects in the scene").get_by_role("listitem")).to_have_count(
        BODIES
    )

    # Building 500 bodies keeps the page's thread busy for a while on a loaded machine.
    page.get_by_role("button", name="Play").click(timeout=90_000)
    # Three simulated seconds: free fall first, then the bodies land and pile up (most contacts).
    page.wait_for_function(
        "() => parseFloat(document.querySelector('[data-testid=sim-time]').textContent.replace('t = ', '')) >= 3",
        timeout=180_000,
    )
    page.get_by_role("button", name="Pause").click(timeout=90_000)
    cost = float(page.get_by_test_id("step-cost").inner_text().split()[0])
    print(
        f"\nbrowser physics, {BODIES} bodies, headless Chromium: {cost:.2f} ms per 1/60 s step (target < {TARGET_MS} ms)"
    )
    # The number above is the measurement; the assertion only catches a regression (a world rebuilt
    # per frame, a variable step) without failing on a CI machine that other jobs keep busy.
    assert cost < 2 * TARGET_MS, f"{cost:.2f} ms per step with {BODIES} bodies"
