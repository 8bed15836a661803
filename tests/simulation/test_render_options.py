"""The render request's look options through the API: camera_move, ground_style, materials (issue 14)."""

import pytest
from django_q.models import OrmQ, Task

from simulation.models import Render
from tests.simulation.factories import body, scene_json
from tests.simulation.test_render import FALLING_BALL, H, W, post

CAMERA = {"position": {"x": 0, "y": 2, "z": 6}, "target": {"x": 0, "y": 1, "z": 0}, "fov": 50}


def render_body(**overrides):
    return {"scene": FALLING_BALL, "duration": 0.5, "fps": 10, "resolution": [W, H], **overrides}


def test_camera_move_and_ground_style_are_stored_and_reported(user_client):
    response = post(
        user_client,
        "/api/genesis/render",
        render_body(camera_move="orbit", ground_style="wood", quality="standard"),
    )
    assert response.status_code == 202, response.content
    record = user_client.get(f"/api/genesis/videos/{response.json()['video_id']}").json()["video"]
    assert record["status"] == "completed", record["error"]
    assert (record["camera_move"], record["ground_style"], record["quality"]) == ("orbit", "wood", "standard")
    render = Render.objects.get()
    assert (render.camera_move, render.ground_style) == ("orbit", "wood")


@pytest.mark.parametrize(
    ("overrides", "move", "ground"),
    [
        ({}, "static", "checker"),
        ({"camera_config": CAMERA}, "editor", "checker"),
        ({"camera_config": CAMERA, "camera_move": "follow"}, "follow", "checker"),
        ({"scene": {**FALLING_BALL, "groundStyle": "tiles"}}, "static", "tiles"),
        ({"scene": {**FALLING_BALL, "groundStyle": "tiles"}, "ground_style": "plain"}, "static", "plain"),
    ],
)
def test_defaults(user_client, overrides, move, ground):
    video_id = post(user_client, "/api/genesis/render", render_body(**overrides)).json()["video_id"]
    record = user_client.get(f"/api/genesis/videos/{video_id}").json()["video"]
    assert (record["camera_move"], record["ground_style"]) == (move, ground)


def with_material(material: str) -> dict:
    scene = scene_json(body("a", position=(0, 0.5, 0)))
    scene["objects"]["a"]["visualProperties"]["material"] = material
    return scene


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"camera_move": "spin"},
            "camera_move must be one of static, orbit, follow, dolly, editor (asked 'spin')",
        ),
        ({"camera_move": "editor"}, "camera_move 'editor' films camera_config"),
        ({"ground_style": "lava"}, "ground_style must be one of checker, tiles, wood, concrete, plain"),
        ({"scene": with_material("cheese")}, "visualProperties.material"),
        ({"scene": {**FALLING_BALL, "groundStyle": "lava"}}, "groundStyle"),
    ],
)
def test_unknown_options_are_refused_naming_the_field_and_nothing_is_queued(user_client, overrides, message):
    response = post(user_client, "/api/genesis/render", render_body(**overrides))
    assert response.status_code == 422, response.content
    assert message in str(response.json()["detail"])
    assert Render.objects.count() == 0
    assert OrmQ.objects.count() == 0 and Task.objects.count() == 0


def test_a_known_material_renders(user_client):
    response = post(user_client, "/api/genesis/render", render_body(scene=with_material("metal")))
    assert response.status_code == 202, response.content
    assert Render.objects.get().status == "completed"


def test_an_unknown_backend_setting_is_refused(user_client, settings):
    settings.RENDER_BACKEND = "genesis-gpu"
    response = post(user_client, "/api/genesis/render", render_body())
    assert response.status_code == 503
    assert "genesis-gpu" in response.json()["detail"]
    assert Render.objects.count() == 0
