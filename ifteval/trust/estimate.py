"""The human-equivalent score: what the humans would have given, from few labels and a judge on all rows.

Per (task, system) group, ppi-python's PPI++ estimate of the mean human score and its interval
(`ppi_mean_pointestimate`, `ppi_mean_ci`; power-tuned, so never worse than the labels alone in the large
sample limit), beside the classical interval from the labels alone (`classical_mean_ci`) and the naive
judge mean (biased whenever the judge's scale differs from the humans'). With calibration, the judge is
mapped by cross-fitted isotonic maps and ppi-python's cross-prediction (`crossppi_mean_ci`) keeps the
interval valid although the map was learnt from the same labels.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ppi_py import (
    classical_mean_ci,
    crossppi_mean_ci,
    crossppi_mean_pointestimate,
    ppi_mean_ci,
    ppi_mean_pointestimate,
)
from scipy.stats import norm

from ifteval.errors import DataError, UnknownNameError, did_you_mean
from ifteval.trust.calibrate import DEFAULT_FOLDS, CrossFit, cross_fit
from ifteval.trust.inputs import LabelledTable

MIN_LABELS = 2  # an interval needs a variance, so at least two labelled rows per group
FEW_LABELS = 30  # below this the CLT behind every interval here is shaky: say so (docs/few-labels.md)
FEW_LABELS_WARNING = f"fewer than {FEW_LABELS} labels: the normal-approximation interval may undercover"
CONSTANT_JUDGE_REASON = "the judge is constant in this group, so it carries no information: PPI++ with" \
                        " weight 0, which is the classical interval"


def few_labels_warnings(n: int) -> list[str]:
    """The warnings a group or pair with `n` human labels carries: the interval's honesty needs n >= 30."""
    return [FEW_LABELS_WARNING] if MIN_LABELS <= n < FEW_LABELS else []


def _scalar(value: object) -> float:
    return float(np.ravel(np.asarray(value, dtype=float))[0])


@dataclass(frozen=True)
class Interval:
    """A point estimate and its two-sided interval; `se` is the standard error behind it."""

    estimate: float
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low

    def se(self, confidence: float) -> float:
        return self.width / (2 * norm.ppf(0.5 + confidence / 2))

    def to_dict(self) -> dict:
        return {"estimate": self.estimate, "ci": [self.low, self.high], "width": self.width}


def ppi_interval(y: np.ndarray, yhat: np.ndarray, yhat_unlabelled: np.ndarray, confidence: float) -> Interval:
    """ppi-python's PPI++ mean: labelled human `y` with judge `yhat`, judge-only rows `yhat_unlabelled`.

    `yhat_unlabelled` of shape (N, K) holds K cross-fitted predictions (cross-prediction, lam = 1).
    """
    alpha = 1 - confidence
    if yhat_unlabelled.ndim == 2:
        lo, hi = crossppi_mean_ci(y, yhat, yhat_unlabelled, alpha=alpha)
        point = crossppi_mean_pointestimate(y, yhat, yhat_unlabelled)
    else:
        lo, hi = ppi_mean_ci(y, yhat, yhat_unlabelled, alpha=alpha)
        point = ppi_mean_pointestimate(y, yhat, yhat_unlabelled)
    return Interval(_scalar(point), _scalar(lo), _scalar(hi))


def classical_interval(y: np.ndarray, confidence: float) -> Interval:
    """ppi-python's CLT interval from the human labels alone."""
    lo, hi = classical_mean_ci(y, alpha=1 - confidence)
    return Interval(float(np.mean(y)), _scalar(lo), _scalar(hi))


def effective_labels(n: int, ppi: Interval, classical: Interval) -> float | None:
    """Human labels alone that would give an interval as narrow as PPI's: n * (classical / PPI width)^2."""
    if ppi.width <= 0 or classical.width <= 0:
        return None
    return float(n * (classical.width / ppi.width) ** 2)


@dataclass(frozen=True)
class Scores:
    """The judge as PPI sees it: one column (raw) or K cross-fitted columns (calibrated)."""

    raw: np.ndarray  # (rows,) judge score used for labelled rows
    unlabelled: np.ndarray  # (rows,) or (rows, K) used for unlabelled rows


def _judge_scores(table: LabelledTable, judge: str, fit: CrossFit | None) -> Scores:
    if fit is None:
        return Scores(table.judges[judge], table.judges[judge])
    return Scores(fit.out_of_fold, fit.by_fold)


