"""`ifteval report`: one self-contained HTML page (styles, script, figures and data inline; no network).

Only argparse is imported at module level so `ifteval --help` stays fast; the handler imports the rest.
"""

from __future__ import annotations

import argparse

EPILOG = """examples:
  ifteval report demo-out --output demo-out/report.html
  ifteval report out/run judged.jsonl meta.json curve/ --output report.html
  ifteval report sweep/ --output sweep.html --max-samples 20
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `report` subcommand."""
    p = subparsers.add_parser(
        "report",
        help="one self-contained HTML page for runs, sweeps, judged samples, meta-evaluations and curves",
        description="Read any mix of 'ifteval run' folders, adapter-sweep folders, 'ifteval judge' "
                    "JSONL files, 'ifteval meta' JSON reports and curve folders, and write one HTML file "
                    "that opens from disk, needs no network and prints to PDF.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="run folder, sweep folder, judge JSONL, meta JSON or curve folder")
    p.add_argument("--output", "-o", required=True, metavar="REPORT.html", help="the HTML file to write")
    p.add_argument("--max-samples", type=int, default=100, metavar="N",
                   help="samples per task embedded in the sample browser (default 100; fewer are embedded "
                        "when the page would pass its size budget); a capped task keeps its invalid "
                        "verdicts and the rows its judges disagree on most")
    p.set_defaults(func=handler)


def check_output(output: str, inputs: list[str]) -> None:
    """Refuse, before any work, an output that is a folder, has no .html suffix, or would replace an input."""
    from pathlib import Path

    from ifteval.errors import DataError
    from ifteval.outputs import check_output_file

    out = Path(output)
    check_output_file(out, "--output", inputs, example="report.html")
    if out.suffix.lower() not in (".html", ".htm"):
        raise DataError(f"--output {output}: the report is HTML; name it *.html")


def handler(args: argparse.Namespace) -> int:
    """Read the inputs, render, write atomically, print the path."""
    from pathlib import Path

    from ifteval.errors import DataError
    from ifteval.report import build_report
    from ifteval.writers import atomic_write_text

    if args.max_samples < 1:
        raise DataError(f"--max-samples must be at least 1, got {args.max_samples}")
    check_output(args.output, args.paths)
    page = build_report([Path(p) for p in args.paths], samples_per_task=args.max_samples)
    out = Path(args.output)
    atomic_write_text(out, page)
    size = out.stat().st_size
    print(f"report: {out} ({size / 1e6:.2f} MB)")
    return 0
