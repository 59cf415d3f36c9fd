"""`ifteval meta`: score the judges against human labels (CIT, CAT, TFA, SUM levels) with intervals.

Only argparse is imported at module level so `ifteval --help` stays fast; the handler imports the rest.
"""

from __future__ import annotations

import argparse

from ifteval.cli.common import check_fraction, seed_arg, split_list, write_json_report

EPILOG = """examples:
  ifteval meta scores.csv --human human --task task --judges gpt4,rouge,bertscore --output meta.json
  ifteval meta out/run1 --labels human.jsonl --human label --tfa regime:zero_shot:trained_1000
  ifteval meta out/sweep --labels human.jsonl --human label --judges rouge1,rouge1.precision
  ifteval meta tldr_axis.parquet --source summarize_from_feedback --judges my_judge
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `meta` subcommand."""
    p = subparsers.add_parser(
        "meta",
        help="meta-evaluate judges against human labels (CIT, CAT, TFA, SUM levels)",
        description="Score the judges themselves: correlation with human labels within tasks (CIT), over "
                    "tasks pooled (CAT), relative improvement between regimes (TFA), summary/system levels, "
                    "with seeded bootstrap intervals and paired judge comparisons.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("data", metavar="DATA",
                   help="table (.jsonl/.csv/.parquet), 'ifteval run' folder or 'ifteval judge' JSONL")
    p.add_argument("--human", metavar="COL[,COL...]",
                   help="human score column, or several annotator columns (their mean is the human score;"
                        " agreement between them is the ceiling). Default: 'human' if present")
    p.add_argument("--task", metavar="COL", help="task column (default: 'task' if present, else one task)")
    p.add_argument("--judges", metavar="A,B,C",
                   help="judge columns (default for run outputs: every numeric score column, i.e. each"
                        " judge's score and the run's per-sample metrics such as acc)")
    p.add_argument("--system", metavar="COL",
                   help="system/model column: enables the system level (default for a sweep: 'system')")
    p.add_argument("--item", metavar="COL", help="item/document column: enables the summary level")
    p.add_argument("--tfa", metavar="COL:BEFORE:AFTER",
                   help="regime column and its two values, e.g. regime:zero_shot:trained_1000")
    p.add_argument("--method", choices=("spearman", "kendall", "pearson"), default="spearman",
                   help="correlation (default spearman; kendall bootstraps slowly on large data)")
    p.add_argument("--bootstrap", type=int, default=1000, metavar="N",
                   help="bootstrap resamples for confidence intervals; 0 disables them (default 1000)")
    p.add_argument("--seed", type=seed_arg, default=0, metavar="S", help="bootstrap seed (default 0)")
    p.add_argument("--resample", choices=("docs", "systems", "both"), default="both",
                   help="what the summary/system-level bootstrap and permutation test redraw: documents,"
                        " systems or both (default both, after Deutsch, Dror & Roth 2021)")
    p.add_argument("--permutations", type=int, metavar="N",
                   help="permutations for the summary/system-level tests of each compared pair"
                        " (default: as many as --bootstrap; 0 skips them)")
    p.add_argument("--confidence", type=float, default=0.95, help="interval confidence (default 0.95)")
    p.add_argument("--compare", default="all", metavar="all|none|A:B,...",
                   help="judge pairs for the paired test of A vs B (default all pairs)")
    p.add_argument("--labels", metavar="FILE",
                   help="human labels to join with a run output (JSONL/CSV/Parquet): one row per labelled"
                        " output with the id column (--id), the label column (--human), and 'task'/'system'"
                        " when the run has several tasks or is an adapter sweep")
    p.add_argument("--id", default="doc_id", metavar="COL", help="sample id column for --labels (doc_id)")
    p.add_argument("--text", metavar="COL",
                   help="output text column for the length bias (default: 'prediction' if present)")
    p.add_argument("--source", choices=("auto", "summarize_from_feedback", "realsumm"), default="auto",
                   help="read DATA as a real human-label source (DATA 'hub' loads summarize_from_feedback"
                        " from the Hugging Face hub)")
    p.add_argument("--split", default="validation", help="summarize_from_feedback split (validation)")
    p.add_argument("--jury", metavar="A,B,C",
                   help="add two judges combining these: jury.mean (mean of standardised scores) and"
                        " jury.weighted (non-negative weights cross-fitted by item on the human labels)")
    p.add_argument("--output", "-o", metavar="OUT.json", help="write the full report as JSON")
    p.add_argument("--plot", metavar="DIR", help="write correlation_matrix.png and cit_cat.png")
    p.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    """Load, validate, evaluate, print tables, write JSON/plots. Returns the exit code."""
    import sys
    from pathlib import Path

    from ifteval.errors import DataError
    from ifteval.metameter import loaders
    from ifteval.metameter.bootstrap import Bootstrap
    from ifteval.metameter.data import prepare
    from ifteval.metameter.flags import check_bootstrap, check_permutations, check_tfa
    from ifteval.metameter.report import MetaConfig, meta_evaluate, render_text
    from ifteval.outputs import check_output_file, check_output_folder

    inputs = [None if args.data == "hub" else args.data, args.labels]
    if args.output:
        check_output_file(args.output, "--output", inputs, example="meta.json")
    if args.plot:
        check_output_folder(args.plot, "--plot", inputs)
    if args.permutations is not None and args.permutations < 0:
        raise DataError(f"--permutations must be >= 0, got {args.permutations}")
    if args.bootstrap < 0:
        raise DataError(f"--bootstrap must be >= 0, got {args.bootstrap}")
    check_fraction("--confidence", args.confidence)
    judges = split_list(args.judges)
    human = split_list(args.human)
    hub = args.data == "hub" and args.source == "summarize_from_feedback"
    loaded = loaders.read_input(None if hub else args.data, args.source, args.split)
    frame, source = loaded.frame, loaded.source
    human = human or list(loaded.human)
    item = args.item if args.item is not None else loaded.item
    system = args.system if args.system is not None else loaded.system
    text = args.text if args.text is not None else loaded.text
    if args.labels:
        labels = loaders.load_table(args.labels)
        frame = loaders.join_labels(frame, labels, args.labels, id_col=args.id,
                                    on=[c for c in ("task", system) if c], human=human or ["human"])
    if not human:
        if "human" not in frame.columns:
            raise DataError(f"no --human given and {source} has no 'human' column; pass --human COL")
        human = ["human"]
    if not judges:
        judges = [j for j in loaded.judges if j not in human and j in frame.columns]
        if judges:
            print(f"judges: no --judges given, using every score column: {', '.join(judges)}")
    if not judges:
        raise DataError(f"no judges given for {source}; pass --judges A,B,C")
    jury = None
    if args.jury:
        from ifteval.metameter.jury import JURY_MEAN, JURY_WEIGHTED, add_jury

        jury_item = item or next((c for c in ("item", "doc_id", "id") if c in frame.columns), None)
        frame, jury = add_jury(frame, split_list(args.jury), human, jury_item, source, seed=args.seed)
        judges = judges + [j for j in (JURY_MEAN, JURY_WEIGHTED) if j not in judges]
    task = args.task or ("task" if "task" in frame.columns else None)
    if text is None and "prediction" in frame.columns:
        text = "prediction"
    regime = tfa = None
    if args.tfa:
        parts = args.tfa.split(":")
        if len(parts) != 3 or not all(parts):
            raise DataError(
                f"--tfa expects COL:BEFORE:AFTER (e.g. regime:zero_shot:trained), got '{args.tfa}'"
            )
        regime, tfa = parts[0], (parts[1], parts[2])
    data = prepare(frame, human if len(human) > 1 else human[0], judges, task, system=system, item=item,
                   regime=regime, text=text, source=source)
    check_bootstrap(args.bootstrap, data)
    check_permutations(args.bootstrap if args.permutations is None else args.permutations, data)
    if tfa is not None:
        check_tfa(tfa, str(regime))
    if args.compare == "all":
        compare: object = "all"
    elif args.compare == "none":
        compare = ()
    else:
        compare = []
        for pair in split_list(args.compare):
            a, _, b = pair.partition(":")
            if not a or not b:
                raise DataError(f"--compare expects all, none or A:B pairs, got '{pair}'")
            compare.append((a, b))
    config = MetaConfig(method=args.method, bootstrap=Bootstrap(args.bootstrap, args.seed, args.confidence,
                                                                       args.resample),
                        tfa=tfa, compare=compare, permutations=args.permutations)
    report = meta_evaluate(data, config)
    if jury is not None:
        report["jury"] = jury
    orphans = report["meta"].get("unmatched_labels")
    if orphans and orphans["count"]:
        print(f"warning: {orphans['count']} of {orphans['n_labels']} labels in {orphans['source']} match no"
              f" scored output and were ignored (e.g. {'; '.join(orphans['examples'])})", file=sys.stderr)
    print(render_text(report), end="")
    if args.output:
        write_json_report(Path(args.output), report)
    if args.plot:
        from ifteval.metameter.plots import plot_report

        for path in plot_report(report, args.plot):
            print(f"wrote {path}")
    return 0
