"""`ifteval mix`: build the paper's training mixtures (base instruction set + N target-task rows)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ifteval.cli.common import DATA_DIR_HELP, add_data_dir, add_include_path, seed_arg


def sizes_arg(value: str) -> tuple[int, ...]:
    """--sizes: comma-separated counts >= 0 (argparse prints a bad value as a usage error)."""
    try:
        sizes = tuple(int(v) for v in value.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a comma-separated list of counts") from None
    if not sizes or any(n < 0 for n in sizes):
        raise argparse.ArgumentTypeError(f"'{value}': need counts >= 0, such as 0,10,25")
    return sizes


def register(subparsers: Any) -> None:
    from ifteval.specialize.mix import PAPER_SIZES, VARIANTS

    parser = subparsers.add_parser(
        "mix",
        help="build training mixtures: base instruction set + N target-task rows (paper C.1.1)",
        description="Write one folder per (N, repeat) under OUTPUT, each with train.jsonl, "
        "validation.jsonl and manifest.json. Rows are rendered in the task's own prompt format; only "
        "train splits enter a mixture. The same seed gives byte-identical folders.",
    )
    parser.add_argument("--target", required=True, help="the task to specialise on, e.g. ifteval_sst2")
    parser.add_argument(
        "--sizes",
        type=sizes_arg,
        default=PAPER_SIZES,
        help="counts N of target rows (default: the paper's 0,10,25,50,100,200,500,1000)",
    )
    parser.add_argument("--repeats", type=int, default=4, help="samples per N (default 4, as the paper)")
    parser.add_argument("--seed", type=seed_arg, default=0)
    parser.add_argument(
        "--variant",
        choices=VARIANTS,
        default="human",
        help="human labels (default), synthetic rows, random labels, or synthetic then human",
    )
    parser.add_argument(
        "--synthetic",
        type=Path,
        default=None,
        help="JSONL of generated rows in the target source's schema (e.g. sentence,label)",
    )
    parser.add_argument(
        "--synthetic-size",
        type=int,
        default=100,
        help="synthetic rows before the N human ones (--variant synthetic+human; default 100)",
    )
    parser.add_argument(
        "--leave-out",
        action="append",
        default=[],
        metavar="CATEGORY",
        help="drop an Alpaca category from the base set (repeatable)",
    )
    parser.add_argument(
        "--base-size",
        type=int,
        default=None,
        help="cap on base instruction rows (default: all; 0: none, the paper's S2 setting)",
    )
    parser.add_argument(
        "--validation-size",
        type=int,
        default=1000,
        help="cap on validation rows for early stopping (default 1000)",
    )
    add_data_dir(parser, DATA_DIR_HELP + ", as for run")
    add_include_path(parser)
    parser.add_argument("--output", required=True, type=Path, help="folder for the mixture folders")
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    from ifteval.outputs import check_output_folder
    from ifteval.specialize.mix import MixSpec, build_mixtures

    check_output_folder(args.output, "--output", [args.synthetic])  # before any data loads

    spec = MixSpec(
        target=args.target,
        sizes=args.sizes,
        repeats=args.repeats,
        seed=args.seed,
        variant=args.variant,
        synthetic=args.synthetic,
        synthetic_size=args.synthetic_size,
        leave_out=tuple(args.leave_out),
        base_size=args.base_size,
        validation_size=args.validation_size,
        data_dir=args.data_dir,
        include_paths=tuple(args.include_path),
    )
    folders = build_mixtures(spec, args.output)
    print(f"mix: {len(folders)} mixture(s) in {args.output}")
    return 0
