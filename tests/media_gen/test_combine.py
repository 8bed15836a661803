"""Combine (issue 15): stored videos and renders joined into one video through the API, with the
real ffmpeg on small clips made by ffmpeg's own test sources.

Tasks run inline in tests, so the POST returns once the job has finished; the stored result is
read back with ffmpeg to check its length, size and streams.
"""

import functools
import io
import subprocess
import tempfile
from pathlib import Path

import imageio_ffmpeg
import pytest

from gallery import combine as gallery_combine
from gallery.models import Asset
from gallery.services import asset_store, scratch_dir
from media_gen.models import Generation
from media_gen.services import combine as combine_service
from media_gen.services.lifecycle import generation_cancel, generation_move
from simulation.models import Render
from tests.keyframes import longest_keyframe_gap
from tests.media_gen.factories import GenerationFactory
from tests.simulation.factories import RenderFactory

pytestmark = pytest.mark.django_db

URL = "/api/videos/combine"
SIZE = (160, 90)


@functools.cache
def clip(seconds: float, size: tuple[int, int] = SIZE, fps: int = 10, tone: int | None = None) -> bytes:
    """An H.264 MP4 from ffmpeg's test pattern (and a sine tone as AAC sound when ``tone``)."""
    with tempfile.TemporaryDirectory() as folder:
        target = f"{folder}/clip.mp4"
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
            "-f", "lavfi", "-i", f"testsrc=size={size[0]}x{size[1]}:rate={fps}:duration={seconds}",
        ]  # fmt: skip
        if tone:
            command += ["-f", "lavfi", "-i", f"sine=frequency={tone}:duration={seconds}", "-c:a", "aac"]
        command += ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", target]
        subprocess.run(command, check=True, capture_output=True)
        return Path(target).read_bytes()


def stored_video(owner, data: bytes, **fields) -> Generation:
    asset = asset_store(owner=owner, stream=io.BytesIO(data), kind="video", filename="clip.mp4")
    return GenerationFactory(owner=owner, kind="video", collection="text-to-video", asset=asset, **fields)


def finished_render(owner, data: bytes) -> Render:
    asset = asset_store(owner=owner, stream=io.BytesIO(data), kind="render", filename="render.mp4")
    return RenderFactory(owner=owner, status=Render.Status.COMPLETED, asset=asset, frames_done=10)


def probe_output(generation: Generation) -> gallery_combine.Clip:
    """What ffmpeg reads in the stored result."""
    asset = Asset.objects.get(pk=generation.asset_id)
    with tempfile.NamedTemporaryFile(suffix=".mp4") as file:
        file.write(asset_bytes(asset))
        file.flush()
        return gallery_combine.clip_probe(path=Path(file.name))


def asset_bytes(asset: Asset) -> bytes:
    from gallery.storage_backends import asset_chunks

    return b"".join(asset_chunks(asset=asset))


def combine(client, items, **body):
    return client.post(URL, {"items": items, **body}, content_type="application/json")


def nothing_left_in_scratch() -> bool:
    return not list(scratch_dir().glob(f"{gallery_combine.SCRATCH_PREFIX}*"))


# --- Joining --------------------------------------------------------------------------------------


def test_a_cut_of_matching_clips_is_a_stream_copy_listed_with_the_videos(user, user_client):
    video = stored_video(user, clip(2))
    render = finished_render(user, clip(1.5))
    items = [{"kind": "video", "id": video.pk}, {"kind": "render", "id": render.pk}]

    response = combine(user_client, items, transition="cut")

    assert response.status_code == 202, response.content
    body = response.json()
    generation = Generation.objects.get(pk=body["video_id"])
    assert generation.status == "completed", generation.error
    record = user_client.get(f"/api/videos/{generation.pk}").json()
    assert record["collection"] == "combine" and record["model_id"] == "simpoc/combine"
    assert record["parameters"] == {"items": items, "transition": "cut", "width": None, "height": None}
    assert record["source"] == {"kind": "combine", "id": None, "asset_id": None, "items": items}
    assert record["metadata"]["version"] == gallery_combine.STREAM_COPY
    assert record["download_progress"]["phase"] == "done"
    assert (record["width"], record["height"]) == SIZE
    assert record["duration"] == pytest.approx(3.5, abs=0.05)
    out = probe_output(generation)
    assert out.duration == pytest.approx(3.5, abs=0.05) and (out.width, out.height) == SIZE
    listed = user_client.get("/api/videos?collection=combine").json()["videos"]
    assert [row["id"] for row in listed] == [generation.pk]
    data = user_client.get(record["video_url"])
    assert data.status_code == 200 and data["Content-Type"] == "video/mp4"
    assert nothing_left_in_scratch()


