"""`ifteval judge`: score existing samples with named judges; never regenerates anything."""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from pathlib import Path
from typing import Any

DEFAULT_BATCH_SIZE = 256


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "judge",
        help="score existing samples (ifteval rows, 'ifteval run' folders, lm-eval --log_samples files)",
        description=(
            "Score samples with judges and write each input row plus 'scores' ({judge: value|null}). "
            "Inputs: JSONL rows with prompt, prediction, reference (optional task, id); an 'ifteval run' "
            "output folder; or lm-eval --log_samples files/folders. Nothing is regenerated."
        ),
    )
    parser.add_argument("samples", nargs="+", type=Path, metavar="SAMPLES", help="JSONL files or folders")
    parser.add_argument("--judges", required=True, help="comma-separated judge names or preset paths")
    parser.add_argument("--output", "-o", required=True, type=Path, help="output JSONL (written atomically)")
    parser.add_argument(
        "--judge-arg",
        action="append",
        default=[],
        metavar="JUDGE.KEY=VALUE",
        help="override a preset argument, e.g. sbert.batch_size=16 (VALUE is read as YAML); repeatable",
    )
    parser.add_argument(
        "--include-path",
        action="append",
        default=[],
        type=Path,
        metavar="DIR",
        help="folder of extra judge presets (*.yaml); repeatable",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH_SIZE,
        help=f"samples per judge call; the progress bar moves per batch (default {DEFAULT_BATCH_SIZE})",
    )
    parser.set_defaults(func=handle)


def parse_judge_args(items: list[str], judges: list[str]) -> dict[str, dict[str, Any]]:
    """`judge.key=value` strings -> {judge: {key: value}}; values are YAML scalars (16, true, 0.5, text)."""
    import yaml

    from ifteval.errors import ConfigError, did_you_mean

    overrides: dict[str, dict[str, Any]] = {}
    for item in items:
        target, eq, raw = item.partition("=")
        judge, dot, key = target.partition(".")
        if not eq or not dot or not judge or not key:
            raise ConfigError(
                f"--judge-arg '{item}' must look like JUDGE.KEY=VALUE, e.g. sbert.batch_size=16"
            )
        if judge not in judges:
            raise ConfigError(
                f"--judge-arg '{item}' names judge '{judge}', which is not in --judges "
                f"({', '.join(judges)}).{did_you_mean(judge, judges)}"
            )
        try:
            value = yaml.safe_load(raw) if raw else ""
        except yaml.YAMLError:
            value = raw
        overrides.setdefault(judge, {})[key] = value
    return overrides


def summarise(values: list[float | None]) -> dict[str, float | int]:
    """Mean and standard error of the valid values, with the counts of valid and invalid ones."""
    valid = [v for v in values if v is not None and math.isfinite(v)]
    n = len(valid)
    mean = statistics.fmean(valid) if n else math.nan
    stderr = statistics.stdev(valid) / math.sqrt(n) if n > 1 else math.nan
    return {"mean": mean, "stderr": stderr, "n_valid": n, "n_invalid": len(values) - n}


def format_summary(summaries: dict[str, dict[str, float | int]]) -> str:
    """A plain-text table: judge, mean, stderr, valid, invalid."""
    header = ("judge", "mean", "stderr", "valid", "invalid")
    rows = [
        (name, f"{s['mean']:.4f}", f"{s['stderr']:.4f}", str(s["n_valid"]), str(s["n_invalid"]))
        for name, s in summaries.items()
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ifteval.errors import ConfigError
    from ifteval.judges import build_judge, load_spec, run_judges
    from ifteval.judges.samples_io import output_row, read_samples, write_jsonl_atomic

    names = [n.strip() for n in args.judges.split(",") if n.strip()]
    if not names:
        raise ConfigError("--judges is empty; name at least one judge (see 'ifteval judges list')")
    if args.batch_size < 1:
        raise ConfigError(f"--batch-size must be at least 1, got {args.batch_size}")
    overrides = parse_judge_args(args.judge_arg, names)
    specs = [load_spec(name, args.include_path) for name in names]
    judges = [build_judge(spec, overrides.get(name)) for name, spec in zip(names, specs, strict=True)]

    items = read_samples(args.samples)
    samples = [item.sample for item in items]
    verdicts: dict[str, list] = {}
    for judge in judges:
        collected: list = []
        with tqdm(total=len(samples), desc=judge.name, unit="sample", file=sys.stderr, disable=None) as bar:
            for start in range(0, len(samples), args.batch_size):
                batch = samples[start : start + args.batch_size]
                collected.extend(run_judges([judge], batch)[judge.name])
                bar.update(len(batch))
        verdicts[judge.name] = collected

    rows = (output_row(item, {name: verdicts[name][i] for name in verdicts}) for i, item in enumerate(items))
    write_jsonl_atomic(args.output, rows)
    summaries = {name: summarise([v.value for v in vs]) for name, vs in verdicts.items()}
    print(format_summary(summaries))
    print(f"wrote {len(items)} rows to {args.output}")
    return 0
