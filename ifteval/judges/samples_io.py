"""Reading samples to judge (ifteval rows, `ifteval run` folders, lm-eval `--log_samples` files) and
writing the judged rows back, atomically.

Two row layouts are understood, detected per row:

- ifteval: `{prompt, prediction, reference?, task?, id? | doc_id?}` (what `ifteval run` writes);
- lm-eval `--log_samples`: `{doc_id, doc, target, arguments, resps, filtered_resps, filter, ...}`; the
  prompt is the first generation argument, the prediction the filtered response, the task comes from the
  file name `samples_<task>_<date>.jsonl`. For loglikelihood (multiple-choice) tasks the prediction is
  the continuation with the highest log-likelihood and an index target is mapped to its choice.

A folder stands for every `samples_*.jsonl` below it. Errors name the file and line.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ifteval.errors import DataError
from ifteval.jsonl import read_jsonl
from ifteval.types import Sample, Verdict

_LM_EVAL_FILE = re.compile(r"^samples_(?P<task>.+?)_(?P<date>\d{4}-\d{2}-\d{2}T[\d\-.:]+)\.jsonl$")
_IFTEVAL_FILE = re.compile(r"^samples_(?P<task>.+)\.jsonl$")


@dataclass(frozen=True)
class SampleRow:
    """One input row: the sample a judge sees, the row as read (echoed to the output), and where from."""

    sample: Sample
    row: dict[str, Any]
    source: Path
    line: int


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a folder becomes its `samples_*.jsonl` files, searched recursively and sorted."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(path.rglob("samples_*.jsonl"))
            if not found:
                raise DataError(
                    f"{path}: folder has no samples_*.jsonl files (written by 'ifteval run' or lm-eval)"
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise DataError(f"{path}: no such file or folder")
    return files


def task_from_filename(path: Path) -> str | None:
    """The task in `samples_<task>_<date>.jsonl` (lm-eval) or `samples_<task>.jsonl` (ifteval run)."""
    match = _LM_EVAL_FILE.match(path.name) or _IFTEVAL_FILE.match(path.name)
    return match.group("task") if match else None


def read_samples(paths: Iterable[Path]) -> list[SampleRow]:
    """Every row of every input, in order."""
    rows: list[SampleRow] = []
    for path in expand_inputs(paths):
        rows.extend(read_sample_file(path))
    return rows


def read_sample_file(path: Path) -> list[SampleRow]:
    """The rows of one JSONL file; blank lines are skipped, anything malformed names file and line."""
    task_hint = task_from_filename(path)
    rows: list[SampleRow] = []
    for line_no, row in read_jsonl(path):
        where = f"{path}:{line_no}"
        rows.append(SampleRow(row_to_sample(row, where, task_hint, line_no), row, path, line_no))
    if not rows:
        raise DataError(f"{path}: no samples in file")
    return rows


def row_to_sample(row: Mapping[str, Any], where: str, task_hint: str | None = None, line: int = 0) -> Sample:
    """A Sample from an ifteval row or an lm-eval `--log_samples` row."""
    if "prediction" in row:
        return _ifteval_sample(row, where, task_hint, line)
    if "doc_id" in row and "arguments" in row and ("filtered_resps" in row or "resps" in row):
        return _lm_eval_sample(row, where, task_hint)
    raise DataError(
        f"{where}: unknown row layout (keys: {', '.join(sorted(row)) or 'none'}). Expected an ifteval row "
        "with 'prompt', 'prediction' and optional 'reference', 'task', 'id', or an lm-eval --log_samples row "
        "with 'doc_id', 'arguments', 'filtered_resps'."
    )


def _text(value: Any, field: str, where: str, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if isinstance(value, str):
        return value
    if optional and isinstance(value, (list, dict, int, float)) and not isinstance(value, bool):
        # a structured reference (SQuAD answer list, CoNLL entities, an STS-B number) keeps its JSON form
        return json.dumps(value, ensure_ascii=False)
    raise DataError(f"{where}: field '{field}' must be a string, got {type(value).__name__}")


def _ifteval_sample(row: Mapping[str, Any], where: str, task_hint: str | None, line: int) -> Sample:
    if "prompt" not in row:
        raise DataError(f"{where}: missing field 'prompt' (ifteval rows need prompt, prediction)")
    row_id = row.get("id", row.get("doc_id", line))
    task = row.get("task", task_hint)
    if task is not None and not isinstance(task, str):
        raise DataError(f"{where}: field 'task' must be a string")
    return Sample(
        id=str(row_id),
        prompt=_text(row["prompt"], "prompt", where) or "",
        prediction=_text(row["prediction"], "prediction", where) or "",
        reference=_text(row.get("reference"), "reference", where, optional=True),
        task=task,
    )


def _index(key: object) -> int:
    """The number in lm-eval's `gen_args_3` / `arg_1` keys (unnumbered keys sort first)."""
    tail = str(key).rpartition("_")[2]
    return int(tail) if tail.isdigit() else -1


