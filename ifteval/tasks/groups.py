"""Keep lm-eval groups whole when a run names them, so lm-eval reports a row per group.

`resolve_task_names` flattens groups into their tasks (what a run generates on); lm-eval only
aggregates a group it was handed as a group, so the run passes the requested groups themselves plus
the tasks no requested group covers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ifteval.tasks.manager import _split_spec, resolve_task_names

if TYPE_CHECKING:
    from lm_eval.tasks import TaskManager


def evaluation_specs(spec: str | Sequence[str], manager: TaskManager) -> list[str]:
    """The names to load for lm-eval: requested groups (outermost only), then uncovered tasks."""
    from lm_eval.tasks._index import Kind

    requested = _split_spec(spec)
    groups = [n for n in requested if getattr(manager.task_index.get(n), "kind", None) == Kind.GROUP]
    covered: dict[str, set[str]] = {g: set(resolve_task_names(g, manager)) for g in groups}
    outer = [g for g in dict.fromkeys(groups) if not any(g in _members(o, manager) for o in groups)]
    in_groups = set().union(*(covered[g] for g in outer)) if outer else set()
    loose = [t for t in resolve_task_names(spec, manager) if t not in in_groups]
    return outer + loose


def _members(group: str, manager: TaskManager) -> set[str]:
    """Every group nested (at any depth) inside `group`."""
    found: set[str] = set()
    todo = [group]
    while todo:
        entry = manager.task_index.get(todo.pop())
        for child in (getattr(entry, "cfg", None) or {}).get("task") or []:
            name = child if isinstance(child, str) else None
            if name and name not in found:
                found.add(name)
                todo.append(name)
    return found


def evaluation_items(loaded: dict[str, Any]) -> list[Any]:
    """From `TaskManager.load`'s result: the outermost groups, then the tasks outside every group."""
    groups = list(loaded["groups"].values())
    outermost = [g for g in groups if not any(g is not o and g in o.get_all_groups() for o in groups)]
    grouped = {t.task_name for g in groups for t in g.get_all_tasks()}
    return [*outermost, *(t for name, t in loaded["tasks"].items() if name not in grouped)]


def group_aggregation(loaded: dict[str, Any]) -> dict[str, str]:
    """How each group's score is aggregated, in words (for results.json and the printed table)."""
    described: dict[str, str] = {}
    for name, group in loaded["groups"].items():
        leaves = len(group.get_all_tasks())
        parts = [
            f"{agg.metric}: " + ("sample-weighted mean" if agg.weight_by_size else "task mean (unweighted)")
            + f" over {leaves} tasks"
            for agg in group.aggregate_metric_list or []
        ]
        described[name] = "; ".join(parts) or f"no aggregate (a heading over {leaves} tasks)"
    return described
