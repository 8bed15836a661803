"""Timing and statistics, and how numbers are written in the tables."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); p99 of 200 samples is the second largest."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def timed(fn: Callable[[], object], repeat: int, *, warmup: int = 1) -> list[float]:
    """Milliseconds of ``repeat`` calls of ``fn`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def ms(value: float) -> str:
    return "-" if value is None or math.isnan(value) else (f"{value:.2f}" if value < 100 else f"{value:.0f}")


def ratio(value: float, reference: float) -> str:
    if not reference or value is None or math.isnan(value) or math.isnan(reference):
        return "-"
    return f"{value / reference:.2f}x"


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("met" if ok else "**missed**")
