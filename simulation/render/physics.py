"""Rapier physics for a scene, built exactly the way the browser editor builds it (SCENE.md).

Conventions shared with `@dimforge/rapier3d-compat` in the editor, and pinned by the parity vectors in
`examples/physics/*.json`:

- a fixed 1/60 s step and Rapier's default solver settings;
- the ground (when the scene has one) is a fixed body at y = -0.1 with a cuboid collider of
  half-extents 10 x 0.1 x 10, friction 0.5, restitution 0, so its top face is y = 0;
- each object is one body with one collider whose mass is set explicitly (not derived from density);
- rotation is the quaternion computed once from the scene's Euler XYZ angles (`euler_xyz_to_quaternion`);
- static bodies are fixed, kinematic bodies are velocity-based and move with their given velocities;
- joints (SCENE.md "Joints", `joint_frames`) come after every body; a joint to the world attaches to
  one extra fixed body at the origin, without a collider, added after the objects only when a joint
  needs it. Revolute, prismatic, fixed and spherical joints get both local frames explicitly (the
  frame on bodyA turns X onto the axis; the one on bodyB is the same frame at the start), with
  contacts between the two bodies off; rope and spring joints keep contacts on. Rapier's body 1 is
  bodyB (or the world body) and body 2 is bodyA, so limits and motors say how A moves relative to B.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import rapier3d

from simulation.scene_schema import (
    DEFAULT_PRISMATIC_AXIS,
    DEFAULT_REVOLUTE_AXIS,
    Joint,
    Scene,
    SceneObject,
)

TIME_STEP = 1.0 / 60.0
STEPS_PER_SECOND = 60
GROUND_HALF_EXTENTS = (10.0, 0.1, 10.0)
GROUND_CENTRE = (0.0, -0.1, 0.0)
GROUND_FRICTION = 0.5
GROUND_RESTITUTION = 0.0
# The "factor" of Rapier's velocity motor: how hard a joint motor pulls towards its target speed
# (acceleration-based model), before `maxForce` caps it.
MOTOR_FACTOR = 10.0
DEFAULT_SPRING_STIFFNESS = 100.0
DEFAULT_SPRING_DAMPING = 1.0

Quat = tuple[float, float, float, float]  # (x, y, z, w)
Vec = tuple[float, float, float]


@dataclass(frozen=True)
class Pose:
    position: Vec
    rotation: Quat  # (x, y, z, w)


def euler_xyz_to_quaternion(x: float, y: float, z: float) -> Quat:
    """three.js `Quaternion.setFromEuler` for order XYZ, as (x, y, z, w)."""
    c1, c2, c3 = math.cos(x / 2), math.cos(y / 2), math.cos(z / 2)
    s1, s2, s3 = math.sin(x / 2), math.sin(y / 2), math.sin(z / 2)
    return (
        s1 * c2 * c3 + c1 * s2 * s3,
        c1 * s2 * c3 - s1 * c2 * s3,
        c1 * c2 * s3 + s1 * s2 * c3,
        c1 * c2 * c3 - s1 * s2 * s3,
    )


IDENTITY: Quat = (0.0, 0.0, 0.0, 1.0)


def quat_multiply(a: Quat, b: Quat) -> Quat:
    ax, ay, az, aw = a
    bx, by, bz, bw = b
    return (
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
        aw * bw - ax * bx - ay * by - az * bz,
    )


def quat_conjugate(q: Quat) -> Quat:
    return (-q[0], -q[1], -q[2], q[3])


def quat_rotate(q: Quat, v: Vec) -> Vec:
    x, y, z, _ = quat_multiply(quat_multiply(q, (v[0], v[1], v[2], 0.0)), quat_conjugate(q))
    return (x, y, z)


def quat_from_x_to(axis: Vec) -> Quat:
    """The shortest rotation that turns +X onto `axis` (any length above 0)."""
    length = math.sqrt(axis[0] ** 2 + axis[1] ** 2 + axis[2] ** 2)
    x, y, z = axis[0] / length, axis[1] / length, axis[2] / length
    if x < -1.0 + 1e-9:
        return (0.0, 0.0, 1.0, 0.0)  # half a turn about Z
    # (cross(X, axis), 1 + dot(X, axis)), normalised
    qx, qy, qz, qw = 0.0, -z, y, 1.0 + x
    norm = math.sqrt(qy * qy + qz * qz + qw * qw)
    return (qx / norm, qy / norm, qz / norm, qw / norm)


@dataclass(frozen=True)
class JointFrames:
    """One joint's attachment on each body: anchor points and frame rotations in body-local space."""

    anchor_a: Vec
    anchor_b: Vec
    frame_a: Quat
    frame_b: Quat
    start_distance: float  # between the two anchors in the initial pose


def object_quaternion(obj: SceneObject) -> Quat:
    rotation = obj.transform.rotation
    return euler_xyz_to_quaternion(rotation.x, rotation.y, rotation.z)


