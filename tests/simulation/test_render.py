"""Server renders: the MP4 itself, the job's lifecycle through the API, limits, cancel, failure."""

from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from django.utils import timezone
from django_q.models import OrmQ, Task

from gallery.models import Asset
from simulation import services
from simulation.models import Render
from simulation.render.physics import SceneWorld, steps_for_duration
from simulation.render.pipeline import RenderCanceled, render_scene_to_mp4
from simulation.scene_schema import scene_parse
from tests.gallery.factories import AssetFactory
from tests.simulation.factories import RenderFactory, body, scene_json

W, H = 160, 90
# A red ball falling in front of a camera that looks straight along -z at the origin.
CAMERA = {"position": {"x": 0, "y": 1.5, "z": 6}, "target": {"x": 0, "y": 1.5, "z": 0}, "fov": 60}
FALLING_BALL = scene_json(
    body("ball", position=(0, 2.6, 0), shape="Sphere", scale=(0.8, 0.8, 0.8), color="#ff0000", restitution=0),
    camera=CAMERA,
    ground=False,
)


def read_frames(path: Path, width: int, height: int) -> tuple[dict, list[np.ndarray]]:
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    frames = [np.frombuffer(f, np.uint8).reshape(height, width, 3) for f in reader]
    return meta, frames


def red_centre_row(frame: np.ndarray) -> float:
    r, g, b = (frame[:, :, i].astype(int) for i in range(3))
    red = (r > 90) & (r > 2 * g) & (r > 2 * b)
    rows = np.nonzero(red)[0]
    assert rows.size > 20, "the red ball is not in the frame"
    return float(rows.mean())


def projected_row(y: float, *, height: int) -> float:
    """Image row of the point (0, y, 0) through CAMERA (pinhole, vertical fov 60 degrees)."""
    focal = (height / 2) / np.tan(np.radians(60) / 2)
    return height / 2 - focal * (y - 1.5) / 6


def test_mp4_has_the_frames_size_duration_and_shows_the_ball_where_physics_says(tmp_path):
    scene = scene_parse(FALLING_BALL)
    output = render_scene_to_mp4(
        scene=scene, path=tmp_path / "out.mp4", duration=1.0, fps=10, width=W, height=H
    )
    assert output.frames == 10 and output.steps == 60
    data = (tmp_path / "out.mp4").read_bytes()
    assert data[4:8] == b"ftyp"
    assert data.find(b"moov") < data.find(b"mdat"), "+faststart puts the index first"
    meta, frames = read_frames(tmp_path / "out.mp4", W, H)
    assert meta["codec"] == "h264" and meta["size"] == (W, H)
    assert meta["fps"] == 10 and meta["duration"] == pytest.approx(1.0, abs=0.05)
    assert len(frames) == 10
    world = SceneWorld(scene)
    for index in (0, 4, 7):
        world.step_to(round(index * 60 / 10))
        y = world.poses()["ball"].position[1]
        assert red_centre_row(frames[index]) == pytest.approx(projected_row(y, height=H), abs=2.5)
    assert red_centre_row(frames[7]) > red_centre_row(frames[0]) + 10  # it fell
    # Physics finished at exactly 1 s although frame 9 shows 0.9 s.
    assert output.final_positions["ball"][1] == pytest.approx(2.6 - 0.5 * 9.81, abs=0.05)


def test_progress_callback_can_cancel(tmp_path):
    calls = []

    def progress(done, total):
        calls.append((done, total))
        return done < 5

    with pytest.raises(RenderCanceled):
        render_scene_to_mp4(
            scene=scene_parse(FALLING_BALL), path=tmp_path / "c.mp4", duration=1.0, fps=10, width=W, height=H,
            progress=progress,
        )  # fmt: skip
    assert calls == [(5, 10)]


