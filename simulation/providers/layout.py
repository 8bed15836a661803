"""Scene plan -> scene JSON, plus the probes the check simulates.

Every entity is built as a block around its own origin (members in their arrangement, scenery from
several bodies, jointed things with their joints). Then events and relations place blocks against
each other with direction: the target stays, the actor is put where it must start (above what it
falls onto, before what it rolls into, at the top of the ramp it rolls down). Blocks that nothing
relates are lined up along x; the whole scene is centred and framed by the camera.

The free choices (speeds the sentence does not give, drop heights, domino spacing, ramp angles, how
far a toppling stack leans) live in `Tuning`, which the check adjusts between attempts.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulation.providers.lexicon import MATERIALS, RAINBOW, Material
from simulation.providers.placement import _rotation_matrix, bounds, frame_camera
from simulation.providers.plan import Entity, Event, Plan
from simulation.render.physics import euler_xyz_to_quaternion

GRAVITY = 9.81
DEFAULT_SPEEDS = {"ball": 3.0, "vehicle": 8.0, "thing": 3.0, "pin": 2.0, "domino": 1.5}
RAMP_DEGREES = 22.0
FALL_HEIGHT = 1.2
APPROACH = 1.2  # metres between an actor and what it moves into
CLUSTER_GAP = 1.0
ROW_WIDTH = 16.0  # clusters per row of the layout, within the 20 m ground


@dataclass
class Tuning:
    speed: dict[int, float] = field(default_factory=dict)  # event index -> factor
    height: dict[int, float] = field(default_factory=dict)  # event index -> factor
    spacing: dict[int, float] = field(default_factory=dict)  # entity index -> factor
    ramp: dict[int, float] = field(default_factory=dict)  # entity index -> extra degrees
    lean: dict[int, float] = field(default_factory=dict)  # entity index -> factor
    grip: dict[int, float] = field(default_factory=dict)  # entity index -> friction factor


@dataclass
class Probe:
    """One promise of the plan, checked on the simulated scene."""

    text: str
    kind: str  # touch, knocked, topple, stand, bounce, reach, inside, lands, moves, spins, swings
    actors: list[str]
    targets: list[str] = field(default_factory=list)
    fraction: float = 0.7
    deadline: float = 3.0
    event: int | None = None  # the plan event it checks
    entity: int | None = None  # the entity whose layout it depends on
    point: tuple[float, float, float] | None = None  # reach: where; inside: the container centre
    radius: float = 0.0


@dataclass
class Block:
    entity: int
    ids: list[str] = field(default_factory=list)  # in order along the approach (first = hit first)
    surface: list[str] = field(default_factory=list)  # bodies whose tops things stand on


@dataclass
class Layout:
    scene: dict[str, Any]
    probes: list[Probe]
    will_happen: list[str]
    notes: list[str]


def _vec(v) -> dict[str, float]:
    return {"x": round(float(v[0]), 4), "y": round(float(v[1]), 4), "z": round(float(v[2]), 4)}


def _shade(colour: str, amount: float) -> str:
    """`colour` made lighter (amount > 0) or darker (< 0): stacked twins stay visibly separate."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    if amount >= 0:
        r, g, b = (c + (255 - c) * amount for c in (r, g, b))
    else:
        r, g, b = (c * (1 + amount) for c in (r, g, b))
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in (r, g, b))


SHADES = [0.0, 0.1, -0.1, 0.05, -0.05, 0.15, -0.15]
VARIED = [1.0, 0.6, 1.4, 0.8, 1.2]  # member sizes of a group "of different sizes"


