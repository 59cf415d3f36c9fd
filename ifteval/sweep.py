"""Adapter sweeps: load the base model once, switch peft adapters in place, one output folder per adapter.

The paper evaluates hundreds of LoRA adapters trained from a handful of base models; loading the base
again for every adapter (and indexing tasks again) would dominate the wall time. Each adapter's folder
holds exactly what `ifteval run --model-args ...,peft=ADAPTER` writes, and `sweep.json` / `sweep.md`
put every adapter's scores side by side.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ifteval.config import RunConfig
from ifteval.errors import ConfigError
from ifteval.generation.backends import build_lm, distributed_accelerator
from ifteval.runner import run
from ifteval.writers import atomic_write_text, write_json

BASE_ROW = "base"


def expand_adapters(patterns: Sequence[str]) -> list[str]:
    """Adapter folders from paths and globs (`'DIR/*'`, quoted so we expand it), in the order given.

    A glob keeps only folders with an `adapter_config.json`, sorted; a plain path must be such a folder.
    A name that does not exist locally is taken for a hub id (`owner/name`, which peft resolves) only when
    it cannot be a local path: a bare name, one that starts with `.`, `/` or `~`, one with more than one
    separator, or one whose first part is an existing local folder is a missing folder, reported here
    before anything loads.
    """
    adapters: list[str] = []
    for pattern in patterns:
        if glob.has_magic(pattern):
            matches = sorted(p for p in glob.glob(pattern) if (Path(p) / "adapter_config.json").is_file())
            if not matches:
                raise ConfigError(f"--adapters '{pattern}' matched no folder with an adapter_config.json")
            adapters.extend(matches)
            continue
        path = Path(pattern).expanduser()
        if path.exists():
            if not (path / "adapter_config.json").is_file():
                raise ConfigError(
                    f"--adapters {pattern}: no adapter_config.json (not a peft adapter folder)"
                )
        elif looks_local(pattern):
            raise ConfigError(
                f"--adapters {pattern}: no such folder (nothing was evaluated; check the path, or quote "
                "a glob such as 'DIR/*')"
            )
        adapters.append(pattern)
    duplicates = sorted({a for a in adapters if adapters.count(a) > 1})
    if duplicates:
        raise ConfigError(f"--adapters lists '{duplicates[0]}' more than once")
    return adapters


def looks_local(name: str) -> bool:
    """True when `name` can only mean a local path, not a hub id (`owner/name`: adapters on the hub
    always have an owner, so a bare name is a local folder too)."""
    if name.startswith((".", "/", "~")) or "\\" in name:
        return True
    parts = name.split("/")
    return len(parts) != 2 or not all(parts) or Path(parts[0]).is_dir()


def row_names(adapters: Sequence[str | None]) -> list[str]:
    """One folder name per row: the adapter's folder name (made unique), `base` for the base model."""
    names: list[str] = []
    for adapter in adapters:
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(adapter).name) if adapter is not None else ""
        stem = BASE_ROW if adapter is None else safe or "adapter"
        name, n = stem, 2
        while name in names:
            name, n = f"{stem}-{n}", n + 1
        names.append(name)
    return names


def run_sweep(
    config: RunConfig, adapters: Sequence[str], include_base: bool = False
) -> dict[str, Any] | None:
    """Evaluate the base model of `config` with each adapter; returns the combined table on the main process.

    `config` is a `RunConfig` whose `model_args` name the base (`pretrained=...`) and no `peft`.
    """
    if config.model != "hf":
        raise ConfigError("--adapters needs --model hf (peft adapters load into a local transformers model)")
    if "peft" in config.model_args:
        raise ConfigError("--adapters and --model-args peft=... exclude each other: list all in --adapters")
    rows: list[str | None] = ([None] if include_base else []) + list(expand_adapters(adapters))
    if not rows:
        raise ConfigError("--adapters needs at least one adapter folder (or a glob such as 'DIR/*')")
    names = row_names(rows)
    lm = build_lm(config, distributed_accelerator())  # the base model, loaded once for every row
    out = Path(config.output_path)
    table: list[dict[str, Any]] = []
    summary = {"base": str(config.model_args.get("pretrained", "embedded")), "rows": table}
    for adapter, name in zip(rows, names, strict=True):
        lm.generator.set_adapter(adapter)
        model_args = dict(config.model_args)
        if adapter is not None:
            model_args["peft"] = adapter
        results = run(replace(config, model_args=model_args, output_path=out / name), lm=lm)
        if results is not None:
            table.extend(_rows(name, adapter, results))
        if _is_main(lm):  # after every row: a failure later in the sweep keeps the finished rows
            write_summary(out, summary)
    return summary if _is_main(lm) else None


def write_summary(out: Path, summary: dict[str, Any]) -> None:
    """`sweep.json` and `sweep.md` for the rows finished so far."""
    write_json(out / "sweep.json", summary)
    atomic_write_text(out / "sweep.md", format_table(summary["rows"]) + "\n")


def _is_main(lm: Any) -> bool:
    return getattr(lm, "rank", 0) == 0


def _rows(name: str, adapter: str | None, results: dict[str, Any]) -> list[dict[str, Any]]:
    """results.json -> one row per (task, metric): value and stderr, as lm-eval's table lists them, and
    n_samples: the samples behind the value (a judge's valid verdicts; the curve's sampling margin), and
    origin: where the task's data came from (results.json's data provenance; "smoke" must stay visible)."""
    rows = []
    judged = (results.get("judges") or {}).get("scores") or {}
    data = results.get("data") or {}
    for task, metrics in sorted(results.get("results", {}).items()):
        origin = (data.get(task) or {}).get("origin")  # "smoke" for the bundled stand-in sets
        evaluated = ((results.get("n-samples") or {}).get(task) or {}).get("effective")
        for key, value in metrics.items():
            if "," not in key or "_stderr," in key or not isinstance(value, (int, float)):
                continue
            metric, filter_name = key.split(",", 1)
            stderr = metrics.get(f"{metric}_stderr,{filter_name}")
            counts = (judged.get(task) or {}).get(metric) or {} if filter_name == "judge" else {}
            valid = counts.get("n_valid")
            rows.append(
                {
                    "row": name,
                    "adapter": adapter,
                    "task": task,
                    "metric": metric,
                    "filter": filter_name,
                    "value": value,
                    "stderr": stderr if isinstance(stderr, (int, float)) else None,
                    "n_samples": valid if isinstance(valid, int) else evaluated,
                    "origin": origin,
                }
            )
    return rows


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """A markdown table: one line per adapter, one column per task/metric."""
    columns = list(dict.fromkeys(f"{r['task']}/{r['metric']}" for r in rows))
    by_row: dict[str, dict[str, str]] = {}
    for r in rows:
        cell = f"{r['value']:.4f}" + (f" ± {r['stderr']:.4f}" if r["stderr"] is not None else "")
        by_row.setdefault(r["row"], {})[f"{r['task']}/{r['metric']}"] = cell
    lines = ["| adapter | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, cells in by_row.items():
        lines.append(f"| {name} | " + " | ".join(cells.get(c, "") for c in columns) + " |")
    return "\n".join(lines)
