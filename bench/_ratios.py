"""Targets as ratios against floors measured in the same run: timing helpers and one printed line per target."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def p95(samples: list[float]) -> float:
    """The 95th percentile (nearest rank) of samples."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def interleaved(runs: dict[str, Callable], argument_sets: list[tuple], rounds: int) -> dict[str, list[float]]:
    """Seconds per call of each run(*args): a warm-up pass, then `rounds` passes, each function in turn per args."""
    # The order rotates with every argument set, so a change in machine load hits all of them alike.
    names = list(runs)
    for args in argument_sets:
        for name in names:
            runs[name](*args)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for turn in range(rounds * len(argument_sets)):
        args = argument_sets[turn % len(argument_sets)]
        for name in names[turn % len(names) :] + names[: turn % len(names)]:
            started = time.perf_counter()
            runs[name](*args)
            samples[name].append(time.perf_counter() - started)
    return samples


def report(name: str, samples_s: list[float]) -> None:
    """Print the median and p95 of samples (seconds) in milliseconds, as context for the ratios."""
    median_ms, p95_ms = statistics.median(samples_s) * 1000, p95(samples_s) * 1000
    print(f"  {name:<58} median {median_ms:8.3f} ms   p95 {p95_ms:8.3f} ms   (n={len(samples_s)})", flush=True)


def check(label: str, value: float, op: str, target: float) -> bool:
    """Print `label = 1.21x (target <= 1.5x) PASS` (or MISS); op "within" means 1/target <= value <= target."""
    met = {"<=": value <= target, ">=": value >= target, "within": 1 / target <= value <= target}[op]
    print(f"  {label} = {value:.2f}x (target {op} {target:g}x) {'PASS' if met else 'MISS'}", flush=True)
    return met
