"""Automatic error analysis (paper B.4): "a series of predictions a ... model got wrong", sent to an LLM
judge's model with the paper's error-pattern prompt (sentiment or NLI wording where the task is one of
those, generic wording otherwise), which answers with the mistake patterns it sees.

Only wrong rows are sent: rows whose score is below a threshold, lowest first. The default threshold is
1.0, the maximum of gold metrics, 0/1 metrics and judge values (all in [0, 1]): a wrong label (acc 0) is
sent, a right one (acc 1) never is. A score column on another scale (e.g. 0-100) uses its maximum
observed value. `below` sets the threshold instead (e.g. 0.5 for a continuous judge)."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ifteval.errors import DataError, did_you_mean
from ifteval.scoring.gold import primary_metric, score_gold
from ifteval.tasks.provenance import task_config

TaskKind = Literal["sentiment", "nli", "generic"]
TEMPLATE = "prompts/error_analysis.j2"
_SENTIMENT = ("sst2", "sst-2", "sentiment", "imdb", "yelp")
_NLI = ("mnli", "qnli", "rte", "snli", "nli")
_LEADING_LABEL = re.compile(r"^(?:sentence|input)\s*:\s*", re.IGNORECASE)  # the template adds its own
_FIELD = re.compile(r"\{\{|\{%")
_CHAT_USER = (  # a user turn's content in ChatML (SmolLM2, Qwen) and Llama 3 chat templates
    re.compile(r"<\|im_start\|>user\n(.*?)(?:<\|im_end\|>|$)", re.S),
    re.compile(r"<\|start_header_id\|>user<\|end_header_id\|>\n*(.*?)(?:<\|eot_id\|>|$)", re.S),
)


@dataclass(frozen=True)
class ScoredRow:
    """One sample row with the score used to rank it (lower = worse)."""

    input: str
    prediction: str
    reference: str | None
    score: float


def task_kind(task: str | None) -> TaskKind:
    """Which B.4 wording fits the task: sentiment (SST-2), NLI (MNLI, QNLI) or generic."""
    name = (task or "").lower()
    if any(tag in name for tag in _SENTIMENT):
        return "sentiment"
    if any(tag in name for tag in _NLI):
        return "nli"
    return "generic"


def row_score(row: Mapping[str, Any], key: str, task: str | None) -> float | None:
    """The row's score under `key`: a judge in `scores`, a metric column, or `gold` (the task's primary
    gold metric, computed from prediction and reference when the row does not carry it)."""
    scores = row.get("scores") or {}
    if key in scores:
        return _number(scores[key])
    if key in row and key not in ("prompt", "prediction", "reference", "task"):
        return _number(row[key])
    if key == "gold" and task:
        metric = primary_metric(task)
        if metric in row:
            return _number(row[metric])
        if row.get("reference") is not None:
            return _number(score_gold(task, str(row.get("prediction", "")), row["reference"])[metric])
    raise DataError(
        f"no score '{key}' in the sample rows.{did_you_mean(key, [*scores, *row])} "
        f"Available: judges {sorted(scores) or '(none)'}; use --score-key gold or a judge name."
    )


@dataclass(frozen=True)
class Selection:
    """The wrong rows chosen for analysis (lowest first, at most n) and how they were chosen."""

    rows: list[ScoredRow]
    threshold: float
    scored: int  # rows with a non-null score
    wrong: int  # rows below the threshold (may exceed len(rows))


def wrong_rows(
    rows: Sequence[tuple[Mapping[str, Any], str | None]], key: str, n: int, below: float | None = None
) -> Selection:
    """The `n` lowest-scoring rows among those scored below the threshold (ties keep file order); rows
    whose score is null are skipped. The threshold is `below`, else 1.0 when every score lies in [0, 1]
    (gold metrics, 0/1 metrics, judges), else the highest score seen."""
    scored = []
    for row, task in rows:
        value = row_score(row, key, task)
        if value is not None:
            scored.append(ScoredRow(str(row.get("prompt", "")), str(row.get("prediction", "")),
                                    None if row.get("reference") is None else str(row["reference"]), value))
    if below is not None:
        threshold = below
    elif all(0.0 <= r.score <= 1.0 for r in scored):
        threshold = 1.0
    else:
        threshold = max(r.score for r in scored)
    wrong = sorted((r for r in scored if r.score < threshold), key=lambda r: r.score)
    return Selection(wrong[:n], threshold, len(scored), len(wrong))


def task_instruction(task: str | None) -> str | None:
    """The fixed instruction that opens the task's prompt: its YAML `doc_to_text` up to the line holding
    the first `{{ field }}`; None when the task, or a plain-string `doc_to_text`, is not found."""
    if not task:
        return None

    config = task_config(task)  # lm-eval's index: `include:` templates are already merged in
    text = config.get("doc_to_text") if config else None
    if not isinstance(text, str) or not (field := _FIELD.search(text)):
        return None
    instruction = text[: text.rfind("\n", 0, field.start()) + 1].strip()
    return instruction or None


def strip_instruction(inputs: Sequence[str], instruction: str | None) -> list[str]:
    """Drop the task's instruction from each prompt that holds it (one row is enough); without a known
    instruction, drop what every prompt shares (see `strip_shared_instruction`)."""
    if instruction and any(instruction in text for text in inputs):
        return [text.split(instruction, 1)[1].strip() if instruction in text else text.strip()
                for text in inputs]
    return strip_shared_instruction(inputs)


def strip_shared_instruction(inputs: Sequence[str]) -> list[str]:
    """Drop the instruction every prompt shares (up to a line break), leaving each row's own input."""
    if len(inputs) < 2:
        return list(inputs)
    prefix = os.path.commonprefix(list(inputs))
    cut = prefix.rfind("\n") + 1
    stripped = [text[cut:].strip() for text in inputs]
    return stripped if cut and all(stripped) else [text.strip() for text in inputs]


def user_turn(text: str) -> str:
    """The last user message of a prompt rendered with a chat template (ChatML, Llama 3), as lm-eval's
    `--apply_chat_template` samples hold it; other text unchanged. The analyst reads the input, not markup."""
    for pattern in _CHAT_USER:
        turns = pattern.findall(text)
        if turns:
            return turns[-1]
    return text


def build_prompt(render: Any, task: str | None, rows: Sequence[ScoredRow]) -> str:
    """The B.4 prompt for these rows; `render(template, **vars)` is the judge's template renderer.

    Sentiment and NLI rows lose the task instruction; NLI rows keep their own labels as the paper prints
    them (`Premise: ... Hypothesis: ... Model prediction: ... Ground truth: ...`)."""
    kind = task_kind(task)
    inputs = [user_turn(r.input) for r in rows]
    if kind != "generic":
        inputs = strip_instruction(inputs, task_instruction(task))
    items = [
        {"input": _flat(text) if kind == "nli" else _LEADING_LABEL.sub("", _flat(text)),
         "prediction": _flat(r.prediction), "reference": r.reference}
        for text, r in zip(inputs, rows, strict=True)
    ]
    return render(TEMPLATE, kind=kind, task=task or "unknown", rows=items)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None if value is None else float(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
