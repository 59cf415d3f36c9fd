"""The run record: the row `ifteval run` writes, `ifteval judge` extends, and `explain`, error analysis and
`ifteval meta` read. One typed reader (`read_records`) and one writer (`write_records`) for every command,
so the layouts cannot drift apart again (they had: position bias nested in two places, folders expanded
recursively by one reader and not by another, dated lm-eval file names read as task names).

A row on disk is a JSON object:

- ifteval layout: `{doc_id | id, task, prompt, prediction, reference?, system?, <gold metrics>...,
  scores: {judge: value|null}, judge_details?: {judge: {status, reason, raw, extras: {name: number}}}}`;
- lm-eval `--log_samples` layout: `{doc_id, doc, target, arguments, resps, filtered_resps, ...}`: the prompt
  is the first generation argument, the prediction the filtered response, the task comes from the file
  name `samples_<task>_<date>.jsonl`. For loglikelihood (multiple-choice) tasks the prediction is the
  continuation with the highest log-likelihood, and an index target is mapped to its choice. The reader
  adds these as the row's `prompt`, `prediction` and `reference` (so `explain`, `report` and a judged
  file see them); `prompt` is exactly what the model was given, chat template and few-shot turns included.

Inputs: a JSONL file; a folder stands for every `samples_*.jsonl` below it (an `ifteval run` folder, an
lm-eval `--output_path`, an adapter sweep). In a sweep (a folder with `sweep.json`, or samples files in
several sub-folders) each row's `system` is its sub-folder: the adapter's name, `base` for the base model.
Errors name the file and line.

Flat columns (`Record.columns`), as the metameter reads them: each judge's value is the column `<judge>`,
each secondary number a judge reports is `<judge>.<name>` (`extra_column`), e.g. `gpt4.position_bias`,
`reward_model.raw_reward`, `bertscore.precision`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ifteval.errors import DataError
from ifteval.jsonl import read_jsonl
from ifteval.types import Sample, Verdict
from ifteval.writers import write_jsonl

SCORES = "scores"
DETAILS = "judge_details"
SWEEP_SUMMARY = "sweep.json"  # written by `ifteval run --adapters` beside one folder per adapter
_LM_EVAL_FILE = re.compile(r"^samples_(?P<task>.+?)_(?P<date>\d{4}-\d{2}-\d{2}T[\d\-.:]+)\.jsonl$")
_IFTEVAL_FILE = re.compile(r"^samples_(?P<task>.+)\.jsonl$")
_ID_FIELDS = ("doc_id", "id")
_LM_EVAL_FIELDS = ("doc", "arguments", "resps", "filtered_resps")  # nested, not columns


def extra_column(judge: str, name: str) -> str:
    """The flat column of a judge's secondary number, e.g. `gpt4.position_bias`."""
    return f"{judge}.{name}"


@dataclass(frozen=True)
class Record:
    """One scored (or still unscored) model output.

    sample: what a judge sees (id, prompt, prediction, reference, task).
    verdicts: judge name -> verdict, read from `scores` and `judge_details`, or added by `with_verdicts`.
    row: the row as read or built; written back unchanged apart from task, system and the verdicts.
    system: the model or adapter that wrote the output (`base` for a sweep's base model), when known.
    source, line: where the row was read (None, 0 for rows built in memory).
    """

    sample: Sample
    verdicts: Mapping[str, Verdict] = field(default_factory=dict)
    row: Mapping[str, Any] = field(default_factory=dict)
    system: str | None = None
    source: Path | None = None
    line: int = 0

    def with_verdicts(self, verdicts: Mapping[str, Verdict]) -> Record:
        """The same record with these verdicts merged over its own (a judge named twice: the new one)."""
        return replace(self, verdicts={**self.verdicts, **verdicts})

    def to_row(self) -> dict[str, Any]:
        """The row to write: the row as read, plus `task` and `system` when it lacked them, `scores`
        ({judge: value|null}, once judged) and, for verdicts that say more than a value, `judge_details`."""
        row = {k: v for k, v in self.row.items() if k not in (SCORES, DETAILS)}
        if "task" not in row and self.sample.task is not None:
            row["task"] = self.sample.task
        if "system" not in row and self.system is not None:
            row["system"] = self.system
        if self.verdicts or SCORES in self.row:
            row[SCORES] = {name: _finite(v.value) for name, v in self.verdicts.items()}
        details = {name: _detail(v) for name, v in self.verdicts.items() if _says_more(v)}
        if details:
            row[DETAILS] = details
        return row

    def columns(self) -> dict[str, Any]:
        """One flat table row: the row's plain fields, doc_id, task, system, prompt, prediction, reference,
        a column per judge and one per secondary number (`extra_column`)."""
        flat = {k: v for k, v in self.row.items()
                if k not in (SCORES, DETAILS, *_LM_EVAL_FIELDS) and not isinstance(v, (dict, list))}
        flat.setdefault("doc_id", self.sample.id)
        flat.update(task=self.sample.task, prompt=self.sample.prompt, prediction=self.sample.prediction,
                    reference=self.sample.reference)
        if self.system is not None:
            flat["system"] = self.system
        flat.update(score_columns(self.verdicts))
        return flat


