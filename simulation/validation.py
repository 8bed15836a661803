"""Structural and physical checks of a scene: the body of `/api/validate` and the gate before saving
or rendering.

Structural problems come from the schema (`simulation.scene_schema`). Physical checks build the same
Rapier world the renderer steps and ask it: which dynamic bodies start overlapping another body
(rotation included), which start below the ground, which are so high they take seconds to land, and
whether the scene is empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import rapier3d

from simulation.render.physics import SceneWorld, jointed_without_contacts
from simulation.scene_schema import Scene, SceneInvalid, SceneObject, scene_parse

# Bodies may touch (a stack) or sink into each other by less than this without being reported.
OVERLAP_TOLERANCE = 0.001
# A body that needs longer than this to fall to the ground gets a warning.
MAX_FALL_SECONDS = 2.0

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    message: str
    object_ids: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"severity": self.severity, "message": self.message, "objects": list(self.object_ids)}


@dataclass
class SceneReport:
    findings: list[Finding] = field(default_factory=list)
    scene: Scene | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def valid(self) -> bool:
        return self.scene is not None and not self.errors

    @property
    def message(self) -> str:
        if self.valid and not self.warnings:
            return "The scene is valid."
        if self.valid:
            return f"The scene is valid, with {len(self.warnings)} warning(s): " + "; ".join(
                f.message for f in self.warnings[:3]
            )
        return f"The scene has {len(self.errors)} error(s): " + "; ".join(f.message for f in self.errors[:3])

    def as_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "message": self.message,
            "details": {
                "errors": [f.as_json() for f in self.errors],
                "warnings": [f.as_json() for f in self.warnings],
                "object_count": len(self.scene.objects) if self.scene else 0,
            },
        }


def _shrunk_shape(obj: SceneObject) -> rapier3d.SharedShape:
    """The object's collider shape made OVERLAP_TOLERANCE smaller on every side."""
    scale = obj.transform.scale
    shrink = OVERLAP_TOLERANCE

    def half(size: float) -> float:
        return max(size / 2 - shrink, size / 4)

    shape = obj.visualProperties.shape
    if shape == "Sphere":
        return rapier3d.SharedShape.ball(half(scale.x))
    if shape == "Cylinder":
        return rapier3d.SharedShape.cylinder(half(scale.y), half(scale.x))
    return rapier3d.SharedShape.cuboid(half(scale.x), half(scale.y), half(scale.z))


def _overlaps(scene: Scene, world: SceneWorld) -> list[Finding]:
    bodies = world.world.rigid_bodies
    colliders = world.world.colliders
    owner_of = {}
    for object_id, handle in world.handles.items():
        for collider_handle in bodies[handle].colliders:
            owner_of[collider_handle] = object_id
    world.world.update_query_pipeline()
    pairs: set[tuple[str, str]] = set()
    for object_id, obj in scene.objects.items():
        if obj.body_type != "dynamic":
            continue
        handle = world.handles[object_id]
        pose = colliders[bodies[handle].colliders[0]].position
        hits: list[str] = []

        def collect(collider_handle: object, hits: list[str] = hits) -> bool:
            other = owner_of.get(collider_handle)
            if other is not None:
                hits.append(other)
            return True

        world.world.query_pipeline.intersect_shape(
            pose, _shrunk_shape(obj), collect, filter=rapier3d.QueryFilter().exclude_rigid_body(handle)
        )
        for other in hits:
            pairs.add((min(object_id, other), max(object_id, other)))
    # Bodies held together by a joint that turns their contacts off (a door in its frame, a wheel on
    # its axle) may overlap where they meet: Rapier never pushes them apart.
    pairs -= jointed_without_contacts(scene)
    return [
        Finding("error", f"objects {a!r} and {b!r} overlap at the start", (a, b)) for a, b in sorted(pairs)
    ]


def _ground_checks(scene: Scene, world: SceneWorld) -> list[Finding]:
    findings: list[Finding] = []
    bodies = world.world.rigid_bodies
    colliders = world.world.colliders
    gravity = scene.gravity_vector
    down = -gravity[1]
    for object_id, obj in scene.objects.items():
        aabb = colliders[bodies[world.handles[object_id]].colliders[0]].compute_aabb()
        bottom, top = aabb.mins.y, aabb.maxs.y
        dynamic = obj.body_type == "dynamic"
        if scene.has_ground and dynamic and bottom < -OVERLAP_TOLERANCE:
            findings.append(
                Finding(
                    "error",
                    f"object {object_id!r} starts below the ground (its bottom is at y = {bottom:.3f} m)",
                    (object_id,),
                )
            )
        elif scene.has_ground and not dynamic and top < 0:
            findings.append(
                Finding("warning", f"object {object_id!r} is entirely below the ground", (object_id,))
            )
        if scene.has_ground and dynamic and down > 0.1 and bottom > 0:
            fall_seconds = math.sqrt(2 * bottom / down)
            if fall_seconds > MAX_FALL_SECONDS:
                findings.append(
                    Finding(
                        "warning",
                        f"object {object_id!r} starts {bottom:.1f} m up and needs about "
                        f"{fall_seconds:.1f} s to land",
                        (object_id,),
                    )
                )
    return findings


def scene_check(data: Any) -> SceneReport:
    """Every structural and physical finding for a decoded JSON scene (never raises for bad input)."""
    try:
        scene = scene_parse(data)
    except SceneInvalid as exc:
        return SceneReport(findings=[Finding("error", message) for message in exc.errors])
    report = SceneReport(scene=scene)
    if not scene.objects:
        report.findings.append(Finding("warning", "the scene is empty: add at least one object"))
        return report
    world = SceneWorld(scene)
    report.findings.extend(_overlaps(scene, world))
    report.findings.extend(_ground_checks(scene, world))
    if scene.selectedObject is not None and scene.selectedObject not in scene.objects:
        report.findings.append(
            Finding("warning", f"selectedObject {scene.selectedObject!r} is not an object of the scene")
        )
    return report
