"""Plain-text tables the commands print: per-judge summaries and LLM judge usage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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
