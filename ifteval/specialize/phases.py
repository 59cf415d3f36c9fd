"""Reading a learning curve: summary over repeats, and the two phases of specialization (paper Sec. 3).

The paper finds specialization biphasic: first the output *format* is learned (exact match spikes),
then the *task* (a format-agnostic judge such as GPT-4 rises above its zero-shot level). The rule here
is deliberately simple, so that a reader can check it by hand:

- ``level(N)`` is the mean score over the repeats at N; ``spread(N)`` their sample standard deviation
  (None with a single repeat). At N=0 a single point counts as spread 0: it is the base model (or one
  adapter trained without target rows) decoded greedily.
- ``margin(N)`` is the sampling noise of the evaluated samples, which repeats cannot show (every repeat
  is scored on the same samples): the 95% two-proportion z test with Yates' continuity correction,
  ``1.96 * sqrt(p(1-p) * (1/n0 + 1/nN)) + (1/n0 + 1/nN) / 2`` with ``p`` the pooled level and ``n0``,
  ``nN`` the samples scored at N=0 and at N (``n_samples``; the fewest over the repeats). A rise beyond
  it is what ``scipy.stats.chi2_contingency`` calls significant at 0.05 on the 2x2 table of counts.
  With 2 samples per point the margin exceeds 1: two samples can never place a phase.
- **format point**: the smallest N > 0 where some format-sensitive judge (exact match, gold) has risen
  from its N=0 level by at least ``jump`` (default 0.2 on the [0, 1] scale) *and* by more than both the
  spread at N plus the spread at N=0 (0 with a single repeat) and ``margin(N)``.
- **task point**: the smallest N > 0 where the format-agnostic judge (an LLM judge, or ``--agnostic``)
  rises above its N=0 level by more than both the spread at N plus the spread at N=0 and ``margin(N)``.
  That needs a spread: an N with a single repeat cannot place the task point.
- A point is None when the data cannot say (no N=0 level, no such judge, no sample count, no N that
  qualifies); the ``reasons`` entry says which.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

DEFAULT_JUMP = 0.2
Z_95 = 1.96  # two-sided 95%: the level chi2_contingency's p < 0.05 tests
FORMAT_SENSITIVE = ("exact_match", "gold")


def summarise_points(points: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per (task, judge, n): mean, spread (sample std; None with one repeat), min, max, repeats,
    and n_samples: the fewest samples scored by any repeat (None when a point does not say)."""
    groups: dict[tuple[str, str, int], list[float]] = {}
    counts: dict[tuple[str, str, int], list[int | None]] = {}
    for p in points:
        key = (p["task"], p["judge"], int(p["n"]))
        groups.setdefault(key, [])
        if p["value"] is not None:
            groups[key].append(float(p["value"]))
            counts.setdefault(key, []).append(p.get("n_samples"))
    out = []
    for (task, judge, n), values in sorted(groups.items()):
        sizes = counts.get((task, judge, n), [])
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
                "n_samples": min(sizes) if sizes and None not in sizes else None,  # type: ignore[type-var]
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


def sampling_margin(p0: float, n0: int, p1: float, n1: int) -> float:
    """The smallest rise from p0 (n0 samples) to p1 (n1 samples) a 95% two-proportion z test with Yates'
    correction accepts; scores in [0, 1] that are not 0/1 vary less than p(1-p), so this is conservative."""
    pooled = min(1.0, max(0.0, (p0 * n0 + p1 * n1) / (n0 + n1)))
    inverse = 1 / n0 + 1 / n1
    return Z_95 * math.sqrt(pooled * (1 - pooled) * inverse) + inverse / 2


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
    if not zero.get("n_samples"):
        return None, f"{judge}: no sample count at N=0, so the sampling noise is unknown"
    unknown = uncounted = 0
    for n in sizes:
        rise = curve[n]["mean"] - zero["mean"]
        noise = _noise(curve[n], zero)
        if noise is None:
            unknown += 1
            if need_spread:
                continue
            noise = 0.0
        if not curve[n].get("n_samples"):
            uncounted += 1
            continue
        margin = sampling_margin(zero["mean"], zero["n_samples"], curve[n]["mean"], curve[n]["n_samples"])
        if rise >= min_rise and rise > noise and rise > margin:
            return n, (
                f"{judge}: +{rise:.3f} at N={n} (spread {noise:.3f}, sampling margin {margin:.3f} "
                f"over {zero['n_samples']} and {curve[n]['n_samples']} samples)"
            )
    if need_spread and unknown == len(sizes):
        return None, f"{judge}: one repeat per N, so no spread to rise beyond (use --repeats 2 or more)"
    if uncounted == len(sizes):
        return None, f"{judge}: no sample count at N > 0, so the sampling noise is unknown"
    return None, (
        f"{judge}: never rose by >= {min_rise:g} beyond both the spread over repeats and the sampling "
        "margin of the samples scored (use more samples: a larger --limit)"
    )


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