def metric_fields(row: Mapping[str, Any]) -> list[str]:
    """The row's own numeric per-sample metrics (`acc`, `exact_match`, a task's `score`): every top-level
    number except the ids. Booleans are flags, not scores."""
    return [k for k, v in row.items() if k not in _ID_FIELDS and isinstance(v, (int, float))
            and not isinstance(v, bool)]


def score_columns(verdicts: Mapping[str, Verdict]) -> dict[str, float | None]:
    """A column per judge (its value) and per secondary number (`extra_column`)."""
    columns: dict[str, float | None] = {}
    for judge, verdict in verdicts.items():
        columns[judge] = _finite(verdict.value)
        for name, value in verdict.extras.items():
            columns[extra_column(judge, name)] = _finite(value)
    return columns


def flatten_scores(row: Mapping[str, Any], where: str) -> dict[str, Any]:
    """A scored row of any other layout (a REALSumm or summarize_from_feedback file that went through
    `ifteval judge`) with `scores` and `judge_details` turned into `score_columns`."""
    flat = {k: v for k, v in row.items() if k not in (SCORES, DETAILS)}
    flat.update(score_columns(read_verdicts(row, where)))
    return flat


def write_records(path: Path, records: Iterable[Record]) -> None:
    """Write records as JSONL, atomically (a killed command leaves the old file or none)."""
    write_jsonl(path, (record.to_row() for record in records))


# -- reading -------------------------------------------------------------------------------------------


def read_records(paths: Iterable[str | Path]) -> list[Record]:
    """Every row of every input, in order (files as given; a folder's files sorted by path)."""
    records: list[Record] = []
    for path, system in expand_inputs(paths):
        records.extend(read_record_file(path, system))
    return records


def expand_inputs(paths: Iterable[str | Path]) -> list[tuple[Path, str | None]]:
    """(file, system) pairs: a file as given (system None); a folder's `samples_*.jsonl` files, found
    recursively, with the sub-folder as system when the folder is a sweep (see the module docstring)."""
    files: list[tuple[Path, str | None]] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(path.rglob("samples_*.jsonl"))
            if not found:
                raise DataError(
                    f"{path}: folder has no samples_*.jsonl files (written by 'ifteval run' or lm-eval)"
                )
            folders = {f.parent for f in found}
            sweep = (path / SWEEP_SUMMARY).is_file() or len(folders) > 1
            files.extend((f, _system_of(f, path) if sweep else None) for f in found)
        elif path.is_file():
            files.append((path, None))
        else:
            raise DataError(f"{path}: no such file or folder")
    return files


def _system_of(file: Path, root: Path) -> str | None:
    parts = file.parent.relative_to(root).parts
    return "/".join(parts) if parts else None


def task_from_filename(path: Path) -> str | None:
    """The task in `samples_<task>_<date>.jsonl` (lm-eval) or `samples_<task>.jsonl` (ifteval run)."""
    match = _LM_EVAL_FILE.match(path.name) or _IFTEVAL_FILE.match(path.name)
    return match.group("task") if match else None


def read_record_file(path: Path, system: str | None = None) -> list[Record]:
    """The records of one JSONL file; blank lines are skipped, anything malformed names file and line."""
    task_hint = task_from_filename(path)
    records = [
        parse_row(row, f"{path}:{line}", task_hint, line, system, path) for line, row in read_jsonl(path)
    ]
    if not records:
        raise DataError(f"{path}: no samples in file")
    return records


