"""Which data a task read: its source (``task_source``); where that source came from is ``data_origins``
(recorded by the loader that read it, ``tasks.data``).

A smoke-set score must never pass for a real one, so results and run signatures record, per task, the
source it reads and that source's origin (``smoke``, ``hub`` or ``local``), location and row count::

    from ifteval.tasks import data_origins, task_source

    source = task_source("ifteval_sst2")          # "sst2"; or pass lm-eval's task config / Task object
    origin = data_origins().get(source) if source else None
    # {"origin": "smoke", "location": ".../ifteval/tasks/smoke/sst2.jsonl", "rows": 20}

``data_origins()`` only knows the sources loaded in this process, so call it after the tasks' datasets
are built (lm-eval builds them when it loads the tasks).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ifteval.tasks.manager import task_manager
from ifteval.tasks.sources import SOURCES

if TYPE_CHECKING:
    from lm_eval.tasks import TaskManager

__all__ = ["task_config", "task_source"]


def _source_of(config: Mapping[str, Any]) -> str | None:
    kwargs = config.get("dataset_kwargs")
    source = kwargs.get("source") if isinstance(kwargs, Mapping) else None
    return source if isinstance(source, str) and source in SOURCES else None


@lru_cache(maxsize=1)
def _default_manager() -> TaskManager:
    return task_manager()


def task_config(name: str, manager: TaskManager | None = None) -> Mapping[str, Any] | None:
    """A task's config as its index holds it, else its YAML read without resolving ``!function``;
    None for a name the manager (default: ifteval's own task folders) does not know."""
    from lm_eval.tasks._yaml_loader import load_yaml

    manager = manager if manager is not None else _default_manager()
    entry = manager.task_index.get(name)
    if entry is None:
        return None
    if entry.cfg:
        return entry.cfg
    return load_yaml(entry.yaml_path, resolve_func=False) if entry.yaml_path is not None else None


def task_source(task: object, manager: TaskManager | None = None) -> str | None:
    """The ifteval source a task reads (``"sst2"``, ``"alpaca_gpt4"``...), or None for a task that does
    not read one (an lm-eval built-in, a user task with its own ``dataset_path``, an unknown name).

    `task` may be a task name (looked up in `manager`, default: ifteval's own task folders), a config
    mapping (lm-eval's ``results["configs"][name]`` or a task YAML's dict), an lm-eval ``TaskConfig``,
    or an lm-eval ``Task``. The source is the task's ``dataset_kwargs.source``, the argument ifteval's
    ``custom_dataset`` loader receives.
    """
    if isinstance(task, str):
        config = task_config(task, manager)
        return _source_of(config) if config is not None else None
    config = getattr(task, "config", task)  # an lm-eval Task holds its TaskConfig in .config
    if hasattr(config, "dataset_kwargs"):  # a TaskConfig (checked first: it also acts as a mapping)
        return _source_of({"dataset_kwargs": config.dataset_kwargs})
    return _source_of(config) if isinstance(config, Mapping) else None