def test_a_crossfade_re_encodes_to_the_asked_size_and_overlaps_each_join(user, user_client):
    clips = [stored_video(user, clip(2)), stored_video(user, clip(1.5)), stored_video(user, clip(2.5))]
    items = [{"kind": "video", "id": video.pk} for video in clips]

    response = combine(user_client, items, transition="crossfade", width=320, height=180)

    generation = Generation.objects.get(pk=response.json()["video_id"])
    assert generation.status == "completed", generation.error
    fade = gallery_combine.crossfade_seconds(durations=[2, 1.5, 2.5])
    assert fade == 0.75
    out = probe_output(generation)
    assert out.duration == pytest.approx(6.0 - 2 * fade, abs=0.1)
    assert (out.width, out.height) == (320, 180) and out.codec == "h264" and out.pix_fmt == "yuv420p"
    assert generation.version == gallery_combine.RE_ENCODE
    assert generation.output["crossfade_seconds"] == fade
    # A re-encode seeks fast: a keyframe at least every second.
    with tempfile.NamedTemporaryFile(suffix=".mp4") as file:
        file.write(asset_bytes(Asset.objects.get(pk=generation.asset_id)))
        file.flush()
        assert longest_keyframe_gap(Path(file.name)) <= 1.0 + 1e-6


def test_different_sizes_are_re_encoded_to_the_first_and_sound_is_kept_for_all(user, user_client):
    loud = stored_video(user, clip(2, tone=440))
    small = stored_video(user, clip(1, size=(96, 96), fps=25))
    items = [{"kind": "video", "id": loud.pk}, {"kind": "video", "id": small.pk}]

    response = combine(user_client, items, transition="cut")

    generation = Generation.objects.get(pk=response.json()["video_id"])
    assert generation.status == "completed", generation.error
    assert generation.version == gallery_combine.RE_ENCODE
    out = probe_output(generation)
    assert (out.width, out.height) == SIZE
    assert out.duration == pytest.approx(3.0, abs=0.1)
    # The silent clip got silence, so the sound runs the whole length in step with the pictures.
    assert out.audio is not None and out.audio.layout == "stereo"


def test_matching_clips_with_a_crossfade_are_not_stream_copied(user, user_client):
    items = [{"kind": "video", "id": stored_video(user, clip(2)).pk} for _ in range(2)]
    response = combine(user_client, items, transition="crossfade")
    generation = Generation.objects.get(pk=response.json()["video_id"])
    assert generation.version == gallery_combine.RE_ENCODE
    assert probe_output(generation).duration == pytest.approx(4 - 1, abs=0.1)


def test_a_stream_copy_that_does_not_add_up_is_re_encoded(user, user_client, monkeypatch):
    # Inputs can look alike to ffmpeg's report yet differ inside (their encoder's settings).
    monkeypatch.setattr(gallery_combine, "_copy_adds_up", lambda *args, **kwargs: False)
    items = [{"kind": "video", "id": stored_video(user, clip(2)).pk} for _ in range(2)]
    generation = Generation.objects.get(pk=combine(user_client, items).json()["video_id"])
    assert generation.status == "completed" and generation.version == gallery_combine.RE_ENCODE
    assert probe_output(generation).duration == pytest.approx(4.0, abs=0.1)
    assert nothing_left_in_scratch()


