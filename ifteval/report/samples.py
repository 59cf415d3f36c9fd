"""The sample browser's data: every shown row as plain JSON, capped so a page stays small, embedded safely.

Sample text is hostile input (a model may write `</script>`): the JSON goes into a
`<script type="application/json">` element with `<`, `>` and `&` written as `\\u003c`-style escapes, so
no byte sequence in it can close the element; the page's script builds the rows with `textContent`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ifteval.record import Record

TEXT_LIMIT = 4000  # characters of one prompt / prediction / reference / reason / raw reply
BLOB_BUDGET = 3_000_000  # bytes of sample JSON in one page (the page must stay under 5 MB)


@dataclass(frozen=True)
class SampleGroup:
    """The rows of one (input, task), in file order."""

    source: str
    task: str
    rows: Sequence[Record]


def _clip(text: Any) -> str | None:
    if text is None:
        return None
    text = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
    if len(text) <= TEXT_LIMIT:
        return text
    return text[:TEXT_LIMIT] + f"\n… [{len(text) - TEXT_LIMIT} more characters not shown]"


def _score(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def browser_row(source: str, item: Record) -> dict[str, Any]:
    """One row as the browser shows it: texts, each judge's score and, where it says more, its verdict."""
    scores = {judge: _score(v.value) for judge, v in item.verdicts.items()}
    details = {judge: {"status": v.status, "reason": _clip(v.reason) or None, "raw": _clip(v.raw)}
               for judge, v in item.verdicts.items() if v.status != "ok" or v.reason or v.raw is not None}
    return {
        "srcs": [source],
        "task": item.sample.task or "",
        "id": item.sample.id,
        "prompt": _clip(item.sample.prompt),
        "prediction": _clip(item.sample.prediction),
        "reference": _clip(item.sample.reference),
        "scores": scores,
        "details": details,
    }


def group_rows(source: str, rows: Iterable[Record]) -> list[SampleGroup]:
    by_task: dict[str, list[Record]] = {}
    for item in rows:
        by_task.setdefault(item.sample.task or "", []).append(item)
    return [SampleGroup(source, task, items) for task, items in by_task.items()]


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    return row["task"], row["id"], row["prompt"], row["prediction"]


def disagreement(row: dict[str, Any]) -> float:
    """max - min over the row's numeric judge scores (0 with fewer than two): how much its judges differ."""
    scores = [v for v in row["scores"].values() if v is not None]
    return max(scores) - min(scores) if len(scores) > 1 else 0.0


def has_invalid(row: dict[str, Any]) -> bool:
    """Some judge could not score the row (an unparsed reply or an error): the rows that explain a judge."""
    return any(d["status"] != "ok" for d in row["details"].values())


def most_telling_first(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with an invalid verdict first, then by judge disagreement, largest first; ties in file order.

    Under a cap these are the rows kept, so "sort by disagreement" sees the rows that disagree most,
    not the first of a big file."""
    order = sorted(range(len(rows)), key=lambda i: (not has_invalid(rows[i]), -disagreement(rows[i]), i))
    return [rows[i] for i in order]


def browser_data(groups: Sequence[SampleGroup], per_task: int, budget: int = BLOB_BUDGET) -> dict[str, Any]:
    """Rows for the browser: at most `per_task` a group, and the same smaller cap for every group when the
    JSON would exceed `budget`. A capped group keeps its most telling rows (`most_telling_first`), shown
    in file order.

    A row that an earlier input already holds (same task, id, prompt and prediction: a judge JSONL made
    from a run given too) is merged into that row, its verdicts over the earlier ones, so every judge of
    one output sits side by side once.
    """
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    converted: list[list[dict[str, Any]]] = []
    merged: list[int] = []
    for g in groups:
        own, n_merged = [], 0
        for item in g.rows:
            row = browser_row(g.source, item)
            first = seen.get(_key(row))
            if first is None:
                seen[_key(row)] = row
                own.append(row)
                continue
            first["scores"].update(row["scores"])
            first["details"].update(row["details"])
            if g.source not in first["srcs"]:
                first["srcs"].append(g.source)
            n_merged += 1
        converted.append(own)
        merged.append(n_merged)
    ranked = [most_telling_first(own) for own in converted]
    sizes = [[len(json.dumps(r, ensure_ascii=False).encode()) for r in rows] for rows in ranked]
    cap = per_task  # the largest cap (at least 1) whose rows fit the budget
    while cap > 1 and sum(sum(s[:cap]) for s in sizes) > budget:
        cap -= 1
    rows = []
    for own, best in zip(converted, ranked, strict=True):
        kept = {id(r) for r in best[:cap]}
        rows.extend(r for r in own if id(r) in kept)
    judges = list(dict.fromkeys(j for r in rows for j in r["scores"]))
    shown = [{"source": g.source, "task": g.task, "shown": min(cap, len(own)), "total": len(own),
              "merged": n} for g, own, n in zip(groups, converted, merged, strict=True)]
    return {"rows": rows, "judges": judges, "groups": shown, "cap": cap,
            "capped": any(s["shown"] < s["total"] for s in shown)}


def script_json(data: Any) -> str:
    """JSON that is safe inside a `<script>` element whatever strings it holds."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
