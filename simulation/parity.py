"""Shared physics test vectors (`examples/physics/*.json`): scenes with the trajectories that the
Python pipeline computes and the browser's Rapier must reproduce within 1 mm after one second.

`manage.py export_physics_vectors` rewrites the files; a test fails when they are stale.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from django.conf import settings

from simulation.render.physics import (
    GROUND_CENTRE,
    GROUND_FRICTION,
    GROUND_HALF_EXTENTS,
    GROUND_RESTITUTION,
    STEPS_PER_SECOND,
    simulate,
    steps_for_duration,
)
from simulation.scene_schema import scene_parse

VECTOR_DIR = Path(settings.BASE_DIR) / "examples" / "physics"
SAMPLE_TIMES = [0.25, 0.5, 0.75, 1.0]
TOLERANCE_M = 0.001

CONVENTIONS = {
    "time_step": f"1/{STEPS_PER_SECOND} s, fixed; Rapier's default integration parameters",
    "ground": {
        "body": "fixed",
        "translation": list(GROUND_CENTRE),
        "collider": {"cuboid_half_extents": list(GROUND_HALF_EXTENTS)},
        "friction": GROUND_FRICTION,
        "restitution": GROUND_RESTITUTION,
    },
    "bodies": "one body per object with one collider: Box cuboid(scale/2), Sphere ball(scale.x/2), "
    "Cylinder cylinder(half-height scale.y/2, radius scale.x/2); collider mass set explicitly to "
    "physicsProperties.mass; friction and restitution from physicsProperties (default combine rules); "
    "static bodies fixed, kinematic bodies velocity-based",
    "rotation": "one quaternion from the Euler XYZ angles, as three.js Quaternion.setFromEuler (order XYZ)",
    "output": "position = body translation (m); rotation = quaternion [x, y, z, w]",
}


def _box(object_id: str, position, *, mass=1.0, friction=0.5, restitution=0.0, rotation=(0, 0, 0),
         scale=(1, 1, 1), shape="Box", color="#1e88e5") -> dict[str, Any]:  # fmt: skip
    def vec(v) -> dict[str, float]:
        return {"x": v[0], "y": v[1], "z": v[2]}

    return {
        "id": object_id,
        "transform": {"position": vec(position), "rotation": vec(rotation), "scale": vec(scale)},
        "physicsProperties": {"mass": mass, "friction": friction, "restitution": restitution},
        "visualProperties": {"color": color, "shape": shape},
    }


def _scene(*objects: dict[str, Any]) -> dict[str, Any]:
    return {"objects": {o["id"]: o for o in objects}, "selectedObject": None}


SLOPE = math.radians(30)
# The slope's top face passes through its centre plus half its thickness along its normal.
_SLOPE_CENTRE = (0.0, 2.0, 0.0)
_NORMAL = (-math.sin(SLOPE), math.cos(SLOPE))
_BOX_ON_SLOPE = (
    _SLOPE_CENTRE[0] + _NORMAL[0] * (0.1 + 0.25 + 0.001),
    _SLOPE_CENTRE[1] + _NORMAL[1] * (0.1 + 0.25 + 0.001),
)

VECTORS: dict[str, tuple[str, dict[str, Any]]] = {
    "falling_box": ("A 1 kg unit box dropped from 3 m onto the ground.", _scene(_box("box", (0, 3, 0)))),
    "bouncing_ball": (
        "A ball of diameter 0.5 m with restitution 0.8 dropped from 2 m (ground restitution 0; Rapier "
        "averages the two).",
        _scene(
            _box("ball", (0, 2, 0), shape="Sphere", scale=(0.5, 0.5, 0.5), restitution=0.8, color="#e53935")
        ),
    ),
    "slope_slide": (
        "A 0.5 m box released on a fixed 30 degree slope (friction 0.1 on both), sliding down.",
        _scene(
            _box(
                "slope",
                _SLOPE_CENTRE,
                mass=0,
                friction=0.1,
                rotation=(0, 0, SLOPE),
                scale=(6, 0.2, 2),
                color="#8d6e63",
            ),
            _box(
                "box",
                (_BOX_ON_SLOPE[0], _BOX_ON_SLOPE[1], 0),
                friction=0.1,
                rotation=(0, 0, SLOPE),
                scale=(0.5, 0.5, 0.5),
            ),
        ),
    ),
    "stack_of_three": (
        "Three 1 kg unit boxes stacked exactly on top of each other, settling under gravity.",
        _scene(
            _box("bottom", (0, 0.5, 0), color="#e53935"),
            _box("middle", (0, 1.5, 0), color="#43a047"),
            _box("top", (0, 2.5, 0), color="#1e88e5"),
        ),
    ),
}


def vector_compute(name: str) -> dict[str, Any]:
    description, scene_json = VECTORS[name]
    scene = scene_parse(scene_json)
    samples = simulate(scene, sample_times=SAMPLE_TIMES)
    return {
        "name": name,
        "description": description,
        "conventions": CONVENTIONS,
        "tolerance_m": TOLERANCE_M,
        "scene": scene_json,
        "steps": steps_for_duration(1.0),
        "samples": [
            {
                "time": time,
                "step": steps_for_duration(time),
                "bodies": {
                    object_id: {
                        "position": [round(v, 7) for v in pose.position],
                        "rotation": [round(v, 7) for v in pose.rotation],
                    }
                    for object_id, pose in poses.items()
                },
            }
            for time, poses in samples.items()
        ],
    }


def vector_text(name: str) -> str:
    return json.dumps(vector_compute(name), indent=2) + "\n"


def vectors_export(*, directory: Path = VECTOR_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in VECTORS:
        path = directory / f"{name}.json"
        path.write_text(vector_text(name))
        written.append(path)
    return written