def test_progress_is_recorded_while_ffmpeg_runs(user, user_client, monkeypatch):
    monkeypatch.setattr(combine_service, "PROGRESS_SECONDS", 0)
    seen = []
    real_move = combine_service.generation_move

    def spy(move, **values):
        if move is combine_service.CombineMoves.PROGRESS:
            seen.append((values["download_bytes_received"], values["download_bytes_total"]))
        return real_move(move, **values)

    monkeypatch.setattr(combine_service, "generation_move", spy)
    items = [{"kind": "video", "id": stored_video(user, clip(2)).pk} for _ in range(2)]
    response = combine(user_client, items, transition="crossfade")

    assert Generation.objects.get(pk=response.json()["video_id"]).status == "completed"
    written = [received for received, _ in seen if received]
    assert written, seen
    # The total it heads for is extrapolated from the seconds written: known once ffmpeg reports.
    assert all(total is None or total >= received for received, total in seen)
    assert any(total for _, total in seen)


# --- Refusals: a clear 4xx, nothing created ---------------------------------------------------------


@pytest.fixture
def two_videos(user):
    return [stored_video(user, clip(1)), stored_video(user, clip(1))]


def _counts():
    return Generation.objects.count(), Asset.objects.count()


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"items": "one"}, 422, "items"),
        ({"items": "many"}, 422, "at most 20"),
        ({"transition": "wipe"}, 422, "transition"),
        ({"width": 321, "height": 180}, 422, "even"),
        ({"width": 320}, 422, "both"),
        ({"width": 8000, "height": 180}, 422, "between"),
        ({"width": 8, "height": 8}, 422, "between"),
    ],
)
def test_a_request_of_the_wrong_shape_is_refused(user_client, two_videos, body, status, words):
    items = [{"kind": "video", "id": video.pk} for video in two_videos]
    if body.get("items") == "one":
        body = {"items": items[:1]}
    elif body.get("items") == "many":
        body = {"items": items * 11}
    before = _counts()
    response = user_client.post(URL, {"items": items, **body}, content_type="application/json")
    assert response.status_code == status, response.content
    assert words in response.content.decode()
    assert _counts() == before


def test_someone_elses_video_or_render_is_not_found(user, other_user, other_client, two_videos):
    theirs = [{"kind": "video", "id": video.pk} for video in two_videos]
    render = finished_render(user, clip(1))
    mine = stored_video(other_user, clip(1))
    before = _counts()
    for items in (
        theirs,
        [{"kind": "video", "id": mine.pk}, theirs[0]],
        [{"kind": "video", "id": mine.pk}, {"kind": "render", "id": render.pk}],
        [{"kind": "video", "id": mine.pk}, {"kind": "video", "id": 987654}],
        [{"kind": "video", "id": mine.pk}, {"kind": "render", "id": 987654}],
    ):
        response = combine(other_client, items)
        assert response.status_code == 404, (items, response.content)
        assert "not found" in response.json()["detail"]
    assert _counts() == before


def test_an_item_not_stored_yet_is_a_conflict(user, user_client, two_videos):
    running = GenerationFactory(owner=user, kind="video", status="processing", asset=None)
    drawing = RenderFactory(owner=user, status=Render.Status.RENDERING, asset=None)
    before = _counts()
    for item in ({"kind": "video", "id": running.pk}, {"kind": "render", "id": drawing.pk}):
        response = combine(user_client, [{"kind": "video", "id": two_videos[0].pk}, item])
        assert response.status_code == 409, response.content
        assert "not stored yet" in response.json()["detail"]
    assert _counts() == before


def test_an_unknown_kind_of_item_is_refused(user_client, two_videos):
    items = [{"kind": "image", "id": two_videos[0].pk}, {"kind": "video", "id": two_videos[1].pk}]
    before = _counts()
    assert combine(user_client, items).status_code == 422
    assert _counts() == before


def test_too_long_is_refused_before_anything_is_saved(user_client, two_videos, settings):
    settings.COMBINE_MAX_SECONDS = 1
    before = _counts()
    response = combine(user_client, [{"kind": "video", "id": video.pk} for video in two_videos])
    assert response.status_code == 422 and "more than the 1 allowed" in response.json()["detail"]
    assert _counts() == before


def test_the_in_flight_cap_applies(user, user_client, two_videos, settings):
    settings.GENERATION_MAX_IN_FLIGHT = 1
    GenerationFactory(owner=user, kind="image", status="processing", asset=None)
    before = _counts()
    response = combine(user_client, [{"kind": "video", "id": video.pk} for video in two_videos])
    assert response.status_code == 429
    assert _counts() == before


# --- Failures: the generation fails with its reason, nothing stored, no scratch left ---------------