def _group_estimate(y: np.ndarray, yhat: np.ndarray, yhat_unl: np.ndarray, raw: np.ndarray,
                    confidence: float) -> dict:
    """One group's estimates; `raw` is the uncalibrated judge on all its rows (the naive judge mean)."""
    n, big_n = y.size, yhat_unl.shape[0]
    out: dict = {"n_labelled": int(n), "n_unlabelled": int(big_n), "judge_mean": float(np.mean(raw)),
                 "warnings": few_labels_warnings(n)}
    if n < MIN_LABELS:
        out["reason"] = f"only {n} labelled row(s); an interval needs at least {MIN_LABELS}"
        return out
    classical = classical_interval(y, confidence)
    out["classical"] = classical.to_dict()
    if big_n == 0:
        out["reason"] = "no unlabelled rows: every row has a human label, so the classical interval is" \
                        " the answer"
        return out
    ppi, reason = guarded_ppi_interval(y, yhat, yhat_unl, confidence)
    if reason:
        out["reason"] = reason
    if ppi is None:
        return out
    out["ppi"] = ppi.to_dict()
    out["effective_labels"] = effective_labels(n, ppi, classical)
    return out


def guarded_ppi_interval(y: np.ndarray, yhat: np.ndarray, yhat_unl: np.ndarray,
                         confidence: float) -> tuple[Interval | None, str | None]:
    """ppi-python's interval, or why it is not the plain PPI++ one: a constant judge gets weight 0 (PPI++'s
    tuned weight is cov/var(judge), undefined when var is 0, and ppi-python then returns NaN); a non-finite
    answer is None with the reason. Shared by the per-system estimate and the paired difference.
    """
    if np.ptp(np.concatenate([np.ravel(yhat), np.ravel(yhat_unl)])) == 0:
        if yhat_unl.ndim == 1:
            return _ppi_at_lam_zero(y, yhat, yhat_unl, confidence), CONSTANT_JUDGE_REASON
        return classical_interval(y, confidence), CONSTANT_JUDGE_REASON
    ppi = ppi_interval(y, yhat, yhat_unl, confidence)
    if not all(np.isfinite([ppi.estimate, ppi.low, ppi.high])):
        return None, "ppi-python returned no finite interval for this group (degenerate scores)"
    return ppi, None


def _ppi_at_lam_zero(y: np.ndarray, yhat: np.ndarray, yhat_unl: np.ndarray, confidence: float) -> Interval:
    lo, hi = ppi_mean_ci(y, yhat, yhat_unl, alpha=1 - confidence, lam=0)
    return Interval(_scalar(ppi_mean_pointestimate(y, yhat, yhat_unl, lam=0)), _scalar(lo), _scalar(hi))


def _arrays(rows: np.ndarray, table: LabelledTable, scores: Scores) -> tuple[np.ndarray, ...]:
    lab = rows & table.labelled
    unl = rows & ~table.labelled
    return table.human[lab], scores.raw[lab], scores.unlabelled[unl]


def _paired_difference(table: LabelledTable, scores: Scores, a: np.ndarray, b: np.ndarray,
                       confidence: float) -> dict | None:
    """PPI on per-item differences (system A minus B on the same item), or None when too few items pair."""
    ia = {str(it): i for i, it in zip(np.flatnonzero(a), table.item[a], strict=True)}
    ib = {str(it): i for i, it in zip(np.flatnonzero(b), table.item[b], strict=True)}
    if len(ia) != int(a.sum()) or len(ib) != int(b.sum()):
        return None  # an item repeats within a system: rows do not pair one to one
    shared = sorted(set(ia) & set(ib))
    ra = np.array([ia[k] for k in shared], dtype=int)
    rb = np.array([ib[k] for k in shared], dtype=int)
    both = table.labelled[ra] & table.labelled[rb]
    if both.sum() < MIN_LABELS or (~both).sum() == 0:
        return None
    y = table.human[ra[both]] - table.human[rb[both]]
    yhat = scores.raw[ra[both]] - scores.raw[rb[both]]
    yhat_unl = scores.unlabelled[ra[~both]] - scores.unlabelled[rb[~both]]
    ppi, reason = guarded_ppi_interval(y, yhat, yhat_unl, confidence)
    out: dict = {"method": "paired", "n_items": len(shared), "n_labelled_pairs": int(both.sum())}
    if ppi is None or reason == CONSTANT_JUDGE_REASON:
        # same outcome as a constant judge in a group: the labelled differences alone
        ppi = classical_interval(y, confidence)
        reason = ("the judge's per-item differences are constant, so they carry no information: the"
                  " classical interval on the labelled differences" if reason == CONSTANT_JUDGE_REASON
                  else f"{reason}: the classical interval on the labelled differences")
        out["estimator"] = "classical"
    if reason:
        out["reason"] = reason
    return {**out, **ppi.to_dict(), "warnings": few_labels_warnings(int(both.sum()))}


