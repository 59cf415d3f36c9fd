"""How many more human labels, and which: power for judge comparisons, widths for system scores.

- Judge A vs judge B: the metameter's paired test of CAT is Williams' t-test for two correlations that
  share the human variable (`metameter.stats.williams_test`). At the observed correlations (or a given
  difference), the labels needed are the smallest n whose test rejects with the requested power, from
  the noncentral t distribution of Williams' statistic.
- Width W on a system's score: ppi-python's power analysis (`ppi_mean_power`, effective sample size for
  the classical width W, capped by the rows present) gives the labels a (task, system) group needs. It
  assumes PPI++'s unclipped weight; `labels_needed_with_clip` projects `ppi_mean_ci`'s clipped weight,
  which matters for a judge on a compressed scale (calibrate it, or plan with the larger number).
- `--next K`: which unlabelled rows to label. Rule: repeatedly give the next label to the group whose
  projected PPI++ interval is widest (skipping groups already at or under W while others are not), and
  inside that group draw an unlabelled row uniformly at random (seeded). Choosing rows inside a group by
  judge score or predicted error would make the labelled rows a non-random sample and bias PPI's
  rectifier; random draws within groups keep every later `ifteval estimate` interval valid.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ppi_py import ppi_mean_power
from scipy import stats as sps

from ifteval.metameter.stats import Method, correlate, williams_test
from ifteval.trust.inputs import LabelledTable

POWER = 0.8
JUDGE_COST = 0.001  # cost of a judge score per human label, for ppi-python's power analysis
MAX_LABELS = 10**7
MIN_GROUP_LABELS = 3  # a group with fewer labels has no variance estimate: it gets labels first


def williams_power(r_ah: float, r_bh: float, r_ab: float, n: int, alpha: float) -> float:
    """Power of the two-sided Williams test at these population correlations and n items."""
    stat = williams_test(r_ah, r_bh, r_ab, n)
    if stat["t"] is None:
        return 0.0
    df = stat["df"]
    crit = sps.t.ppf(1 - alpha / 2, df)
    delta = abs(stat["t"])
    return float(sps.nct.sf(crit, df, delta) + sps.nct.cdf(-crit, df, delta))


def labels_for_power(r_ah: float, r_bh: float, r_ab: float, alpha: float,
                     power: float = POWER) -> int | None:
    """Smallest n with Williams-test power >= `power`; None when no n up to MAX_LABELS reaches it."""
    if r_ah == r_bh:
        return None
    lo, hi = 4, 8
    while williams_power(r_ah, r_bh, r_ab, hi, alpha) < power:
        lo, hi = hi, hi * 2
        if hi > MAX_LABELS:
            return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if williams_power(r_ah, r_bh, r_ab, mid, alpha) >= power:
            hi = mid
        else:
            lo = mid
    return hi


def judge_difference_plan(table: LabelledTable, a: str, b: str, method: Method, confidence: float,
                          difference: float | None = None, power: float = POWER) -> dict:
    """Labels for the paired CAT test of judge a vs b (Williams) at the observed or given difference."""
    ok = table.labelled & np.isfinite(table.judges[a]) & np.isfinite(table.judges[b])
    h, ja, jb = table.human[ok], table.judges[a][ok], table.judges[b][ok]
    est = [correlate(x, y, method) for x, y in ((ja, h), (jb, h), (ja, jb))]
    out: dict = {"a": a, "b": b, "method": method, "n_labelled": int(ok.sum()), "power": power,
                 "test": "Williams t-test of CAT (paired, two-sided)"}
    if any(e.value is None for e in est):
        out["reason"] = next(e.reason for e in est if e.value is None)
        return out
    r_ah, r_bh, r_ab = (float(e.value) for e in est)
    out.update({"r_a": r_ah, "r_b": r_bh, "r_ab": r_ab, "observed_difference": r_ah - r_bh})
    if difference is not None:
        mid = (r_ah + r_bh) / 2
        r_ah, r_bh = mid + difference / 2, mid - difference / 2
        if not (-1 < r_ah < 1 and -1 < r_bh < 1):
            out["reason"] = f"--difference {difference} puts a correlation outside (-1, 1) around {mid:.3f}"
            return out
    out["difference"] = r_ah - r_bh
    needed = labels_for_power(r_ah, r_bh, r_ab, 1 - confidence, power)
    if needed is None:
        out["reason"] = "no number of labels reaches that power (the difference is zero or too small)"
        return out
    out["labels_needed"] = needed
    out["more_labels"] = max(0, needed - out["n_labelled"])
    return out


@dataclass
class Group:
    """One (task, system) group's labelled and unlabelled rows, for width planning."""

    task: str
    system: str
    labelled: list[int]
    unlabelled: list[int]
    sd: float | None  # human standard deviation on its labelled rows
    cov: float  # covariance of judge and human on its labelled rows
    var_labelled: float  # judge variance on its labelled rows
    var_unlabelled: float  # judge variance on its unlabelled rows
    var_all: float  # judge variance on all its rows (ddof 1, as ppi-python's weight uses it)