def joint_frames(joint: Joint, scene: Scene) -> JointFrames:
    """Where a joint attaches (SCENE.md "Joints"); the browser's `jointFrames` computes the same."""
    obj_a = scene.objects[joint.bodyA]
    qa = object_quaternion(obj_a)
    pa = obj_a.transform.position.as_tuple()
    if joint.bodyB is None:  # the world body: at the origin, unrotated
        qb, pb = IDENTITY, (0.0, 0.0, 0.0)
    else:
        obj_b = scene.objects[joint.bodyB]
        qb, pb = object_quaternion(obj_b), obj_b.transform.position.as_tuple()
    anchor_a = joint.anchorA.as_tuple()
    offset = quat_rotate(qa, anchor_a)
    world_a = (pa[0] + offset[0], pa[1] + offset[1], pa[2] + offset[2])
    if joint.anchorB is not None:
        anchor_b = joint.anchorB.as_tuple()
    else:
        anchor_b = quat_rotate(
            quat_conjugate(qb), (world_a[0] - pb[0], world_a[1] - pb[1], world_a[2] - pb[2])
        )
    offset = quat_rotate(qb, anchor_b)
    world_b = (pb[0] + offset[0], pb[1] + offset[1], pb[2] + offset[2])
    if joint.axis is not None:
        axis = joint.axis.as_tuple()
    else:
        axis = DEFAULT_PRISMATIC_AXIS if joint.type == "prismatic" else DEFAULT_REVOLUTE_AXIS
    frame_a = quat_from_x_to(axis)
    frame_b = quat_multiply(quat_multiply(quat_conjugate(qb), qa), frame_a)
    return JointFrames(
        anchor_a=anchor_a,
        anchor_b=anchor_b,
        frame_a=frame_a,
        frame_b=frame_b,
        start_distance=math.dist(world_a, world_b),
    )


def jointed_without_contacts(scene: Scene) -> set[tuple[str, str]]:
    """Pairs of object ids (sorted) joined by a joint that turns their contacts off."""
    return {
        (min(joint.bodyA, joint.bodyB), max(joint.bodyA, joint.bodyB))
        for joint in (scene.joints or {}).values()
        if joint.bodyB is not None and joint.type in _LOCKED_AXES
    }


_LOCKED_AXES = {
    "fixed": rapier3d.JointAxesMask.LOCKED_FIXED_AXES,
    "revolute": rapier3d.JointAxesMask.LOCKED_REVOLUTE_AXES,
    "prismatic": rapier3d.JointAxesMask.LOCKED_PRISMATIC_AXES,
    "spherical": rapier3d.JointAxesMask.LOCKED_SPHERICAL_AXES,
}


def _isometry(translation: Vec, rotation: Quat) -> rapier3d.Isometry3:
    return rapier3d.Isometry3(translation=translation, rotation=rapier3d.Quaternion.from_tuple(rotation))


def joint_builder(joint: Joint, scene: Scene):  # -> a rapier3d joint builder
    """The Rapier joint for one scene joint, built as the browser's `createJoint` builds it."""
    frames = joint_frames(joint, scene)
    if joint.type == "rope":
        length = joint.length if joint.length is not None else max(frames.start_distance, 1e-3)
        return (
            rapier3d.RopeJointBuilder(max_distance=length)
            .local_anchor1(frames.anchor_b)
            .local_anchor2(frames.anchor_a)
            .contacts_enabled(True)
        )
    if joint.type == "spring":
        rest = joint.length if joint.length is not None else frames.start_distance
        stiffness = joint.stiffness if joint.stiffness is not None else DEFAULT_SPRING_STIFFNESS
        damping = joint.damping if joint.damping is not None else DEFAULT_SPRING_DAMPING
        return (
            rapier3d.SpringJointBuilder(rest_length=rest, stiffness=stiffness, damping=damping)
            .local_anchor1(frames.anchor_b)
            .local_anchor2(frames.anchor_a)
            .contacts_enabled(True)
        )
    builder = (
        rapier3d.GenericJointBuilder(locked_axes=_LOCKED_AXES[joint.type])
        .local_frame1(_isometry(frames.anchor_b, frames.frame_b))
        .local_frame2(_isometry(frames.anchor_a, frames.frame_a))
        .contacts_enabled(False)
    )
    if joint.type in ("revolute", "prismatic"):
        axis = rapier3d.JointAxis.ANG_X if joint.type == "revolute" else rapier3d.JointAxis.LIN_X
        if joint.limits is not None:
            builder = builder.limits(axis, joint.limits[0], joint.limits[1])
        if joint.motor is not None:
            builder = builder.motor_velocity(axis, joint.motor.targetVelocity, MOTOR_FACTOR)
            builder = builder.motor_max_force(axis, joint.motor.maxForce)
    return builder


def steps_for_duration(duration: float) -> int:
    """The number of fixed steps that advance physics by `duration` seconds."""
    return round(duration * STEPS_PER_SECOND)


