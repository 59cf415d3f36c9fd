"""`ifteval explain`: ask an LLM judge's model why the lowest-scoring outputs went wrong (paper B.4)."""

from __future__ import annotations

import argparse
import math
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "explain",
        help="automatic error analysis: send the wrong predictions to an LLM judge (paper B.4)",
        description=(
            "Pick the wrong rows of a samples file (or an 'ifteval run' folder): rows scored below the "
            "maximum (1.0 for gold metrics, 0/1 metrics and judges) or below --below, the N lowest "
            "first. Build the paper's B.4 error-pattern prompt (sentiment / NLI wording for those tasks, "
            "generic otherwise), send it to the judge's model (cached) and print the analysis."
        ),
    )
    parser.add_argument("samples", type=Path, metavar="SAMPLES", help="samples JSONL file or run folder")
    parser.add_argument("--judge", default="gpt4", help="LLM judge whose model answers (default: gpt4)")
    parser.add_argument("--task", help="task of the rows to analyse (needed when the input has several)")
    parser.add_argument(
        "--score-key",
        help="what 'lowest-scoring' means: a judge in the rows' scores, a metric column, or 'gold' "
        "(the task's primary gold metric); default: the judge's own scores if present, else gold",
    )
    parser.add_argument("--n", type=int, default=10, help="how many wrong rows to send at most (default 10)")
    parser.add_argument(
        "--below",
        type=float,
        metavar="X",
        help="a row is wrong when its score is below X (default: the maximum score, 1.0 for gold, 0/1 "
        "metrics and judges; set it for continuous judges, e.g. --below 0.5)",
    )
    parser.add_argument("--max-tokens", type=int, default=512, help="length of the analysis (default 512)")
    parser.add_argument("--base-url", help="override the judge's endpoint (else preset / OPENAI_BASE_URL)")
    parser.add_argument("--model", help="override the judge's model")
    parser.add_argument("--show-prompt", action="store_true", help="print the prompt before the analysis")
    parser.add_argument("--dry-run", action="store_true", help="print the prompt only; call nothing")
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    from ifteval.errors import ConfigError, DataError
    from ifteval.judges import build_judge, load_spec
    from ifteval.judges.error_analysis import build_prompt, wrong_rows
    from ifteval.record import read_records

    if args.n < 1:
        raise ConfigError(f"--n must be at least 1, got {args.n}")
    if args.below is not None and not math.isfinite(args.below):
        raise ConfigError(f"--below must be a finite score threshold (e.g. --below 0.5), got {args.below}")
    overrides = {k: v for k, v in {"base_url": args.base_url, "model": args.model}.items() if v}
    spec = load_spec(args.judge)
    if spec.kind != "llm":
        raise ConfigError(f"judge '{args.judge}' is kind '{spec.kind}', not an LLM judge; try --judge gpt4")
    judge = build_judge(spec, {**overrides, "progress": False})

    records = read_records([args.samples])
    tasks = sorted({record.sample.task for record in records if record.sample.task})
    if args.task:
        records = [record for record in records if record.sample.task in (args.task, None)]
        if not records:
            raise DataError(f"{args.samples}: no rows of task '{args.task}'; tasks present: {tasks}")
    elif len(tasks) > 1:
        raise DataError(f"{args.samples} holds several tasks {tasks}; choose one with --task")
    task = args.task or (tasks[0] if tasks else None)
    key = args.score_key or (judge.name if any(judge.name in record.verdicts for record in records)
                             else "gold")
    pairs = [(record.row, record.sample.task or task) for record in records]
    selection = wrong_rows(pairs, key, args.n, args.below)
    if not selection.scored:
        raise DataError(f"{args.samples}: every row's '{key}' score is null; nothing to analyse")
    if not selection.rows:
        print(f"No wrong predictions to analyse: all {selection.scored} scored rows of "
              f"{task or 'the samples'} have '{key}' >= {selection.threshold:g}; nothing was sent.")
        return 0
    rows = selection.rows
    prompt = build_prompt(judge.render, task, rows)
    if args.dry_run or args.show_prompt:
        print(prompt)
        print()
    if args.dry_run:
        return 0
    [answer] = judge.ask([prompt], max_tokens=args.max_tokens, desc="explain")
    if answer.error:
        raise DataError(f"the judge model gave no analysis: {answer.error}")
    low, high = rows[0].score, rows[-1].score
    print(f"Error analysis by {judge.client.model} of the {len(rows)} lowest-scoring of {selection.wrong} "
          f"wrong rows of {task or 'the samples'} (by '{key}' < {selection.threshold:g}, scores {low:.3g} "
          f"to {high:.3g}):\n")
    print(answer.text.strip())
    return 0
