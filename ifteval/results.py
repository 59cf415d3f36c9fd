"""Writing a run's outputs: `results.json` in lm-eval's layout and one `samples_<task>.jsonl` per task.

Files are written to a temporary name and renamed, so a killed run never leaves half a file.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ifteval.secrets import mask
from ifteval.types import Verdict


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str) -> None:
    """Write beside `path`, then rename; the file gets normal permissions (mkstemp makes it 0600)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = mask(text)  # no configured credential reaches a file (issue 9)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    if isinstance(obj, (set, tuple)):
        return list(obj)
    if isinstance(obj, Path):
        return str(obj)
    if callable(obj) and hasattr(obj, "__qualname__"):
        # lm-eval configs hold `!function` hooks; their repr has a memory address that would make two
        # identical runs differ
        return f"!function {obj.__module__}.{obj.__qualname__}"
    return repr(obj)


def _clean(obj: Any) -> Any:
    """NaN/inf are not JSON: write null (the table shows N/A)."""
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if isinstance(obj, Mapping):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    text = json.dumps(
        _clean(json.loads(json.dumps(data, default=_json_default))), indent=2, ensure_ascii=False
    )
    atomic_write_text(path, text + "\n")


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    """Write JSONL atomically (temp file + rename): readers never see half a file; NaN becomes null."""
    lines = [json.dumps(_clean(dict(row)), default=_json_default, ensure_ascii=False) for row in rows]
    atomic_write_text(path, "\n".join(lines) + ("\n" if lines else ""))


def summarise(values: Sequence[float | None]) -> dict[str, Any]:
    """Mean and standard error of the valid values (null = could not judge), with valid/invalid counts."""
    valid = [v for v in values if v is not None and math.isfinite(v)]
    n = len(valid)
    mean = statistics.fmean(valid) if n else None
    stderr = statistics.stdev(valid) / math.sqrt(n) if n > 1 else None
    return {"mean": mean, "stderr": stderr, "n_valid": n, "n_invalid": len(values) - n}


def summarise_verdicts(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """`summarise` of the values, plus the commonest reason a row could not be judged and its count."""
    summary = summarise([v.value for v in verdicts])
    reasons = Counter(_one_line(v.reason) or v.status for v in verdicts if v.value is None)
    if reasons:
        reason, count = reasons.most_common(1)[0]
        summary.update(failure=reason, failure_count=count)
    return summary


def _one_line(text: str) -> str:
    return " ".join(text.split())


def format_summary(summaries: Mapping[str, Mapping[str, Any]]) -> str:
    """A plain-text table: judge, mean, stderr, valid, invalid (N/A where undefined), and the commonest
    reason for the invalid rows when a summary names one (`summarise_verdicts`)."""

    def number(value: Any) -> str:
        return "N/A" if value is None else f"{value:.4f}"

    def failure(s: Mapping[str, Any]) -> str:
        return f"{s['failure']} ({s['failure_count']} of {s['n_invalid']})" if s.get("failure") else ""

    header = ("judge", "mean", "stderr", "valid", "invalid")
    rows = [
        (name, number(s["mean"]), number(s["stderr"]), str(s["n_valid"]), str(s["n_invalid"]))
        for name, s in summaries.items()
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    reasons = [failure(s) for s in summaries.values()]
    lines = []
    for row, reason in zip([header, *rows], ["commonest failure", *reasons], strict=True):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        if any(reasons):
            cells.append(reason)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def format_usage(usage: Mapping[str, Mapping[str, Any]]) -> str:
    """One line per LLM judge: requests sent (failed ones too), answered calls, failures, cache hits,
    tokens and the estimated cost."""
    lines = []
    for name, u in usage.items():
        cost = u.get("est_cost_usd")
        sent = u.get("requests", u.get("calls", 0))
        failed = f", {u['errors']} failed" if u.get("errors") else ""
        lines.append(
            f"{name}: {sent} requests sent, {u.get('calls', 0)} answered{failed}, "
            f"{u.get('cached', 0)} cached, "
            f"{u.get('prompt_tokens', 0)}+{u.get('completion_tokens', 0)} tokens, "
            f"est. cost {'unknown' if cost is None else f'${cost:.4f}'}"
        )
    return "\n".join(lines)
