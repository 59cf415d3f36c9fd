"""Reading a learning curve: summary over repeats, and the two phases of specialization (paper Sec. 3).

The paper finds specialization biphasic: first the output *format* is learned (exact match spikes),
then the *task* (a format-agnostic judge such as GPT-4 rises above its zero-shot level). The rule here
is deliberately simple, so that a reader can check it by hand:

- ``level(N)`` is the mean score over the repeats at N; ``spread(N)`` their sample standard deviation
  (None with a single repeat). At N=0 a single point counts as spread 0: it is the base model (or one
  adapter trained without target rows) decoded greedily.
- **format point**: the smallest N > 0 where some format-sensitive judge (exact match, gold) has risen
  from its N=0 level by at least ``jump`` (default 0.2 on the [0, 1] scale) *and* by more than the
  spread at N plus the spread at N=0.
- **task point**: the smallest N > 0 where the format-agnostic judge (an LLM judge, or ``--agnostic``)
  rises above its N=0 level by more than the spread at N plus the spread at N=0. That needs a spread:
  an N with a single repeat cannot place the task point.
- A point is None when the data cannot say (no N=0 level, no such judge, no N that qualifies); the
  ``reasons`` entry says which.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

DEFAULT_JUMP = 0.2
FORMAT_SENSITIVE = ("exact_match", "gold")


def summarise_points(points: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per (task, judge, n): mean, spread (sample std; None with one repeat), min, max, repeats."""
    groups: dict[tuple[str, str, int], list[float]] = {}
    for p in points:
        key = (p["task"], p["judge"], int(p["n"]))
        groups.setdefault(key, [])
        if p["value"] is not None:
            groups[key].append(float(p["value"]))
    out = []
    for (task, judge, n), values in sorted(groups.items()):
        out.append(
            {
                "task": task,
                "judge": judge,
                "n": n,
                "mean": statistics.fmean(values) if values else None,
                "spread": statistics.stdev(values) if len(values) > 1 else None,
                "min": min(values) if values else None,
                "max": max(values) if values else None,
                "repeats": len(values),
            }
        )
    return out


def _curve(summary: Sequence[Mapping[str, Any]], task: str, judge: str) -> dict[int, Mapping[str, Any]]:
    return {r["n"]: r for r in summary if r["task"] == task and r["judge"] == judge and r["mean"] is not None}


def _noise(row: Mapping[str, Any], zero: Mapping[str, Any]) -> float | None:
    """spread(N) + spread(0); None when N has one repeat (a single point has no spread to beat)."""
    if row["spread"] is None:
        return None
    return row["spread"] + (zero["spread"] or 0.0)


def first_rise(
    summary: Sequence[Mapping[str, Any]], task: str, judge: str, min_rise: float, need_spread: bool
) -> tuple[int | None, str]:
    """The smallest N > 0 where `judge` rose from its N=0 level by >= min_rise and beyond the noise."""
    curve = _curve(summary, task, judge)
    if not curve:
        return None, f"{judge}: no valid score at any N (every verdict invalid or missing)"
    if 0 not in curve:
        return None, f"{judge}: no N=0 level"
    zero = curve[0]
    sizes = sorted(n for n in curve if n > 0)
    if not sizes:
        return None, f"{judge}: no N > 0"
    unknown = 0
    for n in sizes:
        rise = curve[n]["mean"] - zero["mean"]
        noise = _noise(curve[n], zero)
        if noise is None:
            unknown += 1
            if need_spread:
                continue
            noise = 0.0
        if rise >= min_rise and rise > noise:
            return n, f"{judge}: +{rise:.3f} at N={n} (noise {noise:.3f})"
    if need_spread and unknown == len(sizes):
        return None, f"{judge}: one repeat per N, so no spread to rise beyond (use --repeats 2 or more)"
    return None, f"{judge}: never rose by >= {min_rise:g} beyond the spread over repeats"


def find_phases(
    summary: Sequence[Mapping[str, Any]],
    task: str,
    format_judges: Sequence[str],
    agnostic: str | None,
    jump: float = DEFAULT_JUMP,
) -> dict[str, Any]:
    """``{"format_point", "task_point", "format_judges", "agnostic_judge", "jump", "reasons"}`` for a task."""
    present = {r["judge"] for r in summary if r["task"] == task}
    reasons: list[str] = []
    format_point: int | None = None
    used = [j for j in format_judges if j in present]
    if not used:
        reasons.append("format point: no format-sensitive judge (exact_match, gold) was scored")
    for judge in used:
        n, why = first_rise(summary, task, judge, jump, need_spread=False)
        reasons.append(f"format point: {why}")
        if n is not None and (format_point is None or n < format_point):
            format_point = n
    task_point: int | None = None
    if agnostic is None or agnostic not in present:
        reasons.append("task point: no format-agnostic judge (an LLM judge, or --agnostic JUDGE) was scored")
    else:
        task_point, why = first_rise(summary, task, agnostic, 0.0, need_spread=True)
        reasons.append(f"task point: {why}")
    return {
        "format_point": format_point,
        "task_point": task_point,
        "format_judges": used,
        "agnostic_judge": agnostic if agnostic in present else None,
        "jump": jump,
        "reasons": reasons,
    }
