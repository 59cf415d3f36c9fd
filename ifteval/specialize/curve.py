"""`ifteval curve`: evaluate every adapter in one sweep over one loaded base model, then read the curves.

The adapters come from ``ifteval finetune`` (their ``ifteval_adapter.json`` gives N and the repeat);
the sweep is ``ifteval run --adapters`` (``ifteval.sweep.run_sweep``), so every adapter's folder under
``CURVE/runs/`` is exactly what ``run`` writes, and generations are cached: a killed curve resumes.

``CURVE/curve.json`` (read by ``ifteval report``)::

    {"points":  [{"task", "judge", "n", "repeat", "value", "n_samples"}, ...],
     "summary": [{"task", "judge", "n", "mean", "spread", "min", "max", "repeats", "n_samples"}, ...],
     "phases":  {task: {"format_point", "task_point", "format_judges", "agnostic_judge", "jump", "reasons"}},
     "forgetting": null | {"tasks", "reference", "rows": [{"judge", "n", "mean", "delta", "repeats"}]},
     "adapters": [{"adapter", "n", "repeat", "variant", "target"}], "base_model", "variant", "plots",
     "data_origin": {task: [origin, ...]}}  # from results.json: "smoke", "hub", "local"

The base model is the N=0 point unless some adapter was trained with N=0 (then those adapters are).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ifteval.config import RunConfig
from ifteval.errors import IftevalError
from ifteval.judges import load_spec
from ifteval.specialize.finetune import ADAPTER_META, read_adapter_meta
from ifteval.specialize.phases import DEFAULT_JUMP, FORMAT_SENSITIVE, find_phases, summarise_points
from ifteval.specialize.plots import plot_curve
from ifteval.sweep import run_sweep
from ifteval.writers import atomic_write_text, write_json

FORGETTING_TAG = "ifteval_alpaca"  # the Alpaca test split, 13 categories (paper Table 5)
RUNS = "runs"


@dataclass(frozen=True)
class CurveSpec:
    """What `ifteval curve` takes beyond `run`'s options: the judges, how to read phases, forgetting."""

    judges: tuple[str, ...]
    tasks: tuple[str, ...] = ()
    agnostic: str | None = None
    format_judges: tuple[str, ...] = FORMAT_SENSITIVE
    jump: float = DEFAULT_JUMP
    forgetting: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def find_adapters(root: Path) -> list[tuple[Path, dict[str, Any]]]:
    """(folder, metadata) of each finished adapter under `root`; an unfinished one is an error."""
    if not root.is_dir():
        raise IftevalError(f"{root}: no such folder (train adapters with 'ifteval finetune')")
    candidates = (
        [root]
        if (root / "adapter_config.json").is_file()
        else sorted(p for p in root.iterdir() if p.is_dir())
    )
    found = []
    for folder in candidates:
        meta = read_adapter_meta(folder)
        if meta is None:
            if (folder / "adapter_config.json").is_file() or (folder / "checkpoints").is_dir():
                raise IftevalError(
                    f"{folder}: no {ADAPTER_META} (unfinished or not from 'ifteval finetune'); "
                    "finish it with 'ifteval finetune' or move it out"
                )
            continue
        found.append((folder, meta))
    if not found:
        raise IftevalError(
            f"{root}: holds no adapter with {ADAPTER_META} (train them with 'ifteval finetune')"
        )
    variants = sorted({m["variant"] for _, m in found})
    if len(variants) > 1:
        raise IftevalError(
            f"{root}: adapters of several variants ({', '.join(variants)}); "
            "give one variant's adapters per curve"
        )
    return found


def _one(values: set[Any], what: str, root: Path) -> Any:
    if len(values) > 1:
        raise IftevalError(f"{root}: adapters disagree on {what} ({', '.join(map(str, sorted(values)))})")
    return next(iter(values))


def run_curve(config: RunConfig, adapters_root: Path, spec: CurveSpec) -> dict[str, Any] | None:
    """Sweep, collect points, summarise, find phases, plot; returns curve.json's content (main process)."""
    found = find_adapters(adapters_root)
    if not spec.judges:
        raise IftevalError("--judges is empty; a curve needs judges, e.g. gold,exact_match,gpt4")
    tasks = list(spec.tasks) or sorted({m["target"] for _, m in found})
    if spec.agnostic is not None and spec.agnostic not in spec.judges:
        raise IftevalError(f"--agnostic {spec.agnostic}: not among --judges ({', '.join(spec.judges)})")
    agnostic = spec.agnostic or _llm_judge(spec.judges)
    model_args = dict(config.model_args)
    model_args.setdefault(
        "pretrained", _one({m["base_model"] for _, m in found}, "the base model", adapters_root)
    )
    chat = _one({m.get("chat_template", True) for _, m in found}, "the chat template", adapters_root)
    has_zero = any(m["n"] == 0 for _, m in found)
    run_tasks = tasks + ([FORGETTING_TAG] if spec.forgetting else [])
    out = Path(config.output_path)
    sweep_config = replace(
        config,
        tasks=run_tasks,
        judges=list(spec.judges),
        model_args=model_args,
        apply_chat_template=chat,
        output_path=out / RUNS,
    )
    summary = run_sweep(
        sweep_config, [str(f) for f, _ in found], include_base=not has_zero or spec.forgetting
    )
    if summary is None:
        return None
    return write_curve(
        out, summary["rows"], found, tasks, spec, agnostic, str(model_args["pretrained"]), has_zero
    )


