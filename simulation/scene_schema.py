"""The one definition of the scene format (docs: SCENE.md).

These pydantic models are the API's body schemas, the source of `simulation/scene.schema.json`
(which the frontend's types and tests load), and the structural validator. Physical checks (overlaps,
bodies below the ground) live in `simulation.validation`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

MAX_OBJECTS = 500
MAX_JOINTS = 500
MAX_ID_LENGTH = 64
MAX_SCALE = 100.0
MAX_POSITION = 1000.0
MAX_MASS = 1e6
MAX_FRICTION = 10.0
MAX_SPEED = 1000.0
SHAPES = ("Box", "Sphere", "Cylinder")
BODY_TYPES = ("dynamic", "static", "kinematic")
JOINT_TYPES = ("fixed", "revolute", "spherical", "prismatic", "rope", "spring")
# Axes used when a joint that needs one gives none: a hinge about Z swings in the XY plane (the
# plane the default camera looks at); a slider moves along X.
DEFAULT_REVOLUTE_AXIS = (0.0, 0.0, 1.0)
DEFAULT_PRISMATIC_AXIS = (1.0, 0.0, 0.0)
MAX_JOINT_LENGTH = 1000.0
MAX_JOINT_FORCE = 1e9
DEFAULT_GRAVITY = (0.0, -9.81, 0.0)
SCHEMA_PATH = Path(__file__).with_name("scene.schema.json")

Shape = Literal["Box", "Sphere", "Cylinder"]
BodyType = Literal["dynamic", "static", "kinematic"]
JointType = Literal["fixed", "revolute", "spherical", "prismatic", "rope", "spring"]
# Drawing only (simulation/render/looks.json holds how each looks; a test keeps the lists equal).
Material = Literal["plastic", "metal", "rubber", "wood", "glass", "stone", "ice", "foam"]
GroundStyle = Literal["checker", "tiles", "wood", "concrete", "plain"]


class _Model(BaseModel):
    # Extra keys (such as the `_id` that /api/generate adds) are dropped, never an error; NaN and
    # infinities are refused everywhere.
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)


class Vec3(_Model):
    x: float = 0.0
    y: float = 0.0
    z: float = 0.0

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.x, self.y, self.z)


class Position(Vec3):
    x: float = Field(0.0, ge=-MAX_POSITION, le=MAX_POSITION)
    y: float = Field(0.0, ge=-MAX_POSITION, le=MAX_POSITION)
    z: float = Field(0.0, ge=-MAX_POSITION, le=MAX_POSITION)


class Scale(Vec3):
    x: float = Field(1.0, gt=0, le=MAX_SCALE)
    y: float = Field(1.0, gt=0, le=MAX_SCALE)
    z: float = Field(1.0, gt=0, le=MAX_SCALE)


class Velocity(Vec3):
    x: float = Field(0.0, ge=-MAX_SPEED, le=MAX_SPEED)
    y: float = Field(0.0, ge=-MAX_SPEED, le=MAX_SPEED)
    z: float = Field(0.0, ge=-MAX_SPEED, le=MAX_SPEED)


class Rotation(Vec3):
    """Euler angles in radians, order XYZ (three.js's default)."""

    x: float = Field(0.0, ge=-100.0, le=100.0)
    y: float = Field(0.0, ge=-100.0, le=100.0)
    z: float = Field(0.0, ge=-100.0, le=100.0)


class Transform(_Model):
    position: Position
    rotation: Rotation = Field(default_factory=Rotation)
    scale: Scale = Field(default_factory=Scale)


class PhysicsProperties(_Model):
    mass: float = Field(1.0, ge=0, le=MAX_MASS, description="kg; 0 means static")
    friction: float = Field(0.5, ge=0, le=MAX_FRICTION)
    restitution: float = Field(0.3, ge=0, le=1)


class VisualProperties(_Model):
    color: str = Field("#888888", pattern=r"^#[0-9a-fA-F]{6}$", description="#rrggbb")
    shape: Shape = "Box"
    material: Material | None = Field(
        None, description="how it is drawn; absent: the first material word of the description, else plastic"
    )


class SceneObject(_Model):
    id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    transform: Transform
    physicsProperties: PhysicsProperties = Field(default_factory=PhysicsProperties)
    visualProperties: VisualProperties = Field(default_factory=VisualProperties)
    description: str | None = Field(None, max_length=500)
    bodyType: BodyType | None = Field(None, description="default: static when mass is 0, else dynamic")
    linearVelocity: Velocity | None = None
    angularVelocity: Velocity | None = None

    @model_validator(mode="after")
    def _dynamic_needs_mass(self) -> SceneObject:
        if self.bodyType == "dynamic" and self.physicsProperties.mass == 0:
            raise ValueError("a dynamic body needs a mass above 0 (mass 0 means static)")
        return self

    @property
    def body_type(self) -> str:
        if self.bodyType:
            return self.bodyType
        return "static" if self.physicsProperties.mass == 0 else "dynamic"


class Camera(_Model):
    position: Position = Field(default_factory=lambda: Position(x=6, y=5, z=8))
    target: Position = Field(default_factory=Position)
    fov: float = Field(50.0, gt=1, lt=179, description="vertical field of view, degrees")

    @model_validator(mode="after")
    def _distinct(self) -> Camera:
        if self.position.as_tuple() == self.target.as_tuple():
            raise ValueError("camera position and target must differ")
        return self


class Gravity(Vec3):
    x: float = Field(0.0, ge=-1000, le=1000)
    y: float = Field(-9.81, ge=-1000, le=1000)
    z: float = Field(0.0, ge=-1000, le=1000)


class Axis(Vec3):
    """A direction; its length does not matter but it must not be zero."""

    x: float = Field(0.0, ge=-MAX_POSITION, le=MAX_POSITION)
    y: float = Field(0.0, ge=-MAX_POSITION, le=MAX_POSITION)
    z: float = Field(0.0, ge=-MAX_POSITION, le=MAX_POSITION)

    @model_validator(mode="after")
    def _not_zero(self) -> Axis:
        if self.x * self.x + self.y * self.y + self.z * self.z < 1e-12:
            raise ValueError("the axis must not be the zero vector")
        return self


class JointMotor(_Model):
    """Drives a revolute joint's angle (rad/s) or a prismatic joint's offset (m/s)."""

    targetVelocity: float = Field(ge=-MAX_SPEED, le=MAX_SPEED, description="rad/s or m/s")
    maxForce: float = Field(1000.0, gt=0, le=MAX_JOINT_FORCE, description="N·m (revolute) or N (prismatic)")


class Joint(_Model):
    """A constraint between object `bodyA` and object `bodyB`, or the fixed world when `bodyB` is null.

    `anchorA` is in bodyA's own frame (relative to its centre, before its rotation); `anchorB` is in
    bodyB's frame, or a world point when bodyB is null; absent, it is the point that coincides with
    anchorA in the scene's initial pose. `axis` is in bodyA's frame. Angles and offsets (limits)
    count from the initial pose.
    """

    id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    type: JointType
    bodyA: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    bodyB: str | None = Field(None, max_length=MAX_ID_LENGTH, description="null: the fixed world")
    anchorA: Position = Field(default_factory=Position)
    anchorB: Position | None = Field(None, description="default: where anchorA starts")
    axis: Axis | None = Field(
        None, description="revolute (default z) and prismatic (default x), in bodyA's frame"
    )
    limits: tuple[float, float] | None = Field(
        None, description="revolute: [min, max] radians; prismatic: [min, max] metres along the axis"
    )
    motor: JointMotor | None = Field(None, description="revolute and prismatic")
    length: float | None = Field(
        None,
        gt=0,
        le=MAX_JOINT_LENGTH,
        description="rope: maximum length; spring: rest length (default: the anchors' start distance)",
    )
    stiffness: float | None = Field(None, ge=0, le=MAX_JOINT_FORCE, description="spring: N/m")
    damping: float | None = Field(None, ge=0, le=MAX_JOINT_FORCE, description="spring: N·s/m")

    @field_validator("limits")
    @classmethod
    def _limits_ordered(cls, limits: tuple[float, float] | None) -> tuple[float, float] | None:
        if limits is not None:
            low, high = limits
            if not (-MAX_POSITION <= low <= high <= MAX_POSITION):
                raise ValueError(f"limits must be [min, max] with min <= max, within ±{MAX_POSITION:g}")
        return limits

    @model_validator(mode="after")
    def _two_bodies(self) -> Joint:
        if self.bodyA == self.bodyB:
            raise ValueError("bodyA and bodyB must differ (null bodyB attaches to the world)")
        return self


class Scene(_Model):
    objects: dict[str, SceneObject] = Field(default_factory=dict)
    selectedObject: str | None = None
    gravity: Gravity | None = None
    ground: bool | None = None
    camera: Camera | None = None
    joints: dict[str, Joint] | None = Field(None, description="absent: no joints")
    groundStyle: GroundStyle | None = Field(None, description="the ground's look in renders; absent: checker")

    @field_validator("objects")
    @classmethod
    def _objects_keyed_by_id(cls, objects: dict[str, SceneObject]) -> dict[str, SceneObject]:
        if len(objects) > MAX_OBJECTS:
            raise ValueError(f"a scene holds at most {MAX_OBJECTS} objects, this one has {len(objects)}")
        for key, obj in objects.items():
            if key != obj.id:
                raise ValueError(f"object key {key!r} differs from its id {obj.id!r}")
        return objects

    @field_validator("joints")
    @classmethod
    def _joints_keyed_by_id(cls, joints: dict[str, Joint] | None) -> dict[str, Joint] | None:
        if joints is None:
            return None
        if len(joints) > MAX_JOINTS:
            raise ValueError(f"a scene holds at most {MAX_JOINTS} joints, this one has {len(joints)}")
        for key, joint in joints.items():
            if key != joint.id:
                raise ValueError(f"joint key {key!r} differs from its id {joint.id!r}")
        return joints

    @model_validator(mode="after")
    def _joints_name_objects(self) -> Scene:
        for key, joint in (self.joints or {}).items():
            for field, body_id in (("bodyA", joint.bodyA), ("bodyB", joint.bodyB)):
                if body_id is not None and body_id not in self.objects:
                    raise ValueError(f"joint {key!r} field {field}: no object {body_id!r} in the scene")
        return self

    @property
    def gravity_vector(self) -> tuple[float, float, float]:
        return self.gravity.as_tuple() if self.gravity else DEFAULT_GRAVITY

    @property
    def has_ground(self) -> bool:
        return True if self.ground is None else self.ground

    def to_json(self) -> dict[str, Any]:
        """The JSON document, without optional fields that were absent."""
        return self.model_dump(mode="json", exclude_none=True, exclude={"selectedObject"}) | {
            "selectedObject": self.selectedObject
        }


class SceneInvalid(ValueError):
    """A scene that breaks the format; `errors` holds one readable line per problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(
            "; ".join(errors[:5]) + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else "")
        )


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc if part not in ("function-after",)]
    if len(parts) >= 2 and parts[0] == "objects":
        return f"object {parts[1]!r}" + (f" field {'.'.join(parts[2:])}" if parts[2:] else "")
    if len(parts) >= 2 and parts[0] == "joints":
        return f"joint {parts[1]!r}" + (f" field {'.'.join(parts[2:])}" if parts[2:] else "")
    return ".".join(parts) or "scene"


def validation_messages(exc: ValidationError) -> list[str]:
    messages = []
    for error in exc.errors(include_url=False):
        message = error.get("msg", "invalid")
        message = message.removeprefix("Value error, ")
        messages.append(f"{_location(tuple(error.get('loc', ())))}: {message}")
    return messages


def scene_parse(data: Any) -> Scene:
    """A Scene from decoded JSON, or SceneInvalid with a message naming each object and field."""
    if isinstance(data, Scene):
        return data
    if not isinstance(data, dict):
        raise SceneInvalid(["scene: expected a JSON object with an 'objects' map"])
    try:
        return Scene.model_validate(data)
    except ValidationError as exc:
        raise SceneInvalid(validation_messages(exc)) from exc


def scene_json_schema() -> dict[str, Any]:
    schema = Scene.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://simpoc.local/scene.schema.json",
        "title": "Scene",
        "description": "A rigid-body scene: Y is up; metres, kilograms, seconds. See SCENE.md.",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def scene_json_schema_text() -> str:
    return json.dumps(scene_json_schema(), indent=2, sort_keys=True) + "\n"
