"""Items 1 and 2: processes killed (SIGKILL) in the middle of their work; after a restart every item
completes exactly once: one asset each, no duplicate upstream prediction, no orphan bytes."""

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from gallery import services as gallery_services
from gallery.models import Asset
from media_gen import replicate_client, services, tasks
from media_gen.models import DownloadAttempt, Generation
from simulation import services as simulation_services
from simulation import tasks as simulation_tasks
from simulation.models import Render
from tests.simulation.factories import RenderFactory, body, scene_json

pytestmark = pytest.mark.django_db(transaction=True)

MODEL = "black-forest-labs/flux-schnell"


def emulator_settings(emulator) -> dict:
    return {
        "REPLICATE_BASE_URL": emulator.url,
        "REPLICATE_API_TOKEN": "",
        "REPLICATE_DEMO_MODE": True,
        "REPLICATE_WEBHOOK_SECRET": "",
        "BASE_URL": "http://127.0.0.1:8000",
        "GENERATION_POLL_SECONDS": 0,
        "GENERATION_MAX_IN_FLIGHT": 100,
    }


def creates(emulator) -> int:
    return sum(1 for method, path in emulator.requests if method == "POST" and path.endswith("/predictions"))


def scratch_files() -> list[Path]:
    folder = Path(settings.DATA_DIR) / "tmp"
    return sorted(folder.glob("asset-*")) if folder.exists() else []


# In the child: the first thumbnail blocks forever, so the kill lands after the bytes were
# downloaded into the scratch file and before anything was committed.
BLOCK_IN_FIRST_THUMBNAIL = """
import time
from gallery import thumbnails
def blocked(**kwargs):
    print("STORING", flush=True)
    time.sleep(3600)
thumbnails.image_thumbnail = blocked
"""


def test_worker_killed_mid_download_completes_once_after_restart(emulator, user, child_process, monkeypatch):
    prediction = replicate_client.prediction_create(
        model_id=MODEL, version=None, inputs={"prompt": "a kite"}, webhook=None
    )
    generation = Generation.objects.create(
        owner=user, kind="image", model_id=MODEL, status="processing", prediction_id=prediction["id"]
    )
    emulator.wait_idle()
    leftovers_before = scratch_files()
    worker = child_process(
        BLOCK_IN_FIRST_THUMBNAIL
        + """
from media_gen import services
services.generation_poll_in_flight()
""",
        **emulator_settings(emulator),
    )
    worker.wait_for_line("STORING")
    worker.kill()

    generation.refresh_from_db()
    assert generation.status == "downloading" and generation.asset_id is None
    assert not Asset.objects.exists(), "nothing may be committed by a killed download"

    # The restarted worker's poll round, once the dead worker's claim has run out.
    services.generation_poll_in_flight(now=timezone.now() + services.DOWNLOAD_CLAIM + timedelta(seconds=5))

    generation.refresh_from_db()
    assert generation.status == "completed", generation.error
    assert Asset.objects.filter(kind="image").count() == 1
    assert Asset.objects.filter(kind="thumbnail").count() == 1
    assert creates(emulator) == 1, "the prediction must never be created again"
    assert DownloadAttempt.objects.filter(succeeded=True).count() == 1
    orphans = [path for path in scratch_files() if path not in leftovers_before]
    assert len(orphans) == 1, "the kill leaves the half-stored scratch file behind"

    # A process that starts later sweeps it once it is older than any live store could be.
    old = time.time() - gallery_services._scratch_max_age_seconds() - 60
    os.utime(orphans[0], (old, old))
    monkeypatch.setattr(gallery_services, "_scratch_swept_at", 0.0)  # a fresh process
    gallery_services.scratch_dir()
    assert not orphans[0].exists(), "orphan scratch bytes must not stay on disk"


