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
    quat_rotate,
    steps_for_duration,
)
from simulation.scene_schema import scene_parse
from simulation.validation import scene_check
from tests.simulation.factories import body, scene_json

pytestmark = pytest.mark.engine_independent

VECTOR_DIR = Path(__file__).parents[2] / "examples" / "physics"


def test_the_four_required_vectors_exist():
    assert {p.stem for p in VECTOR_DIR.glob("*.json")} >= {
        "falling_box",
        "bouncing_ball",
        "slope_slide",
        "stack_of_three",
        "pendulum",
        "hinged_door",
        "chain_of_five",
        "newtons_cradle",
        "every_joint_type",
    }


def test_joint_vectors_show_the_physics_they_claim():
    pendulum = vector_compute("pendulum")
    assert pendulum["samples"][-1]["time"] == 3.0
    for sample in pendulum["samples"]:
        assert math.dist(sample["bodies"]["bob"]["position"], (0, 3, 0)) == pytest.approx(1.5, abs=1e-3)
    door_angles = [2 * math.atan2(s["bodies"]["door"]["rotation"][1], s["bodies"]["door"]["rotation"][3])
                   for s in vector_compute("hinged_door")["samples"]]  # fmt: skip
    assert all(-1.2 - 0.01 <= a <= 0.2 + 0.01 for a in door_angles)
    assert door_angles[-1] == pytest.approx(0.2, abs=0.01)  # the motor holds it against the limit
    for sample in vector_compute("chain_of_five")["samples"]:
        ends = []  # each link's two ends, 0.2 m either side of its centre along its own x
        for i in range(5):
            pose = sample["bodies"][f"link{i}"]
            ends.append([
                tuple(c + d for c, d in zip(pose["position"], quat_rotate(tuple(pose["rotation"]), (dx, 0, 0)), strict=True))
                for dx in (-0.2, 0.2)
            ])  # fmt: skip
        assert math.dist(ends[0][0], (0, 4, 0)) < 2e-3
        # the solver lets a fast-swinging joint stretch by a few millimetres
        assert all(math.dist(ends[i][0], ends[i - 1][1]) < 0.02 for i in range(1, 5))
    every = vector_compute("every_joint_type")["samples"][-1]["bodies"]
    # the motor (2 N) loses to gravity along the tilted rail: the slider rests on its lower limit, 0.8 m down
    assert every["slider"]["position"] == pytest.approx(
        (-0.8 * math.cos(0.5), 2.2 - 0.8 * math.sin(0.5), 0), abs=0.01
    )
    # the rope (1.4 m) holds the ball by a point 0.15 m from its centre
    assert math.dist(every["ball"]["position"], (4.0, 3.5, 0)) <= 1.4 + 0.15 + 0.01
    cradle = vector_compute("newtons_cradle")["samples"]
    assert max(s["bodies"]["ball4"]["position"][0] for s in cradle) > 0.6  # the far ball swings out


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


# Joints (SCENE.md "Joints"): built on the same Rapier world, checked against textbook physics.


def _joint(joint_id: str, joint_type: str, body_a: str, body_b: str | None = None, **fields) -> dict:
    return {"id": joint_id, "type": joint_type, "bodyA": body_a, "bodyB": body_b, **fields}


def _vec(x: float, y: float, z: float) -> dict:
    return {"x": x, "y": y, "z": z}


def _pendulum(joint_type: str, *, length: float = 1.0, angle: float = 0.1, **fields) -> SceneWorld:
    """A 5 cm bob hung `length` below the world point (0, 3, 0), released `angle` rad from the vertical."""
    bob = body(
        "bob",
        shape="Sphere",
        scale=(0.1, 0.1, 0.1),
        position=(length * math.sin(angle), 3 - length * math.cos(angle), 0),
    )
    joint = _joint("j", joint_type, "bob", None, anchorB=_vec(0, 3, 0), **fields)
    return SceneWorld(scene_parse(scene_json(bob, ground=False, joints={"j": joint})))


def _swing_period(world: SceneWorld, steps: int = 600) -> float:
    xs = []
    for _ in range(steps):
        world.step()
        xs.append(world.poses()["bob"].position[0])
    crossings = [i for i in range(1, len(xs)) if xs[i - 1] > 0 >= xs[i]]
    return (crossings[-1] - crossings[0]) / (len(crossings) - 1) / 60


@pytest.mark.parametrize("joint_type", ["revolute", "spherical", "rope"])
def test_pendulum_period_is_two_pi_root_l_over_g(joint_type):
    # A rope pendulum hangs from its bob's centre: anchorA defaults to (0, 0, 0).
    fields = {} if joint_type == "rope" else {"anchorA": _vec(-math.sin(0.1), math.cos(0.1), 0)}
    period = _swing_period(_pendulum(joint_type, **fields))
    # bob of radius r: T = 2π √((L² + 2r²/5) / (g L)), 2.0071 s; a point mass would give 2.0061 s
    assert period == pytest.approx(2 * math.pi * math.sqrt((1 + 0.4 * 0.05**2) / 9.81), abs=0.01)


def test_world_anchor_holds_the_bob_at_the_rod_length():
    world = _pendulum("revolute", anchorA=_vec(-math.sin(0.1), math.cos(0.1), 0), angle=0.1)
    for _ in range(180):
        world.step()
        assert math.dist(world.poses()["bob"].position, (0, 3, 0)) == pytest.approx(1.0, abs=1e-3)


