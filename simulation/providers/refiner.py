"""Local refinement: simple edits to an existing scene from an instruction.

Understood: colour ("make the ball blue"), size ("bigger", "twice as small"), add ("add two green
boxes"), remove ("remove the red ball", "delete all spheres"), bounciness ("bouncier"), mass
("heavier", "lighter"), friction ("slippery", "grippier") and gravity ("moon gravity", "no gravity").
The instruction's target is the objects its nouns and colours name, else the selected object, else
every movable object. Whatever changed is lifted clear so nothing overlaps at the start.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from simulation.providers.composer import compose_plan
from simulation.providers.lexicon import COLOURS, KINDS, MULTICOLOUR_WORDS, NOUNS, RAINBOW
from simulation.providers.parse import plan_parse, tokenize
from simulation.providers.placement import bounds, settle

GRAVITY = {"moon": -1.62, "mars": -3.71, "jupiter": -24.79, "earth": -9.81}
GROW = {"bigger", "larger", "grow", "enlarge", "taller", "wider"}
SHRINK = {"smaller", "shrink", "tinier", "shorter", "narrower"}
REMOVE = {"remove", "delete", "drop", "without", "take", "get"}
ADD = {"add", "insert", "put", "place", "include", "spawn"}


@dataclass
class Refinement:
    scene: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    changed: bool = False


GENERIC_SHAPES = {"ball": "Sphere", "sphere": "Sphere", "box": "Box", "cube": "Box", "cylinder": "Cylinder"}


def _named(obj: dict[str, Any], kinds: set[str]) -> bool:
    """The object is one of `kinds`: by its id (composer ids are <colour_>kind_<n>) or its shape."""
    object_id = obj["id"]
    for kind in kinds:
        if re.search(rf"(^|_){re.escape(kind.replace(' ', '_'))}_\d+$", object_id):
            return True
        if kind in GENERIC_SHAPES and obj["visualProperties"]["shape"] == GENERIC_SHAPES[kind]:
            return True
    return False


def _kinds(tokens: list[str]) -> set[str]:
    return {NOUNS[t] for t in tokens if t in NOUNS and KINDS[NOUNS[t]].category != "fixture"}


def _targets(scene: dict[str, Any], tokens: list[str]) -> tuple[list[str], bool]:
    """Ids the instruction names, and whether it named them (else: selected or all movable)."""
    objects = scene["objects"]
    kinds = _kinds(tokens)
    # "make the ball blue": the last colour is the new one when a noun comes before it.
    named_colours = set()
    for index, token in enumerate(tokens):
        if token in COLOURS and index + 1 < len(tokens) and tokens[index + 1] in NOUNS:
            named_colours.add(COLOURS[token])
    ids = [
        object_id
        for object_id, obj in objects.items()
        if (not kinds or _named(obj, kinds))
        and (not named_colours or obj["visualProperties"]["color"].lower() in named_colours)
        and (kinds or named_colours)
    ]
    if kinds or named_colours:
        return ids, True
    if "everything" in tokens or "all" in tokens:
        return list(objects), True
    selected = scene.get("selectedObject")
    if selected in objects:
        return [selected], False
    movable = [i for i, o in objects.items() if o["physicsProperties"]["mass"] > 0]
    return (movable or list(objects)), False


def _scale_factor(tokens: list[str]) -> float | None:
    strong = any(t in {"much", "twice", "double", "lot", "way"} for t in tokens)
    if any(t in GROW for t in tokens) or "double" in tokens:
        return 2.0 if strong else 1.5
    if any(t in SHRINK for t in tokens) or "half" in tokens:
        return 0.5 if strong or "half" in tokens else 0.67
    return None


def scene_refine_locally(*, scene: dict[str, Any], instruction: str) -> Refinement:
    """Apply `instruction` to a copy of `scene` (already structurally valid JSON)."""
    scene = copy.deepcopy(scene)
    objects: dict[str, Any] = scene["objects"]
    tokens = tokenize(instruction)
    notes: list[str] = []
    words = set(tokens)

    if words & ADD and not (words & REMOVE):
        if "more" in words and _extend(scene, tokens, notes):
            return Refinement(scene, notes, True)
        plan = plan_parse(" ".join(t for t in tokens if t not in ADD))
        plan.entities = [e for e in plan.entities if not e.fixed]
        plan.events, plan.relations = [], []
        for number, entity in enumerate(plan.entities):
            entity.index = number
        if plan.entities:
            added = compose_plan(plan, check=False).scene["objects"]
            top = max((float(bounds(o)[1][1]) for o in objects.values()), default=0.0)
            for obj in added.values():
                # New things appear above what is there, so they never start inside it.
                obj["id"] = _fresh(obj["id"], objects)
                obj["transform"]["position"]["y"] += top + 0.5
                objects[obj["id"]] = obj
            settle(objects, order=list(objects))
            notes.append(f"Added {', '.join(e.label() for e in plan.entities)}.")
            return Refinement(scene, notes, True)

    targets, named = _targets(scene, tokens)
    if words & REMOVE:
        if not named:
            return Refinement(scene, ["Say what to remove, for example 'remove the red ball'."], False)
        plural = any(t in NOUNS and t != NOUNS[t] for t in tokens) or "all" in words
        doomed = targets if plural else targets[-1:]
        for object_id in doomed:
            objects.pop(object_id, None)
        if scene.get("selectedObject") not in objects:
            scene["selectedObject"] = None
        notes.append(f"Removed {', '.join(doomed)}." if doomed else "Nothing matched what to remove.")
        return Refinement(scene, notes, bool(doomed))

    changed = False
    colours = [COLOURS[t] for t in tokens if t in COLOURS]
    rainbow = bool(words & MULTICOLOUR_WORDS)
    if (colours or rainbow) and targets:
        for index, object_id in enumerate(targets):
            colour = RAINBOW[index % len(RAINBOW)] if rainbow else colours[-1]
            objects[object_id]["visualProperties"]["color"] = colour
        notes.append(f"Coloured {len(targets)} object(s).")
        changed = True
    factor = _scale_factor(tokens)
    if factor and targets:
        for object_id in targets:
            scale = objects[object_id]["transform"]["scale"]
            for axis in "xyz":
                scale[axis] = round(min(max(scale[axis] * factor, 0.02), 100.0), 4)
        settle(objects, order=[i for i in objects if i not in targets] + targets)
        notes.append(f"Scaled {len(targets)} object(s) by {factor:g}.")
        changed = True
    physics_edits = (
        ({"bouncier", "bouncy", "bounce", "springy"}, "restitution", lambda v: min(max(v + 0.3, 0.8), 0.95)),
        ({"heavier"}, "mass", lambda v: v * (4 if "much" in words else 2)),
        ({"lighter"}, "mass", lambda v: v / (4 if "much" in words else 2)),
        ({"slippery", "slipperier", "icy", "frictionless"}, "friction", lambda v: 0.02),
        (
            {"grippy", "grippier", "rougher", "sticky", "stickier"},
            "friction",
            lambda v: min(v * 2 + 0.3, 2.0),
        ),
    )
    for triggers, field_name, change in physics_edits:
        if words & triggers and not ({"less", "not"} & words and field_name == "restitution"):
            edited = [
                i for i in targets if field_name != "mass" or objects[i]["physicsProperties"]["mass"] > 0
            ]
            for object_id in edited:
                props = objects[object_id]["physicsProperties"]
                props[field_name] = round(change(props[field_name]), 4)
            notes.append(f"Changed {field_name} of {len(edited)} object(s).")
            changed = changed or bool(edited)
    if {"less"} & words and words & {"bouncy", "bouncier"}:
        for object_id in targets:
            props = objects[object_id]["physicsProperties"]
            props["restitution"] = round(props["restitution"] / 2, 4)
        notes.append(f"Made {len(targets)} object(s) less bouncy.")
        changed = True
    speed = _speed_factor(tokens)
    if speed is not None:
        moving = [i for i in (targets if named else objects) if objects[i].get("linearVelocity")]
        for object_id in moving:
            velocity = objects[object_id]["linearVelocity"]
            for axis in "xyz":
                velocity[axis] = round(velocity[axis] * speed, 4)
        if moving:
            notes.append(f"Made {len(moving)} moving object(s) {speed:g} times as fast.")
            changed = True
    if "gravity" in words:
        planet = next((p for p in GRAVITY if p in words), None)
        strength = 0.0 if words & {"no", "zero", "without", "off"} else GRAVITY.get(planet or "")
        if strength is not None:
            scene["gravity"] = {"x": 0.0, "y": strength, "z": 0.0}
            notes.append(f"Gravity set to {strength:g} m/s².")
            changed = True
    if not changed:
        notes.append(
            f"Could not read {instruction!r} as an edit; the scene is unchanged. Try a colour, 'bigger', "
            "'smaller', 'add a ball', 'remove the box', 'bouncier', 'heavier', 'slippery' or 'moon gravity'."
        )
    return Refinement(scene, notes, changed)


def _speed_factor(tokens: list[str]) -> float | None:
    words = set(tokens)
    strong = bool(words & {"twice", "double", "much", "lot"})
    if words & {"faster", "quicker", "fast", "speed", "quickly"}:
        return 3.0 if "three" in words or "triple" in words else 2.0 if strong or "twice" in words else 1.5
    if words & {"slower", "slowly", "slow"}:
        return 0.5 if strong or "half" in words else 0.67
    return None


def _extend(scene: dict[str, Any], tokens: list[str], notes: list[str]) -> bool:
    """'add five more dominoes': continue the line the existing ones stand in, same spacing."""
    objects = scene["objects"]
    kinds = _kinds(tokens)
    plan = plan_parse(" ".join(t for t in tokens if t not in ADD and t != "more"))
    count = plan.entities[0].count if plan.entities else 1
    group = [o for o in objects.values() if kinds and _named(o, kinds)]
    if len(group) < 2 or count < 1:
        return False
    last, before = group[-1], group[-2]
    step = {a: last["transform"]["position"][a] - before["transform"]["position"][a] for a in "xyz"}
    for number in range(1, min(count, 200) + 1):
        clone = copy.deepcopy(last)
        clone["id"] = _fresh(re.sub(r"_\d+$", "_1", last["id"]), objects)
        for axis in "xyz":
            clone["transform"]["position"][axis] = round(
                last["transform"]["position"][axis] + step[axis] * number, 4
            )
        clone.pop("linearVelocity", None)
        clone.pop("angularVelocity", None)
        objects[clone["id"]] = clone
    settle(objects, order=list(objects))
    notes.append(f"Added {count} more after {last['id']}, continuing its line.")
    return True


def _fresh(object_id: str, taken: dict[str, Any]) -> str:
    if object_id not in taken:
        return object_id
    base = object_id.rsplit("_", 1)[0]
    number = 1
    while f"{base}_{number}" in taken:
        number += 1
    return f"{base}_{number}"
