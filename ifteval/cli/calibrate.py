"""`ifteval calibrate`: fit monotone maps from judge scores to the human scale, with honest before/after.

Only argparse is imported at module level so `ifteval --help` stays fast; the handler imports the rest.
"""

from __future__ import annotations

import argparse

from ifteval.cli.common import check_folds, fmt_or_na, split_list, write_json_report
from ifteval.cli.estimate import add_data_arguments, check_output, read_table

EPILOG = """examples:
  ifteval calibrate scores.csv --human human --judges gpt4,rouge --per-task --output maps.json
  ifteval judge samples.jsonl --judges rouge1 --calibration maps.json --output judged.jsonl
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `calibrate` subcommand."""
    p = subparsers.add_parser(
        "calibrate",
        help="map judge scores onto the human scale (isotonic), pooled or per task",
        description="Fit a monotone (isotonic) map from each judge's score to the human score on the "
                    "labelled rows, pooled over tasks or one per task, and report CIT, CAT and mean "
                    "absolute error before and after, cross-validated by item (a map is never scored on "
                    "the rows it was fitted on). 'ifteval judge --calibration' applies the maps.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_data_arguments(p)
    p.add_argument("--judges", required=True, metavar="A,B", help="judge score columns")
    p.add_argument("--per-task", action="store_true", help="one map per task (default: one pooled map)")
    p.add_argument("--method", choices=("pearson", "spearman", "kendall"), default="pearson",
                   help="correlation for CIT and CAT (default pearson: a pooled monotone map leaves rank"
                        " correlations unchanged but for ties, so only Pearson sees a scale repaired)")
    p.add_argument("--folds", type=int, default=5, metavar="K", help="cross-validation folds (default 5)")
    p.add_argument("--output", "-o", required=True, metavar="MAPS.json", help="maps and their report")
    p.set_defaults(func=handler)


def render(result: dict) -> str:
    """Before/after table of CIT, CAT and MAE per judge."""
    lines = [f"{'map per task' if result['per_task'] else 'pooled map'}, {result['folds']}-fold "
             f"cross-validated by item ({result['method']})",
             f"{'judge':<20} {'CIT before':>10} {'after':>8} {'CAT before':>10} {'after':>8} "
             f"{'MAE before':>10} {'after':>8}"]
    for judge, rep in result["report"].items():
        b, a = rep["before"], rep["after"]
        lines.append(f"{judge:<20} {fmt_or_na(b['cit']):>10} {fmt_or_na(a['cit']):>8} "
                     f"{fmt_or_na(b['cat']):>10} {fmt_or_na(a['cat']):>8} "
                     f"{fmt_or_na(b['mae']):>10} {fmt_or_na(a['mae']):>8}")
    return "\n".join(lines) + "\n"


def handler(args: argparse.Namespace) -> int:
    from ifteval.errors import DataError
    from ifteval.trust.calibrate import calibrate

    judges = split_list(args.judges)
    if not judges:
        raise DataError("--judges is empty; name the judge columns to calibrate, e.g. --judges gpt4,rouge")
    check_folds(args.folds)
    check_output(args.output, args.data, args.labels, example="maps.json")
    _, table = read_table(args, judges)
    result = calibrate(table, judges, args.per_task, args.method, args.folds, args.seed)
    print(render(result), end="")
    write_json_report(args.output, result)
    return 0
