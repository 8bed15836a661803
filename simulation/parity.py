"""Shared physics test vectors (`examples/physics/*.json`): scenes with the trajectories that the
Python pipeline computes and the browser's Rapier must reproduce within 1 mm after one second.

Jointed scenes (docs/scene.md "Joints") are sampled for three seconds.

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
JOINT_SAMPLE_TIMES = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
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
    "joints": "after every body; a joint to the world attaches to one extra fixed body at the origin "
    "without a collider; Rapier body 1 = bodyB (or the world), body 2 = bodyA; revolute, prismatic, "
    "fixed and spherical joints get both local frames explicitly (on bodyA: anchorA, +X turned onto "
    "the axis; on bodyB: the same frame in the start pose), contacts off; rope and spring: anchors "
    "only, contacts on (docs/scene.md)",
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


def _scene(*objects: dict[str, Any], joints: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    scene: dict[str, Any] = {"objects": {o["id"]: o for o in objects}, "selectedObject": None}
    if joints:
        scene["joints"] = {j["id"]: j for j in joints}
    return scene


def _joint(joint_id: str, joint_type: str, body_a: str, body_b: str | None, **fields: Any) -> dict[str, Any]:
    return {"id": joint_id, "type": joint_type, "bodyA": body_a, "bodyB": body_b, **fields}


def _v(x: float, y: float, z: float) -> dict[str, float]:
    return {"x": x, "y": y, "z": z}


def _pendulum() -> dict[str, Any]:
    length, angle = 1.5, math.radians(60)
    bob = _box(
        "bob",
        (length * math.sin(angle), 3 - length * math.cos(angle), 0),
        mass=2.0,
        shape="Sphere",
        scale=(0.3, 0.3, 0.3),
        color="#e53935",
    )
    pivot = _v(-length * math.sin(angle), length * math.cos(angle), 0)  # (0, 3, 0) in the bob's frame
    return _scene(bob, joints=[_joint("rod", "revolute", "bob", None, anchorA=pivot, axis=_v(0, 0, 1))])


def _hinged_door() -> dict[str, Any]:
    post = _box("post", (0, 1.1, 0), mass=0, scale=(0.1, 2.2, 0.1), color="#8d6e63")
    door = _box("door", (0.55, 1.1, 0), mass=10.0, scale=(1.0, 2.0, 0.05), color="#6d4c41")
    door["angularVelocity"] = _v(0, -3.0, 0)
    hinge = _joint(
        "hinge",
        "revolute",
        "door",
        "post",
        anchorA=_v(-0.5, 0, 0),
        axis=_v(0, 1, 0),
        limits=[-1.2, 0.2],
        motor={"targetVelocity": 1.0, "maxForce": 30.0},
    )
    return _scene(post, door, joints=[hinge])


def _chain_of_five() -> dict[str, Any]:
    links = [
        _box(f"link{i}", (0.2 + 0.4 * i, 4, 0), mass=0.5, scale=(0.4, 0.08, 0.08), color="#546e7a")
        for i in range(5)
    ]
    joints = [_joint("top", "spherical", "link0", None, anchorA=_v(-0.2, 0, 0))]
    joints += [
        _joint(
            f"j{i}", "spherical", f"link{i}", f"link{i - 1}", anchorA=_v(-0.2, 0, 0), anchorB=_v(0.2, 0, 0)
        )
        for i in range(1, 5)
    ]
    return _scene(*links, joints=joints)


def _every_joint_type() -> dict[str, Any]:
    """Each joint type once, on turned bodies, so both engines' frame conventions are pinned."""
    tilt = (0.0, 0.4, 0.3)
    post = _box("post", (-3, 1.5, 0), mass=0, rotation=(0.0, 0.3, 0.0), scale=(0.2, 3, 0.2), color="#8d6e63")
    arm = _box("arm", (-2.4, 2.5, 0), mass=1.0, rotation=tilt, scale=(1.0, 0.1, 0.1), color="#6d4c41")
    rail = _box("rail", (0, 2, 0), mass=0, rotation=(0.0, 0.0, 0.5), scale=(2.0, 0.1, 0.1), color="#90a4ae")
    slider = _box("slider", (0, 2.2, 0), mass=0.5, rotation=(0.0, 0.0, 0.5), scale=(0.3, 0.2, 0.3))
    weight = _box(
        "weight", (2.5, 2.0, 0), mass=2.0, rotation=(0.2, 0.0, 0.0), scale=(0.3, 0.3, 0.3), color="#43a047"
    )
    ball = _box("ball", (4.2, 2.0, 0.5), mass=1.0, shape="Sphere", scale=(0.3, 0.3, 0.3), color="#e53935")
    glued = _box(
        "glued", (2.5, 1.55, 0), mass=0.5, rotation=(0.0, 0.6, 0.0), scale=(0.2, 0.6, 0.2), color="#fdd835"
    )
    bead = _box("bead", (2.55, 0.95, 0.05), mass=0.3, scale=(0.2, 0.2, 0.2), color="#8e24aa")
    joints = [
        _joint(
            "hinge", "revolute", "arm", "post", anchorA=_v(-0.5, 0, 0), axis=_v(0, 0, 1), limits=[-0.8, 0.3]
        ),
        _joint(
            "track",
            "prismatic",
            "slider",
            "rail",
            anchorA=_v(0, -0.2, 0),
            axis=_v(1, 0, 0),
            limits=[-0.8, 0.6],
            motor={"targetVelocity": 0.5, "maxForce": 2.0},
        ),
        _joint("spring", "spring", "weight", None, anchorB=_v(2.5, 3.5, 0), stiffness=60.0, damping=0.5),
        _joint("rope", "rope", "ball", None, anchorA=_v(0, 0.15, 0), anchorB=_v(4.0, 3.5, 0), length=1.4),
        _joint("weld", "fixed", "glued", "weight", anchorA=_v(0, 0.3, 0)),
        _joint("ball-joint", "spherical", "bead", "glued", anchorA=_v(0, 0.3, 0)),
    ]
    return _scene(post, arm, rail, slider, weight, ball, glued, bead, joints=joints)