def test_a_result_over_media_max_bytes_fails_and_stores_nothing(user_client, two_videos, settings):
    items = [{"kind": "video", "id": video.pk} for video in two_videos]
    assets_before = Asset.objects.count()
    settings.MEDIA_MAX_BYTES = 2_000  # each clip is larger than this
    response = combine(user_client, items)

    generation = Generation.objects.get(pk=response.json()["video_id"])
    assert generation.status == "failed"
    assert "larger than" in generation.error and "MEDIA_MAX_BYTES" in generation.error
    assert generation.asset_id is None and Asset.objects.count() == assets_before
    assert nothing_left_in_scratch()


def test_too_long_by_what_ffmpeg_reads_fails_the_job(user_client, two_videos, settings):
    # A stored video whose length the gallery did not know: the job measures it and refuses.
    Asset.objects.filter(pk__in=[video.asset_id for video in two_videos]).update(duration=None)
    settings.COMBINE_MAX_SECONDS = 1
    assets_before = Asset.objects.count()
    response = combine(user_client, [{"kind": "video", "id": video.pk} for video in two_videos])

    generation = Generation.objects.get(pk=response.json()["video_id"])
    assert generation.status == "failed" and "COMBINE_MAX_SECONDS" in generation.error
    assert Asset.objects.count() == assets_before and nothing_left_in_scratch()


def test_an_ffmpeg_error_fails_with_its_message_and_stores_nothing(user_client, two_videos, monkeypatch):
    monkeypatch.setattr(gallery_combine, "VIDEO_ENCODER", "no-such-encoder")
    items = [{"kind": "video", "id": video.pk} for video in two_videos]
    assets_before = Asset.objects.count()
    response = combine(user_client, items, transition="crossfade")

    generation = Generation.objects.get(pk=response.json()["video_id"])
    assert generation.status == "failed"
    assert generation.error.startswith("ffmpeg failed") and "no-such-encoder" in generation.error
    assert str(scratch_dir()) not in generation.error  # the server's paths are not shown
    assert Asset.objects.count() == assets_before
    assert nothing_left_in_scratch()
    record = user_client.get(f"/api/videos/{generation.pk}").json()
    assert record["status"] == "failed" and record["video_url"] == "" and record["error"]


def test_a_join_past_the_workers_time_limit_fails_with_the_reason(user_client, two_videos, monkeypatch):
    # Else django-q2 would kill the task at its timeout, and the recovery would start it again.
    monkeypatch.setattr(combine_service, "_time_limit", lambda: 0.001)
    assets_before = Asset.objects.count()
    items = [{"kind": "video", "id": video.pk} for video in two_videos]
    generation = Generation.objects.get(pk=combine(user_client, items).json()["video_id"])

    assert generation.status == "failed" and "longer than" in generation.error
    assert Asset.objects.count() == assets_before
    assert nothing_left_in_scratch()


def test_a_source_deleted_before_the_job_fails_it(user, user_client, two_videos, monkeypatch):
    monkeypatch.setattr(combine_service, "async_task", lambda *args, **kwargs: None)
    items = [{"kind": "video", "id": video.pk} for video in two_videos]
    generation = Generation.objects.get(pk=combine(user_client, items).json()["video_id"])
    assert generation.download_phase == "queued"
    Asset.objects.filter(pk=two_videos[1].asset_id).delete()

    combine_service.combine_run(generation_id=generation.pk)

    generation.refresh_from_db()
    assert generation.status == "failed" and "Video 2" in generation.error


def test_canceled_while_joining_stops_ffmpeg_and_stores_nothing(user, user_client, two_videos, monkeypatch):
    real = combine_service._progress_recorder

    def canceling(generation_id):
        record = real(generation_id)

        def on_progress(done, total, written):
            if total:  # ffmpeg is running: the owner cancels now
                generation_cancel(generation=Generation.objects.get(pk=generation_id), user=user)
            return record(done, total, written)

        return on_progress

    monkeypatch.setattr(combine_service, "PROGRESS_SECONDS", 0)
    monkeypatch.setattr(combine_service, "_progress_recorder", canceling)
    assets_before = Asset.objects.count()
    items = [{"kind": "video", "id": video.pk} for video in two_videos]
    generation = Generation.objects.get(
        pk=combine(user_client, items, transition="crossfade").json()["video_id"]
    )

    assert generation.status == "canceled" and generation.asset_id is None
    assert Asset.objects.count() == assets_before
    assert nothing_left_in_scratch()