def render_body(**overrides):
    return {"scene": FALLING_BALL, "duration": 1.0, "fps": 10, "resolution": [W, H], **overrides}


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def test_render_through_the_api_ends_with_a_stored_video(user_client, user):
    response = post(user_client, "/api/genesis/render", render_body())
    assert response.status_code == 202, response.content
    render_id = response.json()["video_id"]
    assert response.json()["success"] is True
    record = user_client.get(f"/api/genesis/videos/{render_id}").json()["video"]
    assert record["status"] == "completed", record["error"]
    assert record["progress"] == 1.0 and record["frames_done"] == record["frames_total"] == 10
    assert record["resolution"] == f"{W}x{H}"
    assert record["video_url"] == record["video_path"] == f"/api/genesis/videos/{render_id}/data"
    assert record["metadata"]["renderer"] == "mujoco-cpu"
    assert record["metadata"]["physics_steps"] == steps_for_duration(1.0)
    video = user_client.get(record["video_url"])
    assert video.status_code == 200
    assert video["Content-Type"] == "video/mp4"
    body_bytes = b"".join(video.streaming_content) if video.streaming else video.content
    assert body_bytes[4:8] == b"ftyp"
    asset = Asset.objects.get(renders__pk=render_id)
    assert asset.kind == "render" and asset.owner == user and asset.thumbnail_id is not None
    thumbnail = user_client.get(record["thumbnail_url"])
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"].startswith("image/")
    listed = user_client.get("/api/genesis/videos").json()
    assert listed["total"] == 1 and listed["videos"][0]["id"] == render_id


def test_other_users_cannot_see_or_delete_a_render(user_client, other_client):
    render_id = post(user_client, "/api/genesis/render", render_body()).json()["video_id"]
    for path in ("", "/data", "/thumbnail"):
        assert other_client.get(f"/api/genesis/videos/{render_id}{path}").status_code == 404
    assert other_client.delete(f"/api/genesis/videos/{render_id}").status_code == 404
    assert other_client.get("/api/genesis/videos").json()["total"] == 0
    assert Render.objects.filter(pk=render_id).exists()


def test_staff_see_any_render_and_owners_lose_a_hidden_one(user, user_client, staff_client):
    """The shared rule (simpoc.rules): owner or staff; a hidden video only for staff."""
    video = AssetFactory(owner=user, kind=Asset.Kind.RENDER)
    render = RenderFactory(owner=user, status=Render.Status.COMPLETED, asset=video)
    assert staff_client.get(f"/api/genesis/videos/{render.pk}").status_code == 200
    assert staff_client.get(f"/api/genesis/videos/{render.pk}/data").status_code == 200
    Asset.objects.filter(pk=video.pk).update(hidden_at=timezone.now())
    assert user_client.get(f"/api/genesis/videos/{render.pk}").status_code == 404
    assert user_client.get("/api/genesis/videos").json()["total"] == 0
    assert staff_client.get(f"/api/genesis/videos/{render.pk}").json()["video"]["id"] == render.pk


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"duration": 31}, "a duration above 0 and at most 30 s"),
        ({"duration": 0}, "a duration above 0"),
        ({"fps": 61}, "1 to 60 frames per second"),
        ({"resolution": [1921, 1080]}, "a resolution from 16x16 to 1920x1080"),
        ({"resolution": [161, 90]}, "an even width and height"),
        ({"quality": "ultra"}, "a quality of draft, standard, high"),
        ({"scene": scene_json(body("a"), body("b", position=(0.2, 0.5, 0)))}, "overlap at the start"),
        ({"scene": {"objects": {}}}, "The scene is empty"),
    ],
)
def test_limits_are_refused_before_anything_is_queued(user_client, overrides, message):
    response = post(user_client, "/api/genesis/render", render_body(**overrides))
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert Render.objects.count() == 0
    assert OrmQ.objects.count() == 0 and Task.objects.count() == 0


def test_object_limit(user_client, settings):
    settings.RENDER_MAX_OBJECTS = 1
    scene = scene_json(body("a"), body("b", position=(3, 0.5, 0)))
    response = post(user_client, "/api/genesis/render", render_body(scene=scene))
    assert response.status_code == 422
    assert "at most 1 objects (this scene has 2)" in response.json()["detail"]


