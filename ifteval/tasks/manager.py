"""Resolve task names through lm-eval's ``TaskManager``, indexing only ifteval's task folders.

Indexing lm-eval's ~14,000 built-in task YAMLs takes ~14 s, so it happens only with
``include_defaults=True`` (``--include-defaults``). lm-eval's index skips an unreadable YAML silently
(its issue #3424); when a name is not found, the error lists the files in the searched folders that
could not be read, so "task not found" never hides a typo in the file.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ifteval.errors import ConfigError, UnknownNameError, did_you_mean
from ifteval.registry import load_registry
from ifteval.tasks.includes import install_include_fallback

if TYPE_CHECKING:
    from lm_eval.tasks import TaskManager


def task_paths(include_paths: Sequence[str | Path] = ()) -> list[Path]:
    """The registry's task folders, then the user's ``--include-path`` folders (which must exist)."""
    paths = list(load_registry().task_paths)
    for p in include_paths:
        path = Path(p).expanduser()
        if not path.exists():
            raise ConfigError(f"--include-path {p}: no such file or folder")
        paths.append(path)
    return paths


def task_manager(
    include_paths: Sequence[str | Path] = (), include_defaults: bool = False
) -> TaskManager:
    """An lm-eval ``TaskManager`` over ifteval's tasks (+ include paths, + built-ins if asked)."""
    from lm_eval.tasks import TaskManager

    install_include_fallback()  # `include: ../_template_yaml` works from any --include-path folder
    paths = [str(p) for p in task_paths(include_paths)]
    return TaskManager(include_path=paths, include_defaults=include_defaults)


def _split_spec(spec: str | Sequence[str]) -> list[str]:
    items = spec.split(",") if isinstance(spec, str) else [s for part in spec for s in part.split(",")]
    return [s.strip() for s in items if s.strip()]


def unreadable_yaml(manager: TaskManager) -> list[str]:
    """``file: reason`` for each YAML under the manager's include paths that lm-eval could not index."""
    from lm_eval.tasks._yaml_loader import load_yaml

    roots = manager.include_path or []
    roots = roots if isinstance(roots, (list, tuple)) else [roots]
    indexed = {str(e.yaml_path) for e in manager.task_index.values() if e.yaml_path}
    out = []
    for root in roots:
        root = Path(root)
        files = [root] if root.is_file() else sorted(root.glob("**/*.yaml"))
        for path in files:
            if str(path.resolve()) in indexed or str(path) in indexed:
                continue
            try:
                cfg = load_yaml(path, resolve_func=False)
                if not isinstance(cfg, dict) or not ({"task", "group", "class"} & set(cfg)):
                    raise ValueError("no 'task' or 'group' key")
            except Exception as exc:  # noqa: BLE001 -- reported to the user, one line each
                out.append(f"{path}: {_reason(exc)}")
    return out


def _reason(exc: Exception) -> str:
    """One line: a YAML error as ``line N: problem``, anything else by its first line."""
    import yaml

    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if isinstance(exc, yaml.YAMLError) and mark is not None:
        problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or type(exc).__name__
        return f"line {mark.line + 1}: malformed YAML: {problem}"
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def _expand(name: str, manager: TaskManager, seen: set[str]) -> list[str]:
    """A task -> itself; a tag or group -> its tasks (recursively); a glob -> every match."""
    from lm_eval.tasks._index import Kind

    if name in seen:
        return []
    seen.add(name)
    entry = manager.task_index.get(name)
    if entry is None:
        matches = (
            [n for n in manager.all_subtasks if fnmatch.fnmatchcase(n, name)]
            if any(c in name for c in "*?[")
            else []
        )
        if matches:
            return matches
        hint = did_you_mean(name, manager.all_tasks)
        broken = unreadable_yaml(manager)
        note = f" These task files could not be read: {'; '.join(broken)}." if broken else ""
        raise UnknownNameError(
            f"unknown task '{name}'.{hint or ' Known tasks: ' + ', '.join(manager.all_subtasks[:30]) + '.'}"
            f"{note} See 'ifteval tasks list'."
        )
    if entry.kind in (Kind.TASK, Kind.PY_TASK):
        return [name]
    if entry.kind == Kind.TAG:
        children = sorted(entry.tags)
    else:
        listed = (entry.cfg or {}).get("task") or []
        children = [c if isinstance(c, str) else c.get("task") or c.get("group") for c in listed]
    out: list[str] = []
    for child in children:
        if child and child in manager.task_index:
            out.extend(_expand(child, manager, seen))
        elif child:
            out.append(child)  # an inline task defined inside the group
    return out


def resolve_task_names(spec: str | Sequence[str], manager: TaskManager) -> list[str]:
    """Task names from ``"a,b"`` or a list, tags/groups/globs expanded, order kept, duplicates dropped."""
    names = _split_spec(spec)
    if not names:
        raise UnknownNameError("no task given. See 'ifteval tasks list' for the registered tasks.")
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        for task in _expand(name, manager, seen):
            if task not in out:
                out.append(task)
    return out