# --- A killed worker: resumed, or failed after repeated deaths --------------------------------------


def _left_by_a_dead_worker(client, items, monkeypatch) -> Generation:
    """A combine claimed by a worker that then died: phase "downloading", and no lease held."""
    monkeypatch.setattr(combine_service, "async_task", lambda *args, **kwargs: None)
    generation = Generation.objects.get(pk=combine(client, items).json()["video_id"])
    generation_move(combine_service.CombineMoves.CLAIMED, pk=generation.pk)
    monkeypatch.undo()
    return generation


def test_a_combine_whose_worker_died_is_resumed(user_client, two_videos, monkeypatch):
    items = [{"kind": "video", "id": video.pk} for video in two_videos]
    generation = _left_by_a_dead_worker(user_client, items, monkeypatch)
    # What the worker's start (and the schedule) runs; tasks run inline here.
    assert combine_service.combine_recover() == 1

    generation.refresh_from_db()
    assert generation.status == "completed" and generation.asset_id is not None
    assert generation.output["recoveries"] == 1


def test_a_combine_whose_worker_keeps_dying_fails_with_a_reason(user_client, two_videos, monkeypatch):
    items = [{"kind": "video", "id": video.pk} for video in two_videos]
    generation = _left_by_a_dead_worker(user_client, items, monkeypatch)
    Generation.objects.filter(pk=generation.pk).update(
        output={**generation.output, "recoveries": combine_service.MAX_RECOVERIES}
    )
    assert combine_service.combine_recover() == 0

    generation.refresh_from_db()
    assert generation.status == "failed" and "worker stopped" in generation.error


def test_a_queued_or_live_combine_is_left_alone_by_recovery(user_client, two_videos, monkeypatch):
    monkeypatch.setattr(combine_service, "async_task", lambda *args, **kwargs: None)
    items = [{"kind": "video", "id": video.pk} for video in two_videos]
    generation = Generation.objects.get(pk=combine(user_client, items).json()["video_id"])
    assert combine_service.combine_recover() == 0  # queued: the broker still holds its task
    generation.refresh_from_db()
    assert generation.status == "processing" and generation.download_phase == "queued"


def test_a_join_interrupted_by_a_stop_is_given_back_and_completes_at_the_next_start(
    user_client, two_videos, monkeypatch
):
    from simpoc import shutdown

    monkeypatch.setattr(combine_service, "async_task", lambda *args, **kwargs: None)
    items = [{"kind": "video", "id": video.pk} for video in two_videos]
    generation = Generation.objects.get(pk=combine(user_client, items).json()["video_id"])
    monkeypatch.undo()
    assets_before = Asset.objects.count()
    shutdown.install().set()  # SIGTERM to qcluster
    try:
        combine_service.combine_run(generation_id=generation.pk)
    finally:
        shutdown.reset()

    generation.refresh_from_db()
    assert generation.status == "processing" and generation.download_phase == "queued"
    assert Asset.objects.count() == assets_before and nothing_left_in_scratch()
    assert combine_service.combine_recover() == 1  # the next worker's start; tasks run inline
    generation.refresh_from_db()
    assert generation.status == "completed"
    assert generation.output.get("recoveries", 0) == 0  # a stop is not a death
    assert combine_service.combine_recover() == 0