def test_renders_in_flight_are_capped_per_user(user_client, user, other_user, settings):
    settings.RENDER_MAX_IN_FLIGHT = 2
    RenderFactory.create_batch(2, owner=user, status="rendering")
    RenderFactory(owner=other_user, status="queued")
    response = post(user_client, "/api/genesis/render", render_body())
    assert response.status_code == 429
    assert "You already have 2 render(s) in progress" in response.json()["detail"]
    assert Render.objects.filter(owner=user).count() == 2


def test_cancel_a_queued_render(user_client, user):
    render = RenderFactory(owner=user)
    response = post(user_client, f"/api/genesis/videos/{render.pk}/cancel", {})
    assert response.json()["video"]["status"] == "canceled"
    # The worker that picks it up later does nothing.
    assert services.render_run(render_id=render.pk).status == "canceled"
    assert Asset.objects.count() == 0
    again = post(user_client, f"/api/genesis/videos/{render.pk}/cancel", {})
    assert again.status_code == 409


def test_cancel_while_rendering_stops_the_loop(user):
    render = RenderFactory(owner=user, scene_data=FALLING_BALL, duration=2.0, fps=30, frames_total=60)
    original = services._progress_recorder
    calls = []

    def cancel_midway(render_id):
        record = original(render_id)

        def progress(done, total):
            calls.append(done)
            if done >= 10:
                Render.objects.filter(pk=render_id).update(cancel_requested=True)
            return record(done, total)

        return progress

    services._progress_recorder = cancel_midway
    try:
        finished = services.render_run(render_id=render.pk)
    finally:
        services._progress_recorder = original
    assert finished.status == "canceled"
    assert calls == [5, 10]  # the loop stopped at the first check after the cancel
    assert finished.frames_done == 5  # the last progress recorded before it
    assert Asset.objects.count() == 0


def test_failure_carries_its_error(user, settings):
    settings.USER_QUOTA_BYTES = 10  # storing the video will be refused
    render = RenderFactory(owner=user, scene_data=FALLING_BALL)
    finished = services.render_run(render_id=render.pk)
    assert finished.status == "failed"
    assert finished.error.startswith("Storing the video failed:")
    assert finished.finished_at is not None


def test_delete_removes_the_render_and_its_video(user_client):
    render_id = post(user_client, "/api/genesis/render", render_body()).json()["video_id"]
    assert Asset.objects.filter(kind="render").count() == 1
    assert user_client.delete(f"/api/genesis/videos/{render_id}").json() == {"success": True, "deleted": True}
    assert not Render.objects.filter(pk=render_id).exists()
    assert Asset.objects.count() == 0


def test_retention_prunes_old_videoless_renders(user):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    old_failed = RenderFactory(owner=user, status="failed", created_at=now - timedelta(days=40))
    RenderFactory(owner=user, status="queued", created_at=now - timedelta(days=40))
    RenderFactory(owner=user, status="canceled", created_at=now)
    assert services.render_prune_before(cutoff=now - timedelta(days=30)) == 1
    assert not Render.objects.filter(pk=old_failed.pk).exists()
    assert Render.objects.count() == 2


def test_list_query_count_is_flat(user_client, user, django_assert_max_num_queries):
    RenderFactory.create_batch(8, owner=user)
    with django_assert_max_num_queries(6):
        assert user_client.get("/api/genesis/videos").json()["total"] == 8


def test_more_than_500_objects_is_refused_before_queueing(user_client):
    objects = [body(f"b{i}", position=((i % 25) * 1.5, 0.5, (i // 25) * 1.5)) for i in range(501)]
    response = post(user_client, "/api/genesis/render", render_body(scene=scene_json(*objects)))
    assert response.status_code == 422
    assert "at most 500 objects" in response.json()["detail"]
    assert Render.objects.count() == 0 and OrmQ.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/api/genesis/render"), ("get", "/api/genesis/videos"), ("get", "/api/genesis/videos/1/data")],
)
def test_renders_need_a_user(anon_client, method, path):
    response = getattr(anon_client, method)(path, render_body(), content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated. Login required."}
