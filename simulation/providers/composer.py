"""The local composer: sentence -> plan -> laid-out scene -> checked by simulation -> adjusted.

Deterministic and offline. `plan_parse` reads the sentence; `layout_build` lays it out with the free
choices in a `Tuning`; `simulate` steps the scene in the renderer's Rapier world and judges each
promised event. A failed event adjusts what the sentence left free (speed, drop height, domino
spacing, ramp angle, how far a stack leans) and the layout is tried again, a bounded number of times
within a budget of simulated work; what still fails is named in the notes.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from simulation.providers.base import CheckReport, EventOutcome, PlanSummary
from simulation.providers.check import simulate
from simulation.providers.layout import Layout, Probe, Tuning, layout_build
from simulation.providers.parse import plan_parse
from simulation.providers.placement import bounds, set_bottom
from simulation.providers.plan import Plan
from simulation.validation import scene_check

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
# The check's budget is counted in simulated work (steps x bodies), so the same sentence is judged
# the same on a busy machine; the wall-time cap only guards against a machine that is far too slow.
# The budget takes about 0.05-0.3 s here; the cap is far above it so that a stall of the machine (a
# loaded CI runner paused the process for over a second once) cannot cut a check off at 0.0 s.
CHECK_BODY_STEPS = 30_000
CHECK_WALL_SECONDS = 5.0
HINT = (
    "Try everyday objects (balls, dominoes, crates, books, pins, cars, a ramp, a table), counts, colours, "
    "sizes, materials and what happens: 'ten red dominoes knocked over by a blue ball', 'a bowling ball "
    "rolling down a ramp into ten pins', 'a tall stack of books that topples'."
)


class NothingUnderstood(ValueError):
    """The sentence names no object the composer knows."""


@dataclass
class Composition:
    scene: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    summary: PlanSummary = field(default_factory=PlanSummary)
    plan: Plan | None = None


MAX_ENTITIES = 40  # groups of things in one scene


def clamp_counts(plan: Plan, *, limit: int) -> None:
    """Keep the scene under the render limit on objects, shrinking every group in proportion, and
    under MAX_ENTITIES groups; say what was cut, once."""
    if len(plan.entities) > MAX_ENTITIES:
        dropped = len(plan.entities) - MAX_ENTITIES
        plan.entities = plan.entities[:MAX_ENTITIES]
        kept = {e.index for e in plan.entities}
        plan.events = [e for e in plan.events if {e.actor, e.target, e.via, e.start_on} - {None} <= kept]
        plan.relations = [r for r in plan.relations if r.subject in kept and r.object in kept]
        plan.notes.append(f"Used the first {MAX_ENTITIES} things named; left out {dropped} more.")
    # Bodies per member: a car is five (body and wheels), scenery a few; the rest one each.
    weight = {e.index: 5 if e.kind.name == "car" else 1 for e in plan.entities}
    movable = [e for e in plan.entities if not e.fixed]
    asked = sum(e.count * weight[e.index] for e in movable)
    room = max(limit - 20 * sum(1 for e in plan.entities if e.fixed), len(movable))
    if asked <= room:
        return
    share = room / asked
    cut = []
    for entity in movable:
        new = max(1, int(entity.count * share))
        if new < entity.count:
            cut.append(f"{entity.count:,} {entity.kind.plural_name} to {new}")
            entity.count = new
    plan.notes.append(
        f"The description asks for {asked:,} objects, more than a scene can hold (at most {limit}); "
        f"made {', '.join(cut[:5])}{' and more' if len(cut) > 5 else ''}."
    )


def _adjust(plan: Plan, tuning: Tuning, probe: Probe) -> bool:
    """Change one free choice that the failed `probe` depends on; False when nothing is left to try."""
    event = plan.events[probe.event] if probe.event is not None and probe.event < len(plan.events) else None
    index = probe.event if probe.event is not None else -1
    entity = probe.entity
    if probe.kind == "reach" and entity is not None:
        tuning.ramp[entity] = tuning.ramp.get(entity, 0.0) + 8.0
        return tuning.ramp[entity] <= 24
    if probe.kind == "knocked" and entity is not None and plan.entities[entity].kind.category == "domino":
        tuning.spacing[entity] = tuning.spacing.get(entity, 1.0) * 0.85
        tuning.speed[index] = tuning.speed.get(index, 1.0) * 1.4
        return tuning.spacing[entity] > 0.5
    if probe.kind in {"touch", "knocked", "moves"} and event is not None:
        if event.kind in {"fall", "bounce"}:
            tuning.height[index] = tuning.height.get(index, 1.0) * 0.7
            return event.height is None
        if event.speed is not None:
            return False
        tuning.speed[index] = tuning.speed.get(index, 1.0) * 1.6
        if event.via is not None:
            tuning.ramp[event.via] = tuning.ramp.get(event.via, 0.0) + 6.0
        return tuning.speed[index] < 8
    if probe.kind == "topple" and entity is not None:
        tuning.lean[entity] = tuning.lean.get(entity, 0.1) * 1.5
        tuning.speed[index] = tuning.speed.get(index, 1.0) * 1.6
        return True
    if probe.kind in {"stand", "stays"} and entity is not None:
        tuning.grip[entity] = tuning.grip.get(entity, 1.0) * 1.6
        tuning.lean[entity] = 0.0
        return tuning.grip[entity] < 5
    if probe.kind in {"bounce", "inside"} and event is not None:
        tuning.height[index] = tuning.height.get(index, 1.0) * (1.4 if probe.kind == "bounce" else 0.6)
        return event.height is None
    return False


def compose_plan(plan: Plan, *, check: bool = True, budget: int = CHECK_BODY_STEPS) -> Composition:
    """Lay out `plan`, check it by simulation, adjust and retry; the best layout wins."""
    limit = min(getattr(settings, "RENDER_MAX_OBJECTS", 500), 500)
    clamp_counts(plan, limit=limit)
    tuning = Tuning()
    started = time.perf_counter()
    best: tuple[int, Layout, list[EventOutcome], int] | None = None
    attempts = 0
    work = 0
    ran = False
    for attempt in range(1, MAX_ATTEMPTS + 1):
        layout = layout_build(plan, tuning)
        if len(layout.scene["objects"]) > limit:
            _trim(layout, limit)
        _separate(layout.scene)
        if not check or not layout.probes:
            best = (0, layout, [], attempt)
            break
        left = CHECK_WALL_SECONDS - (time.perf_counter() - started)
        if left <= 0.02 or work >= budget:
            break
        attempts = attempt
        outcome = simulate(layout.scene, layout.probes, wall_seconds=left, body_steps=budget - work)
        work += outcome.body_steps
        ran = True
        events = [result for _, result in outcome.outcomes]
        if outcome.timed_out:
            for event in events:
                if not event.happened:
                    event.detail += f" (the check stopped at {outcome.seconds:.1f} s: its work is capped)"
        failures = [probe for probe, result in outcome.outcomes if not result.happened]
        if best is None or len(failures) < best[0]:
            best = (len(failures), layout, events, attempt)
        if not failures or outcome.timed_out:
            break
        if not any([_adjust(plan, tuning, probe) for probe in failures]):
            break
    if best is None:  # no time was left even for one simulation
        best = (0, layout, [], attempts)
    _, layout, events, _ = best
    report = CheckReport(ran=ran, attempts=attempts, events=events)
    notes = list(plan.notes) + layout.notes
    read_as = plan.read_as()
    notes.append(
        f"Read as: {read_as}."
        + (f" Not understood: {', '.join(plan.not_understood)}." if plan.not_understood else "")
    )
    if ran and not report.passed:
        failed = [e for e in events if not e.happened]
        notes.append(
            "The check by simulation did not see: "
            + "; ".join(f"{e.event} ({e.detail})" for e in failed)
            + (f" after {attempts} layouts." if attempts > 1 else ".")
        )
    summary = PlanSummary(
        read_as=read_as,
        will_happen=layout.will_happen,
        not_understood=list(plan.not_understood),
        check=report,
        sentence=plan.sentence,
    )
    return Composition(scene=layout.scene, notes=notes, summary=summary, plan=plan)


def _separate(scene: dict[str, Any]) -> None:
    """Lift whatever still starts inside something else (found by the validator's exact shapes)."""
    order = {object_id: number for number, object_id in enumerate(scene["objects"])}
    for obj in scene["objects"].values():
        if obj["physicsProperties"]["mass"] > 0 and bounds(obj)[0][1] < 0:
            set_bottom(obj, 0.0)
    for _ in range(8):
        pairs = [f.object_ids for f in scene_check(scene).errors if len(f.object_ids) == 2]
        if not pairs:
            return
        for a, b in pairs:
            lower, upper = sorted((a, b), key=lambda i: order[i])
            obj = scene["objects"][upper]
            if obj["physicsProperties"]["mass"] == 0:
                lower, upper = upper, lower
                obj = scene["objects"][upper]
            set_bottom(obj, float(bounds(scene["objects"][lower])[1][1]) + 0.002)


def _trim(layout: Layout, limit: int) -> None:
    """Never above the object limit, whatever the arrangement built (joints to removed bodies go too)."""
    objects = layout.scene["objects"]
    for object_id in list(objects)[limit:]:
        del objects[object_id]
    joints = layout.scene.get("joints")
    if joints:
        for joint_id in list(joints):
            joint = joints[joint_id]
            if joint["bodyA"] not in objects or (
                joint["bodyB"] is not None and joint["bodyB"] not in objects
            ):
                del joints[joint_id]


def scene_compose(*, prompt: str, check: bool = True) -> Composition:
    """The checked scene of `prompt`; NothingUnderstood when it names no object the composer knows."""
    plan = plan_parse(prompt)
    if not plan.entities:
        unknown = ", ".join(plan.not_understood[:12])
        raise NothingUnderstood(
            "Found no object in the description"
            + (f" (not understood: {unknown})" if unknown else "")
            + ". "
            + HINT
        )
    try:
        return compose_plan(plan, check=check)
    except Exception as exc:  # a layout bug must never become a 500 or a hang
        logger.exception("Composing %r failed", prompt)
        raise NothingUnderstood(
            f"Could not lay out this description ({type(exc).__name__}); it was logged. " + HINT
        ) from exc
