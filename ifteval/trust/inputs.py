"""One validated table for `estimate`, `calibrate` and `plan`: human labels on some rows, judges on all.

Reading goes through the metameter's loaders (tables, run records, REALSumm, label joins); this module
only checks the columns these commands need and turns them into numbers, naming the column and row of
any bad value (`metameter.data.to_numeric`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ifteval.errors import DataError, UnknownNameError, did_you_mean
from ifteval.jsonl import read_jsonl
from ifteval.metameter import loaders
from ifteval.metameter.data import ROW_NUMBERS, ROW_UNIT, to_numeric

ALL = "all"  # the group name when there is no task or system column


@dataclass(frozen=True)
class LabelledTable:
    """Rows of DATA with their roles resolved; `human` is NaN on unlabelled rows."""

    frame: pd.DataFrame  # the rows as read (user columns kept, for `plan --next`)
    human: np.ndarray
    judges: dict[str, np.ndarray]  # judge -> score, NaN where the judge gave none
    task: np.ndarray  # str per row ("all" without a task column)
    system: np.ndarray  # str per row ("all" without a system column)
    item: np.ndarray  # str per row: the unit kept together in cross-validation folds
    source: str
    columns: dict[str, str | None]

    @property
    def labelled(self) -> np.ndarray:
        return np.isfinite(self.human)


def read_data(data: str | Path, source: loaders.Source = "auto", labels: str | None = None,
              id_col: str = "doc_id") -> tuple[pd.DataFrame, list[str]]:
    """Read DATA as the metameter does; returns the frame and the judge names a run record lists."""
    loaded = loaders.read_input(data, source)
    frame, found = loaded.frame, list(loaded.judges)
    if labels:
        frame = loaders.join_labels(frame, loaders.load_table(labels), labels, id_col=id_col,
                                    on=[c for c in ("task", "system") if c in frame.columns])
    return frame, found


def _column(frame: pd.DataFrame, name: str, role: str, source: str, flag: str) -> None:
    if name not in frame.columns:
        cols = [str(c) for c in frame.columns]
        raise UnknownNameError(
            f"unknown {role} column '{name}' ({flag}) in {source}.{did_you_mean(name, cols)}"
            f" Columns: {', '.join(cols[:30])}"
        )


def _labels(series: pd.Series) -> np.ndarray:
    return series.astype("string").fillna("<missing>").to_numpy(dtype=object)


def resolve(frame: pd.DataFrame, human: str, judges: Sequence[str], source: str, *,
            task: str | None = None, system: str | None = None, item: str | None = None) -> LabelledTable:
    """Check the named columns and convert them; defaults: `task`/`system`/`item` when present."""
    if frame.shape[0] == 0:
        raise DataError(f"{source} has no rows")
    if not judges:
        raise DataError(f"no judge given for {source}; pass --judge J (or --judges A,B)")
    _column(frame, human, "human", source, "--human")
    for j in judges:
        _column(frame, j, "judge", source, "--judge")
        if j == human:
            raise DataError(f"column '{j}' is named both as human and as judge; pick one role")
    task = task or ("task" if "task" in frame.columns else None)
    system = system or ("system" if "system" in frame.columns else None)
    if item is None:
        item = next((c for c in ("item", "doc_id", "id") if c in frame.columns), None)
    roles = ((task, "task", "--task"), (system, "system", "--system"), (item, "item", "--item"))
    for col, role, flag in roles:
        if col is not None:
            _column(frame, col, role, source, flag)
    unit = str(frame.attrs.get(ROW_UNIT, "row"))
    numbers = frame.attrs.get(ROW_NUMBERS)
    rows = np.asarray(numbers) if numbers is not None and len(numbers) == len(frame) else \
        np.arange(1, len(frame) + 1)
    human_arr = to_numeric(frame[human], human, source, rows, unit)
    if not np.isfinite(human_arr).any():
        raise DataError(f"human column '{human}' in {source} holds no values; label some rows first")
    judge_arrs = {j: to_numeric(frame[j], j, source, rows, unit) for j in judges}
    for j, values in judge_arrs.items():
        if not np.isfinite(values).any():
            raise DataError(f"judge column '{j}' in {source} holds no scores; every row is null. Run"
                            " 'ifteval judge' on the outputs first, or pick the right column")
    n = len(frame)
    return LabelledTable(
        frame=frame,
        human=human_arr,
        judges=judge_arrs,
        task=_labels(frame[task]) if task else np.full(n, ALL, dtype=object),
        system=_labels(frame[system]) if system else np.full(n, ALL, dtype=object),
        item=_labels(frame[item]) if item else np.arange(n).astype(str).astype(object),
        source=source,
        columns={"human": human, "task": task, "system": system, "item": item},
    )


def rows_as_read(data: str | Path, frame: pd.DataFrame, indices: Sequence[int]) -> list[dict]:
    """The rows at `indices` of `frame` as they stand in DATA.

    For one JSONL file (a table or an `ifteval judge` record) that is the JSON object on the row's line
    (found through the line numbers the loaders record, which label joins keep), with nested `scores`
    as written; for other inputs (CSV, Parquet, a run folder, REALSumm) it is the row's columns as read.
    """
    p = Path(data)
    if p.is_file() and p.suffix.lower() in (".jsonl", ".json") and frame.attrs.get(ROW_UNIT) == "line":
        numbers = frame.attrs.get(ROW_NUMBERS) or list(range(1, len(frame) + 1))
        if len(numbers) == len(frame):
            by_line = dict(read_jsonl(p))
            return [by_line[int(numbers[i])] for i in indices]
    records = frame.iloc[list(indices)].astype(object)
    return records.where(records.notna(), None).to_dict(orient="records")
