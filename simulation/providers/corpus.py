"""The composer's corpus: sentences with machine-checkable expectations on the composed, simulated
scene. `corpus_run` composes each one (with the check by simulation) and says what failed.

Each line of corpus.jsonl is {"s": sentence, "split": "tune" (default) | "held", and expectations}:
  n    {kind: count}        objects whose id is <colour_>kind_<n> (kind with underscores)
  c    {kind: colour name}  every such object has that colour (or one of its per-object shades)
  dc   {kind: k}            at least k distinct colours among them
  a    {kind: arrangement}  row, stack, pyramid, triangle, circle, grid, wall (checked on positions)
  e    [text]               each text appears in what will happen / the check's events
  ok   bool                 the check passed (default: true whenever it ran)
  nu   [word]               reported as not understood
  notes [text]              appears in the notes
  j    k                    at least k joints
  mv   [kind]               those objects start moving
  max  k                    at most k objects
  status 422                the composer refuses the sentence (it names no object)
The "held" split is written with the rest and never tuned on: its score says how the composer does
on sentences it was not adjusted for.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulation.providers.composer import NothingUnderstood, scene_compose
from simulation.providers.layout import SHADES, _shade
from simulation.providers.lexicon import COLOURS
from simulation.validation import scene_check

CORPUS_PATH = Path(__file__).with_name("corpus.jsonl")


@dataclass
class CaseResult:
    sentence: str
    split: str
    seconds: float
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def corpus_load(path: Path = CORPUS_PATH) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _of(scene: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    pattern = re.compile(rf"(^|_){re.escape(kind)}_\d+$")
    return [o for o in scene["objects"].values() if pattern.search(o["id"])]


def _colour_matches(colour: str, name: str) -> bool:
    base = COLOURS[name]
    return any(_shade(base, s) == colour.lower() for s in SHADES) or colour.lower() == base


def _arranged(objects: list[dict[str, Any]], arrangement: str) -> str | None:
    """None when the objects' start positions look like `arrangement`, else what is wrong."""
    points = [
        (o["transform"]["position"]["x"], o["transform"]["position"]["y"], o["transform"]["position"]["z"])
        for o in objects
    ]
    if len(points) < 2:
        return "fewer than two objects"
    xs, ys, zs = zip(*points, strict=True)
    size = max(max(o["transform"]["scale"].values()) for o in objects)
    spread = lambda v: max(v) - min(v)  # noqa: E731
    if arrangement == "row":
        straight = min(spread(xs), spread(zs)) < size * 0.6 and spread(ys) < size * 0.6
        return None if straight else "not in a straight line"
    if arrangement == "stack":
        ordered = sorted(points, key=lambda p: p[1])
        rising = all(b[1] > a[1] for a, b in itertools.pairwise(ordered))
        return None if rising and spread(xs) < size * 1.5 and spread(zs) < size * 1.5 else "not one column"
    if arrangement in {"pyramid", "wall"}:
        layers = sorted({round(y, 2) for y in ys})
        counts = [sum(1 for y in ys if round(y, 2) == layer) for layer in layers]
        ok = (
            len(layers) >= 2
            and counts[0] >= counts[-1]
            and (arrangement == "wall" or counts == sorted(counts, reverse=True))
        )
        return None if ok else f"layers of {counts}"
    if arrangement == "triangle":
        rows = sorted({round(x, 2) for x in xs})
        counts = [sum(1 for x in xs if round(x, 2) == row) for row in rows]
        return None if counts == list(range(1, len(counts) + 1))[: len(counts)] else f"rows of {counts}"
    if arrangement == "circle":
        cx, cz = sum(xs) / len(xs), sum(zs) / len(zs)
        radii = [math.hypot(x - cx, z - cz) for x, z in zip(xs, zs, strict=True)]
        return None if spread(radii) < 0.1 * max(radii) + 1e-3 else "not on a circle"
    if arrangement == "grid":
        return (
            None
            if len({round(x, 2) for x in xs}) >= 2 and len({round(z, 2) for z in zs}) >= 2
            else "not a grid"
        )
    return f"unknown arrangement {arrangement!r}"