def _difference(table: LabelledTable, scores: Scores, a: np.ndarray, b: np.ndarray,
                est_a: dict, est_b: dict, confidence: float) -> dict:
    paired = _paired_difference(table, scores, a, b, confidence)
    if paired is not None:
        return paired
    if "ppi" not in est_a or "ppi" not in est_b:
        return {"method": None, "reason": "a system has no PPI interval (see its reason)"}
    ia, ib = (Interval(e["ppi"]["estimate"], *e["ppi"]["ci"]) for e in (est_a, est_b))
    diff = ia.estimate - ib.estimate
    half = norm.ppf(0.5 + confidence / 2) * float(np.hypot(ia.se(confidence), ib.se(confidence)))
    return {"method": "independent",
            "reason": "systems share fewer than 2 fully labelled items, so their estimates are combined as"
                      " independent samples",
            **Interval(diff, diff - half, diff + half).to_dict(),
            "warnings": few_labels_warnings(min(est_a["n_labelled"], est_b["n_labelled"]))}


def estimate(table: LabelledTable, judge: str, confidence: float = 0.95, *, calibrate: bool = False,
             per_task: bool = False, folds: int = DEFAULT_FOLDS, seed: int = 0,
             compare: Sequence[tuple[str, str]] | str = "all") -> dict:
    """PPI++ (or cross-prediction) estimates per (task, system), and differences between systems per task.

    Rows without a judge score are left out and counted (`rows_without_judge`); `compare` is "all", "none"
    or system pairs (A, B), each reported as A minus B.
    """
    if not 0 < confidence < 1:
        raise DataError(f"--confidence must be between 0 and 1, got {confidence}")
    if judge not in table.judges:
        raise UnknownNameError(f"unknown judge '{judge}'.{did_you_mean(judge, table.judges)}")
    has_judge = np.isfinite(table.judges[judge])
    fit = cross_fit(table, judge, per_task, folds, seed) if calibrate else None
    scores = _judge_scores(table, judge, fit)
    systems = sorted(set(map(str, table.system)))
    if compare == "all":
        pairs = list(itertools.combinations(systems, 2))
    elif compare == "none":
        pairs = []
    else:
        pairs = list(compare)
        for s in {s for p in pairs for s in p}:
            if s not in systems:
                raise UnknownNameError(f"--compare names system '{s}', which is not in {table.source}."
                                       f"{did_you_mean(s, systems)} Systems: {', '.join(systems[:20])}")
    groups, differences = [], []
    for task in sorted(set(map(str, table.task))):
        in_task = (table.task == task) & has_judge
        by_system = {}
        for system in systems:
            rows = in_task & (table.system == system)
            if not rows.any():
                continue
            arrays = _arrays(rows, table, scores)
            est = {"task": task, "system": system,
                   **_group_estimate(*arrays, table.judges[judge][rows], confidence)}
            groups.append(est)
            by_system[system] = (rows, est)
        for a, b in pairs:
            if a in by_system and b in by_system:
                diff = _difference(table, scores, by_system[a][0], by_system[b][0], by_system[a][1],
                                   by_system[b][1], confidence)
                differences.append({"task": task, "a": a, "b": b, **diff})
    return {
        "source": table.source, "judge": judge, "human": table.columns["human"], "confidence": confidence,
        "judge_scores": "calibrated (cross-fitted isotonic, cross-prediction)" if calibrate else "raw",
        "estimator": "ppi_py.crossppi_mean_ci" if calibrate else "ppi_py.ppi_mean_ci (PPI++)",
        "columns": table.columns, "rows_without_judge": int((~has_judge).sum()),
        "calibration": {"per_task": per_task, "folds": folds, "seed": seed} if calibrate else None,
        "groups": groups, "differences": differences,
    }