def collider_builder(obj: SceneObject) -> rapier3d.ColliderBuilder:
    """The collider of one object (SCENE.md "Shapes and sizes"), material and mass included."""
    scale = obj.transform.scale
    shape = obj.visualProperties.shape
    if shape == "Sphere":
        builder = rapier3d.Collider.ball(scale.x / 2)
    elif shape == "Cylinder":
        builder = rapier3d.Collider.cylinder(scale.y / 2, scale.x / 2)
    else:
        builder = rapier3d.Collider.cuboid(scale.x / 2, scale.y / 2, scale.z / 2)
    props = obj.physicsProperties
    builder = builder.friction(props.friction).restitution(props.restitution)
    if props.mass > 0:
        builder = builder.mass(props.mass)
    return builder


def body_pose(obj: SceneObject) -> rapier3d.Isometry3:
    rotation = obj.transform.rotation
    quat = euler_xyz_to_quaternion(rotation.x, rotation.y, rotation.z)
    return rapier3d.Isometry3(
        translation=obj.transform.position.as_tuple(), rotation=rapier3d.Quaternion.from_tuple(quat)
    )


def body_builder(obj: SceneObject) -> rapier3d.RigidBodyBuilder:
    body_type = obj.body_type
    if body_type == "static":
        builder = rapier3d.RigidBody.fixed()
    elif body_type == "kinematic":
        builder = rapier3d.RigidBody.kinematic_velocity_based()
    else:
        builder = rapier3d.RigidBody.dynamic()
    builder = builder.position(body_pose(obj))
    if body_type != "static":
        if obj.linearVelocity:
            builder = builder.linvel(obj.linearVelocity.as_tuple())
        if obj.angularVelocity:
            builder = builder.angvel(obj.angularVelocity.as_tuple())
    return builder


class SceneWorld:
    """A Rapier world for one scene, stepped on the fixed 1/60 s step."""

    def __init__(self, scene: Scene):
        self.scene = scene
        self.world = rapier3d.PhysicsWorld(gravity=scene.gravity_vector)
        self.steps_taken = 0
        if scene.has_ground:
            self.world.add_body(
                rapier3d.RigidBody.fixed().translation(GROUND_CENTRE),
                colliders=[
                    rapier3d.Collider.cuboid(*GROUND_HALF_EXTENTS)
                    .friction(GROUND_FRICTION)
                    .restitution(GROUND_RESTITUTION)
                ],
            )
        self.handles: dict[str, object] = {}
        for object_id, obj in scene.objects.items():
            self.handles[object_id] = self.world.add_body(
                body_builder(obj), colliders=[collider_builder(obj)]
            )
        joints = scene.joints or {}
        self.world_anchor = None
        if any(joint.bodyB is None for joint in joints.values()):
            self.world_anchor = self.world.add_body(rapier3d.RigidBody.fixed(), colliders=[])
        self.joint_handles: dict[str, object] = {}
        for joint_id, joint in joints.items():
            body_b = self.world_anchor if joint.bodyB is None else self.handles[joint.bodyB]
            # Rapier's body 1 is bodyB (or the world) and body 2 is bodyA, so limits and motors
            # measure how bodyA moves relative to what holds it.
            self.joint_handles[joint_id] = self.world.impulse_joints.insert(
                body_b, self.handles[joint.bodyA], joint_builder(joint, scene), True
            )

    @property
    def time(self) -> float:
        return self.steps_taken * TIME_STEP

    def step(self, count: int = 1) -> None:
        for _ in range(count):
            self.world.step()
        self.steps_taken += count

    def step_to(self, steps: int) -> None:
        """Advance until `steps` steps have been taken in total (never backwards)."""
        if steps > self.steps_taken:
            self.step(steps - self.steps_taken)

    def poses(self) -> dict[str, Pose]:
        bodies = self.world.rigid_bodies
        poses = {}
        for object_id, handle in self.handles.items():
            body = bodies[handle]
            translation = body.translation
            rotation = body.rotation
            poses[object_id] = Pose(
                position=(translation.x, translation.y, translation.z),
                rotation=rotation.to_tuple(),
            )
        return poses


def frame_step_counts(*, duration: float, fps: int) -> list[int]:
    """For each frame of a `duration`-second clip at `fps`, the physics step count it shows.

    Frame i shows the state at time i / fps (frame 0 is the initial state), rounded to the nearest
    fixed step; physics itself always advances by whole 1/60 s steps, whatever the fps.
    """
    frames = max(round(duration * fps), 1)
    return [round(i * STEPS_PER_SECOND / fps) for i in range(frames)]


def simulate(scene: Scene, *, sample_times: list[float]) -> dict[float, dict[str, Pose]]:
    """The poses of every body at each sample time (seconds, rounded to whole steps)."""
    world = SceneWorld(scene)
    samples: dict[float, dict[str, Pose]] = {}
    for time in sorted(sample_times):
        world.step_to(steps_for_duration(time))
        samples[time] = world.poses()
    return samples
