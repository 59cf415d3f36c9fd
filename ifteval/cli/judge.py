"""`ifteval judge`: score existing samples with named judges; never regenerates anything."""

from __future__ import annotations

import argparse
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
    parser.add_argument(
        "--calibration",
        type=Path,
        metavar="MAPS.json",
        help="maps from 'ifteval calibrate': also write '<judge>.calibrated' (human scale) beside each"
             " mapped judge's raw score",
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


def handle(args: argparse.Namespace) -> int:
    from ifteval.errors import ConfigError
    from ifteval.judges import build_judge, load_spec, score_in_batches
    from ifteval.judges.samples_io import output_row, read_samples
    from ifteval.results import format_summary, format_usage, summarise, write_jsonl

    names = [n.strip() for n in args.judges.split(",") if n.strip()]
    if not names:
        raise ConfigError("--judges is empty; name at least one judge (see 'ifteval judges list')")
    if args.batch_size < 1:
        raise ConfigError(f"--batch-size must be at least 1, got {args.batch_size}")
    overrides = parse_judge_args(args.judge_arg, names)
    specs = [load_spec(name, args.include_path) for name in names]
    judges = [
        build_judge(spec, overrides.get(name), overrides_source="--judge-arg")
        for name, spec in zip(names, specs, strict=True)
    ]

    maps = None
    if args.calibration is not None:
        from ifteval.trust.calibrate import load_maps

        maps = load_maps(args.calibration)
    items = read_samples(args.samples)
    tasks = [item.row.get("task", item.sample.task) for item in items]
    if maps is not None:
        from ifteval.trust.calibrate import check_maps_cover

        mapped = check_maps_cover(maps, names, tasks, str(args.calibration))
    verdicts = score_in_batches(judges, [item.sample for item in items], batch_size=args.batch_size)
    rows = [output_row(item, {name: verdicts[name][i] for name in verdicts}) for i, item in enumerate(items)]
    if maps is not None:
        from ifteval.trust.calibrate import calibrated_values

        for name in mapped:
            values = calibrated_values(maps[name], [v.value for v in verdicts[name]], tasks,
                                       str(args.calibration))
            for row, value in zip(rows, values, strict=True):
                row["scores"][f"{name}.calibrated"] = value
    write_jsonl(args.output, rows)
    summaries = {name: summarise([v.value for v in vs]) for name, vs in verdicts.items()}
    print(format_summary(summaries))
    usage = {judge.name: judge.usage() for judge in judges if hasattr(judge, "usage")}
    if usage:
        print(format_usage(usage))
    print(f"wrote {len(items)} rows to {args.output}")
    return 0
