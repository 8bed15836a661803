"""Combine (issue 15): a worker killed (SIGKILL, with its ffmpeg) in the middle of a join. While it
lives nobody else joins the same videos; once dead, the recovery takes the join over and it
completes once, with one stored video and nothing half-stored."""

import pytest

from gallery import combine as gallery_combine
from gallery.models import Asset
from gallery.services import scratch_dir
from media_gen.models import Generation
from media_gen.services import combine as combine_service
from tests.media_gen.test_combine import clip, stored_video

pytestmark = pytest.mark.django_db(transaction=True)

# In the child: ffmpeg is running (its first progress report) when the worker stops for good.
BLOCK_WHILE_JOINING = """
import time
from media_gen.services import combine
def recorder(generation_id):
    def record(done, total, written):
        if total:
            print("JOINING", flush=True)
            time.sleep(3600)
        return True
    return record
combine._progress_recorder = recorder
"""


def _scratch() -> set:
    return set(scratch_dir().glob(f"{gallery_combine.SCRATCH_PREFIX}*"))


def test_a_worker_killed_mid_join_is_taken_over_and_the_video_stored_once(user, child_process, monkeypatch):
    videos = [stored_video(user, clip(2)), stored_video(user, clip(1.5))]
    monkeypatch.setattr(combine_service, "async_task", lambda *args, **kwargs: None)
    generation = combine_service.combine_start(
        user=user,
        items=[{"kind": "video", "id": video.pk} for video in videos],
        assets=[video.asset for video in videos],
        transition="crossfade",
        width=None,
        height=None,
        prompt="joined",
    )
    monkeypatch.undo()
    assets_before = Asset.objects.count()
    before = _scratch()

    worker = child_process(BLOCK_WHILE_JOINING + f"\ncombine.combine_run(generation_id={generation.pk})\n")
    worker.wait_for_line("JOINING", timeout=120)
    generation.refresh_from_db()
    assert generation.status == "processing" and generation.download_phase == "downloading"
    # Its worker is alive: neither the recovery nor a second delivery of the task joins it again.
    assert combine_service.combine_recover() == 0
    combine_service.combine_run(generation_id=generation.pk)
    assert Asset.objects.count() == assets_before

    worker.kill()
    left_by_the_dead = _scratch() - before
    assert left_by_the_dead  # its inputs and half-written output (swept by scratch_dir later)
    generation.refresh_from_db()
    assert generation.status == "processing" and generation.asset_id is None

    assert combine_service.combine_recover() == 1  # at once: its holder is gone; tasks run inline
    generation.refresh_from_db()
    assert generation.status == "completed", generation.error
    assert generation.output["recoveries"] == 1
    assert Asset.objects.count() == assets_before + 2  # the video and its thumbnail
    assert Generation.objects.filter(source_kind="combine").count() == 1
    assert _scratch() - before == left_by_the_dead  # the run that completed left nothing
