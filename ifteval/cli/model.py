"""`ifteval model prepare|path`: obtain the embedded default model (once) and say where it is."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("model", help="prepare or locate the embedded default model")
    parser.add_argument(
        "action", choices=["prepare", "path"], help="prepare: convert once; path: print folder"
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    from ifteval.generation.embedded import EMBEDDED_MODEL_NAME, embedded_model_path

    path = embedded_model_path()
    if args.action == "prepare":
        print(f"{EMBEDDED_MODEL_NAME} ready at {path}")
    else:
        print(path)
    return 0