def _newtons_cradle() -> dict[str, Any]:
    length, radius, lifted = 1.0, 0.1, math.radians(40)
    balls, joints = [], []
    for i in range(5):
        pivot = (-0.4 + 0.2005 * i, 2.5, 0)
        angle = -lifted if i == 0 else 0.0
        centre = (pivot[0] + length * math.sin(angle), pivot[1] - length * math.cos(angle), 0)
        balls.append(
            _box(
                f"ball{i}",
                centre,
                mass=1.0,
                friction=0.0,
                restitution=1.0,
                shape="Sphere",
                scale=(2 * radius,) * 3,
                color="#b0bec5",
            )
        )
        joints.append(
            _joint(
                f"string{i}",
                "revolute",
                f"ball{i}",
                None,
                anchorB=_v(*pivot),
                axis=_v(0, 0, 1),
                anchorA=_v(pivot[0] - centre[0], pivot[1] - centre[1], 0),
            )
        )
    return _scene(*balls, joints=joints)


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
    "pendulum": (
        "A 2 kg ball of diameter 0.3 m on a 1.5 m rod hinged (revolute, axis z) to the world at (0, 3, 0), "
        "released 60 degrees from the vertical.",
        _pendulum(),
    ),
    "hinged_door": (
        "A 10 kg door hinged (revolute, axis y, limits [-1.2, 0.2] rad) to a fixed post, pushed open at "
        "3 rad/s while a motor (1 rad/s, at most 30 N m) pulls it shut against the other limit.",
        _hinged_door(),
    ),
    "chain_of_five": (
        "Five 0.4 m links joined end to end by spherical joints, the first to the world at (0, 4, 0), "
        "released horizontally.",
        _chain_of_five(),
    ),
    "newtons_cradle": (
        "Newton's cradle: five 0.2 m steel balls (restitution 1, frictionless) each hinged 1 m below the "
        "world, the first lifted 40 degrees and released.",
        _newtons_cradle(),
    ),
    "every_joint_type": (
        "Each joint type once on turned bodies: an arm hinged to a turned post with limits, a slider "
        "driven along a tilted rail against its limits, a box on a spring and a ball on a rope from the "
        "world, a block welded under the box and a bead hung from that block by a ball joint.",
        _every_joint_type(),
    ),
}


def vector_compute(name: str) -> dict[str, Any]:
    description, scene_json = VECTORS[name]
    scene = scene_parse(scene_json)
    sample_times = JOINT_SAMPLE_TIMES if scene.joints else SAMPLE_TIMES
    samples = simulate(scene, sample_times=sample_times)
    return {
        "name": name,
        "description": description,
        "conventions": CONVENTIONS,
        "tolerance_m": TOLERANCE_M,
        "scene": scene_json,
        "steps": steps_for_duration(sample_times[-1]),
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
