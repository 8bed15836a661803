"""The check by simulation: step the scene in the renderer's own Rapier world and see whether each
promised event happened (touches, falls, topples, bounces), within a hard wall-time cap."""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

from simulation.providers.base import EventOutcome
from simulation.providers.layout import Probe
from simulation.providers.plan import Plan
from simulation.render.physics import STEPS_PER_SECOND, SceneWorld
from simulation.scene_schema import SceneInvalid, scene_parse

SAMPLE_EVERY = 2  # steps between samples (1/30 s)
MAX_SECONDS = 8.0
# Probes whose "happened" stays true once seen: the simulation may stop when all of them are.
DECIDED_EARLY = {"touch", "knocked", "reach", "rises", "swings", "spins"}


@dataclass
class Track:
    """What the simulation saw of one body."""

    start: tuple[float, float, float]
    start_up: float  # the body's up axis . world up at the start
    positions: list[tuple[float, float, float]] = field(default_factory=list)
    ups: list[float] = field(default_factory=list)
    angles: list[float] = field(default_factory=list)  # accumulated rotation about y (spins)


@dataclass
class Outcome:
    outcomes: list[tuple[Probe, EventOutcome]]
    seconds: float
    timed_out: bool
    body_steps: int = 0


def _up(rotation) -> float:
    x, _, z, _ = rotation
    return 1 - 2 * (x * x + z * z)


def _tilt_degrees(up: float) -> float:
    return math.degrees(math.acos(max(-1.0, min(1.0, up))))


def simulate(
    scene: dict[str, Any], probes: list[Probe], *, wall_seconds: float, body_steps: int = 10**9
) -> Outcome:
    """Step the scene until the last probe's deadline (or the wall-time cap) and judge each probe."""
    if not probes:
        return Outcome([], 0.0, False)
    try:
        parsed = scene_parse(scene)
    except SceneInvalid as exc:
        return Outcome(
            [(p, EventOutcome(p.text, False, f"the scene is invalid: {exc}")) for p in probes], 0.0, False
        )
    started = time.perf_counter()
    world = SceneWorld(parsed)
    bodies = world.world.rigid_bodies
    watched = sorted({i for p in probes for i in (*p.actors, *p.targets)} & set(world.handles))
    tracks: dict[str, Track] = {}
    for object_id in watched:
        body = bodies[world.handles[object_id]]
        t = body.translation
        tracks[object_id] = Track((t.x, t.y, t.z), _up(body.rotation.to_tuple()))
    collider_owner: dict[Any, str] = {}
    for object_id, handle in world.handles.items():
        for collider in bodies[handle].colliders:
            collider_owner[collider] = object_id
    touch_pairs = [
        (p, set(p.actors), set(p.targets)) for p in probes if p.kind in {"touch", "bounce", "stays"}
    ]
    first_touch: dict[int, float] = {}
    actor_colliders = {
        i: [c for c in bodies[world.handles[i]].colliders]
        for p, a, _ in touch_pairs
        for i in a
        if i in world.handles
    }
    duration = min(max(p.deadline for p in probes), MAX_SECONDS)
    bodies_moving = max(1, sum(1 for o in parsed.objects.values() if o.body_type == "dynamic"))
    total_steps = round(duration * STEPS_PER_SECOND)
    timed_out = False
    early = all(p.kind in DECIDED_EARLY for p in probes)
    narrow = world.world.narrow_phase
    step = 0
    while step < total_steps:
        world.step(SAMPLE_EVERY)
        step += SAMPLE_EVERY
        now = step / STEPS_PER_SECOND
        for object_id, track in tracks.items():
            body = bodies[world.handles[object_id]]
            t = body.translation
            track.positions.append((t.x, t.y, t.z))
            rotation = body.rotation.to_tuple()
            track.ups.append(_up(rotation))
            track.angles.append(body.angvel.y if hasattr(body.angvel, "y") else 0.0)
        for number, (probe, actors, targets) in enumerate(touch_pairs):
            if number in first_touch or now > probe.deadline:
                continue
            for actor in actors:
                for collider in actor_colliders.get(actor, []):
                    for pair in narrow.contact_pairs_with(collider):
                        if not pair.has_any_active_contact:
                            continue
                        other = collider_owner.get(
                            pair.collider1 if pair.collider2 == collider else pair.collider2
                        )
                        if other in targets or (not targets and other is None):
                            first_touch[number] = now
                            break
                    if number in first_touch:
                        break
                if number in first_touch:
                    break
        if time.perf_counter() - started > wall_seconds or step * bodies_moving >= body_steps:
            timed_out = True
            break
        if early and step % (SAMPLE_EVERY * 15) == 0:
            # Everything promised has happened already (and cannot un-happen): stop here.
            now_seconds = step / STEPS_PER_SECOND
            touch_index = {id(p): n for n, (p, _, _) in enumerate(touch_pairs)}
            if all(
                judge(p, tracks, first_touch.get(touch_index.get(id(p), -1)), now_seconds).happened
                for p in probes
            ):
                break
    seconds = step / STEPS_PER_SECOND
    work = step * bodies_moving
    results = []
    touch_index = {id(p): n for n, (p, _, _) in enumerate(touch_pairs)}
    for probe in probes:
        touched = first_touch.get(touch_index.get(id(probe), -1))
        results.append((probe, judge(probe, tracks, touched, seconds)))
    return Outcome(results, seconds, timed_out, work)