def test_web_and_worker_killed_with_fifty_in_flight_all_complete_once(emulator, user, child_process):
    emulator.config.run_delay = 0.5
    try:
        # The web process starts 50 generations; the queue message that would start polling is
        # lost with it (the kill comes before any worker saw one).
        web = child_process(
            f"""
from django.contrib.auth import get_user_model
from media_gen import services
from media_gen.services import lifecycle
lifecycle.async_task = lambda *args, **kwargs: None
user = get_user_model().objects.get(pk={user.pk})
for n in range(50):
    services.generation_start(user=user, kind="image", model_id="{MODEL}", inputs={{"prompt": f"kite {{n}}"}})
print("STARTED", flush=True)
import time; time.sleep(3600)
""",
            **emulator_settings(emulator),
        )
        web.wait_for_line("STARTED", timeout=120)
        web.kill()
        assert Generation.objects.filter(status="processing").count() == 50
        emulator.wait_idle(timeout=30)

        # A worker starts polling and is killed while storing the first output.
        worker = child_process(
            BLOCK_IN_FIRST_THUMBNAIL + "\nfrom media_gen import tasks\ntasks.generation_poll_loop()\n",
            **emulator_settings(emulator),
        )
        worker.wait_for_line("STORING")
        worker.kill()
    finally:
        emulator.config.run_delay = 0.03

    # Restarted: the persisted schedule's poll loop, after the dead worker's claim ran out.
    services.generation_poll_in_flight(now=timezone.now() + services.DOWNLOAD_CLAIM + timedelta(seconds=5))
    tasks.generation_poll_loop()

    statuses = list(Generation.objects.values_list("status", flat=True))
    assert statuses == ["completed"] * 50
    assert Asset.objects.filter(kind="image").count() == 50
    assert Generation.objects.values("asset").distinct().count() == 50
    assert creates(emulator) == 50, "no prediction may be created twice"
    assert len(set(Generation.objects.values_list("prediction_id", flat=True))) == 50


BLOCK_IN_RENDER = """
import time
from simulation import services
def recorder(render_id):
    def record(done, total):
        if done >= 2:
            print("RENDERING", flush=True)
            time.sleep(3600)
        return True
    return record
services._progress_recorder = recorder
"""


def _render_drawing(user, child_process):
    """A small render whose worker process (alive, blocked mid-draw) holds the render's lease."""
    render = RenderFactory(
        owner=user,
        scene_data=scene_json(body("box", position=(0, 1, 0))),
        duration=0.5,
        fps=10,
        width=64,
        height=48,
        frames_total=5,
    )
    worker = child_process(BLOCK_IN_RENDER + f"\nservices.render_run(render_id={render.pk})\n")
    worker.wait_for_line("RENDERING", timeout=120)
    return render, worker


def test_worker_killed_mid_render_completes_once_when_the_task_runs_again(user, child_process):
    render, worker = _render_drawing(user, child_process)
    # While its worker is alive a second delivery never draws it twice, however old its progress.
    Render.objects.filter(pk=render.pk).update(updated_at=timezone.now() - timedelta(minutes=16))
    assert simulation_tasks.render_task(render.pk) == "rendering"
    assert not Asset.objects.exists()

    worker.kill()
    render.refresh_from_db()
    assert render.status == "rendering" and render.asset_id is None
    assert not Asset.objects.exists()

    # The dead worker's lease does not hold the render: the next delivery (the ORM broker's
    # re-delivery, or the recovery schedule's) takes it over at once.
    assert simulation_tasks.render_task(render.pk) == "completed"
    render.refresh_from_db()
    assert render.status == "completed" and render.progress == 1.0
    assert Asset.objects.filter(kind="render").count() == 1
    assert Render.objects.count() == 1


def test_render_whose_worker_died_is_recovered_by_the_schedule_then_given_up(user, child_process):
    """Redis never re-delivers a task: the recovery schedule re-queues it, at most twice."""
    render, worker = _render_drawing(user, child_process)
    Render.objects.filter(pk=render.pk).update(updated_at=timezone.now() - timedelta(minutes=16))
    assert simulation_services.render_recover_stuck() == 0, "its worker is alive: not stuck"

    worker.kill()
    assert simulation_services.render_recover_stuck() == 1  # at once; tasks run inline in tests
    render.refresh_from_db()
    assert render.status == "completed" and render.metadata["recoveries"] == 1
    assert Asset.objects.filter(kind="render").count() == 1

    stuck = RenderFactory(owner=user, status="rendering", frames_total=5, metadata={"recoveries": 2})
    assert simulation_services.render_recover_stuck() == 0
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "stopped 3 times" in stuck.error
