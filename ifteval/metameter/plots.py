"""PNG figures of a metameter report (matplotlib, Agg backend, imported only when plotting)."""

from __future__ import annotations

from pathlib import Path


def plot_report(report: dict, directory: str | Path) -> list[Path]:
    """Write `correlation_matrix.png` (judges + human, CAT setting) and `cit_cat.png` (bars with CIs)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    fig = correlation_figure(report)
    if fig is not None:
        path = out_dir / "correlation_matrix.png"
        fig.savefig(path, dpi=120)
        plt.close(fig)
        written.append(path)
    judges = report["meta"]["judges"]
    fig, ax = plt.subplots(figsize=(2 + 0.9 * len(judges), 3.5))
    x = np.arange(len(judges))
    for k, (key, label) in enumerate((("cit_detail", "CIT"), ("cat_detail", "CAT"))):
        vals, lo, hi = [], [], []
        for j in judges:
            d = report[key][j]
            v = d["value"]
            vals.append(np.nan if v is None else v)
            ci = d.get("ci")
            lo.append(0 if v is None or not ci else v - ci[0])
            hi.append(0 if v is None or not ci else ci[1] - v)
        ax.bar(x + (k - 0.5) * 0.38, vals, 0.38, yerr=[lo, hi], capsize=3, label=label)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks(x, judges, rotation=30, ha="right")
    ax.set_ylabel(f"{report['meta']['method']} with human")
    ax.legend()
    fig.tight_layout()
    path = out_dir / "cit_cat.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    written.append(path)
    return written


def correlation_figure(report: dict):  # -> matplotlib Figure | None (matplotlib is imported lazily)
    """The judges + human correlation heatmap (CAT setting), or None when the report has no matrix."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    if "judge_matrix" not in report:
        return None
    method = report["meta"]["method"]
    m = report["judge_matrix"]["cat"]
    labels = m["labels"]
    vals = np.array([[np.nan if v is None else v for v in row] for row in m["values"]], dtype=float)
    fig, ax = plt.subplots(figsize=(1.0 + 0.7 * len(labels), 0.8 + 0.6 * len(labels)))
    im = ax.imshow(np.ma.masked_invalid(vals), cmap="RdBu_r", vmin=-1, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    for i in range(len(labels)):
        for j in range(len(labels)):
            dark = not np.isnan(vals[i, j]) and abs(vals[i, j]) > 0.6  # white text on dark cells
            ax.text(j, i, "n/a" if np.isnan(vals[i, j]) else f"{vals[i, j]:.2f}", ha="center",
                    va="center", fontsize=8, color="white" if dark else "black")
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_title(f"{method} between judges and human (CAT)")
    fig.tight_layout()
    return fig
