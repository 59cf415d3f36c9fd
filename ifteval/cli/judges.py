"""`ifteval judges list|show`: what judges exist, which model each uses, whether it needs a reference."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

MODEL_ARGS = ("model", "model_type", "model_name", "model_name_or_path")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("judges", help="list judge presets or show one")
    actions = parser.add_subparsers(dest="judges_command", metavar="ACTION")
    include = argparse.ArgumentParser(add_help=False)
    include.add_argument(
        "--include-path", action="append", default=[], type=Path, metavar="DIR", help="extra presets folder"
    )
    listing = actions.add_parser("list", parents=[include], help="name, kind, model, reference, description")
    listing.set_defaults(func=handle_list)
    show = actions.add_parser("show", parents=[include], help="print a judge's preset YAML")
    show.add_argument("name", help="judge name or preset path")
    show.set_defaults(func=handle_show)
    parser.set_defaults(func=lambda args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def preset_model(args: dict[str, Any]) -> str:
    """The model a preset names, or '-' for lexical judges."""
    for key in MODEL_ARGS:
        if args.get(key):
            return str(args[key])
    return "-"


def needs_reference(spec: Any) -> str:
    """'yes'/'no' from the judge built with the preset's arguments (a reward model needs a reference
    or not depending on `reference_free`), else the kind's class attribute; '?' when neither says."""
    from ifteval.errors import IftevalError
    from ifteval.judges import build_judge, judge_kinds

    try:
        flag: bool | None = build_judge(spec).requires_reference
    except IftevalError:
        flag = getattr(judge_kinds().get(spec.kind), "requires_reference", None)
    return "yes" if flag is True else "no" if flag is False else "?"


def handle_list(args: argparse.Namespace) -> int:
    from ifteval.errors import IftevalError
    from ifteval.judges import judge_presets, load_preset

    header = ("name", "kind", "model", "reference", "description")
    rows = []
    for name, path in sorted(judge_presets(args.include_path).items()):
        try:
            spec = load_preset(path)
        except IftevalError as exc:
            rows.append((name, "!", "-", "?", f"broken preset: {exc}"))
            continue
        try:
            reference = needs_reference(spec)
        except IftevalError:
            reference = "?"
        rows.append((name, spec.kind, preset_model(dict(spec.args)), reference, spec.description))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row[:-1], widths, strict=True)) + "  " + row[-1])
    return 0


def handle_show(args: argparse.Namespace) -> int:
    from ifteval.judges import load_spec

    spec = load_spec(args.name, args.include_path)
    print(f"# {spec.path}")
    print(spec.path.read_text().rstrip() if spec.path else spec.as_dict())
    return 0
