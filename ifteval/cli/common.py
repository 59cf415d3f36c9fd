"""Small helpers several subcommands share: flags that mean the same in each (--data-dir, --include-path,
--limit, --no-progress), reading a comma-separated flag, checking a number flag, writing a JSON report.

Not a subcommand (it is not in `SUBCOMMANDS`); only the standard library at module level, so that
`ifteval --help` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ifteval.errors import DataError

DATA_DIR_HELP = "folder of local data files (<source>.jsonl in the hub schema)"


def add_data_dir(parser: argparse.ArgumentParser, help: str = DATA_DIR_HELP) -> None:
    """--data-dir, read by lm-eval's task hooks as `ifteval run` reads it (run, mix, curve)."""
    parser.add_argument("--data-dir", type=Path, default=None, help=help)


def add_include_path(parser: argparse.ArgumentParser) -> None:
    """--include-path: extra task YAML folders, repeatable (run, mix)."""
    parser.add_argument("--include-path", action="append", default=[], type=Path,
                        help="extra folder of task YAML (repeatable)")


def add_limit(parser: argparse.ArgumentParser) -> None:
    """--limit, checked later by `run_checks.check_limit` (run, curve)."""
    parser.add_argument("--limit", type=float, default=None, help="documents per task (or a fraction < 1)")


MAX_SEED = 2**32 - 1  # what torch, numpy's legacy RandomState and lm-eval's seeding accept


def seed_arg(value: str) -> int:
    """--seed of every command: an integer in [0, 2**32 - 1], refused at parse time (a negative seed
    used to surface only after work began, as a ValueError traceback from numpy or torch)."""
    try:
        seed = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not an integer") from None
    if not 0 <= seed <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{seed} is out of range: a seed is between 0 and 2**32 - 1")
    return seed


def add_no_progress(parser: argparse.ArgumentParser) -> None:
    """--no-progress sets `progress` False (run, curve, finetune)."""
    parser.add_argument("--no-progress", dest="progress", action="store_false", help="hide progress bars")


def split_list(value: str | None) -> list[str]:
    """`--judges a, b,,c` -> ['a', 'b', 'c']: comma-separated names, blanks dropped; None or '' -> []."""
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


def check_fraction(flag: str, value: float) -> None:
    """A probability flag (--confidence, --power) must lie strictly between 0 and 1."""
    if not 0 < value < 1:
        raise DataError(f"{flag} must be between 0 and 1, got {value}")


def check_folds(value: int) -> None:
    """--folds: cross-validation needs at least two folds."""
    if value < 2:
        raise DataError(f"--folds must be at least 2, got {value}")


def fmt_or_na(value: object, spec: str = ".4f") -> str:
    """A number in a printed table, or 'n/a' where the report has None (not computable)."""
    return "n/a" if value is None else format(value, spec)


def write_json_report(path: str | Path, report: dict) -> None:
    """Write a command's report as indented JSON (atomically) and say where.

    Through `writers.write_json`, so a NaN or inf that reaches a report is written as null (JSON has no
    NaN) instead of crashing after the work is done (issue 11: a NaN difference lost the whole report).
    """
    from ifteval.writers import write_json

    write_json(Path(path), report)
    print(f"wrote {path}")
