"""`ifteval estimate`: the human-equivalent score of each system, from a few human labels and a judge.

Only argparse is imported at module level so `ifteval --help` stays fast; the handler imports the rest.
"""

from __future__ import annotations

import argparse
from typing import Any

from ifteval.cli.common import check_folds, check_fraction, seed_arg, split_list, write_json_report

EPILOG = """examples:
  ifteval estimate scores.csv --human human --judge gpt4 --system model --output est.json
  ifteval estimate out/judged.jsonl --labels human.jsonl --human label --judge sbert --calibrate
"""


def add_data_arguments(p: argparse.ArgumentParser) -> None:
    """DATA and the column flags shared by estimate, calibrate and plan."""
    p.add_argument("data", metavar="DATA",
                   help="table (.jsonl/.csv/.parquet), 'ifteval run' folder or 'ifteval judge' JSONL;"
                        " rows without a human label are the unlabelled ones")
    p.add_argument("--human", default="human", metavar="COL", help="human score column (default 'human')")
    p.add_argument("--task", metavar="COL", help="task column (default: 'task' if present, else one task)")
    p.add_argument("--system", metavar="COL",
                   help="system/model column (default: 'system' if present, else one system)")
    p.add_argument("--item", metavar="COL",
                   help="item column kept together in cross-validation folds and used to pair systems"
                        " (default: item, doc_id or id, whichever is present first)")
    p.add_argument("--labels", metavar="FILE", help="human-label file (JSONL/CSV) to join with a run output")
    p.add_argument("--id", default="doc_id", metavar="COL", help="sample id column for --labels (doc_id)")
    p.add_argument("--source", choices=("auto", "realsumm"), default="auto",
                   help="read DATA as REALSumm's scores_dicts/abs.pkl or ext.pkl (human: litepyramid_recall)")
    p.add_argument("--seed", type=seed_arg, default=0, metavar="S",
                   help="seed for cross-validation folds (0)")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `estimate` subcommand."""
    p = subparsers.add_parser(
        "estimate",
        help="human-equivalent score per system with an honest interval (PPI++, few labels + a judge)",
        description="Estimate the mean human score of each system and task from the rows that have human "
                    "labels and a judge's scores on all rows (ppi-python's PPI++), beside the classical "
                    "interval from the labels alone and the naive judge mean, and compare systems.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_data_arguments(p)
    p.add_argument("--judge", required=True, metavar="J", help="judge score column")
    p.add_argument("--confidence", type=float, default=0.95, help="interval confidence (default 0.95)")
    p.add_argument("--calibrate", action="store_true",
                   help="map the judge to the human scale first (cross-fitted isotonic map; the interval"
                        " stays valid through ppi-python's cross-prediction)")
    p.add_argument("--per-task", action="store_true", help="with --calibrate: one map per task")
    p.add_argument("--folds", type=int, default=5, metavar="K", help="cross-fitting folds (default 5)")
    p.add_argument("--compare", default="all", metavar="all|none|A:B,...",
                   help="system pairs whose difference (A minus B) gets an interval (default all pairs)")
    p.add_argument("--output", "-o", metavar="OUT.json", help="write the estimates as JSON")
    p.set_defaults(func=handler)


def read_table(args: argparse.Namespace, judges: list[str]) -> tuple[Any, Any]:
    """DATA (joined with --labels) as read, and its columns resolved from the flags `add_data_arguments` adds.

    The one place estimate, calibrate and plan turn their shared data flags into a table.
    """
    from ifteval.trust.inputs import read_data, resolve

    frame, _ = read_data(args.data, args.source, args.labels, args.id)
    table = resolve(frame, args.human, judges, str(args.data), task=args.task, system=args.system,
                    item=args.item)
    return frame, table


def check_output(path: str | None, data: str, labels: str | None = None, flag: str = "--output",
                 example: str = "out.json") -> None:
    """Refuse an output that is an input, a folder or unwritable, before any work (`ifteval.outputs`)."""
    from ifteval.outputs import check_output_file

    if path:
        check_output_file(path, flag, [data, labels], example=example)


FEW_MARK = "few labels"


def format_interval(entry: dict | None) -> str:
    if not entry:
        return "n/a"
    lo, hi = entry["ci"]
    return f"{entry['estimate']:.4f} [{lo:.4f}, {hi:.4f}]"


def render(result: dict) -> str:
    """Plain-text tables of the estimates and differences."""
    tw = max([4] + [len(g["task"]) for g in result["groups"]])
    sw = max([6] + [len(g["system"]) for g in result["groups"]])
    lines = [f"judge {result['judge']} ({result['judge_scores']}), {result['confidence']:.0%} intervals",
             f"{'task':<{tw}} {'system':<{sw}} {'n':>5} {'N':>6}  {'PPI estimate [CI]':<28} "
             f"{'classical [CI]':<28} {'judge mean':>10} {'labels worth':>12}"]
    for g in result["groups"]:
        eff = g.get("effective_labels")
        lines.append(f"{g['task']:<{tw}} {g['system']:<{sw}} {g['n_labelled']:>5} {g['n_unlabelled']:>6}  "
                     f"{format_interval(g.get('ppi')):<28} {format_interval(g.get('classical')):<28} "
                     f"{g['judge_mean']:>10.4f} {'' if eff is None else f'{eff:.0f}':>12}"
                     + (f"  ({g['reason']})" if g.get("reason") else "")
                     + (f"  [{FEW_MARK}]" if g.get("warnings") else ""))
    if result["differences"]:
        lines.append("differences (A minus B):")
        for d in result["differences"]:
            shown = format_interval(d) if "ci" in d else d.get("reason", "n/a")
            why = f"; {d['reason']}" if "ci" in d and d.get("reason") and d["method"] == "paired" else ""
            lines.append(f"  {d['task']:<{tw}} {d['a']} - {d['b']}: {shown} ({d['method']}{why})"
                         + (f"  [{FEW_MARK}]" if d.get("warnings") else ""))
    warned = [e for e in result["groups"] + result["differences"] if e.get("warnings")]
    if warned:
        lines.append(f"[{FEW_MARK}] warning: {len(warned)} row(s) above have {warned[0]['warnings'][0]}"
                     " (docs/few-labels.md)")
    return "\n".join(lines) + "\n"


def parse_compare(value: str) -> str | list[tuple[str, str]]:
    from ifteval.errors import DataError

    if value in ("all", "none"):
        return value
    pairs = []
    for pair in split_list(value):
        a, _, b = pair.partition(":")
        if not a or not b:
            raise DataError(f"--compare expects all, none or A:B pairs, got '{pair}'")
        pairs.append((a, b))
    return pairs


def handler(args: argparse.Namespace) -> int:
    from ifteval.errors import DataError
    from ifteval.trust.estimate import estimate

    check_fraction("--confidence", args.confidence)
    check_folds(args.folds)
    if args.per_task and not args.calibrate:
        raise DataError("--per-task only applies with --calibrate")
    compare = parse_compare(args.compare)
    check_output(args.output, args.data, args.labels, example="est.json")
    _, table = read_table(args, [args.judge])
    result = estimate(table, args.judge, args.confidence, calibrate=args.calibrate, per_task=args.per_task,
                      folds=args.folds, seed=args.seed, compare=compare)
    print(render(result), end="")
    if args.output:
        write_json_report(args.output, result)
    return 0