class Builder:
    def __init__(self, plan: Plan, tuning: Tuning):
        self.plan = plan
        self.tuning = tuning
        self.objects: dict[str, dict[str, Any]] = {}
        self.joints: dict[str, dict[str, Any]] = {}
        self.blocks: dict[int, Block] = {}
        self.probes: list[Probe] = []
        self.will: list[str] = []
        self.notes: list[str] = []
        self.parent: dict[int, int] = {}  # entity -> the entity it was placed against
        self.rng = random.Random(plan.seed)
        self.pivots: dict[int, np.ndarray] = {}
        self.ramp_fit: dict[int, float] = {}
        self.swing_targets: dict[int, float] = {}  # pendulum -> mass of what it swings into
        self.size_fit: dict[int, float] = {}
        self.weight_fit: dict[int, float] = {}  # sizes the sentence leaves free, fitted to what acts on them
        self.ramp_geometry: dict[int, tuple[float, float]] = {}
        self.container_radius: dict[int, float] = {}
        self.seesaw_board: dict[int, str] = {}

    # --- bodies -----------------------------------------------------------------------------------

    def material(self, entity: Entity) -> Material:
        base = MATERIALS[entity.kind.material]
        chosen = entity.material or base
        friction = chosen.friction * self.tuning.grip.get(entity.index, 1.0)
        return Material(chosen.name, chosen.colour, chosen.density, min(friction, 2.0), chosen.restitution)

    def mass(self, entity: Entity) -> float:
        kind = entity.kind
        if entity.mass is not None:
            return float(min(max(entity.mass, 0.005), 1e6))
        scale = entity.size * self.size_fit.get(entity.index, 1.0)
        if entity.metres is not None:
            scale = entity.metres / max(kind.size)
        mass = kind.mass * scale**3 * entity.weight * self.weight_fit.get(entity.index, 1.0)
        if entity.material and entity.material.name != kind.material:
            mass *= entity.material.density / MATERIALS[kind.material].density
        return float(min(max(mass, 0.005), 1e6))

    def colour(self, entity: Entity, member: int, count: int) -> str:
        if entity.multicolour:
            return RAINBOW[member % len(RAINBOW)]
        if entity.colours:
            base = entity.colours[member % len(entity.colours)]
            repeats = member // len(entity.colours)
        else:
            if entity.material and entity.material.name != entity.kind.material:
                base = entity.material.colour
            else:
                base = entity.kind.colour
            repeats = member
        if count > 1:
            return _shade(base, SHADES[repeats % len(SHADES)])
        return base

    def add(
        self,
        entity: Entity,
        *,
        shape: str,
        scale,
        position,
        rotation=(0.0, 0.0, 0.0),
        colour: str,
        mass: float,
        material: Material,
        name: str | None = None,
    ) -> str:
        base = (name or entity.kind.name).replace(" ", "_").replace("'", "")
        prefix = entity.colour_names[0].replace(" ", "_") + "_" if entity.colour_names and not name else ""
        number = 1
        while f"{prefix}{base}_{number}" in self.objects:
            number += 1
        object_id = f"{prefix}{base}_{number}"[:64]
        self.objects[object_id] = {
            "id": object_id,
            "transform": {"position": _vec(position), "rotation": _vec(rotation), "scale": _vec(scale)},
            "physicsProperties": {
                "mass": round(mass, 4),
                "friction": round(material.friction, 3),
                "restitution": round(material.restitution, 3),
            },
            "visualProperties": {"color": colour, "shape": shape},
            "description": entity.label(with_count=False) if entity.count > 1 else entity.label(),
        }
        return object_id

    def joint(self, kind: str, body_a: str, body_b: str | None, anchor_a, anchor_b=None, **extra) -> None:
        number = len(self.joints) + 1
        joint_id = f"joint_{number}"
        joint: dict[str, Any] = {"id": joint_id, "type": kind, "bodyA": body_a, "bodyB": body_b}
        joint["anchorA"] = _vec(anchor_a)
        if anchor_b is not None:
            joint["anchorB"] = _vec(anchor_b)
        joint.update(extra)
        self.joints[joint_id] = joint

    def pos(self, object_id: str) -> np.ndarray:
        p = self.objects[object_id]["transform"]["position"]
        return np.array([p["x"], p["y"], p["z"]])

    def move(self, ids: list[str], offset) -> None:
        for object_id in ids:
            p = self.objects[object_id]["transform"]["position"]
            p["x"] = round(p["x"] + float(offset[0]), 4)
            p["y"] = round(p["y"] + float(offset[1]), 4)
            p["z"] = round(p["z"] + float(offset[2]), 4)

    def box(self, ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
        lows, highs = zip(*(bounds(self.objects[i]) for i in ids), strict=True)
        return np.min(lows, axis=0), np.max(highs, axis=0)

    def entity_ids(self, index: int) -> list[str]:
        return self.blocks[index].ids

    def set_velocity(self, ids: list[str], velocity) -> None:
        for object_id in ids:
            obj = self.objects[object_id]
            if obj["physicsProperties"]["mass"] > 0:
                obj["linearVelocity"] = _vec(velocity)

    # --- blocks -------------------------------------------------------------------------------------

    def build(self, entity: Entity) -> Block:
        block = Block(entity.index)
        shape = entity.kind.shape
        builders = {
            "Table": self.build_table,
            "Shelf": self.build_shelf,
            "Wall": self.build_wall,
            "Ramp": self.build_ramp,
            "Stairs": self.build_stairs,
            "Platform": self.build_platform,
            "Goal": self.build_goal,
            "Container": self.build_container,
            "Floor": lambda e, b: None,
            "Pendulum": self.build_pendulum,
            "Cradle": self.build_cradle,
            "Seesaw": self.build_seesaw,
            "Swing": self.build_swing,
            "Door": self.build_door,
            "Chain": self.build_chain,
        }
        if shape in builders:
            builders[shape](entity, block)
        elif entity.kind.category == "vehicle" and entity.kind.name == "car" and not entity.arrangement:
            self.build_cars(entity, block)
        else:
            self.build_members(entity, block)
        self.blocks[entity.index] = block
        return block

    def member_size(self, entity: Entity) -> tuple[float, float, float]:
        fit = self.size_fit.get(entity.index, 1.0)
        if entity.metres is not None:
            fit = entity.metres / (max(entity.kind.size) * entity.size)  # "1 m wide" is 1 m wide
        sx, sy, sz = (v * entity.size * fit for v in entity.kind.size)
        if entity.kind.category == "domino" and entity.arrangement in {"stack", "pyramid", "jenga", "pile"}:
            sx, sy = sy, sx  # dominoes stacked lie flat
        if entity.kind.name in UPRIGHT and entity.arrangement in {"row", "circle", "spiral", "arc", "zigzag"}:
            sx, sy = sy, sx  # books in a row stand on their edge, like dominoes
        if (
            entity.tall
            and entity.arrangement not in {"stack", "pyramid", "wall", "jenga"}
            and entity.count == 1
        ):
            sy *= 2.0
        if entity.kind.shape == "Sphere":
            sy = sz = sx
        if entity.kind.shape == "Cylinder":
            sz = sx
        return sx, sy, sz

    def build_members(self, entity: Entity, block: Block) -> None:
        size = self.member_size(entity)
        material = self.material(entity)
        mass = self.mass(entity)
        poses = self.arrange(entity, size)
        for member, (position, rotation) in enumerate(poses):
            factor = VARIED[member % len(VARIED)] if entity.varied else 1.0
            block.ids.append(
                self.add(
                    entity,
                    shape=entity.kind.shape,
                    scale=tuple(v * factor for v in size),
                    position=(position[0], position[1] * factor, position[2]),
                    rotation=rotation,
                    colour=self.colour(entity, member, len(poses)),
                    mass=mass * factor**3,
                    material=material,
                )
            )
        block.surface = list(block.ids)

    def arrange(
        self, entity: Entity, size
    ) -> list[tuple[tuple[float, float, float], tuple[float, float, float]]]:
        """Member poses around the origin (bottoms on y = 0), first member nearest -x."""
        n, (sx, sy, sz) = entity.count, size
        arrangement = entity.arrangement
        category = entity.kind.category
        spacing_factor = self.tuning.spacing.get(entity.index, 1.0)
        if not arrangement and n > 1:
            arrangement = {"domino": "row", "pin": "triangle" if n in (3, 6, 10, 15) else "row"}.get(
                category, ""
            )
        flat = (0.0, 0.0, 0.0)
        if n == 1:
            return [((0.0, sy / 2, 0.0), flat)]
        if entity.kind.shape == "Sphere" and arrangement == "pyramid":
            arrangement = "rack"
        if arrangement == "rack":
            poses, row = [], 0
            while len(poses) < n:
                for k in range(row + 1):
                    if len(poses) < n:
                        poses.append(((row * sx * 0.866 * 1.01, sy / 2, (k - row / 2) * sx * 1.01), flat))
                row += 1
            return poses
        paths = {"", "row", "circle", "spiral", "arc", "zigzag", "scatter"}
        upright = entity.kind.name in UPRIGHT and arrangement in paths - {"", "scatter"}
        if (category == "domino" or upright) and arrangement in paths:
            return self.domino_path(entity, size, arrangement or "row", spacing_factor)
        if arrangement == "stack" and entity.kind.shape != "Sphere":
            lean = self.tuning.lean.get(entity.index, 0.0)
            return [((i * lean * sx, sy / 2 + i * (sy + 0.0002), 0.0), flat) for i in range(n)]
        if arrangement == "jenga":
            poses = []
            for i in range(n):
                layer, slot = divmod(i, 3)
                y = sy / 2 + layer * (sy + 0.001)
                offset = (slot - 1) * (sz + 0.004)
                if layer % 2 == 0:
                    poses.append(((0.0, y, offset), flat))
                else:
                    poses.append(((offset, y, 0.0), (0.0, math.pi / 2, 0.0)))
            return poses
        if arrangement == "pyramid":
            rows = 1
            while rows * (rows + 1) // 2 < n:
                rows += 1
            poses, left = [], n
            width = sx * 1.04 * spacing_factor
            for row in range(rows):
                in_row = rows - row
                for k in range(min(in_row, left)):
                    # Facing -x (where things come from): each layer runs along z.
                    poses.append(((0.0, sy / 2 + row * (sy + 0.001), (k - (in_row - 1) / 2) * width), flat))
                left -= in_row
            return poses
        if arrangement == "wall":
            per_course = max(2, min(round(math.sqrt(n * 2.2)), 30))
            poses = []
            for i in range(n):
                course, slot = divmod(i, per_course)
                shift = 0.5 * sx if course % 2 else 0.0
                z = (slot - (per_course - 1) / 2) * (sx + 0.003) + shift
                poses.append(((0.0, sy / 2 + course * (sy + 0.001), z), (0.0, math.pi / 2, 0.0)))
            return poses
        if arrangement == "triangle":
            gap = max(sx * 2.5, 0.3 * entity.size) * spacing_factor
            if entity.kind.shape == "Sphere":
                gap = sx * 1.02 * spacing_factor  # a rack of balls: touching, so a break spreads through it
            poses, row = [], 0
            while len(poses) < n:
                for k in range(row + 1):
                    if len(poses) < n:
                        poses.append(((row * gap * 0.866, sy / 2, (k - row / 2) * gap), flat))
                row += 1
            return poses
        if arrangement == "circle":
            spacing = max(sx, sz) * 1.8 * spacing_factor
            radius = max(n * spacing / (2 * math.pi), sx)
            return [
                (
                    (radius * math.cos(2 * math.pi * i / n), sy / 2, radius * math.sin(2 * math.pi * i / n)),
                    flat,
                )
                for i in range(n)
            ]
        if arrangement in {"scatter", "pile"}:
            # A pile is heaped (its members start one above the other, so they never start inside
            # each other); scattered things are spread out.
            spread = 2.2 if arrangement == "scatter" else 1.0
            side = (
                max(math.sqrt(n) * max(sx, sz) * spread, 1.0 if arrangement == "scatter" else 0.2)
                * spacing_factor
            )
            poses = []
            for i in range(n):
                x = self.rng.uniform(-side / 2, side / 2)
                z = self.rng.uniform(-side / 2, side / 2)
                lift = i * sy * 1.05 if arrangement == "pile" else 0.0
                poses.append(((x, sy / 2 + lift, z), flat))
            if arrangement == "scatter":
                return _spread(poses, max(sx, sz) * 1.1)
            return poses
        if arrangement == "grid" or (not arrangement and n > 1 and (category != "vehicle" or n > 8)):
            if entity.grid:
                rows, columns = entity.grid
            else:
                columns = math.ceil(math.sqrt(n))
                rows = math.ceil(n / columns)
            gap_x, gap_z = sx * 1.6 * spacing_factor, sz * 1.6 * spacing_factor
            if not arrangement and entity.kind.shape != "Sphere" and n <= 6:
                return [(((i - (n - 1) / 2) * gap_x, sy / 2, 0.0), flat) for i in range(n)]
            return [
                (
                    (
                        ((i % columns) - (columns - 1) / 2) * gap_x,
                        sy / 2,
                        ((i // columns) - (rows - 1) / 2) * gap_z,
                    ),
                    flat,
                )
                for i in range(n)
            ]
        if arrangement in {"spiral", "arc", "zigzag"}:
            # Along the same paths as dominoes, spaced by the things' own size.
            step = max(sx, sz) * 1.4 / (sy * 0.5)
            return [(p, flat) for p, _ in self.domino_path(entity, size, arrangement, spacing_factor * step)]
        if entity.kind.shape == "Sphere" and arrangement == "stack":
            return [((0.0, sx / 2 + i * (sx + 0.002), 0.0), flat) for i in range(n)]
        # a row along x
        gap = (sx * 1.5 if category != "vehicle" else sx * 1.3) * spacing_factor
        return [(((i - (n - 1) / 2) * gap, sy / 2, 0.0), flat) for i in range(n)]

    def domino_path(self, entity: Entity, size, arrangement: str, spacing_factor: float):
        """Dominoes along a path, each facing along it; the first is nearest -x."""
        n, (_, sy, _) = entity.count, size
        step = sy * 0.5 * spacing_factor
        points: list[tuple[float, float, float]] = []  # x, z, heading
        if arrangement == "circle":
            radius = max(n * step / (2 * math.pi), sy)
            for i in range(n):
                angle = math.pi + 2 * math.pi * i / n  # start at -x, go round
                points.append((radius * math.cos(angle), radius * math.sin(angle), angle - math.pi / 2))
        elif arrangement == "spiral":
            spacing, turn = step, max(sy * 1.3, step * 2.5)
            theta, radius_of = 0.0, lambda t: turn * (1.2 + t / (2 * math.pi))
            for _ in range(n):
                r = radius_of(theta)
                points.append((r * math.cos(theta), r * math.sin(theta), theta + math.pi / 2))
                theta += spacing / r
            points.reverse()  # the outer end starts
            points = [(x, z, h + math.pi) for x, z, h in points]
        elif arrangement == "arc":
            radius = max(n * step / math.pi, sy * 2)
            for i in range(n):
                angle = math.pi - math.pi * i / max(n - 1, 1)
                points.append((radius * math.cos(angle), radius * math.sin(angle), angle - math.pi / 2))
        elif arrangement == "zigzag":
            for i in range(n):
                points.append((i * step, 0.25 * sy * math.sin(i * 0.6), 0.0))
        else:
            for i in range(n):
                points.append((i * step, 0.0, 0.0))
        xs = [p[0] for p in points]
        shift = -(min(xs) + max(xs)) / 2 if arrangement in {"row", "zigzag"} else 0.0
        poses = []
        for x, z, heading in points:
            # The domino's thin side (x) faces along the path's heading (an angle in the xz plane).
            poses.append(((x + shift, sy / 2, z), (0.0, -heading, 0.0)))
        return poses

    # --- scenery ----------------------------------------------------------------------------------

    def fixed(
        self, entity: Entity, block: Block, shape: str, scale, position, rotation=(0.0, 0.0, 0.0), name=None
    ) -> str:
        material = self.material(entity)
        colour = (
            entity.colours[0]
            if entity.colours
            else (entity.material.colour if entity.material else entity.kind.colour)
        )
        object_id = self.add(
            entity, shape=shape, scale=scale, position=position, rotation=rotation, colour=colour,
            mass=0.0, material=material, name=name,
        )  # fmt: skip
        block.ids.append(object_id)
        return object_id

    def build_table(self, entity: Entity, block: Block) -> None:
        w, h, d = (v * entity.size for v in entity.kind.size)
        top = self.fixed(entity, block, "Box", (w, 0.05, d), (0.0, h - 0.025, 0.0), name=f"{entity.name}_top")
        for dx in (-w / 2 + 0.08, w / 2 - 0.08):
            for dz in (-d / 2 + 0.08, d / 2 - 0.08):
                self.fixed(entity, block, "Cylinder", (0.06, h - 0.05, 0.06), (dx, (h - 0.05) / 2, dz),
                           name=f"{entity.name}_leg")  # fmt: skip
        block.surface = [top]

    def build_shelf(self, entity: Entity, block: Block) -> None:
        w, h, d = (v * entity.size for v in entity.kind.size)
        board = self.fixed(entity, block, "Box", (w, 0.04, d), (0.0, h - 0.02, 0.0), name="shelf_board")
        for dx in (-w / 2 + 0.1, w / 2 - 0.1):
            # Brackets under the board: whatever is pushed off its ends falls freely.
            self.fixed(
                entity, block, "Box", (0.04, h - 0.04, d), (dx, (h - 0.04) / 2, 0.0), name="shelf_side"
            )
        block.surface = [board]

    def build_wall(self, entity: Entity, block: Block) -> None:
        t, h, w = (v * entity.size for v in entity.kind.size)
        if entity.tall:
            h *= 2
        block.surface = [self.fixed(entity, block, "Box", (t, h, w), (0.0, h / 2, 0.0))]

    def build_platform(self, entity: Entity, block: Block) -> None:
        w, h, d = (v * entity.size for v in entity.kind.size)
        block.surface = [self.fixed(entity, block, "Box", (w, h, d), (0.0, h / 2, 0.0))]

    def build_goal(self, entity: Entity, block: Block) -> None:
        """An open frame facing -x (where things come from): two posts, a crossbar and a back panel
        that catches what goes in (a net does not bounce it back out)."""
        d, h, w = (v * entity.size for v in entity.kind.size)
        post = 0.08 * max(entity.size, 0.5)
        for z in (-w / 2, w / 2):
            self.fixed(entity, block, "Box", (post, h, post), (0.0, h / 2, z), name=f"{entity.name}_post")
        self.fixed(
            entity, block, "Box", (post, post, w + post), (0.0, h, 0.0), name=f"{entity.name}_crossbar"
        )
        back = self.fixed(entity, block, "Box", (0.03, h, w), (d, h / 2, 0.0), name=f"{entity.name}_net")
        props = self.objects[back]["physicsProperties"]
        props["restitution"], props["friction"] = 0.05, 0.9

    def ramp_angle(self, entity: Entity) -> float:
        words = set(self.plan.sentence.lower().split())
        degrees = RAMP_DEGREES
        if words & {"steep", "steeply"}:
            degrees = 35.0
        elif words & {"gentle", "shallow", "gradual"}:
            degrees = 12.0
        return math.radians(min(degrees + self.tuning.ramp.get(entity.index, 0.0), 50.0))

    def build_ramp(self, entity: Entity, block: Block) -> None:
        """A slope that descends towards +x; its low end's top surface meets the ground at x = 0."""
        fit = self.ramp_fit.get(entity.index, 1.0)
        length, thickness, width = (v * entity.size * fit for v in entity.kind.size)
        thickness /= fit
        if entity.tall:
            length *= 1.6
        angle = self.ramp_angle(entity)
        # Centre such that the top surface's low end sits at (0, 0).
        half = length / 2
        cx = -half * math.cos(angle) - (thickness / 2) * math.sin(angle)
        cy = half * math.sin(angle) - (thickness / 2) * math.cos(angle)
        ramp = self.fixed(entity, block, "Box", (length, thickness, width), (cx, cy, 0.0), (0.0, 0.0, -angle))
        block.surface = [ramp]
        self.ramp_geometry[entity.index] = (length, angle)

    def ramp_top(self, entity: Entity, clearance: float) -> tuple[np.ndarray, float]:
        """A point on the ramp's top surface `clearance` metres down from its high end, and its angle."""
        length, angle = self.ramp_geometry[entity.index]
        foot = self.ramp_foot(entity)
        along = length - clearance
        return foot + np.array([-along * math.cos(angle), along * math.sin(angle), 0.0]), angle

    def ramp_foot(self, entity: Entity) -> np.ndarray:
        """Where the ramp's top surface meets the ground (world coordinates, after moves)."""
        ramp = self.blocks[entity.index].ids[0]
        length, angle = self.ramp_geometry[entity.index]
        thickness = self.objects[ramp]["transform"]["scale"]["y"]
        centre = self.pos(ramp)
        half = length / 2
        return centre + np.array(
            [half * math.cos(angle) + (thickness / 2) * math.sin(angle),
             -half * math.sin(angle) + (thickness / 2) * math.cos(angle), 0.0]
        )  # fmt: skip

    def build_stairs(self, entity: Entity, block: Block) -> None:
        """Steps descending towards +x: the top step at -x, the last step's front at x = 0."""
        width, rise, run = (v * entity.size for v in entity.kind.size)
        steps = entity.count
        for i in range(steps):
            height = rise * (steps - i)
            x = -(steps - i - 0.5) * run
            self.fixed(entity, block, "Box", (run, height, width), (x, height / 2, 0.0), name="step")
        block.surface = [block.ids[0]]

    def build_container(self, entity: Entity, block: Block) -> None:
        """An open container from a base and a ring of wall panels (fixed)."""
        diameter, height, _ = (v * entity.size for v in entity.kind.size)
        scale = max(1.0, 0.3 / diameter) if entity.kind.name in {"cup", "mug"} else 1.0
        scale = max(scale, self.size_fit.get(entity.index, 1.0))
        diameter, height = diameter * scale, height * scale
        wall = max(0.01, diameter * 0.06)
        base = self.fixed(entity, block, "Cylinder", (diameter, wall, diameter), (0.0, wall / 2, 0.0),
                          name=f"{entity.name}_base")  # fmt: skip
        panels = 4 if entity.kind.name == "tray" else 12
        radius = diameter / 2
        for i in range(panels):
            angle = 2 * math.pi * i / panels
            flare = 0.35 if entity.kind.name == "bowl" else 0.0
            length = 2 * radius * math.tan(math.pi / panels) + wall
            self.fixed(
                entity, block, "Box", (wall, height, length),
                (radius * math.cos(angle), height / 2 + wall, radius * math.sin(angle)),
                (0.0, -angle, 0.0) if not flare else _tilt(angle, flare), name=f"{entity.name}_side",
            )  # fmt: skip
        block.surface = [base]
        self.container_radius[entity.index] = radius - wall

    # --- jointed things ------------------------------------------------------------------------------

    def build_pendulum(self, entity: Entity, block: Block) -> None:
        """One pendulum, or several side by side along z ('two pendulums of different lengths')."""
        wrecking = entity.kind.name == "wrecking ball"
        count = max(1, min(entity.count, 8))
        radius = (0.5 if wrecking else 0.15) * entity.size
        for member in range(count):
            factor = VARIED[member % len(VARIED)] if entity.varied else 1.0
            length = (6.0 if wrecking else 2.0) * entity.size * factor
            z = (member - (count - 1) / 2) * max(radius * 4, 0.6)
            pivot = np.array([0.0, length + radius + 0.03, z])  # the bob passes just above the ground
            angle = math.radians(60 if wrecking or entity.index in self.swing_targets else 40)
            bob_pos = pivot + np.array([-length * math.sin(angle), -length * math.cos(angle), 0.0])
            # A bob that is to knock something over outweighs it (its mass is the sentence's free choice).
            mass = max(self.mass(entity), 2.0 * self.swing_targets.get(entity.index, 0.0))
            bob = self.add(entity, shape="Sphere", scale=(2 * radius,) * 3, position=bob_pos,
                           colour=self.colour(entity, member, count), mass=mass, material=self.material(entity))  # fmt: skip
            beam = self.add(entity, shape="Box", scale=(0.12, 0.12, 0.6), position=pivot + np.array([0, 0.06, 0]),
                            colour="#607d8b", mass=0.0, material=MATERIALS["steel"], name="pivot")  # fmt: skip
            self.joint(
                "revolute",
                bob,
                None,
                tuple(pivot - bob_pos),
                tuple(pivot),
                axis={"x": 0.0, "y": 0.0, "z": 1.0},
            )
            if member == 0:
                self.pivots[entity.index] = pivot
            block.ids += [bob, beam]
            self.probes.append(
                Probe(f"{entity.the()} swings", "swings", [bob], point=tuple(pivot), deadline=2.0)
            )
        block.surface = []

    def build_cradle(self, entity: Entity, block: Block) -> None:
        balls = max(3, min(entity.count if entity.count > 1 else 5, 9))
        radius = 0.1 * entity.size
        length = 0.8 * entity.size
        top = length + radius + 0.3
        material = Material("steel", "#b0bec5", 7800, 0.2, 0.95)
        ids = []
        for i in range(balls):
            x = (i - (balls - 1) / 2) * (2 * radius + 0.002)
            pivot = np.array([x, top, 0.0])
            if i == 0:
                angle = math.radians(45)
                position = pivot + np.array([-length * math.sin(angle), -length * math.cos(angle), 0.0])
            else:
                position = pivot - np.array([0.0, length, 0.0])
            ball = self.add(entity, shape="Sphere", scale=(2 * radius,) * 3, position=position,
                            colour=self.colour(entity, i, balls), mass=1.0 * entity.size**3, material=material,
                            name="cradle_ball")  # fmt: skip
            self.joint("revolute", ball, None, tuple(pivot - position), tuple(pivot),
                       axis={"x": 0.0, "y": 0.0, "z": 1.0})  # fmt: skip
            ids.append(ball)
        frame = self.add(entity, shape="Box", scale=((balls + 1) * 2 * radius, 0.04, 0.3),
                         position=(0.0, top + 0.02, 0.0), colour="#455a64", mass=0.0,
                         material=MATERIALS["steel"], name="cradle_frame")  # fmt: skip
        block.ids = [*ids, frame]
        self.probes.append(
            Probe(
                f"the last ball of {entity.the()} swings out",
                "swings",
                [ids[-1]],
                point=(0.0, top, 0.0),
                deadline=1.5,
            )
        )

    def build_seesaw(self, entity: Entity, block: Block) -> None:
        length = 4.0 * entity.size
        height = 0.5 * entity.size
        fulcrum = self.add(entity, shape="Box", scale=(0.3, height, 0.4), position=(0.0, height / 2, 0.0),
                           colour="#546e7a", mass=0.0, material=MATERIALS["steel"], name="fulcrum")  # fmt: skip
        board = self.add(entity, shape="Box", scale=(length, 0.08, 0.4), position=(0.0, height + 0.04 + 0.002, 0.0),
                         colour=self.colour(entity, 0, 1), mass=self.mass(entity), material=self.material(entity),
                         name="seesaw_board")  # fmt: skip
        self.joint("revolute", board, None, (0.0, -0.04, 0.0), (0.0, height + 0.002, 0.0),
                   axis={"x": 0.0, "y": 0.0, "z": 1.0}, limits=[-0.35, 0.35])  # fmt: skip
        block.ids = [board, fulcrum]
        block.surface = [board]
        self.seesaw_board[entity.index] = board

    def build_swing(self, entity: Entity, block: Block) -> None:
        length = 2.0 * entity.size
        top = length + 0.5
        angle = math.radians(35)
        pivot = np.array([0.0, top, 0.0])
        position = pivot + np.array([-length * math.sin(angle), -length * math.cos(angle), 0.0])
        seat = self.add(entity, shape="Box", scale=(0.5, 0.05, 0.4), position=position,
                        rotation=(0.0, 0.0, -angle), colour=self.colour(entity, 0, 1), mass=self.mass(entity),
                        material=self.material(entity), name="swing_seat")  # fmt: skip
        beam = self.add(entity, shape="Box", scale=(0.12, 0.12, 1.2), position=pivot + np.array([0, 0.06, 0]),
                        colour="#6d4c41", mass=0.0, material=MATERIALS["wood"], name="swing_beam")  # fmt: skip
        local = _rotate_z(pivot - position, angle)
        self.joint("revolute", seat, None, tuple(local), tuple(pivot), axis={"x": 0.0, "y": 0.0, "z": 1.0})
        block.ids = [seat, beam]
        self.probes.append(
            Probe(f"{entity.the()} swings", "swings", [seat], point=tuple(pivot), deadline=2.0)
        )

    def build_door(self, entity: Entity, block: Block) -> None:
        w, h, t = (v * entity.size for v in entity.kind.size)
        door = self.add(entity, shape="Box", scale=(t, h, w), position=(0.0, h / 2 + 0.01, 0.0),
                        colour=self.colour(entity, 0, 1), mass=self.mass(entity), material=self.material(entity))  # fmt: skip
        frame = self.add(entity, shape="Box", scale=(0.1, h + 0.1, 0.1), position=(0.0, (h + 0.1) / 2, -w / 2 - 0.06),
                         colour="#5d4037", mass=0.0, material=MATERIALS["wood"], name="door_frame")  # fmt: skip
        self.joint("revolute", door, None, (0.0, 0.0, -w / 2), (0.0, h / 2 + 0.01, -w / 2),
                   axis={"x": 0.0, "y": 1.0, "z": 0.0}, limits=[-1.8, 1.8])  # fmt: skip
        block.ids = [door, frame]
        block.surface = [door]

    def build_chain(self, entity: Entity, block: Block) -> None:
        links = max(2, min(entity.count if entity.count > 1 else 8, 40))
        sx, sy, _ = (v * entity.size for v in entity.kind.size)
        top = links * sy + 0.8
        angle = math.radians(40)
        direction = np.array([-math.sin(angle), -math.cos(angle), 0.0])
        pivot = np.array([0.0, top, 0.0])
        ids = []
        for i in range(links):
            centre = pivot + direction * (sy * (i + 0.5) + 0.002 * i)
            link = self.add(entity, shape="Box", scale=(sx, sy * 0.96, sx), position=centre,
                            rotation=(0.0, 0.0, -angle), colour=self.colour(entity, i, links),
                            mass=self.mass(entity), material=self.material(entity), name="chain_link")  # fmt: skip
            if i == 0:
                self.joint("spherical", link, None, (0.0, sy / 2, 0.0), tuple(pivot))
            else:
                self.joint(
                    "spherical", link, ids[-1], (0.0, sy / 2 + 0.001, 0.0), (0.0, -sy / 2 - 0.001, 0.0)
                )
            ids.append(link)
        block.ids = ids
        self.probes.append(
            Probe(f"{entity.the()} swings", "swings", [ids[-1]], point=tuple(pivot), deadline=2.0)
        )

    def build_cars(self, entity: Entity, block: Block) -> None:
        """Cars as a body on four wheels held by hinges (so they roll)."""
        for member in range(entity.count):
            lx, ly, lz = (v * entity.size for v in entity.kind.size)
            wheel_d = 0.65 * entity.size
            offset_x = member * (lx * 1.5)
            body_y = wheel_d / 2 + ly / 2 + 0.02
            colour = self.colour(entity, member, entity.count)
            chassis = self.add(entity, shape="Box", scale=(lx, ly, lz), position=(offset_x, body_y, 0.0),
                               colour=colour, mass=self.mass(entity) * 0.85, material=self.material(entity))  # fmt: skip
            block.ids.append(chassis)
            for dx in (-lx / 2 + wheel_d * 0.7, lx / 2 - wheel_d * 0.7):
                for dz in (-lz / 2 - 0.13 * entity.size, lz / 2 + 0.13 * entity.size):
                    wheel = self.add(entity, shape="Cylinder", scale=(wheel_d, 0.22 * entity.size, wheel_d),
                                     position=(offset_x + dx, wheel_d / 2 + 0.002, dz), rotation=(math.pi / 2, 0.0, 0.0),
                                     colour="#212121", mass=self.mass(entity) * 0.0375,
                                     material=MATERIALS["rubber"], name="wheel")  # fmt: skip
                    self.joint("revolute", chassis, wheel, (dx, wheel_d / 2 + 0.002 - body_y, dz), (0.0, 0.0, 0.0),
                               axis={"x": 0.0, "y": 0.0, "z": 1.0})  # fmt: skip
                    block.ids.append(wheel)
        block.surface = [i for i in block.ids]


def _quat_mul(a, b):
    x1, y1, z1, w1 = a
    x2, y2, z2, w2 = b
    return (
        w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
        w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2,
        w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2,
        w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2,
    )


def _euler_of(q) -> tuple[float, float, float]:
    """three.js Euler XYZ angles of the quaternion (x, y, z, w)."""
    x, y, z, w = q
    m13 = 2 * (x * z + y * w)
    m11, m12 = 1 - 2 * (y * y + z * z), 2 * (x * y - z * w)
    m23, m33 = 2 * (y * z - x * w), 1 - 2 * (x * x + y * y)
    ey = math.asin(max(-1.0, min(1.0, m13)))
    if abs(m13) < 0.9999999:
        return (math.atan2(-m23, m33), ey, math.atan2(-m12, m11))
    return (0.0, ey, 0.0)


def _tilt(angle: float, flare: float) -> tuple[float, float, float]:
    """Euler XYZ of a wall panel at `angle` round the rim, leaning outwards by `flare` radians."""
    return _euler_of(
        _quat_mul(euler_xyz_to_quaternion(0.0, -angle, 0.0), euler_xyz_to_quaternion(0.0, 0.0, flare))
    )


def _rotate_z(v: np.ndarray, angle: float) -> np.ndarray:
    """`v` (world) in the frame of a body rotated by -angle about z."""
    c, s = math.cos(angle), math.sin(angle)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1], v[2]])