def _llm_judge(judges: Sequence[str]) -> str | None:
    """The first requested judge of kind ``llm``: the paper's format-agnostic scorer."""
    for name in judges:
        if load_spec(name).kind == "llm":
            return name
    return None


def collect_points(
    rows: Sequence[dict[str, Any]],
    found: Sequence[tuple[Path, dict[str, Any]]],
    tasks: Sequence[str],
    judges: Sequence[str],
    base_is_zero: bool,
) -> list[dict[str, Any]]:
    """Sweep rows -> ``{"task", "judge", "n", "repeat", "value", "n_samples"}`` for the judges' scores on
    `tasks` (n_samples: the samples behind the value, which the phase rule's sampling margin needs)."""
    by_adapter = {str(f): m for f, m in found}
    points = []
    for r in rows:
        if r["filter"] != "judge" or r["metric"] not in judges or r["task"] not in tasks:
            continue
        if r["adapter"] is None:
            if not base_is_zero:
                continue
            n, repeat = 0, 0
        else:
            meta = by_adapter[r["adapter"]]
            n, repeat = meta["n"], meta["repeat"]
        points.append(
            {
                "task": r["task"],
                "judge": r["metric"],
                "n": n,
                "repeat": repeat,
                "value": r["value"],
                "n_samples": r.get("n_samples"),
            }
        )
    # a judge with no valid verdict has no mean, and the sweep lists no row for it: its point is null
    evaluated = [(m["n"], m["repeat"]) for _, m in found] + ([(0, 0)] if base_is_zero else [])
    seen = {(p["task"], p["judge"], p["n"], p["repeat"]) for p in points}
    for task in tasks:
        for judge in judges:
            for n, repeat in evaluated:
                if (task, judge, n, repeat) not in seen:
                    missing = {"task": task, "judge": judge, "n": n, "repeat": repeat, "value": None}
                    points.append({**missing, "n_samples": 0})
    return sorted(points, key=lambda p: (p["task"], p["judge"], p["n"], p["repeat"]))


def data_origins(rows: Sequence[dict[str, Any]], tasks: Sequence[str]) -> dict[str, list[str]]:
    """Per task, where its runs' data came from ("smoke", "hub", "local"); empty when no run recorded it."""
    origins: dict[str, set[str]] = {task: set() for task in tasks}
    for r in rows:
        if r["task"] in origins and r.get("origin"):
            origins[r["task"]].add(str(r["origin"]))
    return {task: sorted(found) for task, found in origins.items()}


def smoke_tasks(curve: Mapping[str, Any]) -> list[str]:
    """The tasks of a curve whose runs (any of them) used a bundled smoke set: never to pass unflagged."""
    return [task for task, origins in (curve.get("data_origin") or {}).items() if "smoke" in (origins or [])]


def forgetting_table(
    rows: Sequence[dict[str, Any]],
    found: Sequence[tuple[Path, dict[str, Any]]],
    judges: Sequence[str],
    has_zero: bool,
) -> dict[str, Any]:
    """Paper Table 5: each judge's mean over the Alpaca categories' test splits, per N, beside N=0.

    The reference (N=0) is the adapters trained without target rows when there are some, else the base.
    """
    by_adapter = {str(f): m for f, m in found}
    per_row: dict[tuple[str, Any], list[float]] = {}
    alpaca_tasks = sorted({r["task"] for r in rows if r["task"].startswith(FORGETTING_TAG + "_")})
    for r in rows:
        if r["filter"] != "judge" or r["metric"] not in judges or r["task"] not in alpaca_tasks:
            continue
        if r["value"] is not None:
            per_row.setdefault((r["metric"], r["adapter"]), []).append(r["value"])
    points = []
    for (judge, adapter), values in per_row.items():
        mean = sum(values) / len(values)
        if adapter is None:
            points.append({"judge": judge, "n": None, "value": mean})
        else:
            points.append({"judge": judge, "n": by_adapter[adapter]["n"], "value": mean})
    table = []
    reference: dict[str, float] = {}
    for judge in judges:
        zero = [p["value"] for p in points if p["judge"] == judge and p["n"] == (0 if has_zero else None)]
        base = [p["value"] for p in points if p["judge"] == judge and p["n"] is None]
        if zero:
            reference[judge] = sum(zero) / len(zero)
        for n in sorted(
            {p["n"] for p in points if p["n"] is not None} | ({None} if base else set()),
            key=lambda v: -1 if v is None else v,
        ):
            values = [p["value"] for p in points if p["judge"] == judge and p["n"] == n]
            if not values:
                continue
            mean = sum(values) / len(values)
            ref = reference.get(judge)
            table.append(
                {
                    "judge": judge,
                    "n": "base" if n is None else n,
                    "mean": mean,
                    "delta": None if ref is None else mean - ref,
                    "repeats": len(values),
                }
            )
    return {"tasks": alpaca_tasks, "reference": reference, "rows": table}


