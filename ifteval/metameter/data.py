"""The validated input of the metameter: numeric arrays keyed by column role, rows grouped by task.

`prepare` is the boundary: it checks every named column exists, converts scores to numbers (a
non-numeric value is an error naming the column and row, never a silent NaN), keeps nulls as NaN so
they are excluded pairwise and reported as coverage, and sorts rows by task so that tasks are
contiguous strata for the bootstrap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ifteval.errors import DataError, UnknownNameError, did_you_mean
from ifteval.record import extra_column

HUMAN = "human"  # the human score's name beside the judges' (TFA, matrices)
POSITION_BIAS = "position_bias"  # a swapped LLM judge's extra: column `<judge>.position_bias` (record.py)


@dataclass(frozen=True)
class MetaData:
    """Scores to meta-evaluate; every array has one entry per row, NaN where a value is missing."""

    human: np.ndarray  # human score (mean of annotators when several), NaN = unlabeled row
    judges: dict[str, np.ndarray]  # judge name -> score
    task: np.ndarray  # task label (str) per row; rows sorted so each task is contiguous
    task_slices: dict[str, slice]  # task -> its row range
    source: str = "data"  # file or description, for messages
    item: np.ndarray | None = None  # document/item id (str) per row, for the summary level
    system: np.ndarray | None = None  # system/model id (str) per row, for the system level
    regime: np.ndarray | None = None  # regime label (str) per row, for TFA
    length: np.ndarray | None = None  # output length in whitespace tokens, for the length bias
    annotators: dict[str, np.ndarray] = field(default_factory=dict)  # annotator column -> score
    position_bias: dict[str, np.ndarray] = field(default_factory=dict)  # judge -> reported bias
    columns: dict[str, object] = field(default_factory=dict)  # role -> column name(s), for the report
    unmatched_labels: dict | None = None  # joined labels that matched no output: count, n_labels, examples

    @property
    def n_rows(self) -> int:
        return int(self.human.shape[0])

    @property
    def judge_names(self) -> list[str]:
        return list(self.judges)


def check_judges(data: MetaData, judges: Sequence[str] | None) -> list[str]:
    """The judges to evaluate: all of `data`'s when None; an unknown name raises, naming the valid ones."""
    if judges is None:
        return data.judge_names
    for j in judges:
        if j not in data.judges:
            raise UnknownNameError(
                f"unknown judge '{j}'.{did_you_mean(j, data.judges)} Judges: {', '.join(data.judges)}"
            )
    return list(judges)


def _check_columns(frame: pd.DataFrame, names: Sequence[str], source: str, role: str) -> None:
    cols = [str(c) for c in frame.columns]
    for name in names:
        if name not in frame.columns:
            shown = ", ".join(cols[:30]) + (" ..." if len(cols) > 30 else "")
            raise UnknownNameError(
                f"unknown {role} column '{name}' in {source}.{did_you_mean(name, cols)} Columns: {shown}"
            )


ROW_NUMBERS = "row_numbers"  # frame.attrs key: each row's number in its file, when not 1..n (loaders)
UNMATCHED_LABELS = "unmatched_labels"  # frame.attrs key set by join_labels: labels that matched no output
ROW_UNIT = "row_unit"  # frame.attrs key: what that number counts ("line" for JSONL, "data row" for CSV)


def file_row_numbers(frame: pd.DataFrame) -> tuple[np.ndarray, str]:
    """Each row's number in the input file, and its unit; without loader attrs, 1-based table position."""
    unit = frame.attrs.get(ROW_UNIT)
    numbers = frame.attrs.get(ROW_NUMBERS)
    if unit is None or (numbers is not None and len(numbers) != len(frame)):
        return np.arange(1, len(frame) + 1), "row"  # not straight from a loader
    if numbers is None:
        return np.arange(1, len(frame) + 1), str(unit)
    return np.asarray(numbers, dtype=np.int64), str(unit)


def to_numeric(series: pd.Series, column: str, source: str, rows: np.ndarray | None = None,
               unit: str = "row") -> np.ndarray:
    """Convert a score column to float, keeping nulls as NaN; any other non-number is a DataError.

    `rows[i]` is row i's number in the input file (`unit` says what it counts: "line" for JSONL, "data
    row" for CSV, where 1 is the first row after the header); without it the 1-based position is used.
    """
    is_bool = series.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
    if is_bool.any():  # JSON true/false is not a score: turning it into 1.0/0.0 would be a silent guess
        numbers = rows[is_bool] if rows is not None else np.flatnonzero(is_bool) + 1
        example = series.iloc[int(np.flatnonzero(is_bool)[0])]
        raise DataError(
            f"column '{column}' in {source} holds {str(bool(example)).lower()} (a JSON boolean) at {unit}"
            f" {int(numbers[0])} ({int(is_bool.sum())} such row(s)); scores must be numbers or null:"
            " write 1 or 0 if that is what the label means"
        )
    values = pd.to_numeric(series, errors="coerce")
    bad = series.notna().to_numpy() & values.isna().to_numpy()
    arr = values.to_numpy(dtype=float, na_value=np.nan)
    bad |= np.isinf(arr)
    if bad.any():
        where = np.flatnonzero(bad)
        numbers = rows[where] if rows is not None else where + 1
        first = int(np.argmin(numbers))
        example = series.iloc[int(where[first])]
        example = example.item() if isinstance(example, np.generic) else example  # -inf, not np.float64(-inf)
        shown = ", ".join(str(int(n)) for n in np.sort(numbers)[:5]) + (" ..." if numbers.size > 5 else "")
        hint = " (1 = the first row after the header)" if unit == "data row" else ""
        raise DataError(
            f"column '{column}' in {source} has a non-numeric score {example!r} at {unit}"
            f" {int(numbers[first])}{hint} ({where.size} such row(s): {unit}s {shown});"
            " scores must be finite numbers or null."
            " Fix or null those values, or leave the column out."
        )
    return arr


