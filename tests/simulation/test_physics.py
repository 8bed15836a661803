"""Physics: the shared parity vectors, the Euler-to-quaternion convention, exact durations."""

import json
import math
from pathlib import Path

import pytest

from simulation.parity import VECTORS, vector_compute
from simulation.render.physics import (
    SceneWorld,
    euler_xyz_to_quaternion,
    frame_step_counts,
    steps_for_duration,
)
from simulation.scene_schema import scene_parse
from tests.simulation.factories import body, scene_json

VECTOR_DIR = Path(__file__).parents[2] / "examples" / "physics"


def test_the_four_required_vectors_exist():
    assert {p.stem for p in VECTOR_DIR.glob("*.json")} >= {
        "falling_box",
        "bouncing_ball",
        "slope_slide",
        "stack_of_three",
    }


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_pipeline_reproduces_the_committed_vector(name):
    committed = json.loads((VECTOR_DIR / f"{name}.json").read_text())
    fresh = vector_compute(name)
    assert committed["scene"] == fresh["scene"], "run manage.py export_physics_vectors"
    for old, new in zip(committed["samples"], fresh["samples"], strict=True):
        assert old["step"] == new["step"]
        for object_id, pose in old["bodies"].items():
            assert math.dist(pose["position"], new["bodies"][object_id]["position"]) < 1e-6


def test_vectors_show_the_physics_they_claim():
    box = {s["time"]: s["bodies"]["box"]["position"] for s in vector_compute("falling_box")["samples"]}
    assert box[0.25][1] == pytest.approx(3 - 0.5 * 9.81 * 0.25**2, abs=0.02)  # free fall
    assert box[1.0][1] == pytest.approx(0.5, abs=0.01)  # at rest on the ground
    ball = [s["bodies"]["ball"]["position"][1] for s in vector_compute("bouncing_ball")["samples"]]
    assert min(ball) >= 0.25 - 0.01
    slide = vector_compute("slope_slide")["samples"]
    xs = [s["bodies"]["box"]["position"][0] for s in slide]
    assert xs == sorted(xs, reverse=True) and xs[0] - xs[-1] > 1.0  # sliding down, accelerating
    stack = vector_compute("stack_of_three")["samples"][-1]["bodies"]
    assert stack["top"]["position"][1] == pytest.approx(2.5, abs=0.01)


@pytest.mark.parametrize(
    ("euler", "expected"),
    [
        # three.js: new Quaternion().setFromEuler(new Euler(x, y, z, "XYZ"))
        ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 1.0)),
        ((math.pi / 2, 0.0, 0.0), (math.sqrt(0.5), 0.0, 0.0, math.sqrt(0.5))),
        # = qx(0.1) * qy(0.2) * qz(0.3), the intrinsic X-then-Y-then-Z product three.js uses
        ((0.1, 0.2, 0.3), (0.0640713, 0.0911575, 0.1534393, 0.9818562)),
    ],
)
def test_euler_xyz_to_quaternion_matches_threejs(euler, expected):
    assert euler_xyz_to_quaternion(*euler) == pytest.approx(expected, abs=1e-6)


def test_rotation_reaches_the_body():
    world = SceneWorld(scene_parse(scene_json(body("a", position=(0, 2, 0), rotation=(0.1, 0.2, 0.3)))))
    assert world.poses()["a"].rotation == pytest.approx(euler_xyz_to_quaternion(0.1, 0.2, 0.3), abs=1e-6)


@pytest.mark.parametrize(("duration", "fps"), [(1.0, 24), (3.0, 30), (2.5, 60), (1.0, 7)])
def test_physics_advances_exactly_the_duration_whatever_the_fps(duration, fps):
    counts = frame_step_counts(duration=duration, fps=fps)
    assert len(counts) == round(duration * fps)
    assert counts[0] == 0 and counts == sorted(counts)
    assert counts[-1] <= steps_for_duration(duration)


def test_kinematic_body_moves_with_its_velocity():
    scene = scene_parse(
        scene_json(
            body(
                "k", mass=0, bodyType="kinematic", position=(0, 2, 0), linearVelocity={"x": 1, "y": 0, "z": 0}
            )
        )
    )
    world = SceneWorld(scene)
    world.step(60)
    assert world.poses()["k"].position == pytest.approx((1.0, 2.0, 0.0), abs=1e-4)