def write_curve(
    out: Path,
    rows: Sequence[dict[str, Any]],
    found: Sequence[tuple[Path, dict[str, Any]]],
    tasks: Sequence[str],
    spec: CurveSpec,
    agnostic: str | None,
    base_model: str,
    has_zero: bool,
) -> dict[str, Any]:
    """curve.json, one PNG per task and curve.md from the sweep's rows."""
    points = collect_points(rows, found, tasks, spec.judges, base_is_zero=not has_zero)
    summary = summarise_points(points)
    phases = {t: find_phases(summary, t, spec.format_judges, agnostic, spec.jump) for t in tasks}
    curve: dict[str, Any] = {
        "points": points,
        "summary": summary,
        "phases": phases,
        "forgetting": forgetting_table(rows, found, spec.judges, has_zero) if spec.forgetting else None,
        "adapters": [
            {
                "adapter": str(f),
                "n": m["n"],
                "repeat": m["repeat"],
                "variant": m["variant"],
                "target": m["target"],
            }
            for f, m in found
        ],
        "base_model": base_model,
        "zero_point": "adapters trained with N=0" if has_zero else "the base model",
        "variant": found[0][1]["variant"],
        "judges": list(spec.judges),
        "plots": {},
        "data_origin": data_origins(rows, tasks),
    }

    for task in tasks:
        png = plot_curve(summary, task, phases[task], out / f"curve_{task}.png")
        if png is not None:
            curve["plots"][task] = png.name
    write_json(out / "curve.json", curve)
    atomic_write_text(out / "curve.md", format_markdown(curve))
    return curve


def _cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return ""
    if row["mean"] is None:
        return "n/a (no valid verdict)"
    spread = f" ± {row['spread']:.3f}" if row["spread"] is not None else ""
    return f"{row['mean']:.3f}{spread}"


def format_markdown(curve: dict[str, Any]) -> str:
    """Per task: a table of N x judge (mean ± spread over repeats), the phases and the plot."""
    lines = ["# Learning curves", ""]
    lines.append(
        f"Base model: `{curve['base_model']}`; variant: {curve['variant']}; N=0 is {curve['zero_point']}."
    )
    smoke = smoke_tasks(curve)
    if smoke:
        lines += [
            "",
            f"**SMOKE SETS, NOT REAL DATA:** {', '.join(smoke)} ran on the bundled offline stand-in sets. "
            "These curves say the pipeline works, not what the model learned; use --data-dir for real data.",
        ]
    for task, phase in curve["phases"].items():
        rows = [r for r in curve["summary"] if r["task"] == task]
        judges = list(dict.fromkeys(r["judge"] for r in rows))
        sizes = sorted({r["n"] for r in rows})
        lines += [
            "",
            f"## {task}",
            "",
            f"Data: {', '.join((curve.get('data_origin') or {}).get(task) or ['not recorded'])}.",
            "",
            "| N | " + " | ".join(judges) + " |",
            "|---" * (len(judges) + 1) + "|",
        ]
        cells = {(r["n"], r["judge"]): r for r in rows}
        for n in sizes:
            lines.append(f"| {n} | " + " | ".join(_cell(cells.get((n, j))) for j in judges) + " |")
        lines += [
            "",
            f"- format point: {_point(phase['format_point'])}",
            f"- task point: {_point(phase['task_point'])}",
        ]
        lines += [f"  - {reason}" for reason in phase["reasons"]]
        if task in curve["plots"]:
            lines += ["", f"![{task}]({curve['plots'][task]})"]
    forgetting = curve.get("forgetting")
    if forgetting:
        lines += [
            "",
            "## Forgetting (Alpaca test split, paper Table 5)",
            "",
            "| judge | N | mean | Δ vs N=0 |",
            "|---|---|---|---|",
        ]
        for r in forgetting["rows"]:
            delta = "" if r["delta"] is None else f"{r['delta']:+.3f}"
            lines.append(f"| {r['judge']} | {r['n']} | {r['mean']:.3f} | {delta} |")
    return "\n".join(lines) + "\n"


def _point(n: int | None) -> str:
    return "undetermined (see below)" if n is None else f"N = {n}"


def read_curve(path: Path) -> dict[str, Any]:
    """curve.json as written above (for the report and tests)."""
    return json.loads(Path(path).read_text("utf-8"))