def _spread(poses, distance: float):
    """Push scattered members apart so none starts inside another."""
    points = [list(p) for p, _ in poses]
    for _ in range(100):
        moved = False
        for i in range(len(points)):
            for j in range(i + 1, len(points)):
                dx, dz = points[j][0] - points[i][0], points[j][2] - points[i][2]
                d = math.hypot(dx, dz)
                if d < distance:
                    push = (distance - d) / 2 + 1e-3
                    ux, uz = (dx / d, dz / d) if d > 1e-9 else (1.0, 0.0)
                    points[i][0] -= ux * push
                    points[i][2] -= uz * push
                    points[j][0] += ux * push
                    points[j][2] += uz * push
                    moved = True
        if not moved:
            break
    return [((p[0], p[1], p[2]), r) for p, (_, r) in zip(points, poses, strict=True)]


STACKED = {"stack", "pyramid", "wall", "jenga"}
UPRIGHT = {"book", "tile", "plank", "board"}  # flat things that stand on edge in a row
MOVING = {"roll", "slide", "hit", "knock", "collide", "throw"}


class Placer(Builder):
    """Places the blocks against each other as the plan's events and relations say."""

    def __init__(self, plan: Plan, tuning: Tuning):
        super().__init__(plan, tuning)
        self.root: dict[int, int] = {}  # entity -> the root of its cluster
        self.sides: dict[int, int] = {}  # target -> approaches used
        self.deferred: list = []

    # --- clusters ---------------------------------------------------------------------------------

    def cluster(self, root: int) -> list[int]:
        return [e for e, r in self.root.items() if r == root]

    def cluster_ids(self, root: int) -> list[str]:
        return [i for e in self.cluster(root) for i in self.blocks[e].ids]

    def attach(self, subject: int, reference: int, offset) -> bool:
        """Move `subject`'s whole cluster by `offset` and join it to `reference`'s cluster."""
        root = self.root[subject]
        if root == self.root[reference] or root != subject:
            return False
        self.move(self.cluster_ids(root), offset)
        for member in self.cluster(root):
            self.root[member] = self.root[reference]
        return True

    def free(self, entity: int) -> bool:
        """Not yet placed against anything (the root of its own cluster)."""
        return self.root[entity] == entity

    # --- geometry of a placed entity -----------------------------------------------------------------

    def top_of(self, entity: int) -> tuple[float, np.ndarray, np.ndarray]:
        block = self.blocks[entity]
        ids = block.surface or block.ids
        low, high = self.box(ids)
        return float(high[1]), low, high

    def member_near_centre(self, entity: int) -> np.ndarray | None:
        """For loose groups (a grid, a pile, scattered things) the middle of their box may be a gap:
        the position of the member nearest that middle (in plan), else None."""
        target = self.plan.entities[entity]
        if target.fixed or target.count < 2 or target.arrangement not in {"grid", "pile", "scatter"}:
            return None
        ids = self.blocks[entity].ids
        low, high = self.box(ids)
        centre = (low + high) / 2
        positions = [self.pos(i) for i in ids]
        return min(positions, key=lambda p: (p[0] - centre[0]) ** 2 + (p[2] - centre[2]) ** 2)

    def speed(self, event_index: int, event: Event) -> float:
        if event.speed is not None:
            return event.speed
        actor = self.plan.entities[event.actor]
        base = DEFAULT_SPEEDS.get(actor.kind.category, 3.0)
        if actor.kind.name == "toy car":
            base = 1.5
        if event.kind == "knock":
            base *= 1.2
        return base * event.speed_factor * self.tuning.speed.get(event_index, 1.0)

    # --- events -------------------------------------------------------------------------------------

    def place_above(self, event_index: int, event: Event, target: int, height: float) -> None:
        actor = event.actor
        if not self.free(actor):
            return
        ids = self.blocks[actor].ids
        top, low, high = self.top_of(target)
        radius = self.container_radius.get(target)
        centre = (low + high) / 2
        member = self.member_near_centre(target)
        if member is not None:
            centre[0], centre[2] = member[0], member[2]  # over a thing of a loose pile, not a gap
        room_x = (high[0] - low[0]) / 2 if radius is None else radius * 0.6
        room_z = (high[2] - low[2]) / 2 if radius is None else radius * 0.6
        a_low, a_high = self.box(ids)
        a_centre = (a_low + a_high) / 2
        span_x = max((a_high[0] - a_low[0]) / 2, 1e-6)
        span_z = max((a_high[2] - a_low[2]) / 2, 1e-6)
        entity = self.plan.entities[actor]
        shrink_x = min(1.0, max(room_x - 0.02, 0.0) / span_x) if entity.arrangement not in STACKED else 1.0
        shrink_z = min(1.0, max(room_z - 0.02, 0.0) / span_z) if entity.arrangement not in STACKED else 1.0
        loose = entity.arrangement not in STACKED and len(ids) > 1
        for order, object_id in enumerate(ids):
            p = self.objects[object_id]["transform"]["position"]
            p["x"] = round(a_centre[0] + (p["x"] - a_centre[0]) * shrink_x, 4)
            p["z"] = round(a_centre[2] + (p["z"] - a_centre[2]) * shrink_z, 4)
            if loose and (shrink_x < 1 or shrink_z < 1):
                # Squeezed over a small target: staggered in height so they never start inside each other.
                p["y"] = round(
                    p["y"] + order * (self.objects[object_id]["transform"]["scale"]["y"] * 1.15), 4
                )
        a_low, a_high = self.box(ids)
        offset = np.array(
            [
                centre[0] - (a_low[0] + a_high[0]) / 2,
                top + height - a_low[1],
                centre[2] - (a_low[2] + a_high[2]) / 2,
            ]
        )
        self.attach(actor, target, offset)

    def place_approach(self, event_index: int, event: Event, target: int) -> None:
        """The actor starts before the target (on -x), or on the ramp that leads to it, moving at it."""
        actor = event.actor
        target_block = self.blocks[target]
        t_low, t_high = self.box(target_block.ids)
        first = target_block.ids[0]
        hit = self.pos(first)
        if self.plan.entities[target].fixed or self.plan.entities[target].arrangement in {
            "wall",
            "pyramid",
            "stack",
            "jenga",
            "grid",
            "pile",
            "scatter",
        }:
            hit = (t_low + t_high) / 2  # aimed at the middle of a wall or a pyramid
            member = self.member_near_centre(target)
            if member is not None:
                hit[2] = member[2]  # a grid has gaps between its rows: aim along one of them
        side = self.sides.get(target, 0)
        self.sides[target] = side + 1
        speed = self.speed(event_index, event)
        via = event.via
        if via is not None and self.free(via) and self.plan.entities[via].kind.shape == "Ramp":
            ramp_entity = self.plan.entities[via]
            foot = self.ramp_foot(ramp_entity)
            gap = 0.5 + 0.5 * self.plan.entities[actor].size * max(self.plan.entities[actor].kind.size)
            self.attach(via, target, np.array([t_low[0] - gap - foot[0], 0.0, hit[2] - foot[2]]))
            self.place_on_ramp(event_index, event, via)
            self.attach(actor, via, np.zeros(3))
            return
        if via is not None and self.free(via) and self.plan.entities[via].kind.shape == "Stairs":
            s_low, s_high = self.box(self.blocks[via].ids)
            self.attach(
                via, target, np.array([t_low[0] - 0.6 - s_high[0], 0.0, hit[2] - (s_low[2] + s_high[2]) / 2])
            )
            self.place_on_stairs(event_index, event, via)
            self.attach(actor, via, np.zeros(3))
            return
        if not self.free(actor):
            return
        ids = self.blocks[actor].ids
        a_low, a_high = self.box(ids)
        distance = APPROACH * max(1.0, self.plan.entities[actor].size) * (1.6 if speed > 6 else 1.0)
        bottom = 0.0 if t_low[1] < 0.05 else float(t_low[1])
        if bottom > 0:
            # The target stands on something raised (a can on a table): start on the same surface.
            for entity in self.plan.entities:
                block = self.blocks.get(entity.index)
                if not entity.fixed or block is None or not block.surface:
                    continue
                s_low, s_high = self.box(block.surface)
                if abs(s_high[1] - bottom) < 0.03 and s_low[0] <= hit[0] <= s_high[0]:
                    room = hit[0] - s_low[0] - (a_high[0] - a_low[0]) - 0.1
                    distance = max(min(distance, room), 0.05)
        heading = -self.objects[first]["transform"]["rotation"]["y"]
        along_path = (
            self.plan.entities[target].arrangement in {"circle", "spiral", "arc"}
            and abs(math.sin(heading)) > 0.1
            and side == 0
        )
        if along_path:
            # A curved domino path is entered along its first domino's heading, not along x.
            direction = np.array([math.cos(heading), 0.0, math.sin(heading)])
            a_centre = (a_low + a_high) / 2
            reach = distance + max(a_high[0] - a_low[0], a_high[2] - a_low[2]) / 2
            spot = hit - direction * reach
            offset = np.array([spot[0] - a_centre[0], bottom - a_low[1], spot[2] - a_centre[2]])
        elif event.perpendicular or side == 2:
            offset = np.array(
                [hit[0] - (a_low[0] + a_high[0]) / 2, bottom - a_low[1], t_low[2] - distance - a_high[2]]
            )
            direction = np.array([0.0, 0.0, 1.0])
        elif side == 1:
            offset = np.array(
                [t_high[0] + distance - a_low[0], bottom - a_low[1], hit[2] - (a_low[2] + a_high[2]) / 2]
            )
            direction = np.array([-1.0, 0.0, 0.0])
        else:
            offset = np.array(
                [t_low[0] - distance - a_high[0], bottom - a_low[1], hit[2] - (a_low[2] + a_high[2]) / 2]
            )
            direction = np.array([1.0, 0.0, 0.0])
        if self.plan.entities[actor].kind.category == "ball" and event.kind == "throw":
            direction = direction + np.array([0.0, 0.35, 0.0])
        self.attach(actor, target, offset)
        moving = list(ids)
        self.set_velocity(moving, direction * speed)
        if event.head_on and not self.plan.entities[target].fixed:
            targets = list(target_block.ids)
            self.set_velocity(
                targets,
                -direction
                * self.speed(event_index, Event(event.kind, target, speed_factor=event.speed_factor))
                if event.speed is None
                else -direction * event.speed,
            )

    def place_on_ramp(self, event_index: int, event: Event, ramp: int) -> None:
        actor = event.actor
        if not self.free(actor):
            return
        entity = self.plan.entities[actor]
        ids = self.blocks[actor].ids
        ramp_entity = self.plan.entities[ramp]
        size = max(self.objects[ids[0]]["transform"]["scale"].values())
        length, _ = self.ramp_geometry[ramp]
        width = self.objects[self.blocks[ramp].ids[0]]["transform"]["scale"]["z"]
        lanes = max(1, min(len(ids), int(width * 0.9 // (size * 1.1))))  # side by side across the ramp
        rows = math.ceil(len(ids) / lanes)
        point, angle = self.ramp_top(ramp_entity, min(0.15 + size * rows, length * 0.8))
        normal = np.array([math.sin(angle), math.cos(angle), 0.0])
        down_slope = np.array([math.cos(angle), -math.sin(angle), 0.0])
        jointed = {j["bodyA"] for j in self.joints.values()} & set(ids)
        if jointed:
            # A car on its wheels: tilted with the slope as one rigid group, so its hinges still fit.
            low, high = self.box(ids)
            pivot = np.array([(low[0] + high[0]) / 2, low[1], (low[2] + high[2]) / 2])
            tilt = euler_xyz_to_quaternion(0.0, 0.0, -angle)
            rotate = _rotation_matrix({"x": 0.0, "y": 0.0, "z": -angle})
            for object_id in ids:
                transform = self.objects[object_id]["transform"]
                spot = point + normal * 0.01 + rotate @ (self.pos(object_id) - pivot)
                transform["position"] = _vec(spot)
                r = transform["rotation"]
                own = euler_xyz_to_quaternion(r["x"], r["y"], r["z"])
                transform["rotation"] = _vec(_euler_of(_quat_mul(tilt, own)))
            if event.speed is not None or event.speed_factor > 1.0:
                self.set_velocity(ids, down_slope * self.speed(event_index, event))
            self.root[actor] = actor
            for member in self.cluster(actor):
                self.root[member] = self.root[ramp]
            return
        for order, object_id in enumerate(ids):
            obj = self.objects[object_id]
            scale = obj["transform"]["scale"]
            shape = obj["visualProperties"]["shape"]
            lying = shape == "Cylinder" and event.kind == "roll"
            half = scale["x"] / 2 if shape == "Sphere" or lying else scale["y"] / 2
            spacing = min(size * 1.2, (point[0] - self.ramp_foot(ramp_entity)[0]) / rows / math.cos(angle))
            row, lane = divmod(order, lanes)
            across = np.array([0.0, 0.0, (lane - (lanes - 1) / 2) * size * 1.1])
            spot = point + down_slope * row * max(spacing, 0.0) + normal * (half + 0.003) + across
            obj["transform"]["position"] = _vec(spot)
            if lying:
                # A can or a log rolls on its side: its axis across the slope.
                obj["transform"]["rotation"] = _vec((math.pi / 2, 0.0, 0.0))
            elif shape != "Sphere":
                obj["transform"]["rotation"] = _vec((0.0, 0.0, -angle))
        if event.speed is not None or event.speed_factor > 1.0:
            self.set_velocity(ids, down_slope * self.speed(event_index, event))
        if entity.kind.shape == "Box":
            # Sliding needs a slope steeper than the friction angle; the sentence leaves friction free.
            # Rapier averages the two frictions, so the ramp's own friction is lowered too.
            slippery = math.tan(angle) * 0.4
            for object_id in [*ids, *self.blocks[ramp].ids]:
                props = self.objects[object_id]["physicsProperties"]
                props["friction"] = round(min(props["friction"], slippery), 3)
        self.root[actor] = actor
        for member in self.cluster(actor):
            self.root[member] = self.root[ramp]

    def place_on_stairs(self, event_index: int, event: Event, stairs: int) -> None:
        actor = event.actor
        if not self.free(actor):
            return
        ids = self.blocks[actor].ids
        top_step = self.blocks[stairs].ids[0]
        s_low, s_high = self.box([top_step])
        a_low, a_high = self.box(ids)
        offset = np.array(
            [
                s_low[0] + 0.05 - a_low[0],
                s_high[1] + 0.002 - a_low[1],
                (s_low[2] + s_high[2]) / 2 - (a_low[2] + a_high[2]) / 2,
            ]
        )
        self.attach(actor, stairs, offset)
        self.set_velocity(ids, np.array([max(self.speed(event_index, event) * 0.4, 0.8), 0.0, 0.0]))

    def place_head_on(self, event_index: int, event: Event) -> None:
        """'Two cars colliding head on': the group's two halves move at each other along x."""
        ids = self.blocks[event.actor].ids
        if len(ids) < 2:
            return
        half = len(ids) // 2
        left, right = ids[:half], ids[half:]
        l_low, l_high = self.box(left)
        r_low, r_high = self.box(right)
        speed = self.speed(event_index, event)
        distance = APPROACH * (1.6 if speed > 6 else 1.0) * max(1.0, self.plan.entities[event.actor].size)
        width = max(l_high[0] - l_low[0], r_high[0] - r_low[0])
        self.move(left, np.array([-(distance + width) / 2 - l_high[0], 0.0, -(l_low[2] + l_high[2]) / 2]))
        self.move(right, np.array([(distance + width) / 2 - r_low[0], 0.0, -(r_low[2] + r_high[2]) / 2]))
        self.set_velocity(left, (speed, 0.0, 0.0))
        self.set_velocity(right, (-speed, 0.0, 0.0))
        entity = self.plan.entities[event.actor]
        self.probes.append(
            Probe(
                f"the {entity.kind.plural_name} collide head on",
                "touch",
                left,
                right,
                deadline=3.0,
                event=event_index,
            )
        )
        self.will.append(f"{entity.the()} drive at each other at {speed:.1f} m/s each and collide head on")

    def push_first_domino(self, entity: Entity, factor: float) -> None:
        first = self.blocks[entity.index].ids[0]
        heading = -self.objects[first]["transform"]["rotation"]["y"]
        direction = (math.cos(heading), math.sin(heading))
        omega = 3.0 * factor
        self.objects[first]["angularVelocity"] = _vec((direction[1] * omega, 0.0, -direction[0] * omega))

    # --- the whole scene ------------------------------------------------------------------------------

    def run(self) -> Layout:
        plan = self.plan
        for entity in plan.entities:
            # A row longer than the ground: smaller things, closer together (the ground is 20 m).
            size = max(entity.kind.size) * entity.size
            step = entity.kind.size[1] * 0.5 * entity.size if entity.kind.category == "domino" else size * 1.5
            path = entity.arrangement in {"row", ""} and (entity.count > 1 and not entity.fixed)
            if path and entity.kind.category in {"domino", "pin"} | (
                {"thing", "ball", "vehicle"} if entity.arrangement == "row" else set()
            ):
                extent = entity.count * step
                if extent > 16.0:
                    self.size_fit[entity.index] = max(16.0 / extent, 0.2)
        for relation in plan.relations:
            # A group put on a table fits on its top (fifteen balls in a triangle on a table).
            subject, holder = plan.entities[relation.subject], plan.entities[relation.object]
            if (
                relation.kind == "on"
                and holder.kind.shape in {"Table", "Shelf", "Platform"}
                and subject.count > 1
            ):
                top = min(holder.kind.size[0], holder.kind.size[2]) * holder.size
                footprint = math.sqrt(subject.count) * max(subject.kind.size) * subject.size * 1.8
                if footprint > 0.8 * top:
                    self.size_fit[subject.index] = max(0.8 * top / footprint, 0.2)
        for event in plan.events:
            target = plan.entities[event.target] if event.target is not None else None
            if (
                target is not None
                and target.kind.category == "container"
                and event.kind in {"fall", "bounce"}
            ):
                # A bowl wide enough for what falls into it.
                actor = plan.entities[event.actor]
                need = (
                    max(actor.kind.size)
                    * actor.size
                    * (1.4 if actor.varied else 1.0)
                    * (1.5 + math.sqrt(actor.count))
                )
                self.size_fit[target.index] = max(1.0, need / (target.kind.size[0] * target.size))
            actor = plan.entities[event.actor]
            if (
                event.kind == "knock"
                and target is not None
                and not target.fixed
                and actor.mass is None
                and actor.weight == 1.0
                and actor.material is None
                and actor.kind.category in {"ball", "thing"}
            ):
                # Something that knocks a stack over is heavy enough to (its mass is left free).
                heavy = 1.5 * self.mass(target) / max(self.mass(actor), 1e-3)
                if heavy > 1.0:
                    self.weight_fit[event.actor] = min(heavy, 1000.0)
            if target is not None and plan.entities[event.actor].kind.shape == "Pendulum":
                self.swing_targets[event.actor] = self.mass(target) * target.count
            if target is not None and target.kind.category in {"domino", "pin"} and target.size == 1.0:
                # Dominoes and pins sized to what bowls into them: a marble topples small ones.
                actor = plan.entities[event.actor]
                reach = max(actor.kind.size) * actor.size
                fit = 1.0
                if actor.kind.category == "ball" and reach < 0.12:
                    fit = max(reach * 3.5 / target.kind.size[1], 0.25)
                light = self.mass(actor) / (2.0 * self.mass(target))
                if light < 1.0:
                    fit = min(fit, light ** (1 / 3))
                self.size_fit[target.index] = max(fit, 0.25)
            if event.via is not None and plan.entities[event.via].kind.shape == "Ramp":
                # A ramp long enough for what rolls down it (a boulder needs more than a marble).
                actor = plan.entities[event.actor]
                reach = max(actor.kind.size) * actor.size * max(actor.count, 1)
                ramp = plan.entities[event.via]
                self.ramp_fit[ramp.index] = min(max(1.0, reach / (0.9 * ramp.size)), 3.0)
        for event in plan.events:
            entity = plan.entities[event.actor]
            if event.kind == "topple" and entity.arrangement == "stack" and entity.count > 1:
                factor = 1.15 if event.speed_factor < 1 else 1.6
                self.tuning.lean.setdefault(entity.index, factor / entity.count)
        for entity in plan.entities:
            self.build(entity)
            self.root[entity.index] = entity.index
        handled: set[int] = set()
        for index, event in enumerate(plan.events):
            self.place_event(index, event)
            handled.add(event.actor)
            if event.target is not None:
                handled.add(event.target)
        for relation in plan.relations:
            self.place_relation(relation)
        self.stand_probes(handled)
        self.line_up()
        for deferred in self.deferred:
            deferred()
        scene: dict[str, Any] = {
            "objects": self.objects,
            "selectedObject": None,
            "gravity": {"x": 0.0, "y": -9.81 if plan.gravity is None else plan.gravity, "z": 0.0},
            "ground": True,
            "camera": frame_camera(self.objects),
        }
        if self.joints:
            scene["joints"] = self.joints
        things = [e.label() for e in plan.entities if e.kind.shape != "Floor"]
        will = ["; ".join(things)] if things else []
        return Layout(scene=scene, probes=self.probes, will_happen=will + self.will, notes=self.notes)

    def place_event(self, index: int, event: Event) -> None:
        plan = self.plan
        actor = plan.entities[event.actor]
        target = plan.entities[event.target] if event.target is not None else None
        kind = event.kind
        actor_ids = self.blocks[event.actor].ids
        if actor.kind.category == "jointed":
            if target is not None and actor.kind.shape == "Pendulum" and self.free(event.target):
                # The wrecking ball swings into the target: the target stands where the bob passes lowest.
                bob = actor_ids[0]
                pivot = self.pivots[event.actor]
                t_low, t_high = self.box(self.blocks[event.target].ids)
                radius = self.objects[bob]["transform"]["scale"]["x"] / 2
                offset = np.array(
                    [pivot[0] + radius + 0.05 - t_low[0], -t_low[1], pivot[2] - (t_low[2] + t_high[2]) / 2]
                )
                self.attach(event.target, event.actor, offset)
                self.knock_probe(index, event, [bob])
            return
        if (
            kind in {"topple", "fall", "knock"}
            and target is None
            and actor.count > 1
            and actor.kind.category == "domino"
        ):
            self.push_first_domino(actor, self.tuning.speed.get(index, 1.0) * event.speed_factor)
            self.probes.append(Probe(f"{actor.the()} fall one after another", "knocked", actor_ids, fraction=0.7,
                                     deadline=_domino_time(actor), event=index, entity=actor.index))  # fmt: skip
            self.will.append(f"the first domino is tipped and {actor.the()} fall one after another")
            return
        if kind in {"fall", "bounce"} and event.start_on is None:
            height = event.height if event.height is not None else (1.5 if kind == "bounce" else FALL_HEIGHT)
            height *= self.tuning.height.get(index, 1.0) if event.height is None else 1.0
            if kind == "bounce":
                # The sentence says it bounces: whatever its material, it is springy enough to.
                for object_id in actor_ids:
                    props = self.objects[object_id]["physicsProperties"]
                    props["restitution"] = max(props["restitution"], 0.75 if actor.material is None else 0.6)
            if target is not None and target.kind.shape != "Floor":
                self.place_above(index, event, event.target, height)
                container = target.kind.category == "container"
                seesaw = target.kind.shape == "Seesaw"
                if seesaw:
                    board = self.seesaw_board[event.target]
                    length = self.objects[board]["transform"]["scale"]["x"]
                    self.move(
                        self.cluster_ids(event.actor) if self.free(event.actor) else actor_ids,
                        np.array([length * 0.4, 0.0, 0.0]),
                    )
                text = plan.event_text(event)
                if container:
                    self.probes.append(Probe(text, "inside", actor_ids, self.blocks[event.target].ids, fraction=0.6,
                                             deadline=_fall_time(height) + 2.0, event=index, entity=event.target))  # fmt: skip
                elif kind == "bounce":
                    self.probes.append(Probe(text, "bounce", actor_ids[:1], self.blocks[event.target].surface or self.blocks[event.target].ids,
                                             deadline=_fall_time(height) + 1.5, event=index))  # fmt: skip
                else:
                    self.probes.append(Probe(text, "touch", actor_ids, self.blocks[event.target].ids,
                                             deadline=_fall_time(height + 1) + 1.0, event=index))  # fmt: skip
                    if (
                        plan.entities[event.target].arrangement in STACKED | {"row", "triangle"}
                        and plan.entities[event.target].count > 1
                    ):
                        pass
                self.will.append(f"{text} from {height:.1f} m above it")
            else:
                lift = height if event.height is not None else (2.0 if kind == "fall" else 1.5)
                lift *= self.tuning.height.get(index, 1.0) if event.height is None else 1.0
                if self.free(event.actor):
                    self.move(actor_ids, np.array([0.0, lift, 0.0]))
                    for order, object_id in enumerate(actor_ids[1:], start=1):
                        if actor.arrangement not in STACKED:
                            self.objects[object_id]["transform"]["position"]["y"] += round(order * 0.05, 4)
                text = plan.event_text(event)
                self.probes.append(Probe(text, "bounce" if kind == "bounce" else "lands", actor_ids[:1] if kind == "bounce" else actor_ids,
                                         deadline=_fall_time(lift) + 1.5, event=index))  # fmt: skip
                self.will.append(f"{text} from {lift:.1f} m")
            return
        if event.start_on is not None:
            surface_entity = event.start_on
            if self.free(event.actor):
                top, low, high = self.top_of(surface_entity)
                a_low, a_high = self.box(actor_ids)
                # At the edge, its centre still on the surface, and nudged over it.
                width = a_high[0] - a_low[0]
                offset = np.array(
                    [
                        high[0] + 0.35 * width - a_high[0],
                        top + 0.002 - a_low[1],
                        (low[2] + high[2]) / 2 - (a_low[2] + a_high[2]) / 2,
                    ]
                )
                self.attach(event.actor, surface_entity, offset)
                push = 1.2 if event.kind in {"fall", "topple"} else max(self.speed(index, event) * 0.5, 1.5)
                self.set_velocity(actor_ids, (push * self.tuning.speed.get(index, 1.0), 0.0, 0.0))
            if (target is not None and self.free(event.target) and not target.fixed) or (
                target is not None and target.kind.category == "container" and self.free(event.target)
            ):
                top, low, high = self.top_of(surface_entity)
                t_low, t_high = self.box(self.blocks[event.target].ids)
                # Where it lands: it leaves the edge at about its push speed and falls to the target's top.
                push = 1.2 if event.kind in {"fall", "topple"} else max(self.speed(index, event) * 0.5, 1.5)
                drop = max(top - (t_high[1] - t_low[1]), 0.05)
                landing = push * math.sqrt(2 * drop / GRAVITY) * 0.8
                self.attach(
                    event.target,
                    surface_entity,
                    np.array(
                        [
                            high[0] + max(landing - (t_high[0] - t_low[0]) / 2, 0.05) - t_low[0],
                            -t_low[1],
                            (low[2] + high[2]) / 2 - (t_low[2] + t_high[2]) / 2,
                        ]
                    ),
                )
            text = plan.event_text(event)
            if target is not None:
                self.probes.append(
                    Probe(text, "touch", actor_ids, self.blocks[event.target].ids, deadline=3.0, event=index)
                )
            else:
                self.probes.append(Probe(text, "lands", actor_ids, deadline=3.0, event=index))
            self.will.append(text)
            return
        if kind == "collide" and target is None:
            self.place_head_on(index, event)
            return
        if kind in MOVING and target is not None and target.kind.shape != "Floor":
            if target.kind.category == "jointed" and target.kind.shape == "Seesaw":
                self.place_above(index, event, event.target, FALL_HEIGHT)
                self.probes.append(
                    Probe(
                        plan.event_text(event),
                        "touch",
                        actor_ids,
                        self.blocks[event.target].ids,
                        deadline=2.5,
                        event=index,
                    )
                )
                return
            self.place_approach(index, event, event.target)
            speed = self.speed(index, event)
            text = plan.event_text(event, None if event.via is not None and event.speed is None else speed)
            deadline = 4.0 if event.via is not None else min(6.0, 1.0 + (APPROACH * 2.5) / max(speed, 0.3))
            self.probes.append(
                Probe(text, "touch", actor_ids, self.blocks[event.target].ids, deadline=deadline, event=index)
            )
            self.knock_probe(index, event, actor_ids)
            first = (
                "the first of "
                if target.count > 1
                and target.arrangement in {"row", "circle", "spiral", "arc", "zigzag", ""}
                and target.kind.category == "domino"
                else ""
            )
            self.will.append(text.replace(target.the(), first + target.the(), 1) if first else text)
            return
        if kind in {"roll", "slide", "throw", "hit", "knock"} and event.via is not None and event.uphill:
            ramp = plan.entities[event.via]
            if ramp.kind.shape == "Ramp" and self.free(event.actor):
                # Up the slope: from beyond its foot, fast enough to climb about half of it.
                foot = self.ramp_foot(ramp)
                length, angle = self.ramp_geometry[event.via]
                a_low, a_high = self.box(actor_ids)
                self.attach(
                    event.actor,
                    event.via,
                    np.array([foot[0] + 1.0 - a_low[0], -a_low[1], foot[2] - (a_low[2] + a_high[2]) / 2]),
                )
                climb = length * math.sin(angle) * 0.5
                speed = (
                    event.speed
                    if event.speed is not None
                    else math.sqrt(2 * GRAVITY * climb) * 1.3 * event.speed_factor
                )
                self.set_velocity(actor_ids, (-speed, 0.0, 0.0))
                self.probes.append(
                    Probe(
                        plan.event_text(event, speed),
                        "rises",
                        actor_ids[:1],
                        deadline=3.0,
                        event=index,
                        radius=0.2,
                    )
                )
                self.will.append(plan.event_text(event, speed))
                return
        if kind in {"roll", "slide", "throw", "hit", "knock"} and event.via is not None:
            ramp = plan.entities[event.via]
            if ramp.kind.shape == "Ramp":
                self.place_on_ramp(index, event, event.via)
                self.deferred.append(lambda i=index, e=event: self.reach_probe(i, e))
            else:
                self.place_on_stairs(index, event, event.via)
                self.probes.append(
                    Probe(plan.event_text(event), "moves", actor_ids, deadline=3.0, event=index, radius=0.8)
                )
            self.will.append(plan.event_text(event))
            return
        if kind in {"roll", "slide", "throw", "hit", "knock"}:
            speed = self.speed(index, event)
            direction = np.array([1.0, 0.35 if kind == "throw" else 0.0, 0.0])
            if kind == "throw" and self.free(event.actor):
                self.move(actor_ids, np.array([0.0, 0.5, 0.0]))
            self.set_velocity(actor_ids, direction * speed)
            if actor.kind.category == "domino":
                self.push_first_domino(actor, self.tuning.speed.get(index, 1.0))
                self.probes.append(
                    Probe(
                        plan.event_text(event),
                        "knocked",
                        actor_ids,
                        fraction=0.7,
                        deadline=_domino_time(actor),
                        event=index,
                        entity=actor.index,
                    )
                )
            else:
                self.probes.append(
                    Probe(
                        plan.event_text(event, speed),
                        "moves",
                        actor_ids,
                        deadline=2.0,
                        event=index,
                        radius=min(1.0, 0.05 + 0.04 * speed**2),  # a slow push goes less far (friction)
                    )
                )
            self.will.append(plan.event_text(event, speed))
            return
        if kind in {"topple", "fall"} and actor.count > 1 and actor.kind.category == "domino":
            self.push_first_domino(actor, self.tuning.speed.get(index, 1.0) * event.speed_factor)
            self.probes.append(Probe(f"{actor.the()} fall one after another", "knocked", actor_ids, fraction=0.7,
                                     deadline=_domino_time(actor), event=index, entity=actor.index))  # fmt: skip
            self.will.append(f"the first domino is tipped and {actor.the()} fall one after another")
            return
        if kind == "topple":
            if actor.count == 1 and actor_ids:
                obj = self.objects[actor_ids[0]]
                scale = obj["transform"]["scale"]
                w, h = scale["x"], scale["y"]
                # Just enough spin to tip it over its edge (a cube needs more than a pillar).
                rise = math.hypot(w, h) / 2 - h / 2
                needed = math.sqrt(6 * GRAVITY * rise / (w * w + h * h))
                omega = needed * (1.1 if event.speed_factor < 1 else 1.35) * self.tuning.speed.get(index, 1.0)
                obj["angularVelocity"] = _vec((0.0, 0.0, -omega))
            self.probes.append(Probe(plan.event_text(event), "topple", actor_ids, deadline=4.0 if event.speed_factor < 1 else 3.0,
                                     event=index, entity=actor.index))  # fmt: skip
            self.will.append(plan.event_text(event) + (" slowly" if event.speed_factor < 1 else ""))
            return
        if kind == "spin":
            for object_id in actor_ids:
                # A spinning top or coin: fast, on little friction (the sentence leaves friction free).
                self.objects[object_id]["angularVelocity"] = _vec((0.0, 15.0 * event.speed_factor, 0.0))
                props = self.objects[object_id]["physicsProperties"]
                props["friction"] = min(props["friction"], 0.05)
            self.probes.append(
                Probe(plan.event_text(event), "spins", actor_ids[:1], deadline=1.5, event=index)
            )
            self.will.append(plan.event_text(event))
            return
        if kind == "stand":
            self.probes.append(Probe(plan.event_text(event), "stand", actor_ids, deadline=3.0, event=index))
            self.will.append(plan.event_text(event))

    def knock_probe(self, index: int, event: Event, actor_ids: list[str]) -> None:
        target = self.plan.entities[event.target]
        ids = self.blocks[event.target].ids
        if target.fixed or target.kind.category == "jointed":
            return
        if target.kind.category == "domino" and target.count > 1:
            self.probes.append(Probe(f"at least 70% of {target.the()} fall", "knocked", ids, fraction=0.7,
                                     deadline=_domino_time(target) + 1.5, event=index, entity=target.index))  # fmt: skip
        elif (
            event.kind == "knock"
            or target.kind.category == "pin"
            or self.plan.entities[event.actor].kind.category == "jointed"
        ):
            fraction = 0.3 if target.kind.category == "pin" else (0.4 if target.count > 1 else 1.0)
            if target.arrangement in {"wall", "pyramid", "pile", "grid", "scatter"}:
                # One thing moving in a straight line reaches one row of a grid, a part of a wall.
                fraction = 0.2
            # Balls are not knocked over but scattered: pushed at least their size away.
            scatter = 0.0
            if target.kind.shape == "Sphere":
                scatter = max(self.objects[ids[0]]["transform"]["scale"].values())
                fraction = min(fraction, 0.3)
            self.probes.append(Probe(f"{target.the()} {'are' if target.count > 1 else 'is'} knocked over", "knocked", ids,
                                     fraction=fraction, deadline=4.0, event=index, entity=target.index, radius=scatter))  # fmt: skip

    def reach_probe(self, index: int, event: Event) -> None:
        foot = self.ramp_foot(self.plan.entities[event.via])
        self.probes.append(Probe(f"{self.plan.entities[event.actor].the()} reaches the bottom of {self.plan.entities[event.via].the()}",
                                 "reach", self.blocks[event.actor].ids[:1], point=tuple(foot), deadline=3.5, event=index,
                                 entity=event.via))  # fmt: skip

    def place_relation(self, relation) -> None:
        subject, reference = relation.subject, relation.object
        if not self.free(subject) or self.root.get(reference) == subject:
            return
        if not self.blocks[subject].ids or not self.blocks[reference].ids:
            return  # the floor: nothing to place against
        sub_entity = self.plan.entities[subject]
        ref_entity = self.plan.entities[reference]
        ids = self.cluster_ids(subject)
        a_low, a_high = self.box(ids)
        a_centre = (a_low + a_high) / 2
        kind = relation.kind
        near = (
            self.blocks[reference].ids
            if kind in {"on", "above", "in", "under"}
            else self.cluster_ids(self.root[reference])
        )
        r_low, r_high = self.box(near)
        r_centre = (r_low + r_high) / 2
        if kind in {"on", "above", "in"} and ref_entity.kind.shape == "Ramp":
            rolling = Event("roll", subject, via=reference)
            self.place_on_ramp(len(self.plan.events), rolling, reference)
            self.deferred.append(lambda: self.reach_probe(len(self.plan.events), rolling))
            self.will.append(f"{sub_entity.the()} rolls down {ref_entity.the()}")
            return
        if kind in {"on", "above", "in"} and ref_entity.kind.shape == "Seesaw":
            # Things on a seesaw sit on its ends, one on each side.
            board = self.seesaw_board[reference]
            length = self.objects[board]["transform"]["scale"]["x"]
            side = self.sides.get(reference, 0)
            self.sides[reference] = side + 1
            top = float(self.box([board])[1][1])
            end = self.pos(board)[0] + (0.4 if side % 2 == 0 else -0.4) * length
            offset = np.array([end - a_centre[0], top + 0.002 - a_low[1], self.pos(board)[2] - a_centre[2]])
            self.attach(subject, reference, offset)
            return
        if kind in {"on", "above", "in"}:
            top, low, high = self.top_of(reference)
            lift = 1.0 if kind == "above" else 0.002
            offset = np.array(
                [
                    (low[0] + high[0]) / 2 - a_centre[0],
                    top + lift - a_low[1],
                    (low[2] + high[2]) / 2 - a_centre[2],
                ]
            )
            if kind == "in" and ref_entity.kind.category == "container":
                offset[1] = top + 0.02 - a_low[1]
            self.attach(subject, reference, offset)
            involved = {e.target for e in self.plan.events} | {e.actor for e in self.plan.events}
            if (sub_entity.arrangement in STACKED or kind == "on") and subject not in involved:
                self.probes.append(Probe(f"{sub_entity.the()} stay on {ref_entity.the()}", "stays", self.blocks[subject].ids,
                                         self.blocks[reference].ids, deadline=2.5, entity=subject))  # fmt: skip
            return
        if kind == "under":
            if ref_entity.kind.shape in {"Table", "Shelf"}:
                offset = np.array([r_centre[0] - a_centre[0], -a_low[1], r_centre[2] - a_centre[2]])
            else:
                offset = np.array([r_high[0] + 0.5 - a_low[0], -a_low[1], r_centre[2] - a_centre[2]])
        elif kind == "behind":
            offset = np.array([r_centre[0] - a_centre[0], -a_low[1], r_low[2] - 0.5 - a_high[2]])
        elif kind == "front":
            offset = np.array([r_centre[0] - a_centre[0], -a_low[1], r_high[2] + 0.5 - a_low[2]])
        elif kind == "at_foot" and ref_entity.kind.shape == "Ramp":
            foot = self.ramp_foot(ref_entity)
            offset = np.array([foot[0] + 0.6 - a_low[0], -a_low[1], foot[2] - a_centre[2]])
        else:
            offset = np.array([r_high[0] + 0.6 - a_low[0], -a_low[1], r_centre[2] - a_centre[2]])
        self.attach(subject, reference, offset)

    def stand_probes(self, handled: set[int]) -> None:
        for entity in self.plan.entities:
            if entity.index in handled or entity.fixed or entity.kind.category == "jointed":
                continue
            if entity.arrangement in STACKED and entity.count > 1:
                ids = self.blocks[entity.index].ids
                size = max(self.objects[ids[0]]["transform"]["scale"].values())
                self.probes.append(
                    Probe(
                        f"{entity.the()} stand", "stand", ids, deadline=3.0, entity=entity.index, radius=size
                    )
                )
                self.will.append(f"{entity.the()} stand still")

    def line_up(self) -> None:
        """Clusters side by side along x, the whole scene centred on the origin."""
        roots = sorted({r for r in self.root.values()})
        cursor, front, back = 0.0, 0.0, 0.0  # the current row starts at z = front and reaches back
        for root in roots:
            ids = self.cluster_ids(root)
            if not ids:
                continue
            low, high = self.box(ids)
            width = high[0] - low[0]
            if cursor > 0 and cursor + width > ROW_WIDTH:
                # The ground is 20 m wide: a new row behind the first rather than off its edge.
                cursor, front = 0.0, back - CLUSTER_GAP
            self.move(ids, np.array([cursor - low[0], 0.0, front - high[2]]))
            cursor += width + CLUSTER_GAP
            back = min(back, front - (high[2] - low[2]))
        if self.objects:
            low, high = self.box(list(self.objects))
            self.move(list(self.objects), np.array([-(low[0] + high[0]) / 2, 0.0, -(low[2] + high[2]) / 2]))
        for joint in self.joints.values():
            if joint["bodyB"] is None and "anchorB" in joint:
                body = joint["bodyA"]
                # World anchors move with their body: recompute from the body's pose and anchorA.
                p = self.pos(body)
                a = joint["anchorA"]
                rotation = self.objects[body]["transform"]["rotation"]
                local = np.array([a["x"], a["y"], a["z"]])
                world = p + _rotate_euler(local, rotation)
                joint["anchorB"] = _vec(world)


def _rotate_euler(v: np.ndarray, rotation: dict[str, float]) -> np.ndarray:
    return _rotation_matrix(rotation) @ v


def _fall_time(height: float) -> float:
    return math.sqrt(2 * max(height, 0.01) / GRAVITY)


def _domino_time(entity: Entity) -> float:
    return min(8.0, 1.5 + entity.count * 0.12)


def layout_build(plan: Plan, tuning: Tuning) -> Layout:
    """The scene of `plan` with `tuning`'s free choices, and the probes that check its events."""
    return Placer(plan, tuning).run()