def _arguments(row: Mapping[str, Any], where: str) -> list[list[Any]]:
    """lm-eval's arguments, as saved (`{gen_args_i: {arg_j: ...}}`) or in memory (list of tuples)."""
    args = row["arguments"]
    if isinstance(args, Mapping):
        requests = [args[key] for key in sorted(args, key=_index)]
        if not all(isinstance(r, Mapping) for r in requests):
            raise DataError(f"{where}: lm-eval field 'arguments' has an unknown layout")
        return [[r[key] for key in sorted(r, key=_index)] for r in requests]
    if isinstance(args, list) and all(isinstance(a, (list, tuple)) for a in args):
        return [list(a) for a in args]
    raise DataError(f"{where}: lm-eval field 'arguments' has an unknown layout")


def _lm_eval_sample(row: Mapping[str, Any], where: str, task_hint: str | None) -> Sample:
    arguments = _arguments(row, where)
    if not arguments or not arguments[0] or not isinstance(arguments[0][0], str):
        raise DataError(f"{where}: lm-eval row has no prompt in 'arguments'")
    prompt = arguments[0][0]
    responses = row.get("filtered_resps", row.get("resps"))
    if not isinstance(responses, list) or not responses:
        raise DataError(f"{where}: lm-eval row has no responses in 'filtered_resps'")
    target = row.get("target")
    reference = None if target is None else str(target)
    first = responses[0]
    while isinstance(first, list) and len(first) == 1 and isinstance(first[0], (str, list)):
        first = first[0]  # repeats or un-filtered resps: [[text]]
    if isinstance(first, str):
        prediction = first
    else:
        prediction, reference = _multiple_choice(arguments, responses, reference, where)
    return Sample(
        id=str(row["doc_id"]), prompt=prompt, prediction=prediction, reference=reference, task=task_hint
    )


def _multiple_choice(
    arguments: Sequence[Sequence[Any]], responses: Sequence[Any], target: str | None, where: str
) -> tuple[str, str | None]:
    """Loglikelihood rows: the most likely continuation is the prediction; an index target names a choice."""
    try:
        loglikelihoods = [float(r[0]) for r in responses]
        choices = [str(a[1]).strip() for a in arguments]
    except (TypeError, ValueError, IndexError):
        raise DataError(
            f"{where}: lm-eval responses are neither text nor (loglikelihood, is_greedy) pairs"
        ) from None
    prediction = choices[max(range(len(choices)), key=loglikelihoods.__getitem__)]
    reference = target
    if target is not None and target.strip() not in choices and target.strip().isdigit():
        index = int(target.strip())
        if index < len(choices):
            reference = choices[index]
    return prediction, reference


def output_row(item: SampleRow, verdicts: Mapping[str, Verdict]) -> dict[str, Any]:
    """The input row plus its verdicts (see `merge_verdicts`), and `task` when the row lacked it."""
    row = dict(item.row)
    if "task" not in row and item.sample.task is not None:
        row["task"] = item.sample.task
    return merge_verdicts(row, verdicts)


def merge_verdicts(row: dict[str, Any], verdicts: Mapping[str, Verdict]) -> dict[str, Any]:
    """Add `scores` ({judge: value|null}, merged over any existing scores) and, when a verdict says
    more than its value, `judge_details` ({judge: {status, reason, raw, extras}}); one layout for
    `ifteval run` and `ifteval judge`."""
    scores = dict(row.get("scores") or {})
    details = dict(row.get("judge_details") or {})
    for name, verdict in verdicts.items():
        scores[name] = _finite(verdict.value)
        if verdict.extras or verdict.raw is not None or verdict.status != "ok" or verdict.reason:
            details[name] = {
                "status": verdict.status,
                "reason": verdict.reason,
                "raw": verdict.raw,
                "extras": {k: _finite(v) for k, v in verdict.extras.items()},
            }
    row["scores"] = scores
    if details:
        row["judge_details"] = details
    return row


def _finite(value: float | None) -> float | None:
    """JSON has no NaN or infinity: such a number is written as null."""
    return value if value is None or math.isfinite(value) else None
