"""The report's figures, drawn by matplotlib and inlined as base64 PNG data URIs (the page needs no files).

matplotlib is imported inside the functions: `ifteval --help` must not pay for it.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DPI = 110


@dataclass(frozen=True)
class Interval:
    """One estimate with its interval (`low`/`high` None when there is none)."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def to_data_uri(fig: Any) -> str:
    """PNG bytes of `fig` as a `data:` URI; the figure is closed."""
    plt = _pyplot()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _errorbar(ax: Any, y: Sequence[float], items: Sequence[Interval], **style: Any) -> None:
    """Markers at the values, whiskers to the interval ends (none where an interval is missing)."""
    xs = [i.value if _finite(i.value) else math.nan for i in items]
    low = [i.value - i.low if _finite(i.value) and _finite(i.low) else 0.0 for i in items]
    high = [i.high - i.value if _finite(i.value) and _finite(i.high) else 0.0 for i in items]
    ax.errorbar(xs, y, xerr=[low, high], fmt="o", capsize=3, markersize=5, **style)


def task_scores_figure(scores: Mapping[str, Sequence[Interval]], xlabel: str) -> str | None:
    """One row per task, one marker + interval per judge/metric (the label), for a run's score table."""
    tasks = list(scores)
    labels = list(dict.fromkeys(i.label for items in scores.values() for i in items))
    if not tasks or not labels:
        return None
    plt = _pyplot()
    height = 1.0 + 0.32 * len(tasks) * max(1, min(len(labels), 4)) / 2
    fig, ax = plt.subplots(figsize=(7.5, max(2.2, height)))
    step = 0.8 / max(1, len(labels))
    for k, label in enumerate(labels):
        rows = [(t, i) for t, items in scores.items() for i in items if i.label == label]
        y = [tasks.index(t) + (k - (len(labels) - 1) / 2) * step for t, _ in rows]
        _errorbar(ax, y, [i for _, i in rows], label=label)
    ax.set_yticks(range(len(tasks)), tasks)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return to_data_uri(fig)


def estimates_figure(panels: Mapping[str, Sequence[Interval]]) -> str | None:
    """Side-by-side panels (CIT, CAT, TFA ...), one row per judge with its interval bar."""
    panels = {title: items for title, items in panels.items() if items}
    if not panels:
        return None
    plt = _pyplot()
    n_rows = max(len(items) for items in panels.values())
    fig, axes = plt.subplots(1, len(panels), figsize=(3.4 * len(panels), 0.9 + 0.42 * n_rows), squeeze=False)
    for ax, (title, items) in zip(axes[0], panels.items(), strict=True):
        y = list(range(len(items)))
        values = [i.value if _finite(i.value) else 0.0 for i in items]
        ax.barh(y, values, color=["#4c72b0" if _finite(i.value) else "none" for i in items], alpha=0.35)
        _errorbar(ax, y, items, color="#1f3b66")
        for yy, item in zip(y, items, strict=True):
            if not _finite(item.value):
                ax.text(0, yy, " n/a", va="center", fontsize=8, color="#a00")
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_yticks(y, [i.label for i in items])
        ax.invert_yaxis()
        ax.set_title(title, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return to_data_uri(fig)


def correlation_heatmap(report: Mapping[str, Any]) -> str | None:
    """The metameter's own judge-vs-human heatmap (`ifteval meta --plot` draws the same one)."""
    # lazy: the metameter package brings pandas and scipy (~2 s); only a meta.json's heatmap needs them
    from ifteval.metameter.plots import correlation_figure

    fig = correlation_figure(dict(report))
    return None if fig is None else to_data_uri(fig)
