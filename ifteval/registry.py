"""Plugin registries: lazy `"module:attr"` entries, and the top-level `registry.yaml` index.

Modelled on lm-eval's `Registry[T]`: entries are imported only when looked up (so `ifteval tasks list`
stays fast), a collision names both targets, and a failed lookup suggests the closest names.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml

from ifteval.errors import ConfigError, UnknownNameError, did_you_mean

T = TypeVar("T")

REGISTRY_FILE = "registry.yaml"
_REGISTRY_KEYS = {"version", "tasks", "judge_kinds", "judges"}


class Registry(Generic[T]):
    """Name -> object, where an entry may be a `"module:attr"` string imported on first use."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, T | str] = {}
        self._origins: dict[str, str] = {}

    def register(self, name: str, target: T | str, origin: str = "") -> None:
        if name in self._entries and self._entries[name] != target:
            raise ConfigError(
                f"{self.kind} '{name}' is registered twice: {self._origins[name] or self._entries[name]!r} "
                f"and {origin or target!r}. Rename one of them."
            )
        self._entries[name] = target
        self._origins[name] = origin

    def get(self, name: str) -> T:
        if name not in self._entries:
            raise UnknownNameError(
                f"unknown {self.kind} '{name}'.{did_you_mean(name, self._entries)} "
                f"Known: {', '.join(sorted(self._entries)) or '(none)'}."
            )
        entry = self._entries[name]
        if isinstance(entry, str):
            entry = import_target(entry, where=self._origins[name] or self.kind)
            self._entries[name] = entry
        return entry  # type: ignore[return-value]

    def origin(self, name: str) -> str:
        self.get(name)
        return self._origins[name]

    def names(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())


def import_target(target: str, where: str = "") -> Any:
    """Import `"package.module:attr"`; errors name the registry entry that asked for it."""
    module_name, _, attr = target.partition(":")
    if not attr:
        raise ConfigError(f"{where}: '{target}' must look like 'package.module:attr'")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise ConfigError(f"{where}: cannot import '{module_name}' for '{target}': {exc}") from exc
    try:
        return getattr(module, attr)
    except AttributeError as exc:
        raise ConfigError(f"{where}: module '{module_name}' has no attribute '{attr}'") from exc


def plugin_root() -> Path:
    """Where `registry.yaml`, `ifteval_tasks/` and `ifteval_judges/` live: the checkout, or the wheel's
    copy."""
    package_dir = Path(__file__).resolve().parent
    checkout = package_dir.parent
    if (checkout / REGISTRY_FILE).is_file() and (checkout / "ifteval_tasks").is_dir():
        return checkout
    return package_dir / "_plugins"


@dataclass(frozen=True)
class RegistryIndex:
    """The parsed `registry.yaml`: task folders, judge kinds (factories), judge preset folders and the
    presets found in them (`judges`: name -> file; a preset's name is its file stem)."""

    path: Path
    task_paths: list[Path] = field(default_factory=list)
    judge_kinds: dict[str, str] = field(default_factory=dict)
    judge_paths: list[Path] = field(default_factory=list)
    judges: dict[str, Path] = field(default_factory=dict)


def _folders(data: Any, key: str, path: Path) -> list[Path]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: field '{key}' must be a list of folder paths")
    folders = [path.parent / v for v in value]
    for folder in folders:
        if not folder.is_dir():
            raise ConfigError(f"{path}: field '{key}' lists {folder}, which is not a folder")
    return folders


def preset_files(folders: list[Path]) -> dict[str, Path]:
    """name -> preset file for every `*.yaml` directly in `folders`, named by its file stem; a name found
    in two folders is an error naming both files."""
    presets: dict[str, Path] = {}
    for folder in folders:
        for file in sorted(folder.glob("*.yaml")):
            if file.stem in presets and presets[file.stem].resolve() != file.resolve():
                raise ConfigError(f"judge '{file.stem}' is defined twice: {presets[file.stem]} and {file}."
                                  " Rename one.")
            presets[file.stem] = file
    return presets


def _mapping(data: Any, key: str, path: Path) -> dict[str, str]:
    value = data.get(key) or {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"{path}: field '{key}' must be a mapping of name -> string")
    return {str(k): v for k, v in value.items()}


@lru_cache(maxsize=8)
def load_registry(path: Path | None = None) -> RegistryIndex:
    """Read and validate `registry.yaml` (unknown keys and wrong types are errors, not skipped)."""
    path = Path(path) if path else plugin_root() / REGISTRY_FILE
    if not path.is_file():
        raise ConfigError(f"registry file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: top level must be a mapping with keys {sorted(_REGISTRY_KEYS)}")
    unknown = set(data) - _REGISTRY_KEYS
    if unknown:
        bad = sorted(unknown)[0]
        raise ConfigError(f"{path}: unknown key '{bad}'.{did_you_mean(bad, _REGISTRY_KEYS)}")
    tasks = data.get("tasks") or []
    if not isinstance(tasks, list) or not all(isinstance(t, str) for t in tasks):
        raise ConfigError(f"{path}: field 'tasks' must be a list of folder paths")
    judge_paths = _folders(data, "judges", path)
    return RegistryIndex(
        path=path,
        task_paths=[path.parent / t for t in tasks],
        judge_kinds=_mapping(data, "judge_kinds", path),
        judge_paths=judge_paths,
        judges=preset_files(judge_paths),
    )
