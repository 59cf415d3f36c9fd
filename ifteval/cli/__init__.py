"""The `ifteval` command: one subcommand a module, each exposing `register(subparsers)`.

A subcommand's `register` adds its parser and sets `func=handler`, where `handler(args) -> int`.
Library errors (`IftevalError`) print as one line and exit 2; `--debug` shows the traceback.
With `IFTEVAL_PARSE_ONLY=1` a command exits 0 right after its flags parse (argparse exits 2 on a bad
flag): the docs test checks commands that need a GPU or a remote service this way.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from ifteval import __version__
from ifteval.cli.aliases import add_underscore_aliases
from ifteval.errors import IftevalError
from ifteval.secrets import mask, register_environment

SUBCOMMANDS = (
    "run", "judge", "meta", "tasks", "judges", "explain", "model", "estimate", "calibrate", "plan",
    "mix", "finetune", "curve", "report", "data",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ifteval",
        description="Evaluate instruction-fine-tuned models and meta-evaluate their judges.",
    )
    parser.add_argument("--version", action="version", version=f"ifteval {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"ifteval.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"ifteval.cli.{name}":
                continue  # subcommand not built yet
            raise
        module.register(subparsers)
    add_underscore_aliases(parser)  # lm-eval's spellings too: --model_args, --output_path, ...
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if os.environ.get("IFTEVAL_PARSE_ONLY") == "1":
        return 0  # the docs test checks a command's flags without running it (GPU, remote service)
    register_environment()  # tokens in the environment are masked in every output and message
    try:
        return int(args.func(args) or 0)
    except IftevalError as exc:
        if args.debug:
            raise
        print(f"ifteval: error: {mask(str(exc))}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `ifteval tasks list | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("ifteval: interrupted; finished work is cached and a rerun resumes it", file=sys.stderr)
        return 130
