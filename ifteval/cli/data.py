"""`ifteval data`: turn a public human-label release into rows the other commands read.

`ifteval data realsumm SRC -o rows.jsonl` writes one `ifteval judge` input row per (document, system)
summary, carrying the human score and the authors' metrics; `-o scores.csv` writes the scores alone
(no text), which is what `ifteval meta --source realsumm` needs for the authors' own metrics.
"""

from __future__ import annotations

import argparse
from pathlib import Path

EPILOG = """examples:
  ifteval data realsumm ../shared/data/realsumm -o realsumm_rows.jsonl
  ifteval judge realsumm_rows.jsonl --judges rouge1,chrf -o judged.jsonl
  ifteval meta judged.jsonl --human litepyramid_recall --system system --item doc_id
"""
TEXT_COLUMNS = ("id", "task", "prompt", "prediction", "reference")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `data` subcommand."""
    p = subparsers.add_parser(
        "data",
        help="convert a human-label release (REALSumm) into judge/meta input rows",
        description="Convert REALSumm's official score files (abs.pkl, ext.pkl or their folder) into JSONL"
                    " rows for 'ifteval judge' (.jsonl) or a scores-only table for 'ifteval meta' (.csv).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("source", choices=("realsumm",), help="which release (realsumm)")
    p.add_argument("path", type=Path, metavar="SRC", help="abs.pkl, ext.pkl, or the folder holding both")
    p.add_argument("--output", "-o", required=True, type=Path, metavar="OUT.jsonl|OUT.csv",
                   help=".jsonl: judge-ready rows with texts; .csv: scores only")
    p.add_argument("--documents", type=int, metavar="N", help="keep the first N documents (by id)")
    p.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    """Read the release, write the rows; refuses to write over its input."""
    import pandas as pd

    from ifteval.errors import DataError
    from ifteval.metameter.realsumm import read_official
    from ifteval.outputs import check_output_file
    from ifteval.writers import atomic_write_text, write_jsonl

    out: Path = args.output
    suffix = out.suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        raise DataError(f"--output {out}: expected a .jsonl (rows with texts) or .csv (scores) file name")
    if args.documents is not None and args.documents < 1:
        raise DataError(f"--documents must be at least 1, got {args.documents}")
    check_output_file(out, "--output", [args.path], example="realsumm.jsonl")
    rows = read_official(args.path, args.documents)
    if suffix == ".jsonl":
        write_jsonl(out, rows)
    else:
        frame = pd.DataFrame(rows).drop(columns=list(TEXT_COLUMNS))
        # full precision: rounding turns the release's float near-ties (0.3 vs 0.30000000000000004)
        # into ties and moves Kendall figures in the 4th decimal
        atomic_write_text(out, frame.to_csv(index=False))
    n_docs = len({r["doc_id"] for r in rows})
    n_sys = len({r["system"] for r in rows})
    print(f"wrote {len(rows)} rows ({n_docs} documents x {n_sys} systems) to {out}")
    return 0
