"""Reading metameter input: plain tables, `ifteval run`/`judge` outputs joined with human labels, and the
real human-label sources of the paper (`openai/summarize_from_feedback`, REALSumm) mapped to one table.

Every loader returns a pandas DataFrame with one row per scored output; `prepare` validates it.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ifteval.errors import DataError, UnknownNameError, did_you_mean
from ifteval.jsonl import read_jsonl, read_text
from ifteval.metameter.data import (
    ROW_NUMBERS,
    ROW_UNIT,
    UNMATCHED_LABELS,
    file_row_numbers,
    to_numeric,
)
from ifteval.record import SCORES, flatten_scores, is_record_row, metric_fields, read_records

SUMMARIZE_FROM_FEEDBACK = "openai/summarize_from_feedback"  # HF hub id; config `axis`, overall 1-7
REALSUMM = "neulab/REALSumm"  # GitHub repo; scores_dicts/{abs,ext}.pkl with `litepyramid_recall`
ORPHAN_LABEL_LIMIT = 0.5  # more than this fraction of labels matching no output is an error
TABLE_SUFFIXES = (".jsonl", ".json", ".csv", ".tsv", ".parquet", ".pq")
HUB_FIELDS = ("info", "summary", "worker", "batch", "split", "extra")  # summarize_from_feedback `axis` rows
USER_PREFIX = "user:"  # a user's own column while ratings are pivoted (kept beside the human scores)
Source = Literal["auto", "summarize_from_feedback", "realsumm"]  # how DATA is read (`meta --source`)
SOURCES: tuple[Source, ...] = ("auto", "summarize_from_feedback", "realsumm")


@dataclass(frozen=True)
class MetaInput:
    """One input's rows, and what its source implies when the user names nothing: the judges a run
    record lists, the annotator columns of a ratings source, the item/system/text columns it carries.
    For a run record `judges` holds every numeric score column: each judge's value, then the run's own
    per-sample metrics (lm-eval's `acc`, a task's `score`)."""

    frame: pd.DataFrame
    source: str  # the file (or hub dataset) for messages
    judges: tuple[str, ...] = ()
    human: tuple[str, ...] = ()
    item: str | None = None
    system: str | None = None
    text: str | None = None


def read_input(data: str | Path | None, source: Source = "auto", split: str = "validation") -> MetaInput:
    """Read DATA by its `source`: `summarize_from_feedback` (None reads the hub's `split`), `realsumm`,
    or `auto`: an `ifteval run`/`judge` record (`is_run_output`), else a plain table (`load_table`)."""
    if source == "summarize_from_feedback":
        frame = load_summarize_from_feedback(split=split, path=data)
        annotators = tuple(c for c in frame.columns if c.startswith("annotator_")) or ("human",)
        return MetaInput(frame, frame.attrs.get("source", str(data)), human=annotators, item="item",
                         system="system", text="prediction")
    if data is None:
        raise DataError(f"no DATA given; only --source summarize_from_feedback reads the hub, not {source}")
    if source == "realsumm":
        frame = load_realsumm(data)  # a scores-only CSV has no texts
        return MetaInput(frame, str(data), item="item", system="system",
                         text="prediction" if "prediction" in frame.columns else None)
    if is_run_output(data):
        frame = load_run_output(data)
        # an adapter sweep: each adapter (and `base`) is a system
        scores = [*frame.attrs.get("judges", []), *frame.attrs.get("metrics", [])]
        return MetaInput(frame, str(data), judges=tuple(dict.fromkeys(scores)),
                         system="system" if "system" in frame.columns else None)
    return MetaInput(load_table(data), str(data))


def _read_jsonl(path: Path) -> list[dict]:
    return [row for _, row in read_jsonl(path)]


def _number_rows(frame: pd.DataFrame, numbers: list[int] | None, unit: str) -> pd.DataFrame:
    """Record what a row's number in its file counts, and the numbers when they are not 1..n.

    attrs stay small JSON-able values (pandas copies and compares them, parquet writes them as JSON).
    """
    frame.attrs[ROW_UNIT] = unit
    if numbers is not None and numbers != list(range(1, len(frame) + 1)):
        frame.attrs[ROW_NUMBERS] = numbers
    return frame


def load_table(path: str | Path) -> pd.DataFrame:
    """Read a JSONL, CSV/TSV or Parquet table (one row per scored output).

    A JSONL row scored by `ifteval judge` has its `scores` flattened into columns (`record.score_columns`).
    `frame.attrs` records each row's place in the file (JSONL: 1-based line; CSV/TSV: data row, 1 = the
    first row after the header; Parquet: row) so that `prepare` can name it in an error.
    """
    p = Path(path)
    if not p.exists():
        raise DataError(f"input {p} does not exist; pass a .jsonl, .csv or .parquet file or a run folder")
    suffix = p.suffix.lower()
    if suffix in (".jsonl", ".json"):
        pairs = read_jsonl(p)
        if not pairs:  # else a later check blames a missing column of a file that has no rows at all
            raise DataError(f"{p} is empty; a JSONL table needs one JSON object a line")
        frame = pd.DataFrame([flatten_scores(row, f"{p}:{n}") if SCORES in row else row for n, row in pairs])
        return _number_rows(frame, [n for n, _ in pairs], "line")
    if suffix in (".csv", ".tsv"):
        try:
            frame = pd.read_csv(p, sep="\t" if suffix == ".tsv" else ",")
        except UnicodeDecodeError:
            read_text(p)  # pandas counts bytes from its buffer: decode the file again to name the line
            raise
        except pd.errors.EmptyDataError:
            raise DataError(f"{p} is empty; a {suffix[1:].upper()} table needs a header row and one row "
                            "per scored output") from None
        except pd.errors.ParserError as exc:
            raise DataError(f"cannot parse {p} as {suffix[1:].upper()}: {exc}") from None
        return _number_rows(frame, None, "data row")
    if suffix in (".parquet", ".pq"):
        try:
            return pd.read_parquet(p)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DataError(f"{p} is not a readable Parquet file ({first}); "
                            "pass a real .parquet, or a .jsonl or .csv table") from None
    raise DataError(f"unsupported input {p}: expected one of {', '.join(TABLE_SUFFIXES)} or a run folder")


def load_run_output(path: str | Path) -> pd.DataFrame:
    """Read run records (`ifteval.record`): an `ifteval run` folder, an adapter sweep, an `ifteval judge`
    JSONL or lm-eval `--log_samples` files, one flat row per output (`Record.columns`).

    Judge names found under `scores` become columns, their secondary numbers `<judge>.<name>` columns;
    `frame.attrs["judges"]` lists the judges, `frame.attrs["metrics"]` the run's numeric per-sample metric
    fields (`record.metric_fields`).
    """
    p = Path(path)
    records = read_records([p])
    frame = pd.DataFrame([record.columns() for record in records])
    frame.attrs["judges"] = sorted({name for record in records for name in record.verdicts})
    frame.attrs["metrics"] = sorted({name for record in records for name in metric_fields(record.row)}
                                    - set(frame.attrs["judges"]))
    if p.is_file():
        _number_rows(frame, [record.line for record in records], "line")
    return frame


def is_run_output(path: str | Path) -> bool:
    """True for a folder, or a JSONL whose first row is a run record (scored, or an lm-eval sample)."""
    p = Path(path)
    if p.is_dir():
        return True
    if p.suffix.lower() != ".jsonl" or not p.exists():
        return False
    with p.open(encoding="utf-8", errors="replace") as fh:  # bad bytes: the reader names their line
        for line in fh:
            if line.strip():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    return False
                return isinstance(row, dict) and is_record_row(row)
    return False


def join_labels(frame: pd.DataFrame, labels: pd.DataFrame, source: str, id_col: str = "doc_id",
                on: Iterable[str] = ("task",), human: Iterable[str] = ("human",)) -> pd.DataFrame:
    """Left-join human labels onto scored outputs by sample id (and task, system... where both have them).

    A label judges one output: when the keys the label file has leave several outputs per key (a sweep's
    systems, several tasks), the join is refused, naming the column the labels must add.

    Outputs without a label keep a null human score (reported as coverage). Two labels for the same key
    are an error. Labels matching no output (orphans) are counted in `attrs["unmatched_labels"]` (count,
    a few example keys), which `prepare` carries into the report and the CLI prints as a warning; more
    than half of the labels orphaned (`ORPHAN_LABEL_LIMIT`) is an error, so a wrong key never passes
    silently.

    The `human` score columns are checked here, before the join, so that a bad label names the label
    file and its own line (after the join, rows are the scored outputs' and so are their numbers).
    """
    rows, unit = file_row_numbers(labels)
    for column in human:
        if column in labels.columns:
            to_numeric(labels[column], column, source, rows, unit)
    if id_col not in labels.columns and "id" in labels.columns and id_col == "doc_id":
        labels = labels.rename(columns={"id": "doc_id"})
    if id_col not in labels.columns:
        hint = did_you_mean(id_col, map(str, labels.columns))
        raise UnknownNameError(
            f"label file {source} has no id column '{id_col}'.{hint}"
            f" Columns: {', '.join(map(str, labels.columns))}. Use --id COL"
        )
    if id_col not in frame.columns:
        raise UnknownNameError(f"scored outputs have no id column '{id_col}'; use --id COL")
    keys = [id_col] + [k for k in on if k in labels.columns and k in frame.columns]
    left = frame.copy()
    right = labels.copy()
    for k in keys:
        left[k] = left[k].astype("string")
        right[k] = right[k].astype("string")
    shared = left.duplicated(keys, keep=False)
    if shared.any():
        row = left[shared].iloc[0]
        same = left[(left[keys] == row[keys]).all(axis=1)]
        missing = [k for k in on if k in frame.columns and k not in labels.columns]
        # name the keys whose values really differ among those outputs (one task: not 'task')
        differ = [k for k in missing if k in same.columns and same[k].nunique() > 1]
        differ = differ or missing[:1] or ["system"]
        example = "; ".join(f"{k}: {', '.join(map(str, same[k].unique()[:4]))}" for k in differ
                            if k in same.columns)
        columns = f"a '{differ[0]}' column" if len(differ) == 1 else \
            " and ".join(f"'{k}'" for k in differ) + " columns"
        raise DataError(
            f"label file {source} is keyed by {', '.join(keys)} alone, but {len(same)} scored outputs share"
            f" {', '.join(f'{k}={row[k]}' for k in keys)}{f' ({example})' if example else ''}; a label judges"
            f" one output, so add {columns} to {source}"
        )
    dup = right.duplicated(keys)
    if dup.any():
        row = right[dup].iloc[0]
        raise DataError(f"label file {source} has {int(dup.sum())} duplicate label(s) for key "
                        f"{', '.join(f'{k}={row[k]}' for k in keys)};"
                        " keep one label per sample or average them")
    overlap = [c for c in right.columns if c in left.columns and c not in keys]
    right = right.rename(columns={c: f"{c}_label" for c in overlap})
    merged = left.merge(right, on=keys, how="left", indicator=True, validate="many_to_one")
    unmatched = right.merge(left[keys].drop_duplicates(), on=keys, how="left", indicator=True)
    n_orphan = int((unmatched["_merge"] == "left_only").sum())
    if n_orphan == len(right):
        example = right.iloc[0][keys].to_dict()
        raise DataError(f"no label in {source} matches a scored output on {', '.join(keys)} "
                        f"(e.g. {example}); check --id and that the files describe the same run")
    orphans = unmatched.loc[unmatched["_merge"] == "left_only", keys]
    examples = [", ".join(f"{k}={row[k]}" for k in keys) for _, row in orphans.head(3).iterrows()]
    if n_orphan > ORPHAN_LABEL_LIMIT * len(right):
        raise DataError(f"{n_orphan} of {len(right)} labels in {source} match no scored output on"
                        f" {', '.join(keys)} (e.g. {'; '.join(examples)}); more than half means the files"
                        " are probably keyed differently: check --id and that they describe the same run")
    merged.attrs = dict(frame.attrs)
    merged.attrs[UNMATCHED_LABELS] = {"count": n_orphan, "n_labels": len(right), "examples": examples,
                                      "source": source}
    return merged.drop(columns="_merge")


def load_summarize_from_feedback(split: str = "validation", path: str | Path | None = None,
                                 max_rows: int | None = None) -> pd.DataFrame:
    """Load `openai/summarize_from_feedback` (config `axis`) as a metameter table.

    One row per rated summary: task (`tldr` for Reddit posts, `cnndm` for news articles), item (post id),
    system (policy), prediction (summary text), one `annotator_<k>` column per rating of the same summary
    and `human` = their mean of the overall 1-7 score. Any column of the file beyond the hub's own
    (`HUB_FIELDS`), e.g. a judge's scores of each summary, is kept (see `_per_summary`). `path` reads a
    local JSONL/Parquet with the hub's nested schema (offline); without it the hub is used through
    `datasets.load_dataset`.
    """
    if path is not None:
        p = Path(path)
        records = _read_jsonl(p) if p.suffix.lower() in (".jsonl", ".json") else \
            load_table(p).to_dict(orient="records")
    else:
        try:
            import datasets

            ds = datasets.load_dataset(SUMMARIZE_FROM_FEEDBACK, "axis", split=split)
        except Exception as exc:  # network, auth, or a `datasets` version that refuses the script
            raise DataError(
                f"cannot load {SUMMARIZE_FROM_FEEDBACK} (config 'axis', split '{split}') from the hub: {exc}."
                " Offline, download its parquet files (revision refs/convert/parquet, axis/<split>) and pass"
                " the local file as path=... (CLI: --source summarize_from_feedback DATA)"
            ) from exc
        records = ds.to_list() if max_rows is None else ds.select(range(min(max_rows, len(ds)))).to_list()
    if max_rows is not None:
        records = records[:max_rows]
    flat = []
    user_columns = list(dict.fromkeys(k for r in records for k in r if k not in HUB_FIELDS))
    for i, r in enumerate(records):
        info, summary = r.get("info") or {}, r.get("summary") or {}
        axes = summary.get("axes") or {}
        if "overall" not in axes:
            raise DataError(f"{path or SUMMARIZE_FROM_FEEDBACK} record {i + 1} has no summary.axes.overall;"
                            " is this the 'axis' config?")
        flat.append({
            "task": "tldr" if info.get("post") else "cnndm",
            "item": str(info.get("id")),
            "system": summary.get("policy"),
            "prediction": summary.get("text"),
            "worker": r.get("worker"),
            "overall": axes.get("overall"),
            "split": r.get("split"),
            **{f"{USER_PREFIX}{k}": r.get(k) for k in user_columns},
        })
    if not flat:
        raise DataError(f"{path or SUMMARIZE_FROM_FEEDBACK} has no records")
    raw = pd.DataFrame(flat)
    raw["overall"] = pd.to_numeric(raw["overall"], errors="coerce")
    keys = ["task", "item", "system", "prediction"]
    raw = raw.sort_values(keys + ["worker"], kind="stable")
    raw["k"] = raw.groupby(keys, sort=False).cumcount() + 1
    wide = raw.set_index([*keys, "k"])["overall"].unstack("k")
    wide.columns = [f"annotator_{k}" for k in wide.columns]
    wide = wide.reset_index()
    ann = [c for c in wide.columns if c.startswith("annotator_")]
    wide["human"] = wide[ann].mean(axis=1, skipna=True)
    wide["n_annotations"] = wide[ann].notna().sum(axis=1)
    if user_columns:
        wide = wide.merge(_per_summary(raw, keys, user_columns), on=keys, how="left")
    wide["doc_id"] = np.arange(len(wide)).astype(str)
    wide.attrs["source"] = f"{SUMMARIZE_FROM_FEEDBACK} (axis, {split})" if path is None else str(path)
    return wide


def _per_summary(raw: pd.DataFrame, keys: list[str], user_columns: list[str]) -> pd.DataFrame:
    """The user's own columns, one value per rated summary: the mean of a numeric column (a judge's score
    of the summary repeats on every rating row), the first value of any other."""
    groups = raw.groupby(keys, sort=False)
    out = groups.size().reset_index()[keys]
    for column in user_columns:
        values = raw[f"{USER_PREFIX}{column}"]
        numeric = pd.to_numeric(values, errors="coerce")
        if values.notna().any() and numeric.notna().sum() == values.notna().sum():
            out[column] = numeric.groupby([raw[k] for k in keys], sort=False).mean().to_numpy()
        else:
            out[column] = groups[f"{USER_PREFIX}{column}"].first().to_numpy()
    return out


def load_realsumm(path: str | Path) -> pd.DataFrame:
    """Load REALSumm (neulab/REALSumm) as a metameter table: human = `litepyramid_recall`.

    `path` is the repository's `scores_dicts/abs.pkl` or `ext.pkl` (doc_id -> {ref_summ, system_summaries:
    system -> {system_summary, scores}}), or a JSONL with one row per (doc_id, system) holding `summary`,
    `litepyramid_recall` and any metric columns. Other scores (ROUGE...) become candidate judge columns.
    Pickle files run code when read: load only the official files.
    """
    p = Path(path)
    if not p.exists():
        raise DataError(f"REALSumm file {p} does not exist; download scores_dicts/abs.pkl from {REALSUMM}")
    if p.suffix.lower() in (".pkl", ".pickle"):
        with p.open("rb") as fh:
            raw = pickle.load(fh)  # noqa: S301 - the official REALSumm release is a pickle
        rows = []
        for doc_key, doc in raw.items():
            for system, entry in (doc.get("system_summaries") or {}).items():
                scores = entry.get("scores") or {}
                rows.append({"task": "realsumm", "item": str(doc.get("doc_id", doc_key)), "system": system,
                             "prediction": entry.get("system_summary"), "reference": doc.get("ref_summ"),
                             **scores})
        frame = pd.DataFrame(rows)
    else:
        frame = load_table(p)
        frame = frame.rename(columns={"doc_id": "item", "summary": "prediction"})
        if "task" not in frame.columns:
            frame["task"] = "realsumm"
    if "litepyramid_recall" not in frame.columns:
        raise DataError(f"{p} has no 'litepyramid_recall' score; is it a REALSumm scores file?")
    frame["human"] = pd.to_numeric(frame["litepyramid_recall"], errors="coerce")
    frame["item"] = frame["item"].astype(str)
    frame["doc_id"] = frame["item"] + ":" + frame["system"].astype(str)
    frame.attrs["source"] = str(p)
    return frame
