"""`ifteval curve`: evaluate adapters from `ifteval finetune` in one sweep and read the learning curves."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ifteval.cli.common import (
    DATA_DIR_HELP,
    add_data_dir,
    add_limit,
    add_no_progress,
    seed_arg,
    split_list,
)
from ifteval.cli.run import batch_size_arg


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "curve",
        help="evaluate adapters over N in one sweep; write curve.json, plots and the phases (paper Fig. 2)",
        description="Evaluate every adapter under ADAPTERS (from 'ifteval finetune') on one loaded base "
        "model, plus the base model as N=0 when no adapter has N=0. Writes OUTPUT/curve.json (points, "
        "summary, phases), OUTPUT/curve_<task>.png, OUTPUT/curve.md and each run under OUTPUT/runs/.",
    )
    parser.add_argument("adapters", type=Path, help="folder of adapter folders (from 'ifteval finetune')")
    parser.add_argument("--tasks", default="", help="tasks to score (default: the adapters' target tasks)")
    parser.add_argument(
        "--judges", required=True, help="comma-separated judges, e.g. gold,exact_match,rouge1,gpt4"
    )
    parser.add_argument(
        "--agnostic",
        default=None,
        help="the format-agnostic judge for the task point (default: the first LLM judge)",
    )
    parser.add_argument(
        "--jump",
        type=float,
        default=0.2,
        help="rise of a format-sensitive judge that marks the format point (default 0.2)",
    )
    parser.add_argument(
        "--forgetting",
        action="store_true",
        help="also score the Alpaca test split, against N=0 (paper Table 5)",
    )
    parser.add_argument(
        "--model-args",
        default="",
        help="pretrained=BASE,... (default: the base the adapters were trained on)",
    )
    add_limit(parser)
    parser.add_argument("--batch-size", type=batch_size_arg, default=8)
    add_data_dir(parser, DATA_DIR_HELP + ", as for run")
    parser.add_argument("--seed", type=seed_arg, default=0)
    parser.add_argument("--output", required=True, type=Path, help="folder for curve.json, plots and runs")
    add_no_progress(parser)
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    from ifteval.config import RunConfig, parse_model_args
    from ifteval.outputs import check_output_folder
    from ifteval.run_checks import check_limit
    from ifteval.specialize.curve import CurveSpec, run_curve

    check_output_folder(args.output, "--output", [args.adapters])  # refuses the adapters folder itself
    judges = tuple(split_list(args.judges))
    config = RunConfig(
        tasks=[],
        output_path=args.output,
        model_args=parse_model_args(args.model_args),
        limit=check_limit(args.limit),
        batch_size=args.batch_size,
        seed=args.seed,
        data_dir=args.data_dir,
        progress=args.progress,
    )
    spec = CurveSpec(
        judges=judges,
        tasks=tuple(split_list(args.tasks)),
        agnostic=args.agnostic,
        jump=args.jump,
        forgetting=args.forgetting,
    )
    curve = run_curve(config, args.adapters, spec)
    if curve is None:
        return 0
    print((args.output / "curve.md").read_text("utf-8"))
    print(f"curve: {args.output / 'curve.json'}")
    return 0
