"""Automatic error analysis (paper B.4): the lowest-scoring outputs, sent to an LLM judge's model with
the paper's error-pattern prompt (sentiment or NLI wording where the task is one of those, generic
wording otherwise), which answers with the mistake patterns it sees."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ifteval.errors import DataError, did_you_mean

TaskKind = Literal["sentiment", "nli", "generic"]
TEMPLATE = "prompts/error_analysis.j2"
_SENTIMENT = ("sst2", "sst-2", "sentiment", "imdb", "yelp")
_NLI = ("mnli", "qnli", "rte", "snli", "nli")
_LEADING_LABEL = re.compile(r"^(?:sentence|input)\s*:\s*", re.IGNORECASE)  # the template adds its own


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
        from ifteval.scoring.gold import primary_metric, score_gold

        metric = primary_metric(task)
        if metric in row:
            return _number(row[metric])
        if row.get("reference") is not None:
            return _number(score_gold(task, str(row.get("prediction", "")), row["reference"])[metric])
    raise DataError(
        f"no score '{key}' in the sample rows.{did_you_mean(key, [*scores, *row])} "
        f"Available: judges {sorted(scores) or '(none)'}; use --score-key gold or a judge name."
    )


def lowest(rows: Sequence[tuple[Mapping[str, Any], str | None]], key: str, n: int) -> list[ScoredRow]:
    """The `n` lowest-scoring rows (ties keep file order); rows whose score is null are skipped."""
    scored = []
    for row, task in rows:
        value = row_score(row, key, task)
        if value is not None:
            scored.append(ScoredRow(str(row.get("prompt", "")), str(row.get("prediction", "")),
                                    None if row.get("reference") is None else str(row["reference"]), value))
    scored.sort(key=lambda r: r.score)
    return scored[:n]


def strip_shared_instruction(inputs: Sequence[str]) -> list[str]:
    """Drop the instruction every prompt shares (up to a line break), leaving each row's own input."""
    if len(inputs) < 2:
        return list(inputs)
    prefix = os.path.commonprefix(list(inputs))
    cut = prefix.rfind("\n") + 1
    stripped = [text[cut:].strip() for text in inputs]
    return stripped if cut and all(stripped) else [text.strip() for text in inputs]


def build_prompt(render: Any, task: str | None, rows: Sequence[ScoredRow]) -> str:
    """The B.4 prompt for these rows; `render(template, **vars)` is the judge's template renderer."""
    kind = task_kind(task)
    inputs = [r.input for r in rows]
    if kind != "generic":
        inputs = strip_shared_instruction(inputs)
    items = [
        {"input": _LEADING_LABEL.sub("", _flat(text)), "prediction": _flat(r.prediction),
         "reference": r.reference}
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
