"""Aggregating verdicts into one number per judge: mean and standard error of the valid values.

A null value means "could not judge": it is counted (`n_invalid`), never averaged as a 0.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ifteval.types import Verdict


def summarise(values: Sequence[float | None]) -> dict[str, Any]:
    """Mean and standard error of the valid values (null = could not judge), with valid/invalid counts."""
    valid = [v for v in values if v is not None and math.isfinite(v)]
    n = len(valid)
    mean = statistics.fmean(valid) if n else None
    stderr = statistics.stdev(valid) / math.sqrt(n) if n > 1 else None
    return {"mean": mean, "stderr": stderr, "n_valid": n, "n_invalid": len(values) - n}


def summarise_verdicts(
    verdicts: Sequence[Verdict], aggregate: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The judge's `aggregate` of the verdicts (default: `summarise` of the values), plus the commonest
    reason a row could not be judged and its count."""
    summary = dict(aggregate) if aggregate is not None else summarise([v.value for v in verdicts])
    reasons = Counter(_one_line(v.reason) or v.status for v in verdicts if v.value is None)
    if reasons:
        reason, count = reasons.most_common(1)[0]
        summary.update(failure=reason, failure_count=count)
    return summary


def _one_line(text: str) -> str:
    return " ".join(text.split())
