"""Monotone maps from a judge's scale to the human scale (scikit-learn's isotonic regression).

A map is fitted pooled over tasks or one per task, on the human-labelled rows, rising or falling as the
judge's rank correlation with the humans says. Every number that judges
a map (CIT, CAT, mean absolute error) is cross-validated by item: a row's calibrated score comes from a
map fitted on folds that do not hold its item, so a map is never scored on the rows it was fitted on.
The same cross-fitted scores feed `estimate --calibrate` (ppi-python's cross-prediction).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.isotonic import IsotonicRegression

from ifteval.errors import DataError
from ifteval.metameter.folds import item_folds
from ifteval.metameter.stats import Method, correlate, mean_defined
from ifteval.trust.inputs import ALL, LabelledTable

MAPS_KIND = "ifteval.calibration"
MAPS_VERSION = 1
MIN_LABELS = 3  # fewer labelled rows than this and no map is fitted (an error naming the task)
DEFAULT_FOLDS = 5


@dataclass(frozen=True)
class IsotonicMap:
    """A fitted monotone map, stored as its knots; between knots it is linear, outside it is clipped.

    `apply` equals scikit-learn's `IsotonicRegression(out_of_bounds="clip").predict` (tested).
    """

    x: tuple[float, ...]
    y: tuple[float, ...]
    n: int  # labelled rows it was fitted on

    def apply(self, scores: np.ndarray) -> np.ndarray:
        scores = np.asarray(scores, dtype=float)
        out = np.interp(scores, self.x, self.y)
        return np.where(np.isfinite(scores), out, np.nan)

    def to_dict(self) -> dict:
        return {"x": list(self.x), "y": list(self.y), "n": self.n}


def fit_map(judge: np.ndarray, human: np.ndarray, where: str = "",
            increasing: bool | str = "auto") -> IsotonicMap:
    """Fit judge -> human on rows where both are present; `increasing="auto"` lets the data choose."""
    ok = np.isfinite(judge) & np.isfinite(human)
    if ok.sum() < MIN_LABELS:
        raise DataError(f"only {int(ok.sum())} labelled row(s) with a judge score{where}; a calibration map"
                        f" needs at least {MIN_LABELS} (label more rows, or drop --per-task to pool tasks)")
    model = IsotonicRegression(out_of_bounds="clip", increasing=increasing).fit(judge[ok], human[ok])
    return IsotonicMap(tuple(map(float, model.X_thresholds_)), tuple(map(float, model.y_thresholds_)),
                       int(ok.sum()))


def _map_groups(table: LabelledTable, per_task: bool) -> dict[str, np.ndarray]:
    if not per_task:
        return {ALL: np.ones(table.human.shape[0], dtype=bool)}
    return {str(t): table.task == t for t in np.unique(table.task.astype(str))}


def direction(table: LabelledTable, judge: str) -> bool:
    """Whether the judge rises with the human score (Spearman >= 0 on all labelled rows).

    Decided once per judge, so every fold and task map bends the same way (a small fold or task would
    otherwise pick its own direction from noise).
    """
    ok = table.labelled & np.isfinite(table.judges[judge])
    value = correlate(table.judges[judge][ok], table.human[ok], "spearman").value
    return value is None or value >= 0


def fit_maps(table: LabelledTable, judge: str, per_task: bool, rows: np.ndarray | None = None) -> dict:
    """{group: IsotonicMap} fitted on the labelled rows (restricted to `rows` when given)."""
    use = table.labelled if rows is None else table.labelled & rows
    increasing = direction(table, judge)
    maps = {}
    for group, in_group in _map_groups(table, per_task).items():
        where = f" for judge '{judge}'" + (f" in task '{group}'" if per_task else "")
        maps[group] = fit_map(table.judges[judge][use & in_group], table.human[use & in_group], where,
                              increasing)
    return maps


def apply_maps(maps: dict[str, IsotonicMap], scores: np.ndarray, tasks: np.ndarray,
               source: str) -> np.ndarray:
    """Calibrated scores; per-task maps need a map for every task present (an error names the missing one)."""
    if set(maps) == {ALL}:
        return maps[ALL].apply(scores)
    out = np.full(scores.shape[0], np.nan)
    for task in np.unique(tasks.astype(str)):
        if task not in maps:
            raise DataError(f"{source} has no calibration map for task '{task}' (maps for: "
                            f"{', '.join(sorted(maps))}); refit with the task labelled, or without"
                            " --per-task")
        rows = tasks == task
        out[rows] = maps[task].apply(scores[rows])
    return out


@dataclass(frozen=True)
class CrossFit:
    """Cross-fitted calibrated scores: `by_fold[:, k]` is fold k's map (fitted without fold k's items)."""

    by_fold: np.ndarray  # (rows, K)
    fold: np.ndarray  # fold per row

    @property
    def out_of_fold(self) -> np.ndarray:
        """Each row scored by the map that did not see its item (for labelled rows: never fitted on them)."""
        return self.by_fold[np.arange(self.fold.size), self.fold]


def cross_fit(table: LabelledTable, judge: str, per_task: bool, folds: int = DEFAULT_FOLDS,
              seed: int = 0) -> CrossFit:
    """Fit one map set per fold on the other folds' labelled rows and score every row with each."""
    fold = item_folds(table.item, folds, seed)
    k = int(fold.max()) + 1
    if k < 2:
        raise DataError(f"{table.source} has a single item; cross-validation needs at least 2 items")
    by_fold = np.empty((fold.size, k))
    for f in range(k):
        maps = fit_maps(table, judge, per_task, rows=fold != f)
        by_fold[:, f] = apply_maps(maps, table.judges[judge], table.task, table.source)
    return CrossFit(by_fold, fold)


