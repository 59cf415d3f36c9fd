"""`ifteval plan`: how many more human labels are needed, and which rows to label next.

Only argparse is imported at module level so `ifteval --help` stays fast; the handler imports the rest.
"""

from __future__ import annotations

import argparse

from ifteval.cli.common import check_fraction, fmt_or_na, split_list, write_json_report
from ifteval.cli.estimate import add_data_arguments, check_output, read_table

EPILOG = """examples:
  ifteval plan scores.csv --human human --judges gpt4,rouge --width 0.1 --next 50 --output next.jsonl
  ifteval plan scores.csv --judges gpt4,rouge --difference 0.05 --report plan.json
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `plan` subcommand."""
    p = subparsers.add_parser(
        "plan",
        help="labels needed to tell two judges apart or reach an interval width, and which rows to label",
        description="Say how many human labels are needed to tell judge A from judge B (paired Williams "
                    "test of CAT, power 0.8, at the observed difference or --difference) and to reach a "
                    "PPI interval of --width W on each system's score (ppi-python's power analysis); "
                    "--next K writes the K unlabelled rows to label next, as they stand in DATA. Rule: "
                    "the next label goes to the (task, system) group whose projected PPI interval is "
                    "widest; inside a group rows are drawn at random, so later intervals stay valid.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_data_arguments(p)
    p.add_argument("--judges", required=True, metavar="A,B", help="judge score columns (pairs are compared)")
    p.add_argument("--judge", metavar="J",
                   help="judge for --width and --next (default: the first of --judges)")
    p.add_argument("--width", type=float, metavar="W", help="target width of a system's PPI interval")
    p.add_argument("--difference", type=float, metavar="D",
                   help="correlation difference to detect between judges (default: the observed one)")
    p.add_argument("--power", type=float, default=0.8, help="power of the judge comparison (default 0.8)")
    p.add_argument("--confidence", type=float, default=0.95, help="interval confidence (default 0.95)")
    p.add_argument("--method", choices=("pearson", "spearman", "kendall"), default="spearman",
                   help="correlation compared between judges (default spearman, as in 'ifteval meta')")
    p.add_argument("--next", type=int, default=0, metavar="K", help="write the K rows to label next")
    p.add_argument("--output", "-o", metavar="NEXT.jsonl", help="where --next writes its rows (JSONL)")
    p.add_argument("--report", metavar="PLAN.json", help="write the plan's numbers as JSON")
    p.set_defaults(func=handler)


def render(report: dict) -> str:
    """The plan as text: judge pairs, widths per group, rows chosen."""
    lines = []
    for pair in report["judge_pairs"]:
        head = (f"{pair['a']} vs {pair['b']} ({pair['method']}, {pair['n_labelled']} labelled rows): "
                f"r = {fmt_or_na(pair.get('r_a'))} vs {fmt_or_na(pair.get('r_b'))}")
        if "labels_needed" in pair:
            lines.append(f"{head}; to detect a difference of {pair['difference']:.4f} with power "
                         f"{pair['power']:.0%}: {pair['labels_needed']} labels ({pair['more_labels']} more)")
        else:
            lines.append(f"{head}; {pair.get('reason')}")
    for g in report.get("groups", []):
        if "labels_needed" in g:
            lines.append(f"width {report['width']} on {g['task']}/{g['system']}: {g['labels_needed']} labels"
                         f" with judge {report['judge_for_width']} ({g['more_labels']} more; labels alone:"
                         f" {g['classical_labels_needed']}; with ppi_mean_ci's weight clip:"
                         f" {fmt_or_na(g['labels_needed_with_clip'], 'd')}; now {g['n_labelled']}, width"
                         f" {fmt_or_na(g['current_width'])})" + (f"; {g['reason']}" if "reason" in g else ""))
        else:
            lines.append(f"width {report['width']} on {g['task']}/{g['system']}: {g['reason']}")
    nxt = report.get("next")
    if nxt:
        lines.append(f"next {nxt['written']} row(s) to label: {nxt['rule']}")
        for g in nxt["groups"]:
            if g["added"]:
                lines.append(f"  {g['task']}/{g['system']}: +{g['added']} labels, projected width "
                             f"{fmt_or_na(g['width_now'])} -> {fmt_or_na(g['width_after'])}")
    return "\n".join(lines) + "\n"


def handler(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ifteval.errors import DataError
    from ifteval.trust.inputs import rows_as_read
    from ifteval.trust.plan import plan
    from ifteval.writers import write_jsonl

    judges = split_list(args.judges)
    if not judges:
        raise DataError("--judges is empty; name the judge columns, e.g. --judges gpt4,rouge")
    check_fraction("--confidence", args.confidence)
    check_fraction("--power", args.power)
    if args.width is not None and args.width <= 0:
        raise DataError(f"--width must be positive, got {args.width}")
    if args.next < 0:
        raise DataError(f"--next must be >= 0, got {args.next}")
    if args.next and not args.output:
        raise DataError("--next K needs --output NEXT.jsonl to write the rows to")
    if args.output and not args.next:
        raise DataError("--output writes the rows chosen by --next K; pass --next K (or --report for the"
                        " numbers)")
    if args.judge and args.judge not in judges:
        judges.append(args.judge)
    check_output(args.output, args.data, args.labels, example="next.jsonl")
    check_output(args.report, args.data, args.labels, "--report", example="plan.json")
    if args.output and args.report and Path(args.output).resolve() == Path(args.report).resolve():
        raise DataError(f"--output and --report are both {args.output}; name two files")
    frame, table = read_table(args, judges)
    report, rows = plan(table, judges, width=args.width, difference=args.difference, next_k=args.next,
                        confidence=args.confidence, method=args.method, seed=args.seed, judge=args.judge,
                        power=args.power)
    print(render(report), end="")
    if args.next:
        write_jsonl(Path(args.output), rows_as_read(args.data, frame, rows))
        print(f"wrote {len(rows)} row(s) to {args.output}")
    if args.report:
        write_json_report(args.report, report)
    return 0
