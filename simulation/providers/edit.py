"""Refinement through the plan: "add five more dominoes", "make it twice as fast", "make the ball
bouncier" change the plan the scene was composed from, and the scene is composed and checked again.

A composed scene's `_plan` carries its `sentence` and the `edits` applied since; a refinement that
sends them back is replayed on the plan when the scene is still what they compose (nobody moved,
added or deleted objects in the editor since). Otherwise the scene itself is edited (refiner.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from simulation.providers.composer import Composition, compose_plan
from simulation.providers.lexicon import (
    ARRANGEMENT_WORDS,
    COLOURS,
    MATERIAL_WORDS,
    MATERIALS,
    MULTIPLE_WORDS,
    NOUNS,
)
from simulation.providers.parse import _combine_numbers, plan_parse, tokenize
from simulation.providers.plan import Plan

MAX_EDITS = 20
FASTER = {"faster", "quicker", "speedier"}
SLOWER = {"slower"}
BIGGER = {"bigger", "larger", "taller", "grow", "wider"}
SMALLER = {"smaller", "shorter", "tinier", "shrink"}
BOUNCIER = {"bouncier", "bouncy", "springier", "springy"}
REMOVE = {"remove", "delete", "without", "fewer", "less"}
ADD = {"add", "more", "extra", "another"}


@dataclass
class PlanEdit:
    changed: bool
    notes: list[str]


def _factor(words: set[str], tokens: list[str], up: float, down: float) -> float:
    """'twice as fast' 2, 'three times as big' 3, 'much faster' 2, 'faster' `up`; slower: 1/that."""
    for word, value in MULTIPLE_WORDS.items():
        if word in words and word != "half":
            return value
    for index, token in enumerate(tokens[:-1]):
        if tokens[index + 1] in {"times", "times_bigger"}:
            number = _combine_numbers([(token, float(token))]) if token.replace(".", "").isdigit() else None
            if number is None and token in {"two", "three", "four", "five", "ten"}:
                number = {"two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}[token]
            if number:
                return float(number)
    if "half" in words:
        return 2.0 if down < 1 else 0.5
    return 2.0 if words & {"much", "lot", "way"} else up


def _targets(plan: Plan, tokens: list[str]) -> list[int]:
    """Entities the instruction names (by noun and colour), else every movable one."""
    kinds = {NOUNS[t] for t in tokens if t in NOUNS}
    named = [e.index for e in plan.entities if e.kind.name in kinds]
    if named:
        return named
    return [e.index for e in plan.entities if not e.fixed]


def plan_edit(plan: Plan, instruction: str) -> PlanEdit:
    """Apply `instruction` to `plan` in place; `changed` is False when it is not a plan edit."""
    tokens = tokenize(instruction)
    words = set(tokens)
    notes: list[str] = []
    targets = _targets(plan, tokens)
    changed = False
    if words & ADD and not words & REMOVE:
        added = plan_parse(" ".join(t for t in tokens if t not in {"add", "more", "extra"}))
        for new in added.entities:
            same = [e for e in plan.entities if e.kind.name == new.kind.name and not e.fixed]
            if same and ("more" in words or "another" in words or "extra" in words):
                same[0].count += new.count
                notes.append(f"{new.count} more {new.kind.plural_name}: {same[0].count} in all.")
            else:
                plan.entities.append(dataclasses.replace(new, index=len(plan.entities)))
                notes.append(f"Added {new.label()}.")
            changed = True
        return PlanEdit(changed, notes)
    if words & REMOVE:
        removing = plan_parse(" ".join(t for t in tokens if t not in REMOVE))
        for gone in removing.entities:
            same = [e for e in plan.entities if e.kind.name == gone.kind.name]
            if not same:
                continue
            entity = same[0]
            counted = any(t.isdigit() or t in {"two", "three", "four", "five", "ten"} for t in tokens)
            if counted and gone.count < entity.count:
                entity.count -= gone.count
                notes.append(f"{gone.count} fewer {entity.kind.plural_name}: {entity.count} left.")
                changed = True
        return PlanEdit(changed, notes)
    if words & (FASTER | SLOWER) or ("fast" in words and words & {"twice", "times", "as"}):
        factor = _factor(words, tokens, 1.5, 0.67)
        if words & SLOWER:
            factor = 1 / factor
        moving = [e for e in plan.events if e.kind in {"roll", "slide", "hit", "knock", "collide", "throw"}]
        for event in moving:
            if event.speed is not None:
                event.speed = min(event.speed * factor, 60.0)
            else:
                event.speed_factor *= factor
        if moving:
            notes.append(f"Made what moves {factor:g} times as fast.")
            changed = True
    if words & (BIGGER | SMALLER) or ("big" in words and words & {"twice", "times"}):
        factor = _factor(words, tokens, 1.5, 0.67)
        if words & SMALLER:
            factor = 1 / factor
        for index in targets:
            plan.entities[index].size = min(max(plan.entities[index].size * factor, 0.1), 10.0)
        notes.append(f"Scaled {len(targets)} group(s) by {factor:g}.")
        changed = True
    if words & BOUNCIER:
        for index in targets:
            entity = plan.entities[index]
            base = entity.material or MATERIALS[entity.kind.material]
            restitution = (
                min(max(base.restitution + 0.3, 0.8), 0.95) if "less" not in words else base.restitution / 2
            )
            entity.material = dataclasses.replace(base, restitution=restitution)
        notes.append(f"Made {len(targets)} group(s) {'less ' if 'less' in words else ''}bouncy.")
        changed = True
    if words & {"heavier", "lighter"}:
        factor = 0.5 if "lighter" in words else 2.0
        for index in targets:
            plan.entities[index].weight *= factor
        notes.append(f"Made {len(targets)} group(s) {'lighter' if factor < 1 else 'heavier'}.")
        changed = True
    colours = [t for t in tokens if t in COLOURS]
    if colours and not changed:
        for index in targets:
            plan.entities[index].colours = [COLOURS[colours[-1]]]
            plan.entities[index].colour_names = [colours[-1]]
            plan.entities[index].multicolour = False
        notes.append(f"Coloured {len(targets)} group(s) {colours[-1]}.")
        changed = True
    materials = [
        MATERIAL_WORDS[t] for t in tokens if t in MATERIAL_WORDS and t not in COLOURS and t not in BOUNCIER
    ]
    if materials and not changed:
        for index in targets:
            plan.entities[index].material = MATERIALS[materials[-1]]
        notes.append(f"Made {len(targets)} group(s) of {materials[-1]}.")
        changed = True
    arrangements = [ARRANGEMENT_WORDS[t] for t in tokens if ARRANGEMENT_WORDS.get(t)]
    if arrangements and not changed:
        grouped = [i for i in targets if plan.entities[i].count > 1]
        for index in grouped:
            plan.entities[index].arrangement = arrangements[-1]
        if grouped:
            notes.append(f"Arranged {len(grouped)} group(s) as a {arrangements[-1]}.")
            changed = True
    if "gravity" in words or words & {"moon", "mars", "space"}:
        planets = {"moon": -1.62, "mars": -3.71, "jupiter": -24.79, "earth": -9.81}
        planet = next((w for w in planets if w in words), None)
        if words & {"no", "zero", "without", "off", "space"}:
            plan.gravity = 0.0
        elif planet:
            plan.gravity = planets[planet]
        if plan.gravity is not None:
            notes.append(f"Gravity {plan.gravity:g} m/s².")
            changed = True
    return PlanEdit(changed, notes)


def plan_replay(sentence: str, edits: list[str]) -> Plan:
    plan = plan_parse(sentence)
    for edit in edits[:MAX_EDITS]:
        plan_edit(plan, edit)
    return plan


def plan_refine(
    *, scene: dict, sentence: str, edits: list[str], instruction: str
) -> tuple[Composition, list[str]] | None:
    """The scene recomposed from the edited plan, or None when the plan cannot be used (the scene
    was changed by hand since, or the instruction is not a plan edit)."""
    if not sentence or len(edits) >= MAX_EDITS:
        return None
    before = compose_plan(plan_replay(sentence, edits), check=False).scene
    if set(before["objects"]) != set(scene.get("objects", {})):
        return None
    plan = plan_replay(sentence, edits)
    edit = plan_edit(plan, instruction)
    if not edit.changed:
        return None
    composition = compose_plan(plan)
    composition.notes = edit.notes + composition.notes
    return composition, [*edits, instruction]