def agreement(judge: np.ndarray, human: np.ndarray, tasks: np.ndarray, method: Method) -> dict:
    """CIT (mean within-task correlation), CAT (pooled correlation) and MAE on rows where both exist."""
    ok = np.isfinite(judge) & np.isfinite(human)
    cit = [correlate(judge[ok & (tasks == t)], human[ok & (tasks == t)], method).value
           for t in np.unique(tasks.astype(str))]
    cat = correlate(judge[ok], human[ok], method)
    return {"cit": mean_defined(cit), "cat": cat.value,
            "mae": float(np.mean(np.abs(judge[ok] - human[ok]))) if ok.any() else None, "n": int(ok.sum())}


def calibrate(table: LabelledTable, judges: Sequence[str], per_task: bool, method: Method = "pearson",
              folds: int = DEFAULT_FOLDS, seed: int = 0) -> dict:
    """Fit the maps on all labelled rows and report before/after agreement, cross-validated by item."""
    out: dict = {"kind": MAPS_KIND, "version": MAPS_VERSION, "source": table.source,
                 "human": table.columns["human"], "task_column": table.columns["task"],
                 "item_column": table.columns["item"], "per_task": per_task, "method": method,
                 "folds": folds, "seed": seed, "judges": {}, "report": {}}
    lab = table.labelled
    for judge in judges:
        maps = fit_maps(table, judge, per_task)
        oof = cross_fit(table, judge, per_task, folds, seed).out_of_fold
        out["judges"][judge] = {group: m.to_dict() for group, m in maps.items()}
        out["report"][judge] = {
            "before": agreement(table.judges[judge][lab], table.human[lab], table.task[lab], method),
            "after": agreement(oof[lab], table.human[lab], table.task[lab], method),
        }
    return out


def load_maps(path: str | Path) -> dict[str, dict[str, IsotonicMap]]:
    """Read an `ifteval calibrate` maps file: {judge: {task or 'all': IsotonicMap}}."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f"calibration file {p} does not exist; write one with 'ifteval calibrate'")
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"calibration file {p} is not JSON: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("kind") != MAPS_KIND:
        raise DataError(f"{p} is not an 'ifteval calibrate' maps file (field 'kind' must be '{MAPS_KIND}')")
    if raw.get("version") != MAPS_VERSION:
        raise DataError(f"{p}: field 'version' is {raw.get('version')!r}; this ifteval reads {MAPS_VERSION}")
    judges = raw.get("judges")
    if not isinstance(judges, dict) or not judges:
        raise DataError(f"{p}: field 'judges' must map judge names to their maps")
    maps: dict[str, dict[str, IsotonicMap]] = {}
    for judge, groups in judges.items():
        if not isinstance(groups, dict) or not groups:
            raise DataError(f"{p}: judges.{judge} must map a task (or 'all') to a map")
        maps[judge] = {}
        for group, m in groups.items():
            field = f"judges.{judge}.{group}"
            try:
                x = tuple(float(v) for v in m["x"])
                y = tuple(float(v) for v in m["y"])
                n = int(m.get("n", 0))
            except (TypeError, KeyError, ValueError) as exc:
                raise DataError(f"{p}: {field} needs numeric lists 'x' and 'y' ({exc})") from exc
            if not x or len(x) != len(y) or any(b < a for a, b in zip(x, x[1:], strict=False)) \
                    or not all(np.isfinite(x + y)):
                raise DataError(f"{p}: {field} must have equal-length finite 'x' (increasing) and 'y'")
            maps[judge][group] = IsotonicMap(x, y, n)
    return maps


def check_maps_cover(maps: dict[str, dict[str, IsotonicMap]], judges: Sequence[str],
                     tasks: Sequence[str | None], source: str) -> list[str]:
    """The judges that have a map; an error when none has one, or a per-task map misses a task present."""
    mapped = [j for j in judges if j in maps]
    if not mapped:
        raise DataError(f"{source} has maps for {', '.join(sorted(maps))}, none of the judges given"
                        f" ({', '.join(judges)}); calibrate these judges first")
    for judge in mapped:
        if set(maps[judge]) == {ALL}:
            continue
        for task in sorted({str(t) for t in tasks}):
            if task not in maps[judge]:
                raise DataError(f"{source} maps judge '{judge}' per task, but has no map for task '{task}'"
                                f" (maps for: {', '.join(sorted(maps[judge]))})")
    return mapped


def calibrated_values(groups: dict[str, IsotonicMap], values: Sequence[float | None],
                      tasks: Sequence[str | None], source: str) -> list[float | None]:
    """Apply one judge's maps to raw values (None stays None), for `ifteval judge --calibration`."""
    raw = np.array([np.nan if v is None else float(v) for v in values])
    task_arr = np.array([str(t) for t in tasks], dtype=object)
    out = apply_maps(groups, raw, task_arr, source)
    return [None if not np.isfinite(v) else float(v) for v in out]