def corpus_case_run(case: dict[str, Any]) -> CaseResult:
    sentence = case["s"]
    result = CaseResult(sentence=sentence, split=case.get("split", "tune"), seconds=0.0)
    started = time.perf_counter()
    try:
        composition = scene_compose(prompt=sentence)
    except NothingUnderstood:
        result.seconds = time.perf_counter() - started
        if case.get("status") != 422:
            result.problems.append("refused (no object understood)")
        return result
    result.seconds = time.perf_counter() - started
    problems = result.problems
    if case.get("status") == 422:
        problems.append("expected a refusal, got a scene")
        return result
    scene, summary = composition.scene, composition.summary
    report = scene_check(scene)
    if not report.valid:
        problems.append(f"invalid scene: {report.message}")
    for kind, count in case.get("n", {}).items():
        found = len(_of(scene, kind))
        if found != count:
            problems.append(f"{found} {kind} (expected {count})")
    for kind, name in case.get("c", {}).items():
        wrong = [
            o["visualProperties"]["color"]
            for o in _of(scene, kind)
            if not _colour_matches(o["visualProperties"]["color"], name)
        ]
        if wrong or not _of(scene, kind):
            problems.append(f"{kind} not {name}: {wrong[:3]}")
    for kind, count in case.get("dc", {}).items():
        distinct = len({o["visualProperties"]["color"] for o in _of(scene, kind)})
        if distinct < count:
            problems.append(f"{distinct} colours of {kind} (expected at least {count})")
    for kind, arrangement in case.get("a", {}).items():
        wrong = _arranged(_of(scene, kind), arrangement)
        if wrong:
            problems.append(f"{kind} not a {arrangement}: {wrong}")
    said = " | ".join(summary.will_happen + [e.event for e in summary.check.events]).lower()
    for text in case.get("e", []):
        if text.lower() not in said:
            problems.append(f"no event {text!r} in: {said}")
    if case.get("ok", True) and summary.check.ran and not summary.check.passed:
        failed = [f"{e.event}: {e.detail}" for e in summary.check.events if not e.happened]
        problems.append("check failed: " + "; ".join(failed))
    for word in case.get("nu", []):
        if word not in summary.not_understood:
            problems.append(f"{word!r} not reported as not understood ({summary.not_understood})")
    notes = " ".join(composition.notes)
    for text in case.get("notes", []):
        if text not in notes:
            problems.append(f"no note {text!r}")
    if "j" in case and len(scene.get("joints", {})) < case["j"]:
        problems.append(f"{len(scene.get('joints', {}))} joints (expected at least {case['j']})")
    for kind in case.get("mv", []):
        if not all(o.get("linearVelocity") for o in _of(scene, kind)):
            problems.append(f"{kind} not moving")
    if "max" in case and len(scene["objects"]) > case["max"]:
        problems.append(f"{len(scene['objects'])} objects (at most {case['max']})")
    return result


def corpus_run(*, split: str | None = None, limit: int | None = None) -> list[CaseResult]:
    cases = [c for c in corpus_load() if split is None or c.get("split", "tune") == split]
    return [corpus_case_run(case) for case in cases[:limit]]


def corpus_report(results: list[CaseResult]) -> str:
    """Pass rates (all, per split), latency percentiles and every failure, as text."""
    lines = []
    for split in ("tune", "held"):
        part = [r for r in results if r.split == split]
        if part:
            passed = sum(r.passed for r in part)
            lines.append(f"{split:5} {passed}/{len(part)} passed ({100 * passed / len(part):.1f}%)")
    if results:
        passed = sum(r.passed for r in results)
        times = sorted(r.seconds for r in results)
        p50 = times[len(times) // 2]
        p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
        lines.append(
            f"all   {passed}/{len(results)} passed ({100 * passed / len(results):.1f}%); compose + check "
            f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"
        )
    for r in results:
        if not r.passed:
            lines.append(f"FAIL [{r.split}] {r.sentence!r}: " + "; ".join(r.problems))
    return "\n".join(lines)
