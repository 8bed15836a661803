"""The local composer: a deterministic, rule-based scene generator that needs no key or network.

It reads a prompt into object groups (`vocabulary.parse_groups`), builds the scenery it names (tables,
ramps, walls, platforms), lays out each group (stack, pyramid, row, grid) relative to its target
("on", "next to", "into"), gives motion ("falling", "bouncing", "rolling"), then lifts anything that
overlaps so every scene starts clean, and frames a camera on the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulation.providers.placement import bounds, frame_camera, set_bottom, settle, unique_id
from simulation.providers.vocabulary import DEFAULT_MATERIAL, RAINBOW, Group, Material, parse_groups

GROUP_COLOURS = ["#1e88e5", "#e53935", "#43a047", "#fdd835", "#8e24aa", "#fb8c00"]
FALL_HEIGHT = 1.5  # metres above the target that falling things start at
ROLL_SPEED = 8.0  # m/s for things rolling into something
RAMP_ANGLE = math.radians(30)


@dataclass
class Composition:
    scene: dict[str, Any]
    notes: list[str] = field(default_factory=list)


@dataclass
class Placed:
    """Where a group ended up: its object ids and the bounding box of them all."""

    ids: list[str]
    low: np.ndarray
    high: np.ndarray
    kind: str = "shape"
    fixture: str = ""


def make_object(
    *,
    object_id: str,
    shape: str,
    scale: tuple[float, float, float],
    position: tuple[float, float, float],
    color: str,
    mass: float,
    material: Material,
    rotation: tuple[float, float, float] = (0.0, 0.0, 0.0),
    description: str | None = None,
) -> dict[str, Any]:
    def vec(v: tuple[float, float, float]) -> dict[str, float]:
        return {"x": round(v[0], 4), "y": round(v[1], 4), "z": round(v[2], 4)}

    return {
        "id": object_id,
        "transform": {"position": vec(position), "rotation": vec(rotation), "scale": vec(scale)},
        "physicsProperties": {
            "mass": round(mass, 3),
            "friction": material.friction,
            "restitution": material.restitution,
        },
        "visualProperties": {"color": color, "shape": shape},
        "description": description,
    }


def shape_mass(shape: str, scale: tuple[float, float, float], density: float) -> float:
    if shape == "Sphere":
        volume = 4 / 3 * math.pi * (scale[0] / 2) ** 3
    elif shape == "Cylinder":
        volume = math.pi * (scale[0] / 2) ** 2 * scale[1]
    else:
        volume = scale[0] * scale[1] * scale[2]
    return max(round(density * volume, 3), 0.01)


class Composer:
    def __init__(self, prompt: str):
        self.prompt = prompt
        self.groups = parse_groups(prompt)
        self.objects: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []
        self.placed: dict[int, Placed] = {}
        self.cursor_x = 0.0
        self.notes: list[str] = []

    # --- building blocks -------------------------------------------------------------------------

    def add(self, obj: dict[str, Any]) -> str:
        self.objects[obj["id"]] = obj
        self.order.append(obj["id"])
        return obj["id"]

    def static(
        self, base: str, shape: str, scale, position, color, rotation=(0.0, 0.0, 0.0), material=None
    ) -> str:
        material = material or DEFAULT_MATERIAL
        obj = make_object(
            object_id=unique_id(base, self.objects),
            shape=shape,
            scale=scale,
            position=position,
            rotation=rotation,
            color=color,
            mass=0.0,
            material=material,
            description=base.replace("_", " "),
        )
        return self.add(obj)

    def box_of(self, ids: list[str], kind: str = "shape", fixture: str = "") -> Placed:
        lows, highs = zip(*(bounds(self.objects[i]) for i in ids), strict=True)
        return Placed(ids, np.min(lows, axis=0), np.max(highs, axis=0), kind, fixture)

    def next_slot(self, width: float) -> float:
        """The x centre of the next free slot along the scene's main row."""
        centre = self.cursor_x + width / 2
        self.cursor_x += width + 1.0
        return centre

    # --- scenery -----------------------------------------------------------------------------------

    def build_fixture(self, group: Group, x: float) -> Placed:
        material = group.material
        color = group.colours[0] if group.colours else (material.color if material else "#8d6e63")
        if group.fixture == "table":
            top_y, legs = 1.0, []
            top = self.static(
                "table_top", "Box", (3.0, 0.15, 2.0), (x, top_y - 0.075, 0.0), color, material=material
            )
            for dx in (-1.35, 1.35):
                for dz in (-0.85, 0.85):
                    legs.append(
                        self.static("table_leg", "Cylinder", (0.12, top_y - 0.15, 0.12),
                                    (x + dx, (top_y - 0.15) / 2, dz), color, material=material)
                    )  # fmt: skip
            return self.box_of([top, *legs], "fixture", "table")
        if group.fixture == "ramp":
            ramp = self.static(
                "ramp", "Box", (4.0, 0.2, 2.0), (x, 1.0, 0.0), color, (0.0, 0.0, RAMP_ANGLE), material
            )
            set_bottom(self.objects[ramp], 0.0)
            return self.box_of([ramp], "fixture", "ramp")
        if group.fixture == "wall":
            wall = self.static("wall", "Box", (0.3, 1.5, 3.0), (x, 0.75, 0.0), color, material=material)
            return self.box_of([wall], "fixture", "wall")
        if group.fixture == "platform":
            platform = self.static(
                "platform", "Box", (1.6, 0.8, 1.6), (x, 0.4, 0.0), color, material=material
            )
            return self.box_of([platform], "fixture", "platform")
        return Placed([], np.array([x - 1, 0, -1]), np.array([x + 1, 0, 1]), "fixture", "floor")

    # --- movable groups ----------------------------------------------------------------------------

    def layout_offsets(
        self, group: Group, scale: tuple[float, float, float]
    ) -> list[tuple[float, float, float]]:
        """Positions of the group's members around (0, 0, 0), bottoms at y >= 0 before lifting."""
        n, (sx, sy, sz) = group.count, scale
        layout = group.layout or ("row" if group.name == "domino" else "")
        if layout == "stack":
            return [(0.0, sy / 2 + i * sy, 0.0) for i in range(n)]
        if layout == "pyramid":
            rows = 1
            while rows * (rows + 1) // 2 < n:
                rows += 1
            offsets, left = [], n
            for row in range(rows):
                in_row = rows - row
                for k in range(min(in_row, left)):
                    offsets.append(((k - (in_row - 1) / 2) * (sx + 0.01), sy / 2 + row * sy, 0.0))
                left -= in_row
            return offsets
        if layout == "row":
            spacing = sy * 0.55 if group.name == "domino" else sx * 1.6
            return [((i - (n - 1) / 2) * spacing, sy / 2, 0.0) for i in range(n)]
        if layout == "circle":
            radius = max(sx * n / (2 * math.pi) * 1.6, sx * 1.5)
            return [
                (radius * math.cos(2 * math.pi * i / n), sy / 2, radius * math.sin(2 * math.pi * i / n))
                for i in range(n)
            ]
        columns = math.ceil(math.sqrt(n))
        spacing_x, spacing_z = sx * 1.6, sz * 1.6
        return [
            (
                ((i % columns) - (columns - 1) / 2) * spacing_x,
                sy / 2,
                ((i // columns) - (columns - 1) / 2) * spacing_z,
            )
            for i in range(n)
        ]

    def colour(self, group: Group, number: int, member: int) -> str:
        if group.multicolour:
            return RAINBOW[(member + number) % len(RAINBOW)]
        if group.colours:
            return group.colours[member % len(group.colours)]
        if group.material:
            return group.material.color
        return GROUP_COLOURS[number % len(GROUP_COLOURS)]

    def build_shapes(self, number: int, group: Group) -> Placed:
        scale = tuple(v * group.size for v in group.base_scale)
        material = group.material or DEFAULT_MATERIAL
        if group.motion == "bounce" and not group.material:
            material = Material("bouncy", material.color, material.density, material.friction, 0.8)
        if (group.motion == "roll" or group.relation == "into") and not group.material:
            # Something sent rolling into others is heavy enough to knock them over (a bowling ball).
            material = Material(
                "heavy", material.color, material.density * 8, material.friction, material.restitution
            )
        offsets = self.layout_offsets(group, scale)
        anchor, lift, velocity = self.anchor_for(number, group, offsets, scale)
        target = self.placed.get(group.target) if group.target is not None else None
        if group.relation == "on" and target is not None and target.fixture != "ramp" and len(offsets) > 1:
            # Fit the group over the target's top so falling things land on it, not beside it.
            span = max(max(abs(o[0]) for o in offsets), max(abs(o[2]) for o in offsets), 1e-6)
            room = max(
                min(target.high[0] - target.low[0], target.high[2] - target.low[2]) / 2 - scale[0] / 4, 0
            )
            factor = min(1.0, float(room) / span)
            offsets = [(o[0] * factor, o[1], o[2] * factor) for o in offsets]
        ids = []
        stagger = group.motion == "fall" and group.layout not in {"stack", "pyramid"}
        for member, (ox, oy, oz) in enumerate(offsets):
            rotation = (0.0, 0.0, 0.0)
            if group.name == "domino" and member == 0:
                rotation = (0.0, 0.0, -0.25)  # the first domino leans into the next one
            obj = make_object(
                object_id=unique_id(
                    f"{group.colour_words[0] if group.colour_words else ''}_{group.name}", self.objects
                ),
                shape=group.shape,
                scale=scale,
                position=(
                    anchor[0] + ox,
                    anchor[1] + lift + oy + (member * 0.6 if stagger else 0.0),
                    anchor[2] + oz,
                ),
                rotation=rotation,
                color=self.colour(group, number, member),
                mass=shape_mass(group.shape, scale, material.density),
                material=material,
                description=group.describe(),
            )
            if velocity is not None:
                obj["linearVelocity"] = {"x": velocity[0], "y": velocity[1], "z": velocity[2]}
            ids.append(self.add(obj))
        return self.box_of(ids)

    def anchor_for(
        self, number: int, group: Group, offsets, scale
    ) -> tuple[tuple[float, float, float], float, Any]:
        """Where the group's layout is centred, how far it starts above that, and its velocity."""
        xs = [o[0] for o in offsets]
        width = (max(xs) - min(xs)) + scale[0]
        target = self.placed.get(group.target) if group.target is not None else None
        lift = FALL_HEIGHT if group.motion in {"fall", "bounce"} else 0.0
        if target is None:
            return (self.next_slot(width), 0.0, 0.0), lift, None
        centre = (target.low + target.high) / 2
        if group.relation == "on":
            if target.fixture == "ramp":
                # The high end of the ramp, so the group rolls or slides down it.
                ramp_top_x = float(target.high[0]) - 0.6 - width / 2
                return (ramp_top_x, float(target.high[1]), float(centre[2])), 0.05 + lift, None
            if target.fixture == "floor":
                return (self.next_slot(width), 0.0, 0.0), lift, None
            return (float(centre[0]), float(target.high[1]), float(centre[2])), max(lift, 0.0) + 0.01, None
        if group.relation == "into" or group.motion == "roll":
            start_x = float(target.low[0]) - 2.5 - width / 2
            return (start_x, 0.0, float(centre[2])), 0.0, (ROLL_SPEED, 0.0, 0.0)
        # next to / under / anything else: beside the target
        return (float(target.high[0]) + 0.5 + width / 2, 0.0, float(centre[2])), lift, None

    # --- the whole scene ---------------------------------------------------------------------------

    def place(self, number: int, visiting: set[int]) -> None:
        if number in self.placed or number in visiting:
            return
        visiting.add(number)
        group = self.groups[number]
        if group.target is not None:
            self.place(group.target, visiting)
        if group.kind == "fixture":
            width = {"table": 3.0, "ramp": 4.0, "wall": 0.3, "platform": 1.6}.get(group.fixture, 2.0)
            self.placed[number] = self.build_fixture(group, self.next_slot(width))
        else:
            self.placed[number] = self.build_shapes(number, group)

    def compose(self) -> Composition:
        if not any(g.kind == "shape" for g in self.groups):
            known = ", ".join(g.describe() for g in self.groups)
            self.notes.append(
                f"Found no movable objects in {self.prompt!r}"
                + (f" (only {known})" if known else "")
                + "; added a ball falling onto a box. Try shapes (box, ball, cylinder, domino), colours, "
                "counts and relations such as 'on', 'next to', 'stack', 'pyramid', 'row', 'ramp'."
            )
            self.groups += parse_groups("a ball falling onto a box")
            # The two default groups relate to each other, not to what the prompt named.
            offset = len(self.groups) - 2
            self.groups[offset].target = offset + 1
        for number in range(len(self.groups)):
            self.place(number, set())
        settle(self.objects, order=self.order)
        self.recentre()
        read = "; ".join(self.reading(i, g) for i, g in enumerate(self.groups))
        self.notes.append(f"Read as: {read}.")
        scene = {
            "objects": self.objects,
            "selectedObject": None,
            "gravity": {"x": 0.0, "y": -9.81, "z": 0.0},
            "ground": True,
            "camera": frame_camera(self.objects),
        }
        return Composition(scene=scene, notes=self.notes)

    def reading(self, number: int, group: Group) -> str:
        text = group.describe()
        if group.target is not None and group.relation:
            relation = {"on": "on", "next": "next to", "into": "into", "under": "next to"}[group.relation]
            text += f" {relation} the {self.groups[group.target].name}"
        return text

    def recentre(self) -> None:
        if not self.objects:
            return
        xs = [bounds(o) for o in self.objects.values()]
        low = min(float(b[0][0]) for b in xs)
        high = max(float(b[1][0]) for b in xs)
        shift = -(low + high) / 2
        for obj in self.objects.values():
            obj["transform"]["position"]["x"] = round(obj["transform"]["position"]["x"] + shift, 4)


def scene_compose(*, prompt: str) -> Composition:
    """A valid, non-overlapping scene for any prompt, and notes saying how the prompt was read."""
    return Composer(prompt).compose()
