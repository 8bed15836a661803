"""What an object looks like: its material and, for known kinds, the parts drawn in place of its primitive.

The rules live in `looks.json`, which the editor reads too (frontend/src/editor/looks.ts), so the
server render and the browser draw the same thing. Nothing here changes physics: parts are placed
inside the collider's box and move with the body.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from simulation.scene_schema import Scene, SceneObject

LOOKS_PATH = Path(__file__).with_name("looks.json")
Vec = tuple[float, float, float]


@cache
def looks() -> dict[str, Any]:
    return json.loads(LOOKS_PATH.read_text())


def material_names() -> tuple[str, ...]:
    return tuple(looks()["materials"])


def ground_styles() -> tuple[str, ...]:
    return tuple(looks()["grounds"])


def _words_pattern(words: list[str]) -> re.Pattern[str]:
    # Whole words, plurals included; ids such as "pin_3" count ("_" and "-" separate words).
    alternatives = "|".join(re.escape(word).replace(r"\ ", " ") for word in words)
    return re.compile(rf"\b(?:{alternatives})(?:e?s)?\b")


@cache
def _patterns() -> tuple[list[tuple[str, re.Pattern[str]]], list[tuple[str, re.Pattern[str]]]]:
    data = looks()
    materials = [(name, _words_pattern(entry["words"])) for name, entry in data["materials"].items()]
    kinds = [(name, _words_pattern(entry["words"])) for name, entry in data["kinds"].items()]
    return materials, kinds


def _words(text: str) -> str:
    return re.sub(r"[_\-]+", " ", text).lower()


def _first_match(patterns: list[tuple[str, re.Pattern[str]]], text: str) -> str | None:
    found = [(match.start(), name) for name, pattern in patterns if (match := pattern.search(text))]
    return min(found)[1] if found else None


def object_material(obj: SceneObject) -> str:
    """The explicit `visualProperties.material`, else the first material word of the description."""
    explicit = getattr(obj.visualProperties, "material", None)
    if explicit:
        return explicit
    return _first_match(_patterns()[0], _words(obj.description or "")) or looks()["defaultMaterial"]


def object_kind(obj: SceneObject) -> str | None:
    """The kind ("car", "book", ...) named in the id, else first in the description, if any.

    The id comes first: the composer names parts ("wheel_1") while their description names the
    whole ("a red car").
    """
    kinds = _patterns()[1]
    return _first_match(kinds, _words(obj.id)) or _first_match(kinds, _words(obj.description or ""))


def collider_box(obj: SceneObject) -> Vec:
    """Full extents of the box around the collider (SCENE.md "Shapes and sizes")."""
    s = obj.transform.scale
    if obj.visualProperties.shape == "Sphere":
        return (s.x, s.x, s.x)
    if obj.visualProperties.shape == "Cylinder":
        return (s.x, s.y, s.x)
    return (s.x, s.y, s.z)


def frame_axes(frame: str, box: Vec) -> tuple[int, int, int]:
    """For each of the kind's axes (x, y, z), the collider axis it lies along."""
    if frame == "horizontal":
        return (0, 1, 2) if box[0] >= box[2] else (2, 1, 0)
    if frame == "sorted":
        order = sorted(range(3), key=lambda axis: (-box[axis], axis))
        return (order[0], order[2], order[1])
    return (0, 1, 2)


