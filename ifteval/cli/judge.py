"""`ifteval judge`: score existing samples with named judges; never regenerates anything."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ifteval.cli.common import split_list

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


def handle(args: argparse.Namespace) -> int:
    from ifteval.aggregate import summarise_verdicts
    from ifteval.errors import ConfigError
    from ifteval.judges import build_judge, load_spec, score_in_batches
    from ifteval.judges.preflight import check_judges, parse_judge_args
    from ifteval.outputs import check_output_file
    from ifteval.record import read_records, write_records
    from ifteval.tables import format_summary, format_usage

    check_output_file(args.output, "--output", [*args.samples, args.calibration], example="judged.jsonl")
    names = split_list(args.judges)
    if not names:
        raise ConfigError("--judges is empty; name at least one judge (see 'ifteval judges list')")
    if args.batch_size < 1:
        raise ConfigError(f"--batch-size must be at least 1, got {args.batch_size}")
    specs = [load_spec(name, args.include_path) for name in names]
    overrides = parse_judge_args(args.judge_arg, names, specs)  # a path's stem or name: reaches it too
    judges = [
        build_judge(spec, overrides.get(name), overrides_source="--judge-arg")
        for name, spec in zip(names, specs, strict=True)
    ]
    check_judges(judges)  # key, endpoint, served model, model files: before any judge's work

    maps = None
    if args.calibration is not None:
        from ifteval.trust.calibrate import load_maps

        maps = load_maps(args.calibration)
    records = read_records(args.samples)
    tasks = [record.row.get("task", record.sample.task) for record in records]
    if maps is not None:
        from ifteval.trust.calibrate import check_maps_cover

        mapped = check_maps_cover(maps, names, tasks, str(args.calibration))
    verdicts = score_in_batches(judges, [record.sample for record in records], batch_size=args.batch_size)
    summaries = {judge.name: summarise_verdicts(verdicts[judge.name], judge.aggregate(verdicts[judge.name]))
                 for judge in judges}
    check_not_all_failed(summaries, args.output)
    written = dict(verdicts)
    if maps is not None:
        from ifteval.trust.calibrate import calibrated_values
        from ifteval.types import Verdict

        for name in mapped:
            values = calibrated_values(maps[name], [v.value for v in verdicts[name]], tasks,
                                       str(args.calibration))
            written[f"{name}.calibrated"] = [Verdict(value) for value in values]
    judged = (record.with_verdicts({name: vs[i] for name, vs in written.items()})
              for i, record in enumerate(records))
    write_records(args.output, judged)
    print(format_summary(summaries))
    usage = {judge.name: used for judge in judges if (used := judge.usage())}  # judges that made calls
    if usage:
        print(format_usage(usage))
    print(f"wrote {len(records)} rows to {args.output}")
    return 0


def check_not_all_failed(summaries: dict[str, dict[str, Any]], output: Path) -> None:
    """A judge that failed on every row for one reason is broken, not a result: exit 2 with that reason,
    before anything is written (the table of nulls would look like a finished run)."""
    from ifteval.errors import JudgeError

    for name, summary in summaries.items():
        if summary["n_valid"] == 0 and summary.get("failure_count") == summary["n_invalid"] > 0:
            raise JudgeError(
                f"judge '{name}' failed on all {summary['n_invalid']} rows: {summary['failure']} "
                f"(nothing written to {output})"
            )
