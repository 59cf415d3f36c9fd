"""The paper's tasks as lm-eval task YAML: data loading with fallbacks, hash splits, name resolution.

Public API (imports stay light: lm-eval and ``datasets`` load only when a function needs them):

- ``task_manager(include_paths=(), include_defaults=False)`` -> lm-eval ``TaskManager``
- ``resolve_task_names(spec, manager)`` -> task names, tags/groups/globs expanded
- ``load_split_dataset(source, category=None, data_dir=None)`` -> ``DatasetDict`` train/validation/test
- ``load_rows(source, data_dir=None)`` -> (rows, origin)
- ``split_of(key)``, ``content_key(row, fields)``: the 80/10/10 content-hash split
- ``validate_task_yaml(path)`` -> list of ``ValidationIssue`` (``severity`` ``error`` or ``warning``)
- ``data_origins()`` -> ``{source: {"origin": "smoke"|"hub"|"local", "location": str, "rows": int}}``
  for every source loaded in this process; ``task_source(task, manager=None)`` -> the source a task
  (name, config mapping, ``TaskConfig`` or ``Task``) reads, or None
- ``SOURCES``, ``get_source(name)``, ``ALPACA_CATEGORIES``
"""

from __future__ import annotations

from ifteval.tasks.data import data_origins, load_rows, load_split_dataset
from ifteval.tasks.manager import resolve_task_names, task_manager, task_paths
from ifteval.tasks.provenance import task_source
from ifteval.tasks.sources import ALPACA_CATEGORIES, SOURCES, Source, get_source
from ifteval.tasks.splits import SPLITS, content_key, split_of
from ifteval.tasks.validate import ValidationIssue, validate_task_yaml

__all__ = [
    "ALPACA_CATEGORIES",
    "SOURCES",
    "SPLITS",
    "Source",
    "content_key",
    "data_origins",
    "get_source",
    "load_rows",
    "load_split_dataset",
    "resolve_task_names",
    "split_of",
    "task_manager",
    "task_paths",
    "task_source",
    "ValidationIssue",
    "validate_task_yaml",
]
