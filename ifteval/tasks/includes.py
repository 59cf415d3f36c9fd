"""`include: ../_template_yaml` from any folder: a relative include that is not next to the task file
is looked up in ifteval's own task folders, as if the file sat in one of them.

The docs tell users to start a task from ifteval's shared template; copied into an `--include-path`
folder, the relative include pointed nowhere and the task silently failed to index. The lookup runs
only when the path next to the file does not exist, so lm-eval's own resolution always wins.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ifteval.registry import load_registry


def shipped_include(include: str, including_file: Path) -> Path | None:
    """Where a relative `include` of `including_file` resolves among ifteval's task folders (a
    family subfolder first, so `../_template_yaml` is the shared template), or None."""
    if Path(include).is_absolute() or (including_file.parent / include).exists():
        return None

    for root in load_registry().task_paths:
        families = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
        for base in [root, *families[:1]]:
            candidate = (base / include).resolve()
            if candidate.is_file() and candidate.is_relative_to(root.resolve()):
                return candidate
    return None


def _fallback(path: Path, including: Iterable[Path]) -> Path | None:
    for parent in including:
        found = shipped_include(os.path.relpath(path, parent.parent), parent)
        if found is not None:
            return found
    return None


def install_include_fallback() -> None:
    """Teach lm-eval's YAML loader the lookup above (idempotent). lm-eval loads an include through its
    module-level `load_yaml`, passing the files seen so far; only a missing path is redirected."""
    from lm_eval.tasks import _yaml_loader

    original = _yaml_loader.load_yaml
    if getattr(original, "ifteval_fallback", False):
        return

    def load_yaml(path: Any, *, resolve_func: bool = True, recursive: bool = True,
                  _seen: set[Path] | None = None) -> dict[str, Any]:
        target = Path(path).expanduser()
        if _seen and not target.exists():
            target = _fallback(target.resolve(), sorted(_seen)) or target
        return original(target, resolve_func=resolve_func, recursive=recursive, _seen=_seen)

    load_yaml.ifteval_fallback = True  # type: ignore[attr-defined]
    _yaml_loader.load_yaml = load_yaml