def judge(probe: Probe, tracks: dict[str, Track], touched: float | None, seconds: float) -> EventOutcome:
    kind = probe.kind
    actors = [tracks[i] for i in probe.actors if i in tracks]
    targets = [tracks[i] for i in probe.targets if i in tracks]
    if not actors or not actors[0].positions:
        return EventOutcome(probe.text, False, "not simulated (no time left)")
    if kind == "touch":
        if touched is not None:
            return EventOutcome(probe.text, True, f"contact after {touched:.2f} s")
        gap = _closest(actors, targets)
        return EventOutcome(probe.text, False, f"no contact within {seconds:.1f} s (closest {gap:.2f} m)")
    if kind == "knocked":
        fallen = [t for t in actors if _fell(t) or (probe.radius > 0 and _moved(t, probe.radius))]
        share = len(fallen) / len(actors)
        top = max(actors, key=lambda t: t.start[1])
        collapsed = len(actors) > 2 and top.start[1] - top.positions[-1][1] > 0.35 * top.start[1]
        ok = share >= probe.fraction - 1e-9 or collapsed
        return EventOutcome(
            probe.text,
            ok,
            f"{len(fallen)} of {len(actors)} fell over or were pushed away within {seconds:.1f} s",
        )
    if kind == "topple":
        top = max(actors, key=lambda t: t.start[1])
        drop = top.start[1] - min(p[1] for p in top.positions)
        fallen = sum(1 for t in actors if _fell(t))
        ok = drop > 0.35 * max(top.start[1], 0.05) or fallen >= max(1, len(actors) // 2)
        return EventOutcome(
            probe.text, ok, f"the top fell {drop:.2f} m; {fallen} of {len(actors)} tipped over"
        )
    if kind == "stand":
        moved = [t for t in actors if _shifted(t, probe.radius) or _tilt_degrees(t.ups[-1]) > 12]
        ok = len(moved) <= len(actors) * 0.05
        return EventOutcome(
            probe.text, ok, f"{len(actors) - len(moved)} of {len(actors)} stayed put for {seconds:.1f} s"
        )
    if kind == "stays":
        top = max((t.start[1] for t in targets), default=0.0)
        stayed = [t for t in actors if t.positions[-1][1] > top - 0.05]
        ok = len(stayed) >= 0.7 * len(actors)
        return EventOutcome(
            probe.text, ok, f"{len(stayed)} of {len(actors)} still on it after {seconds:.1f} s"
        )
    if kind == "bounce":
        track = actors[0]
        ys = [p[1] for p in track.positions]
        low_index = _first_minimum(ys)
        rise = max(ys[low_index:], default=ys[-1]) - ys[low_index] if low_index < len(ys) else 0.0
        ok = rise > 0.04 and (touched is not None or not probe.targets)
        where = "" if touched is None else f" after touching at {touched:.2f} s"
        return EventOutcome(probe.text, ok, f"rose {rise:.2f} m again{where}")
    if kind == "lands":
        fell = sum(1 for t in actors if t.positions[-1][1] < t.start[1] - 0.1)
        ok = fell >= 0.7 * len(actors)
        return EventOutcome(probe.text, ok, f"{fell} of {len(actors)} came down")
    if kind == "inside":
        centre_low = [tracks[i] for i in probe.targets if i in tracks]
        del centre_low
        inside = 0
        xs = [t.start[0] for t in targets] or [0.0]
        zs = [t.start[2] for t in targets] or [0.0]
        cx, cz = sum(xs) / len(xs), sum(zs) / len(zs)
        radius = max(max(abs(x - cx) for x in xs), max(abs(z - cz) for z in zs), 0.05)
        for t in actors:
            x, _, z = t.positions[-1]
            if math.hypot(x - cx, z - cz) <= radius * 1.05:
                inside += 1
        ok = inside >= probe.fraction * len(actors)
        return EventOutcome(probe.text, ok, f"{inside} of {len(actors)} ended inside")
    if kind == "reach":
        track = actors[0]
        point = probe.point or (0.0, 0.0, 0.0)
        reached = max(p[0] for p in track.positions) >= point[0] - 0.05
        return EventOutcome(
            probe.text,
            reached,
            "reached it"
            if reached
            else f"stopped {point[0] - max(p[0] for p in track.positions):.2f} m short",
        )
    if kind == "moves":
        distance = max(math.dist(t.positions[-1], t.start) for t in actors)
        ok = distance >= probe.radius
        return EventOutcome(probe.text, ok, f"moved {distance:.2f} m")
    if kind == "rises":
        rise = max(p[1] for p in actors[0].positions) - actors[0].start[1]
        return EventOutcome(probe.text, rise >= probe.radius, f"climbed {rise:.2f} m")
    if kind == "spins":
        spin = max(abs(a) for a in actors[0].angles)
        return EventOutcome(probe.text, spin > 1.0, f"turned at up to {spin:.1f} rad/s")
    if kind == "bounded":
        lost = [
            t
            for t in actors
            if abs(t.positions[-1][0]) > 60 or abs(t.positions[-1][2]) > 60 or t.positions[-1][1] < -2
        ]
        ok = not lost
        return EventOutcome(
            probe.text, ok, "all stayed" if ok else f"{len(lost)} of {len(actors)} left the scene"
        )
    if kind == "swings":
        xs = [p[0] for p in actors[0].positions]
        travel = max(xs) - min(xs)
        return EventOutcome(probe.text, travel > 0.1, f"swung through {travel:.2f} m")
    return EventOutcome(probe.text, False, f"unknown check {kind!r}")


def _fell(track: Track) -> bool:
    tilt = _tilt_degrees(track.ups[-1]) if track.ups else 0.0
    start_tilt = _tilt_degrees(track.start_up)
    return abs(tilt - start_tilt) > 40 or _moved(track, 0.25)


def _shifted(track: Track, size: float) -> bool:
    """Moved more than settling explains: sideways beyond a little of its size, or sunk beyond what
    the contacts of a tall stack give."""
    x, y, z = track.positions[-1]
    sideways = math.hypot(x - track.start[0], z - track.start[2])
    return sideways > 0.05 + 0.15 * size or track.start[1] - y > 0.05 + 0.05 * track.start[1]


def _moved(track: Track, distance: float) -> bool:
    return math.dist(track.positions[-1], track.start) > distance


def _closest(actors: list[Track], targets: list[Track]) -> float:
    best = math.inf
    for a in actors:
        for t in targets:
            for pa, pt in zip(a.positions, t.positions, strict=False):
                best = min(best, math.dist(pa, pt))
    return best if best < math.inf else 0.0


def _first_minimum(values: list[float]) -> int:
    for i in range(1, len(values) - 1):
        if values[i] <= values[i - 1] and values[i] < values[i + 1] - 1e-4:
            return i
    return len(values) - 1


def generic_probes(scene: dict[str, Any]) -> list[Probe]:
    """Promises any scene makes, whoever wrote it: what is launched moves, nothing flies off."""
    objects = scene.get("objects", {}) if isinstance(scene, dict) else {}
    probes = []
    for object_id, obj in objects.items():
        velocity = obj.get("linearVelocity") or {}
        speed = math.sqrt(sum(float(velocity.get(a, 0.0)) ** 2 for a in "xyz"))
        if speed > 0.2 and obj.get("physicsProperties", {}).get("mass", 1) > 0:
            probes.append(
                Probe(f"{object_id} moves", "moves", [object_id], deadline=1.5, radius=min(0.2, speed * 0.3))
            )
    dynamic = [i for i, o in objects.items() if o.get("physicsProperties", {}).get("mass", 1) > 0][:200]
    if dynamic:
        probes.append(Probe("every body stays in the scene", "bounded", dynamic, deadline=3.0))
    return probes


def plan_probes(plan: Plan, scene: dict[str, Any]) -> list[Probe]:
    """The plan's events as probes on a scene somebody else built (the LLM's): each entity is the
    objects whose id or description names its kind; events whose two sides are found are checked."""
    objects = scene.get("objects", {}) if isinstance(scene, dict) else {}

    def named(entity) -> list[str]:
        words = {entity.kind.name, entity.kind.plural_name, entity.kind.name.replace(" ", "_")}
        found = []
        for object_id, obj in objects.items():
            text = f"{object_id} {obj.get('description') or ''}".lower().replace("-", " ")
            if any(re.search(rf"(^|[^a-z]){re.escape(w)}([^a-z]|$)", text) for w in words):
                found.append(object_id)
        return found

    groups = {e.index: named(e) for e in plan.entities}
    probes = []
    for number, event in enumerate(plan.events):
        actors = groups.get(event.actor) or []
        targets = groups.get(event.target) or [] if event.target is not None else []
        if not actors:
            continue
        text = plan.event_text(event)
        if (
            event.target is not None
            and targets
            and event.kind in {"fall", "bounce", "roll", "slide", "hit", "knock", "collide", "throw"}
        ):
            probes.append(Probe(text, "touch", actors, targets, deadline=4.0, event=number))
            target = plan.entities[event.target]
            if target.kind.category == "domino" and len(targets) > 1:
                probes.append(
                    Probe(
                        f"at least 70% of {target.the()} fall", "knocked", targets, fraction=0.7, deadline=6.0
                    )
                )
        elif event.kind == "topple":
            probes.append(Probe(text, "topple", actors, deadline=4.0, event=number))
    return probes


def scene_check_by_simulation(
    scene: dict[str, Any], *, plan: Plan | None = None, wall_seconds: float = 5.0
) -> tuple[bool, list[EventOutcome]]:
    """Run the generic probes (and the plan's events, when given) on `scene`: (passed, what was seen)."""
    probes = (plan_probes(plan, scene) if plan is not None else []) + generic_probes(scene)
    if not probes:
        return True, []
    outcome = simulate(scene, probes, wall_seconds=wall_seconds, body_steps=30_000)
    events = [result for _, result in outcome.outcomes]
    return all(e.happened for e in events), events
