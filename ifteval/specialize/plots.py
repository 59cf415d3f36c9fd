"""The paper's Fig. 2 for one task: score against N (log axis), one line per judge, a band over repeats."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def plot_curve(
    summary: Sequence[Mapping[str, Any]], task: str, phases: Mapping[str, Any], path: Path
) -> Path | None:
    """Write the PNG; None when the task has no points. N=0 sits on the linear part of a symlog axis."""
    fig = curve_figure(summary, task, phases)
    if fig is None:
        return None
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def curve_figure(summary: Sequence[Mapping[str, Any]], task: str, phases: Mapping[str, Any]) -> Any:
    """The matplotlib Figure of `plot_curve` (also inlined by `ifteval report`); None without points."""
    rows = [r for r in summary if r["task"] == task and r["mean"] is not None]
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.0, 4.0))
    for judge in dict.fromkeys(r["judge"] for r in rows):
        line = sorted((r for r in rows if r["judge"] == judge), key=lambda r: r["n"])
        sizes = [r["n"] for r in line]
        (drawn,) = ax.plot(sizes, [r["mean"] for r in line], marker="o", label=judge)
        if any(r["repeats"] > 1 for r in line):
            ax.fill_between(
                sizes,
                [r["min"] for r in line],
                [r["max"] for r in line],
                color=drawn.get_color(),
                alpha=0.2,
                linewidth=0,
            )
    for key, style in (("format_point", ":"), ("task_point", "--")):
        if phases.get(key) is not None:
            ax.axvline(
                phases[key], color="grey", linestyle=style, label=f"{key.replace('_', ' ')} N={phases[key]}"
            )
    ax.set_xscale("symlog", linthresh=10)
    sizes = sorted({r["n"] for r in rows})
    ax.set_xticks(sizes, [str(n) for n in sizes])
    ax.set_ylim(-0.02, 1.02)  # judges score in [0, 1]: curves of two tasks compare at a glance
    ax.set_xlabel("N target-task training rows (symlog)")
    ax.set_ylabel("score")
    ax.set_title(task)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
