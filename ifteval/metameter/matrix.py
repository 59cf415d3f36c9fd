"""Correlation matrices between the judges and the human (App. B.3, Tables 3-4, Fig. 1)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ifteval.metameter.data import HUMAN, MetaData, check_judges
from ifteval.metameter.stats import Method, correlate, mean_defined


def judge_matrix(data: MetaData, setting: str = "cat", method: Method = "spearman",
                 judges: Sequence[str] | None = None) -> dict:
    """Correlation matrix between judges and the human (App. B.3, Tables 3-4, Fig. 1).

    setting `all`: every row pooled, including rows without human labels; `cat`: rows with a human
    label, pooled; `cit`: within each task, averaged over tasks. Point estimates only (no intervals).
    """
    if setting not in ("all", "cat", "cit"):
        raise ValueError(f"unknown matrix setting {setting!r}; valid: all, cat, cit")
    names = check_judges(data, judges)
    variables = {**{j: data.judges[j] for j in names}, HUMAN: data.human}
    labels = list(variables)
    rows_sel = np.ones(data.n_rows, bool) if setting == "all" else np.isfinite(data.human)
    k = len(labels)
    values: list[list[float | None]] = [[None] * k for _ in range(k)]
    reasons: dict[str, str] = {}
    for a in range(k):
        own = variables[labels[a]][rows_sel]
        own = own[np.isfinite(own)]
        if own.size >= 2 and np.ptp(own) > 0:
            values[a][a] = 1.0
        else:  # a constant (or empty) column correlates with nothing, itself included
            values[a][a] = None
            reasons[f"{labels[a]}|{labels[a]}"] = f"'{labels[a]}' is constant or has fewer than 2 values"
        for b in range(a + 1, k):
            xa, xb = variables[labels[a]], variables[labels[b]]
            pair = (labels[a], labels[b])
            if setting == "cit":
                ests = [correlate(xa[s][rows_sel[s]], xb[s][rows_sel[s]], method, pair, f"in task '{t}'")
                        for t, s in data.task_slices.items()]
                v = mean_defined([e.value for e in ests])
                reason = None if v is not None else next((e.reason for e in ests if e.reason), None)
            else:
                e = correlate(xa[rows_sel], xb[rows_sel], method, pair, "pooled")
                v, reason = e.value, e.reason
            values[a][b] = values[b][a] = v
            if reason:
                reasons[f"{labels[a]}|{labels[b]}"] = reason
    return {"labels": labels, "values": values, "reasons": reasons, "setting": setting, "method": method}
