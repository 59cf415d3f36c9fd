"""A jury: several judges combined into one more judge column, so every interval and test applies to it.

Two combinations, added to the table before `prepare`, so the metameter treats them as any judge:
- `jury.mean`: the mean of the judges' standardised scores (each judge z-scored over all its rows, pooled
  over tasks so that a judge's absolute scale still counts for CAT);
- `jury.weighted`: non-negative weights on the standardised scores, fitted to the human score by
  non-negative least squares (`scipy.optimize.nnls`) and cross-fitted by item: a labelled row's value
  comes from weights fitted on folds that do not hold its item, so the jury is never scored on the labels
  it learnt from. Unlabelled rows use weights fitted on all labelled rows (reported).
A row where any juror is missing gets no jury score (null, counted as coverage like any judge's).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from ifteval.errors import DataError
from ifteval.metameter.data import to_numeric
from ifteval.metameter.folds import item_folds

JURY_MEAN = "jury.mean"
JURY_WEIGHTED = "jury.weighted"
MIN_JURORS = 2
DEFAULT_FOLDS = 5


def standardise(scores: np.ndarray) -> np.ndarray:
    """Column-wise z-scores over each column's present rows (a constant column is an error upstream)."""
    mean = np.nanmean(scores, axis=0)
    sd = np.nanstd(scores, axis=0)
    return (scores - mean) / sd


def fit_weights(z: np.ndarray, human: np.ndarray) -> tuple[np.ndarray, float]:
    """Non-negative weights and an intercept: human ~ intercept + z @ w, with w >= 0."""
    centre = float(human.mean())
    weights, _ = nnls(z - z.mean(axis=0), human - centre)
    return weights, centre - float(z.mean(axis=0) @ weights)


def jury_columns(judges: dict[str, np.ndarray], human: np.ndarray, items: np.ndarray,
                 folds: int = DEFAULT_FOLDS, seed: int = 0) -> tuple[np.ndarray, np.ndarray, dict]:
    """(`jury.mean`, `jury.weighted`, info) for arrays of judge scores (NaN = missing) and human labels."""
    names = list(judges)
    if len(names) < MIN_JURORS:
        raise DataError(f"--jury needs at least {MIN_JURORS} judges, got {', '.join(names) or 'none'}")
    raw = np.column_stack([judges[n] for n in names])
    for i, name in enumerate(names):
        col = raw[:, i][np.isfinite(raw[:, i])]
        if col.size < 2 or np.ptp(col) == 0:
            raise DataError(f"juror '{name}' is constant or has fewer than 2 scores; a jury standardises"
                            " each judge, so drop it from --jury")
    z = standardise(raw)
    complete = np.isfinite(z).all(axis=1)
    mean = np.where(complete, np.where(complete[:, None], z, 0).mean(axis=1), np.nan)
    labelled = complete & np.isfinite(human)
    if labelled.sum() < 2 * len(names):
        raise DataError(f"only {int(labelled.sum())} rows have a human label and every juror's score; fitting"
                        f" {len(names)} jury weights by cross-validation needs at least {2 * len(names)}")
    fold = item_folds(items, folds, seed)
    k = int(fold.max()) + 1
    if k < 2:
        raise DataError("the jury's cross-validation needs at least 2 items")
    weighted = np.full(human.shape[0], np.nan)
    fold_weights = []
    for f in range(k):
        train = labelled & (fold != f)
        w, b = fit_weights(z[train], human[train])
        fold_weights.append(w.tolist())
        test = labelled & (fold == f)
        weighted[test] = b + z[test] @ w
    w_all, b_all = fit_weights(z[labelled], human[labelled])
    rest = complete & ~labelled
    weighted[rest] = b_all + z[rest] @ w_all
    info = {"judges": names, "mean": JURY_MEAN, "weighted": JURY_WEIGHTED, "folds": k, "seed": seed,
            "weights": dict(zip(names, w_all.tolist(), strict=True)), "intercept": b_all,
            "fold_weights": fold_weights, "rows_without_all_jurors": int((~complete).sum())}
    return mean, weighted, info


def add_jury(frame: pd.DataFrame, jurors: Sequence[str], human: Sequence[str], item: str | None,
             source: str, folds: int = DEFAULT_FOLDS, seed: int = 0) -> tuple[pd.DataFrame, dict]:
    """The table with `jury.mean` and `jury.weighted` columns added, and what was fitted."""
    for col in [*jurors, *human, *([item] if item else [])]:
        if col not in frame.columns:
            raise DataError(f"--jury names column '{col}', which is not in {source}")
    for name in (JURY_MEAN, JURY_WEIGHTED):
        if name in frame.columns:
            raise DataError(f"{source} already has a column '{name}'; rename it before adding a jury")
    judges = {j: to_numeric(frame[j], j, source) for j in jurors}
    labels = np.vstack([to_numeric(frame[h], h, source) for h in human])
    present = np.isfinite(labels)
    with np.errstate(invalid="ignore", divide="ignore"):
        human_arr = np.where(present, labels, 0).sum(0) / present.sum(0)
    items = frame[item].astype(str).to_numpy() if item else np.arange(len(frame)).astype(str)
    mean, weighted, info = jury_columns(judges, human_arr, items, folds, seed)
    out = frame.copy()
    out[JURY_MEAN] = mean
    out[JURY_WEIGHTED] = weighted
    info["item_column"] = item
    return out, info