def test_hinge_limits_are_respected():
    # A door hinged about Y on its left edge to the world, pushed open at 5 rad/s, stopped at 0.5 rad.
    door = body("door", position=(0.5, 1.1, 0), scale=(1, 2, 0.1), angularVelocity=_vec(0, 5, 0))
    joint = _joint(
        "hinge", "revolute", "door", None, anchorA=_vec(-0.5, 0, 0), axis=_vec(0, 1, 0), limits=[-0.5, 0.5]
    )
    world = SceneWorld(scene_parse(scene_json(door, joints={"hinge": joint})))
    angles = []
    for _ in range(120):
        world.step()
        _, y, _, w = world.poses()["door"].rotation
        angles.append(2 * math.atan2(y, w))
    assert max(angles) == pytest.approx(0.5, abs=0.03)
    assert min(angles) >= -0.5 - 0.03
    # without limits the same push turns it further
    free = SceneWorld(scene_parse(scene_json(door, joints={"hinge": {**joint, "limits": None}})))
    free.step(60)
    _, y, _, w = free.poses()["door"].rotation
    assert abs(2 * math.atan2(y, w)) > 0.8


def test_rope_keeps_its_maximum_length_and_goes_slack():
    ball = body(
        "ball", shape="Sphere", scale=(0.2, 0.2, 0.2), position=(0, 2.2, 0), linearVelocity=_vec(3, 4, 0)
    )
    joint = _joint("rope", "rope", "ball", None, anchorB=_vec(0, 3, 0), length=1.0)
    world = SceneWorld(scene_parse(scene_json(ball, ground=False, joints={"rope": joint})))
    distances = []
    for _ in range(240):
        world.step()
        distances.append(math.dist(world.poses()["ball"].position, (0, 3, 0)))
    assert max(distances) <= 1.0 + 0.005
    assert min(distances) < 0.9  # thrown up, the rope goes slack rather than pushing


def test_spring_oscillates_at_root_k_over_m():
    weight = body("w", scale=(0.2, 0.2, 0.2), mass=1.0, position=(0, 2, 0))
    spring = _joint("s", "spring", "w", None, anchorB=_vec(0, 3, 0), length=1.0, stiffness=100.0, damping=0.0)
    world = SceneWorld(scene_parse(scene_json(weight, ground=False, joints={"s": spring})))
    ys = []
    for _ in range(300):
        world.step()
        ys.append(world.poses()["w"].position[1])
    mean = (max(ys) + min(ys)) / 2
    assert mean == pytest.approx(2 - 9.81 / 100, abs=0.01)  # rests where k x = m g
    crossings = [i for i in range(1, len(ys)) if ys[i - 1] > mean >= ys[i]]
    period = (crossings[-1] - crossings[0]) / (len(crossings) - 1) / 60
    assert period == pytest.approx(2 * math.pi * math.sqrt(1 / 100), abs=0.02)


def test_fixed_joint_welds_two_bodies_and_prismatic_slides_within_limits():
    beam = body("beam", position=(0, 3, 0), scale=(2, 0.2, 0.2))
    weight = body("weight", position=(0.9, 2.7, 0), scale=(0.2, 0.4, 0.2))
    slider = body("slider", position=(3, 3, 0), scale=(0.3, 0.3, 0.3))
    joints = {
        "hold": _joint("hold", "fixed", "beam", None),
        "weld": _joint("weld", "fixed", "weight", "beam"),
        "rail": _joint("rail", "prismatic", "slider", None, axis=_vec(0, 1, 0), limits=[-0.5, 0.5]),
    }
    world = SceneWorld(scene_parse(scene_json(beam, weight, slider, ground=False, joints=joints)))
    world.step(120)
    poses = world.poses()
    assert poses["beam"].position == pytest.approx((0, 3, 0), abs=2e-3)
    assert poses["weight"].position == pytest.approx((0.9, 2.7, 0), abs=5e-3)
    assert poses["slider"].position == pytest.approx((3, 2.5, 0), abs=5e-3)  # fell to its lower limit


def test_revolute_motor_spins_bodyA_at_its_target_velocity():
    wheel = body("wheel", shape="Cylinder", position=(0, 2, 0), scale=(1, 0.2, 1))
    motor = {"targetVelocity": 3.0, "maxForce": 100.0}
    joint = _joint("axle", "revolute", "wheel", None, axis=_vec(0, 1, 0), motor=motor)
    world = SceneWorld(scene_parse(scene_json(wheel, ground=False, joints={"axle": joint})))
    world.step(60)
    assert world.world.rigid_bodies[world.handles["wheel"]].angvel.y == pytest.approx(3.0, abs=0.01)


def test_joint_anchors_follow_rotated_bodies():
    # Hinged to the world through a point on a body turned 90° about Z: the body must not jump.
    turned = body(
        "t",
        position=(0, 2, 0),
        rotation=(0, 0, math.pi / 2),
        scale=(1, 0.2, 0.2),
        mass=0,
        bodyType="kinematic",
    )
    arm = body("arm", position=(0, 1.2, 0), scale=(0.2, 0.6, 0.2))
    joint = _joint("j", "fixed", "arm", "t", anchorA=_vec(0, 0.3, 0))
    world = SceneWorld(scene_parse(scene_json(turned, arm, ground=False, joints={"j": joint})))
    world.step(30)
    assert world.poses()["arm"].position == pytest.approx((0, 1.2, 0), abs=2e-3)


def test_a_scene_without_joints_simulates_as_before():
    scene = scene_json(body("box", position=(0, 3, 0)))
    with_empty = SceneWorld(scene_parse({**scene, "joints": {}}))
    without = SceneWorld(scene_parse(scene))
    with_empty.step(60)
    without.step(60)
    assert with_empty.poses()["box"] == without.poses()["box"]
    assert without.world_anchor is None


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_every_vector_scene_passes_validation(name):
    report = scene_check(vector_compute(name)["scene"])
    assert report.valid, report.message
    assert report.warnings == []
