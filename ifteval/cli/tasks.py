"""`ifteval tasks list|validate`: what tasks are registered, and whether a task YAML is sound."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("tasks", help="list registered tasks or validate task YAML")
    sub = parser.add_subparsers(dest="tasks_command", metavar="ACTION", required=True)
    lister = sub.add_parser(
        "list", help="name, tags and groups, source dataset, output type and metrics of each task"
    )
    lister.add_argument(
        "--include-path",
        action="append",
        default=[],
        metavar="DIR",
        help="another folder of task YAML (repeatable)",
    )
    lister.add_argument(
        "--include-defaults", action="store_true", help="also index lm-eval's ~14,000 built-in tasks (slow)"
    )
    lister.set_defaults(func=list_tasks)
    validator = sub.add_parser(
        "validate", help="check task YAML files; each issue as FILE:LINE: field: message"
    )
    validator.add_argument("paths", nargs="+", metavar="PATH", help="a task YAML, or a folder of them")
    validator.set_defaults(func=validate_tasks)


def _source_label(cfg: Mapping[str, Any]) -> str:
    from ifteval.tasks.provenance import task_source
    from ifteval.tasks.sources import SOURCES

    source = task_source(cfg)
    if source is not None:
        category = cfg["dataset_kwargs"].get("category")
        return SOURCES[source].hub_id + (f" [{category}]" if category else "")
    return str(cfg.get("dataset_path") or "-") + (
        f"/{cfg['dataset_name']}" if cfg.get("dataset_name") else ""
    )


def list_tasks(args: argparse.Namespace) -> int:
    """Print the task table; a YAML file lm-eval could not index is named on stderr and exits 2."""
    import sys

    from lm_eval.tasks._index import Kind

    from ifteval.tasks.manager import task_manager, unreadable_yaml
    from ifteval.tasks.provenance import task_config

    manager = task_manager(args.include_path, include_defaults=args.include_defaults)
    groups: dict[str, set[str]] = {}  # task -> the groups that list it (lm-eval group YAML)
    for name, entry in manager.task_index.items():
        if entry.kind == Kind.GROUP:
            for child in (entry.cfg or {}).get("task") or []:
                if isinstance(child, str):
                    groups.setdefault(child, set()).add(name)
    rows = [("TASK", "TAGS", "SOURCE", "OUTPUT", "METRICS")]
    for name in manager.all_subtasks:
        entry = manager.task_index[name]
        cfg = task_config(name, manager) or {}
        metrics = ",".join(m.get("metric", "?") for m in cfg.get("metric_list") or [] if isinstance(m, dict))
        kind = cfg.get("output_type", "-") if entry.kind == Kind.TASK else "python"
        labels = ",".join(sorted(set(entry.tags) | groups.get(name, set())))
        rows.append((name, labels or "-", _source_label(cfg), kind, metrics or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[-1])
    # lm-eval's index skips a YAML it cannot read at DEBUG level (#3424): say so, and fail.
    broken = unreadable_yaml(manager)
    for line in broken:
        print(f"ifteval: error: task file not indexed: {line}", file=sys.stderr)
    if broken:
        print(
            f"ifteval: error: {len(broken)} task file(s) could not be read; fix them "
            "(see 'ifteval tasks validate PATH')",
            file=sys.stderr,
        )
        return 2
    return 0


def validate_tasks(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ifteval.errors import IftevalError
    from ifteval.tasks.validate import ValidationIssue, is_error, validate_task_yaml

    files: list[Path] = []
    for p in map(Path, args.paths):
        files.extend(sorted(p.glob("**/*.yaml")) if p.is_dir() else [p])
    issues: list[ValidationIssue] = []
    for f in files:  # every file is reported, even after one that fails badly
        try:
            found = validate_task_yaml(f)
        except IftevalError as exc:
            found = [ValidationIssue(str(f.resolve()), 1, "(file)", str(exc))]
        issues.extend(i for i in found if i not in issues)  # a shared template once
    for issue in issues:
        print(issue)
    errors = [i for i in issues if is_error(i)]
    warnings = len(issues) - len(errors)
    if errors:
        print(
            f"{len(errors)} issue(s) in {len({i.file for i in errors})} file(s)"
            + (f", and {warnings} warning(s)" if warnings else "")
        )
        return 2
    print(f"ok: {len(files)} file(s)" + (f", {warnings} warning(s)" if warnings else ""))
    return 0
