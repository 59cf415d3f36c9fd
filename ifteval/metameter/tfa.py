"""TFA, task and format agnosticism (Sec. 2.1): does a judge's mean score rise between two regimes as the
human's does? A judge whose relative improvement far exceeds the human one rewards format, not quality.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ifteval.errors import DataError, did_you_mean
from ifteval.metameter.bootstrap import NO_BOOT, Block, Bootstrap, bootstrap_weighted_sums, with_interval
from ifteval.metameter.data import HUMAN, MetaData, check_judges
from ifteval.metameter.stats import Estimate


def tfa(data: MetaData, before: str, after: str, boot: Bootstrap = NO_BOOT,
        judges: Sequence[str] | None = None) -> dict[str, Estimate]:
    """Task and format agnosticism: relative improvement (after - before) / before of the mean score.

    Computed per task on each judge's non-null rows, averaged over tasks; key `human` holds the human
    figure (the paper's is +12.0 %). A task whose mean before is <= 0 (reward logits, say) is null with a
    reason and left out: the relative change is undefined there (-0.5 -> -0.25 would read -50 %).
    Bootstrap resamples rows within each task x regime cell.
    """
    if data.regime is None:
        raise DataError("TFA needs a regime column; pass --tfa COL:BEFORE:AFTER")
    names = check_judges(data, judges)
    present = sorted(set(data.regime.tolist()))
    for label, value in (("before", before), ("after", after)):
        if value not in present:
            raise DataError(
                f"TFA {label} regime '{value}' does not occur in regime column"
                f" '{data.columns.get('regime')}' of {data.source}.{did_you_mean(value, present)}"
                f" Values: {', '.join(present[:20])}"
            )
    variables = {**{j: data.judges[j] for j in names}, HUMAN: data.human}
    tasks = list(data.task_slices)
    cells: list[np.ndarray] = []
    for t in tasks:
        s = data.task_slices[t]
        rows = np.arange(s.start, s.stop)
        cells += [rows[data.regime[s] == before], rows[data.regime[s] == after]]

    def rel(mb: float, ma: float, nb: int, na: int, t: str, v: str) -> tuple[float | None, str | None]:
        if nb == 0 or na == 0:
            which = before if nb == 0 else after
            return None, f"no {v} values for regime '{which}' in task '{t}'"
        if mb <= 0:  # (after - before) / before flips sign or explodes when before is negative or 0
            return None, (f"mean {v} score before is {mb:.4g} (<= 0) in task '{t}'; a relative change needs"
                          " a positive baseline (shift or rescale the scores to a positive range)")
        return (ma - mb) / mb, None

    out: dict[str, Estimate] = {}
    per_var_defined: dict[str, list[int]] = {}
    for v, arr in variables.items():
        per_task: dict[str, dict] = {}
        vals = []
        defined = []
        for i, t in enumerate(tasks):
            xb, xa = arr[cells[2 * i]], arr[cells[2 * i + 1]]
            xb, xa = xb[np.isfinite(xb)], xa[np.isfinite(xa)]
            mb = float(xb.mean()) if xb.size else float("nan")
            ma = float(xa.mean()) if xa.size else float("nan")
            r, reason = rel(mb, ma, xb.size, xa.size, t, "human" if v == HUMAN else f"judge '{v}'")
            per_task[t] = {"value": r, "mean_before": mb if xb.size else None,
                           "mean_after": ma if xa.size else None, "n_before": int(xb.size),
                           "n_after": int(xa.size)}
            if reason:
                per_task[t]["reason"] = reason
            else:
                vals.append(r)
                defined.append(i)
        per_var_defined[v] = defined
        value = float(np.mean(vals)) if vals else None
        reason = None if vals else "no task has both regimes with a positive mean before"
        out[v] = Estimate(value, int(sum(d["n_before"] + d["n_after"] for d in per_task.values())), reason,
                          extra={"per_task": per_task, "n_tasks_defined": len(defined)})
    if boot.n > 0:
        order = np.concatenate(cells) if cells else np.empty(0, int)
        strata, blocks, start = [], [], 0
        cols = []
        for arr in variables.values():
            ok = np.isfinite(arr[order])
            cols += [ok.astype(float), np.where(ok, arr[order], 0.0)]
        stats_all = np.stack(cols, axis=1)
        for c in cells:
            s = slice(start, start + len(c))
            start += len(c)
            if len(c):
                strata.append(s)
                blocks.append(Block(s, stats_all[s]))
        sums = bootstrap_weighted_sums(strata, blocks, boot.n, boot.seed)
        nonempty = [i for i, c in enumerate(cells) if len(c)]
        by_cell = dict(zip(nonempty, sums, strict=True))
        for k, v in enumerate(variables):
            per = []
            for i in per_var_defined[v]:
                sb, sa = by_cell[2 * i], by_cell[2 * i + 1]
                with np.errstate(invalid="ignore", divide="ignore"):
                    mb = sb[:, 2 * k + 1] / sb[:, 2 * k]
                    ma = sa[:, 2 * k + 1] / sa[:, 2 * k]
                    per.append(np.where(mb > 0, (ma - mb) / mb, np.nan))  # as the point estimate
            samples = np.mean(np.stack(per, axis=1), axis=1) if per else np.full(boot.n, np.nan)
            samples = np.where(np.isfinite(samples), samples, np.nan)
            out[v] = with_interval(out[v], samples, boot)
    return out