def shade_color(color: str, factor: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    # floor(x + 0.5), not round(): the editor rounds halves up too (JavaScript's Math.round).
    return "#" + "".join(f"{max(0, min(255, math.floor(c * factor + 0.5))):02x}" for c in (r, g, b))


def jointed_ids(scene: Scene) -> set[str]:
    """The objects a joint holds (either end)."""
    ids = set()
    for joint in (scene.joints or {}).values():
        ids.add(joint.bodyA)
        if joint.bodyB is not None:
            ids.add(joint.bodyB)
    return ids


def contrast_color(color: str) -> str:
    """Near-black on a light colour, near-white on a dark one (a domino's pips)."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#212121" if 0.299 * r + 0.587 * g + 0.114 * b > 128 else "#fafafa"


def object_shade(index: int) -> float:
    """Neighbouring objects of one colour get different shades, so a stack never merges into one block."""
    shades = looks()["shades"]
    return shades[index % len(shades)]


@dataclass(frozen=True)
class Part:
    """One drawn piece, in the body's own frame (Y-up, metres)."""

    shape: str  # "box" | "ellipsoid" | "cylinder" (its axis along `axis`)
    center: Vec
    size: Vec  # full extents along the body's x, y, z
    color: str
    material: str
    axis: int = 1  # 0, 1, 2: the cylinder's axis in the body frame


def object_parts(obj: SceneObject, *, shade: float = 1.0, jointed: bool = False) -> list[Part]:
    """The parts that draw `obj`: its kind's parts, or its own primitive.

    `jointed`: a joint holds the object; parts marked unlessJointed (a car's drawn wheels, when the
    scene has wheel bodies on joints) are left out.
    """
    color = shade_color(obj.visualProperties.color, shade)
    material = object_material(obj)
    box = collider_box(obj)
    kind = object_kind(obj)
    if kind is None:
        shape = {"Box": "box", "Sphere": "ellipsoid", "Cylinder": "cylinder"}[obj.visualProperties.shape]
        if shape == "box":
            # A hair smaller than the collider (at most 1 cm a side): touching boxes show a seam.
            seam = looks()["boxSeam"]
            inset = min(seam["max"], min(box) * seam["fraction"])
            box = (box[0] - 2 * inset, box[1] - 2 * inset, box[2] - 2 * inset)
        return [Part(shape=shape, center=(0.0, 0.0, 0.0), size=box, color=color, material=material)]
    spec = looks()["kinds"][kind]
    axes = frame_axes(spec["frame"], box)
    parts = []
    for part in spec["parts"]:
        if jointed and part.get("unlessJointed"):
            continue
        center = [0.0, 0.0, 0.0]
        size = [0.0, 0.0, 0.0]
        for kind_axis, body_axis in enumerate(axes):
            center[body_axis] = part["center"][kind_axis] * box[body_axis]
            size[body_axis] = part["size"][kind_axis] * box[body_axis]
        paint = part.get("color", "body")
        if paint == "body":
            part_color = color
        elif paint == "contrast":
            part_color = contrast_color(color)
        elif isinstance(paint, (int, float)):
            part_color = shade_color(color, float(paint))
        else:
            part_color = paint
        axis = axes["xyz".index(part.get("axis", "y"))]
        parts.append(
            Part(
                shape=part["shape"],
                center=(center[0], center[1], center[2]),
                size=(size[0], size[1], size[2]),
                color=part_color,
                material=part.get("material", material),
                axis=axis,
            )
        )
    return parts


def vector_answers(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What each test-vector object looks like (examples/looks/vectors.json, checked by both sides)."""
    answers = []
    for case in cases:
        obj = SceneObject.model_validate(case["object"])
        parts = object_parts(obj, shade=case.get("shade", 1.0), jointed=case.get("jointed", False))
        answers.append(
            {
                "kind": object_kind(obj),
                "material": object_material(obj),
                "parts": [
                    {
                        "shape": p.shape,
                        "center": [round(v, 6) + 0.0 for v in p.center],
                        "size": [round(v, 6) + 0.0 for v in p.size],
                        "color": p.color,
                        "material": p.material,
                        "axis": p.axis,
                    }
                    for p in parts
                ],
            }
        )
    return answers


if __name__ == "__main__":
    # python -m simulation.render.looks examples/looks/vectors.json: rewrite the expected answers.
    import sys

    vectors_path = Path(sys.argv[1])
    document = json.loads(vectors_path.read_text())
    document["expected"] = vector_answers(document["cases"])
    vectors_path.write_text(json.dumps(document, indent=1) + "\n")
