"""Rapier physics for a scene, built exactly the way the browser editor builds it (SCENE.md).

Conventions shared with `@dimforge/rapier3d-compat` in the editor, and pinned by the parity vectors in
`examples/physics/*.json`:

- a fixed 1/60 s step and Rapier's default solver settings;
- the ground (when the scene has one) is a fixed body at y = -0.1 with a cuboid collider of
  half-extents 10 x 0.1 x 10, friction 0.5, restitution 0, so its top face is y = 0;
- each object is one body with one collider whose mass is set explicitly (not derived from density);
- rotation is the quaternion computed once from the scene's Euler XYZ angles (`euler_xyz_to_quaternion`);
- static bodies are fixed, kinematic bodies are velocity-based and move with their given velocities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import rapier3d

from simulation.scene_schema import Scene, SceneObject

TIME_STEP = 1.0 / 60.0
STEPS_PER_SECOND = 60
GROUND_HALF_EXTENTS = (10.0, 0.1, 10.0)
GROUND_CENTRE = (0.0, -0.1, 0.0)
GROUND_FRICTION = 0.5
GROUND_RESTITUTION = 0.0

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