def projected_width(group: Group, n: int, z: float) -> float:
    """PPI++ interval width with n of the group's rows labelled, as `ppi_mean_ci` computes it.

    Variance var(Y - lam Yhat) / n + lam^2 var(Yhat unlabelled) / N, with ppi-python's tuned weight
    lam = cov / ((1 + n/N) var(Yhat)) clipped to [0, 1], from the moments of the labels at hand; at the
    current n it is the interval `ifteval estimate` reports (tested). A judge on a compressed scale hits
    the clip, which power formulas that assume the unclipped weight do not see.
    """
    if n < MIN_GROUP_LABELS or group.sd is None:
        return float("inf")
    big_n = len(group.labelled) + len(group.unlabelled) - n
    if big_n <= 0 or group.var_all <= 0:
        return float(2 * z * group.sd / np.sqrt(n))
    lam = float(np.clip(group.cov / ((1 + n / big_n) * group.var_all), 0.0, 1.0))
    rectifier = group.sd**2 - 2 * lam * group.cov + lam**2 * group.var_labelled
    var = rectifier / n + lam**2 * group.var_unlabelled / big_n
    return float(2 * z * np.sqrt(max(var, 0.0)))


def _groups(table: LabelledTable, judge: str) -> list[Group]:
    has = np.isfinite(table.judges[judge])
    out = []
    for task in sorted(set(map(str, table.task))):
        for system in sorted(set(map(str, table.system))):
            rows = has & (table.task == task) & (table.system == system)
            if not rows.any():
                continue
            lab = np.flatnonzero(rows & table.labelled)
            unl = np.flatnonzero(rows & ~table.labelled)
            judge_scores = table.judges[judge]
            enough = lab.size >= MIN_GROUP_LABELS
            sd = float(np.std(table.human[lab])) if enough else None
            cov = float(np.cov(judge_scores[lab], table.human[lab], bias=True)[0, 1]) if enough else 0.0
            out.append(Group(task, system, lab.tolist(), unl.tolist(), sd if sd else None, cov,
                             float(np.var(judge_scores[lab])) if lab.size else 0.0,
                             float(np.var(judge_scores[unl])) if unl.size else 0.0,
                             float(np.var(judge_scores[rows], ddof=1)) if rows.sum() > 1 else 0.0))
    return out


