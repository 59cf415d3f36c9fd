"""Human baselines and judge diagnostics: the ceiling a judge is compared to, and the biases it may carry."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np

from ifteval.metameter.data import MetaData
from ifteval.metameter.stats import Estimate, Method, correlate, mean_defined


def annotator_agreement(data: MetaData, method: Method = "spearman") -> dict | None:
    """Inter-annotator agreement when several annotator columns exist (App. B.1), else None.

    Mean pairwise correlation between annotators (pooled and within task, averaged), and Krippendorff's
    alpha (interval). A judge whose correlation with the mean human nears this ceiling is as good as
    another annotator.
    """
    if len(data.annotators) < 2:
        return None
    import krippendorff

    names = list(data.annotators)
    pooled: dict[str, dict] = {}
    per_task_means: list[float | None] = []
    for a, b in combinations(names, 2):
        e = correlate(data.annotators[a], data.annotators[b], method, (a, b), "pooled")
        pooled[f"{a}|{b}"] = e.to_dict()
    for t, s in data.task_slices.items():
        ann = {n: data.annotators[n][s] for n in names}
        vals = [correlate(ann[a], ann[b], method, (a, b), f"in task '{t}'").value
                for a, b in combinations(names, 2)]
        per_task_means.append(mean_defined(vals))
    reliability = np.vstack([data.annotators[n] for n in names])
    units = np.isfinite(reliability).sum(axis=0) >= 2
    alpha: float | None = None
    alpha_reason = None
    if units.sum() < 2:
        alpha_reason = "fewer than 2 items have at least 2 annotations"
    else:
        try:
            alpha = float(krippendorff.alpha(reliability_data=reliability[:, units],
                                             level_of_measurement="interval"))
        except (ValueError, ZeroDivisionError) as exc:  # e.g. every value identical
            alpha_reason = f"undefined: {exc}"
        if alpha is not None and not np.isfinite(alpha):
            alpha, alpha_reason = None, "undefined: all annotations are identical"
    out = {
        "annotators": names,
        "mean_pairwise_cat": mean_defined([p["value"] for p in pooled.values()]),
        "mean_pairwise_cit": mean_defined(per_task_means),
        "pairs": pooled,
        "krippendorff_alpha": alpha,
        "n_items_multi_annotated": int(units.sum()),
    }
    if alpha_reason:
        out["krippendorff_alpha_reason"] = alpha_reason
    return out


def length_bias(data: MetaData, method: Method = "spearman",
                judges: Sequence[str] | None = None) -> dict[str, dict] | None:
    """Correlation of each judge (and the human) with output length, pooled and within task (averaged).

    A judge far more length-correlated than the human rewards verbosity. None without a text column.
    `reason` says why the pooled value is null, `cit_reason` why the within-task one is. Point estimates
    only (no bootstrap interval): it is a screening diagnostic, compared judge vs human by eye.
    """
    if data.length is None:
        return None
    variables = {**{j: data.judges[j] for j in (judges or data.judge_names)}, "human": data.human}
    out = {}
    for name, arr in variables.items():
        pooled = correlate(arr, data.length, method, (name, "output length"), "pooled")
        within = [correlate(arr[s], data.length[s], method, (name, "output length"), f"in task '{t}'")
                  for t, s in data.task_slices.items()]
        entry = {"cat": pooled.value, "cit": mean_defined([e.value for e in within])}
        if pooled.reason:
            entry["reason"] = pooled.reason  # why the pooled value is null
        if entry["cit"] is None:
            first = next((e.reason for e in within if e.reason), "no task")
            entry["cit_reason"] = f"no task has a defined correlation with output length (e.g. {first})"
        out[name] = entry
    return out


def position_bias(data: MetaData) -> dict[str, dict]:
    """Mean position bias per judge where a swapped LLM judge reported one (`position_bias.<judge>`)."""
    out = {}
    for j, arr in data.position_bias.items():
        ok = np.isfinite(arr)
        out[j] = {"mean": float(arr[ok].mean()), "n": int(ok.sum())}
    return out


def coverage(data: MetaData, judges: Sequence[str] | None = None) -> dict[str, dict]:
    """Per judge: rows, null (invalid or unscored) outputs, their fraction, and human-labelled coverage."""
    has_h = np.isfinite(data.human)
    out = {}
    for j in judges or data.judge_names:
        ok = np.isfinite(data.judges[j])
        n = data.n_rows
        out[j] = {
            "n_rows": n,
            "n_invalid": int(n - ok.sum()),
            "invalid_fraction": float((n - ok.sum()) / n) if n else None,
            "n_paired_with_human": int((ok & has_h).sum()),
            "coverage": float((ok & has_h).sum() / has_h.sum()) if has_h.any() else None,
        }
    return out


def as_estimate_dict(values: dict[str, Estimate]) -> dict[str, dict]:
    """JSON-ready details of a judge -> Estimate mapping."""
    return {k: v.to_dict() for k, v in values.items()}