def is_record_row(row: Mapping[str, Any]) -> bool:
    """Whether a row is in a run-record layout (scored ifteval row, or lm-eval --log_samples row)."""
    return isinstance(row.get(SCORES), Mapping) or _is_lm_eval(row)


def parse_row(
    row: Mapping[str, Any],
    where: str,
    task_hint: str | None = None,
    line: int = 0,
    system: str | None = None,
    source: Path | None = None,
) -> Record:
    """A Record from an ifteval row or an lm-eval `--log_samples` row; `where` names it in errors."""
    if "prediction" in row:
        sample = _ifteval_sample(row, where, task_hint, line)
    elif _is_lm_eval(row):
        sample = _lm_eval_sample(row, where, task_hint)
    else:
        raise DataError(
            f"{where}: unknown row layout (keys: {', '.join(sorted(row)) or 'none'}). Expected an ifteval "
            "row with 'prompt', 'prediction' and optional 'reference', 'task', 'id', or an lm-eval "
            "--log_samples row with 'doc_id', 'arguments', 'filtered_resps'."
        )
    if "prediction" not in row:  # lm-eval's fields under the record's names, for every reading command
        row = {**row, "prompt": sample.prompt, "prediction": sample.prediction, "reference": sample.reference}
    own_system = row.get("system")
    if own_system is not None and (isinstance(own_system, bool) or not isinstance(own_system, (str, int))):
        raise DataError(f"{where}: field 'system' must be a string, got {type(own_system).__name__}")
    own = None if own_system is None else str(own_system)
    return Record(sample, read_verdicts(row, where), dict(row), own or system, source, line)


def _is_lm_eval(row: Mapping[str, Any]) -> bool:
    return "doc_id" in row and "arguments" in row and ("filtered_resps" in row or "resps" in row)


def read_verdicts(row: Mapping[str, Any], where: str) -> dict[str, Verdict]:
    """The verdicts a row carries in `scores` and `judge_details`; a malformed one names `where`."""
    scores = row.get(SCORES) or {}
    details = row.get(DETAILS) or {}
    if not isinstance(scores, Mapping):
        raise DataError(f"{where}: field '{SCORES}' must map judge name to a number or null")
    if not isinstance(details, Mapping):
        raise DataError(f"{where}: field '{DETAILS}' must map judge name to its details")
    verdicts = {}
    for name, value in scores.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise DataError(f"{where}: {SCORES}.{name} must be a number or null, got {value!r}")
        detail = details.get(name) or {}
        if not isinstance(detail, Mapping):
            raise DataError(f"{where}: {DETAILS}.{name} must be a mapping")
        extras = detail.get("extras") or {}
        if not isinstance(extras, Mapping) or not all(
            v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in extras.values()
        ):
            raise DataError(f"{where}: {DETAILS}.{name}.extras must map names to numbers or null")
        status = detail.get("status", "ok" if value is not None else "error")
        if status not in ("ok", "unparsed", "error"):
            raise DataError(f"{where}: {DETAILS}.{name}.status must be ok, unparsed or error, got {status!r}")
        verdicts[str(name)] = Verdict(
            None if value is None else float(value),
            status=status,
            reason=str(detail.get("reason") or ""),
            raw=detail.get("raw"),
            extras={str(k): None if v is None else float(v) for k, v in extras.items()},
        )
    return verdicts


def _text(value: Any, field_name: str, where: str, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if isinstance(value, str):
        return value
    if optional and isinstance(value, (list, dict, int, float)) and not isinstance(value, bool):
        # a structured reference (SQuAD answer list, CoNLL entities, an STS-B number) keeps its JSON form
        return json.dumps(value, ensure_ascii=False)
    raise DataError(f"{where}: field '{field_name}' must be a string, got {type(value).__name__}")


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


# -- writing helpers -----------------------------------------------------------------------------------


def _says_more(verdict: Verdict) -> bool:
    return bool(verdict.extras or verdict.raw is not None or verdict.status != "ok" or verdict.reason)


def _detail(verdict: Verdict) -> dict[str, Any]:
    return {
        "status": verdict.status,
        "reason": verdict.reason,
        "raw": verdict.raw,
        "extras": {k: _finite(v) for k, v in verdict.extras.items()},
    }


def _finite(value: float | None) -> float | None:
    """JSON has no NaN or infinity: such a number is written as null."""
    return value if value is None or math.isfinite(value) else None