def test_a_combine_the_queue_never_reached_fails_with_its_own_reason(user_client, two_videos, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from media_gen.services import generation_expire_stale

    monkeypatch.setattr(combine_service, "async_task", lambda *args, **kwargs: None)
    items = [{"kind": "video", "id": video.pk} for video in two_videos]
    generation = Generation.objects.get(pk=combine(user_client, items).json()["video_id"])
    Generation.objects.filter(pk=generation.pk).update(created_at=timezone.now() - timedelta(hours=4))

    assert generation_expire_stale() == 0  # not Replicate's: no "Replicate did not finish" here
    combine_service.combine_recover()

    generation.refresh_from_db()
    assert generation.status == "failed" and "not joined within 3 hours" in generation.error


def test_a_failed_combine_can_be_joined_again(user, user_client, two_videos, settings):
    items = [{"kind": "video", "id": video.pk} for video in two_videos]
    settings.MEDIA_MAX_BYTES = 2_000
    generation = Generation.objects.get(pk=combine(user_client, items).json()["video_id"])
    assert generation.status == "failed"
    settings.MEDIA_MAX_BYTES = 10 * 1024 * 1024

    combine_service.combine_retry(generation=generation, user=user)

    generation.refresh_from_db()
    assert generation.status == "completed" and generation.error == ""
    assert probe_output(generation).duration == pytest.approx(2.0, abs=0.05)


def test_retry_through_the_api_joins_a_failed_combine_again(user_client, two_videos, settings):
    items = [{"kind": "video", "id": video.pk} for video in two_videos]
    settings.MEDIA_MAX_BYTES = 2_000
    generation = Generation.objects.get(pk=combine(user_client, items).json()["video_id"])
    assert generation.status == "failed"
    settings.MEDIA_MAX_BYTES = 10 * 1024 * 1024

    response = user_client.post(f"/api/videos/{generation.pk}/retry")

    assert response.status_code == 200, response.content
    generation.refresh_from_db()
    assert generation.status == "completed" and generation.prediction_id == ""
    assert user_client.post(f"/api/videos/{generation.pk}/retry").status_code == 409


def test_a_worker_that_starts_queues_the_recovery(monkeypatch):
    from django_q import tasks

    from simpoc.shutdown import worker_starting

    queued = []
    monkeypatch.setattr(tasks, "async_task", lambda func, *args, **kwargs: queued.append(func))
    worker_starting.send(sender=None)
    assert "media_gen.tasks.combine_recover" in queued


# --- The plan, without running ffmpeg ---------------------------------------------------------------


def _clip_info(**changes) -> gallery_combine.Clip:
    fields = {
        "duration": 2.0, "width": 160, "height": 90, "codec": "h264", "profile": "High",
        "pix_fmt": "yuv420p", "sar": "1:1", "fps": 10.0, "tbn": "10240", "audio": None,
    }  # fmt: skip
    return gallery_combine.Clip(**{**fields, **changes})


@pytest.mark.parametrize(
    ("second", "transition", "size", "method"),
    [
        ({}, "cut", (None, None), gallery_combine.STREAM_COPY),
        ({}, "cut", (160, 90), gallery_combine.STREAM_COPY),
        ({}, "cut", (320, 180), gallery_combine.RE_ENCODE),
        ({}, "crossfade", (None, None), gallery_combine.RE_ENCODE),
        ({"width": 162}, "cut", (None, None), gallery_combine.RE_ENCODE),
        ({"fps": 25.0}, "cut", (None, None), gallery_combine.RE_ENCODE),
        ({"codec": "vp9"}, "cut", (None, None), gallery_combine.RE_ENCODE),
        ({"pix_fmt": "yuv444p"}, "cut", (None, None), gallery_combine.RE_ENCODE),
        (
            {"audio": gallery_combine.AudioStream("aac", "44100 Hz", "mono")},
            "cut",
            (None, None),
            gallery_combine.RE_ENCODE,
        ),
    ],
)
def test_join_method(second, transition, size, method):
    clips = [_clip_info(), _clip_info(**second)]
    width, height = size
    assert (
        gallery_combine.join_method(clips=clips, transition=transition, width=width, height=height) == method
    )


def test_crossfade_offsets_follow_the_clips():
    clips = [_clip_info(duration=3.0), _clip_info(duration=2.0), _clip_info(duration=4.0)]
    graph, with_audio, fade = gallery_combine.reencode_filter(
        clips=clips, transition="crossfade", width=160, height=90
    )
    assert fade == 1.0 and not with_audio
    # Each fade starts a fade's length before the end of what has been joined so far.
    assert "offset=2.000" in graph and "offset=3.000" in graph
    assert gallery_combine.planned_duration(durations=[3.0, 2.0, 4.0], transition="crossfade") == 7.0
    assert gallery_combine.planned_duration(durations=[3.0, 2.0, 4.0], transition="cut") == 9.0
