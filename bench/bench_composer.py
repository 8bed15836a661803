"""Scene composer: the whole corpus (simulation/providers/corpus.jsonl), pass rate and latency.

    .venv/bin/python -m bench.bench_composer [--quick] [--record]

Composes every sentence with the local composer, checks the scene by simulation (the renderer's
Rapier world) and judges it against the corpus's expectations; prints the pass rate of the tuned and
the held-out part, every failure, and the latency of compose + check per sentence. The reference in
the same run is composing the same sentences without the check (parse and layout only), so the
ratio is what the check by simulation costs. --quick takes every fourth sentence.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from pathlib import Path

from bench import common
from bench.common import Table, ms, percentile, ratio, verdict


def run(quick: bool) -> list[Table]:
    common.django_setup(common.app_env(Path(tempfile.mkdtemp(prefix="bench-composer-"))))
    from simulation.providers.composer import NothingUnderstood, scene_compose
    from simulation.providers.corpus import corpus_case_run, corpus_load

    cases = corpus_load()
    if quick:
        cases = cases[::4]
    results = [corpus_case_run(case) for case in cases]
    layout_only = []
    for case in cases:
        started = time.perf_counter()
        with contextlib.suppress(NothingUnderstood):
            scene_compose(prompt=case["s"], check=False)
        layout_only.append(time.perf_counter() - started)
    checked = [r.seconds * 1000 for r in results]
    layout_only = [seconds * 1000 for seconds in layout_only]
    score = Table(
        "Composer corpus: pass rate (expectations on the simulated scene)",
        ["part", "sentences", "passed", "rate", "target", "verdict"],
    )
    for split, label in (("tune", "tuned on"), ("held", "held out (never tuned on)")):
        part = [r for r in results if r.split == split]
        if part:
            passed = sum(r.passed for r in part)
            score.add(label, len(part), passed, f"{100 * passed / len(part):.1f}%", "", "")
    passed = sum(r.passed for r in results)
    score.add(
        "all",
        len(results),
        passed,
        f"{100 * passed / len(results):.1f}%",
        ">= 95%",
        verdict(passed >= 0.95 * len(results)),
    )
    for r in results:
        if not r.passed:
            score.notes.append(f"FAIL [{r.split}] {r.sentence!r}: " + "; ".join(r.problems))
    speed = Table(
        "Composer latency per sentence, ms (one process, sequential)",
        ["measurement", "p50", "p95", "max", "ratio p95", "target", "verdict"],
    )
    speed.add(
        "reference: parse + layout, no check",
        ms(percentile(layout_only, 50)),
        ms(percentile(layout_only, 95)),
        ms(max(layout_only)),
        "1.00x",
        "",
        "",
    )
    p95 = percentile(checked, 95)
    speed.add(
        "compose + check by simulation",
        ms(percentile(checked, 50)),
        ms(p95),
        ms(max(checked)),
        ratio(p95, percentile(layout_only, 95)),
        "< 300 ms p95",
        verdict(p95 < 300),
    )
    return [score, speed]


if __name__ == "__main__":
    common.main(run, __doc__)
