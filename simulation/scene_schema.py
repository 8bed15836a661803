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
MAX_ID_LENGTH = 64
MAX_SCALE = 100.0
MAX_POSITION = 1000.0
MAX_MASS = 1e6
MAX_FRICTION = 10.0
MAX_SPEED = 1000.0
SHAPES = ("Box", "Sphere", "Cylinder")
BODY_TYPES = ("dynamic", "static", "kinematic")
DEFAULT_GRAVITY = (0.0, -9.81, 0.0)
SCHEMA_PATH = Path(__file__).with_name("scene.schema.json")

Shape = Literal["Box", "Sphere", "Cylinder"]
BodyType = Literal["dynamic", "static", "kinematic"]


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


class Scene(_Model):
    objects: dict[str, SceneObject] = Field(default_factory=dict)
    selectedObject: str | None = None
    gravity: Gravity | None = None
    ground: bool | None = None
    camera: Camera | None = None

    @field_validator("objects")
    @classmethod
    def _objects_keyed_by_id(cls, objects: dict[str, SceneObject]) -> dict[str, SceneObject]:
        if len(objects) > MAX_OBJECTS:
            raise ValueError(f"a scene holds at most {MAX_OBJECTS} objects, this one has {len(objects)}")
        for key, obj in objects.items():
            if key != obj.id:
                raise ValueError(f"object key {key!r} differs from its id {obj.id!r}")
        return objects

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