def _labels(series: pd.Series) -> np.ndarray:
    return series.astype("string").fillna("<missing>").to_numpy(dtype=object)


def prepare(
    frame: pd.DataFrame,
    human: str | Sequence[str],
    judges: Sequence[str],
    task: str | None = None,
    *,
    system: str | None = None,
    item: str | None = None,
    regime: str | None = None,
    text: str | None = None,
    source: str = "data",
) -> MetaData:
    """Validate a table (one row per scored output) and turn it into `MetaData`.

    `human` is one column, or several annotator columns whose row mean (over the present ones) becomes
    the human score. `task=None` treats all rows as one task. `text` names the output column whose
    whitespace-token length feeds the length-bias diagnostic.
    """
    if frame.shape[0] == 0:
        raise DataError(f"{source} has no rows; the metameter needs scored outputs with human labels")
    human_cols = [human] if isinstance(human, str) else list(human)
    judges = list(judges)
    if not human_cols:
        raise DataError("no human column given; pass --human COL (or several annotator columns A,B)")
    if not judges:
        raise DataError(f"no judge columns given for {source}; pass --judges A,B,C")
    dup = sorted({j for j in judges if judges.count(j) > 1})
    if dup:
        raise DataError(f"judge column(s) {', '.join(dup)} given twice in --judges; list each once")
    clash = sorted(set(judges) & set(human_cols))
    if clash:
        raise DataError(f"column(s) {', '.join(clash)} named both as human and as judge; pick one role")
    _check_columns(frame, human_cols, source, "human")
    _check_columns(frame, judges, source, "judge")
    for col, role in ((task, "task"), (system, "system"), (item, "item"), (regime, "regime"), (text, "text")):
        if col is not None:
            _check_columns(frame, [col], source, role)

    file_rows, unit = file_row_numbers(frame)
    unmatched = frame.attrs.get(UNMATCHED_LABELS)
    order = np.argsort(_labels(frame[task]), kind="stable") if task is not None else np.arange(len(frame))
    frame = frame.iloc[order].reset_index(drop=True)
    file_rows = file_rows[order]  # errors name the row in the file, not its place after sorting by task

    def numeric(col: str) -> np.ndarray:
        return to_numeric(frame[col], col, source, file_rows, unit)

    task_arr = _labels(frame[task]) if task is not None else np.full(len(frame), "all", dtype=object)
    slices: dict[str, slice] = {}
    if len(task_arr):
        change = np.flatnonzero(task_arr[1:] != task_arr[:-1]) + 1
        starts = np.concatenate([[0], change])
        stops = np.concatenate([change, [len(task_arr)]])
        slices = {str(task_arr[a]): slice(int(a), int(b)) for a, b in zip(starts, stops, strict=True)}

    annotators = {c: numeric(c) for c in human_cols}
    if len(human_cols) == 1:
        human_arr = annotators[human_cols[0]]
        annotators = {}
    else:
        stacked = np.vstack(list(annotators.values()))
        present = np.isfinite(stacked)
        with np.errstate(invalid="ignore", divide="ignore"):
            human_arr = np.where(present, stacked, 0).sum(0) / present.sum(0)
    if not np.isfinite(human_arr).any():
        raise DataError(
            f"human column(s) {', '.join(human_cols)} in {source} hold no values; every row is null."
            " Join a human-label file (--labels) or pick the right column with --human"
        )
    judge_arrs = {j: numeric(j) for j in judges}
    bias = {}
    for j in judges:
        col = extra_column(j, POSITION_BIAS)
        if col in frame.columns:
            vals = numeric(col)
            if np.isfinite(vals).any():
                bias[j] = vals
    length = None
    if text is not None:
        length = frame[text].map(lambda s: len(str(s).split()) if pd.notna(s) else np.nan).to_numpy(float)
    return MetaData(
        human=human_arr,
        judges=judge_arrs,
        task=task_arr,
        task_slices=slices,
        source=source,
        item=_labels(frame[item]) if item is not None else None,
        system=_labels(frame[system]) if system is not None else None,
        regime=_labels(frame[regime]) if regime is not None else None,
        length=length,
        annotators=annotators,
        position_bias=bias,
        unmatched_labels=dict(unmatched) if unmatched else None,
        columns={"human": human_cols if len(human_cols) > 1 else human_cols[0], "task": task,
                 "judges": judges, "system": system, "item": item, "regime": regime, "text": text},
    )
