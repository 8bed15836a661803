"""Item 9: scenes with non-finite numbers, huge counts or sizes, deeply nested or giant JSON bodies
are refused with a 4xx, and no render worker is ever started with them."""

import json

import pytest

from simulation import services
from simulation.models import Render, Scene
from tests.simulation.factories import body, scene_json

pytestmark = pytest.mark.django_db

GOOD = scene_json(body("box"))


@pytest.fixture
def queued(monkeypatch) -> list:
    """Every task the render endpoint tries to queue (none may be queued for a refused scene)."""
    calls: list = []
    monkeypatch.setattr(services, "async_task", lambda *args, **kwargs: calls.append(args))
    return calls


def with_object(**changes) -> dict:
    return scene_json(body("box", **changes))


def raw(text: str) -> bytes:
    return text.encode()


def nan_scene(token: str) -> bytes:
    # Python's json module (and so the API's parser) reads NaN/Infinity literals.
    return raw(json.dumps({"scene": GOOD}).replace('"x": 0.0', f'"x": {token}', 1))


BAD_SCENES = {
    "nan-position": nan_scene("NaN"),
    "infinite-position": nan_scene("Infinity"),
    "negative-infinity": nan_scene("-Infinity"),
    "huge-number": raw(json.dumps({"scene": GOOD}).replace('"x": 0.0', '"x": 1e999', 1)),
    "too-many-objects": json.dumps({"scene": scene_json(*(body(f"b{i}") for i in range(501)))}).encode(),
    "huge-scale": json.dumps({"scene": with_object(scale=(1e9, 1, 1))}).encode(),
    "far-away": json.dumps({"scene": with_object(position=(0, 1e7, 0))}).encode(),
    "huge-mass": json.dumps({"scene": with_object(mass=1e30)}).encode(),
    "zero-scale": json.dumps({"scene": with_object(scale=(0, 1, 1))}).encode(),
    "long-id": json.dumps({"scene": scene_json(body("x" * 10_000))}).encode(),
    "deeply-nested": raw('{"scene": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    "nested-in-description": raw(
        json.dumps({"scene": with_object()}).replace(
            '"id": "box"', '"description": ' + "[" * 50_000 + "]" * 50_000 + ', "id": "box"', 1
        )
    ),
    "not-json": b"{'scene': nope",
    "scene-is-a-list": json.dumps({"scene": [1, 2, 3]}).encode(),
}


@pytest.mark.parametrize("endpoint", ["/api/genesis/render", "/api/scenes", "/api/validate", "/api/refine"])
@pytest.mark.parametrize("case", list(BAD_SCENES), ids=list(BAD_SCENES))
def test_bad_scene_is_refused_and_nothing_runs(user_client, queued, endpoint, case):
    data = BAD_SCENES[case]
    if endpoint == "/api/validate" and data.startswith(b'{"scene": '):
        data = data[len(b'{"scene": ') : -1]  # takes the scene itself as the body
    if endpoint == "/api/refine":
        data = data.replace(b'{"scene": ', b'{"prompt": "make it red", "scene": ', 1)
    response = user_client.post(endpoint, data=data, content_type="application/json")
    if endpoint == "/api/validate" and response.status_code == 200:
        assert response.json()["valid"] is False, f"{case} passed validation"
    else:
        assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
        assert response.json()["detail"]
    assert queued == []
    assert not Render.objects.exists()
    assert not Scene.objects.exists()


def test_giant_body_is_refused_before_it_is_parsed(user_client, queued, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    giant = json.dumps({"scene": GOOD, "scene_context": "x" * (2 * 1024 * 1024)}).encode()
    response = user_client.post("/api/genesis/render", data=giant, content_type="application/json")
    assert response.status_code == 413, response.status_code
    assert response.json()["detail"]
    assert queued == [] and not Render.objects.exists()


@pytest.mark.parametrize(
    "options",
    [
        {"duration": 1e9},
        {"duration": -1},
        {"fps": 100_000},
        {"resolution": [100_000, 100_000]},
        {"resolution": [1281, 721]},
        {"resolution": [0, 0]},
        {"quality": "ultra"},
        {
            "camera_config": {
                "position": {"x": 0, "y": 1, "z": 5},
                "target": {"x": 0, "y": 0, "z": 0},
                "fov": 1e9,
            }
        },
    ],
    ids=["long", "negative", "fps", "8k-plus", "odd-size", "zero-size", "quality", "camera-fov"],
)
def test_render_options_out_of_bounds_are_refused_and_nothing_runs(user_client, queued, options):
    response = user_client.post(
        "/api/genesis/render", {"scene": GOOD, **options}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert queued == [] and not Render.objects.exists()


def test_a_good_scene_is_queued_so_the_guard_is_real(user_client, queued):
    response = user_client.post(
        "/api/genesis/render",
        {"scene": GOOD, "duration": 1, "fps": 10, "resolution": [160, 90]},
        content_type="application/json",
    )
    assert response.status_code == 202
    assert len(queued) == 1 and Render.objects.count() == 1