def width_plan(table: LabelledTable, judge: str, width: float, confidence: float) -> list[dict]:
    """Per (task, system): labels needed for a PPI++ interval of `width` (ppi-python's `ppi_mean_power`)."""
    z = float(sps.norm.ppf(0.5 + confidence / 2))
    plans = []
    for g in _groups(table, judge):
        total = len(g.labelled) + len(g.unlabelled)
        entry: dict = {"task": g.task, "system": g.system, "n_labelled": len(g.labelled), "rows": total,
                       "current_width": projected_width(g, len(g.labelled), z)}
        if g.sd is None:
            entry["reason"] = f"fewer than {MIN_GROUP_LABELS} labelled rows (or all equal): no variance yet"
            plans.append(entry)
            continue
        classical_n = (2 * z * g.sd / width) ** 2  # labels alone for width W
        y = table.human[g.labelled]
        yhat = table.judges[judge][g.labelled]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # effective_n > n_max: reported below instead
            power = ppi_mean_power(y, yhat, cost_Y=1.0, cost_Yhat=JUDGE_COST, effective_n=classical_n,
                                   n_max=total)
        needed = int(power["n"])
        clipped = next((n for n in range(MIN_GROUP_LABELS, total + 1) if projected_width(g, n, z) <= width),
                       None)
        entry.update({"classical_labels_needed": int(np.ceil(classical_n)),
                      "ppi_corr": float(power["ppi_corr"]), "labels_needed": needed,
                      "more_labels": max(0, needed - len(g.labelled)),
                      "labels_needed_with_clip": clipped})
        if classical_n > total:
            entry["reason"] = (f"unreachable with the {total} rows present: even all of them labelled give a"
                               " wider interval; add rows (outputs) or accept a wider W")
        plans.append(entry)
    return plans


def next_rows(table: LabelledTable, judge: str, k: int, confidence: float, width: float | None = None,
              seed: int = 0) -> tuple[list[int], list[dict]]:
    """Row indices to label next (in order) by the widest-projected-interval rule, and the groups' widths."""
    z = float(sps.norm.ppf(0.5 + confidence / 2))
    rng = np.random.default_rng(seed)
    groups = _groups(table, judge)
    pools = [list(rng.permutation(g.unlabelled)) for g in groups]
    n = [len(g.labelled) for g in groups]
    chosen: list[int] = []
    for _ in range(k):
        widths = [projected_width(g, n[i], z) if pools[i] else -1.0 for i, g in enumerate(groups)]
        if max(widths) < 0:
            break  # every row is labelled
        above = [w if width is None or w > width else -1.0 for w in widths]
        pick = int(np.argmax(above)) if max(above) >= 0 else int(np.argmax(widths))
        chosen.append(int(pools[pick].pop()))
        n[pick] += 1
    summary = [{"task": g.task, "system": g.system, "n_labelled": len(g.labelled),
                "added": n[i] - len(g.labelled), "width_now": projected_width(g, len(g.labelled), z),
                "width_after": projected_width(g, n[i], z)} for i, g in enumerate(groups)]
    return chosen, summary


def plan(table: LabelledTable, judges: Sequence[str], *, width: float | None, difference: float | None,
         next_k: int, confidence: float, method: Method, seed: int = 0, judge: str | None = None,
         power: float = POWER) -> tuple[dict, list[int]]:
    """The whole plan: judge-pair power, width per group, and the rows to label next."""
    judge = judge or judges[0]
    report: dict = {"source": table.source, "confidence": confidence, "judge_for_width": judge,
                    "judge_pairs": [judge_difference_plan(table, a, b, method, confidence, difference, power)
                                    for i, a in enumerate(judges) for b in judges[i + 1:]]}
    if width is not None:
        report["width"] = width
        report["groups"] = width_plan(table, judge, width, confidence)
    rows: list[int] = []
    if next_k:
        rows, summary = next_rows(table, judge, next_k, confidence, width, seed)
        report["next"] = {"k": next_k, "written": len(rows), "groups": summary,
                          "rule": "the next label goes to the (task, system) group with the widest projected"
                                  " PPI++ interval (groups at or under --width skipped while others are"
                                  " above it); within the group an unlabelled row is drawn uniformly at"
                                  " random (seeded), so the labelled rows stay a random sample and PPI stays"
                                  " valid"}
    return report, rows
