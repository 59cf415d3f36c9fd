"""From what was read (`inputs`) to what the page shows: one plain dict a section, ready for the template.

Numbers stay numbers here; the template formats them. Every interval says how it was made.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from ifteval.aggregate import summarise
from ifteval.record import Record
from ifteval.report import figures
from ifteval.report.figures import Interval
from ifteval.report.inputs import CurveInput, JudgedInput, MetaInput, RunInput, SweepInput
from ifteval.secrets import public_model_args
from ifteval.specialize.curve import smoke_tasks
from ifteval.specialize.phases import summarise_points
from ifteval.specialize.plots import curve_figure

CONFIDENCE = 0.95
Z = statistics.NormalDist().inv_cdf(0.5 + CONFIDENCE / 2)
NORMAL_INTERVAL = f"{CONFIDENCE:.0%} normal interval: mean ± {Z:.2f} × stderr"
JUDGE_FILTER = "judge"  # results.json keys `<judge>,judge` hold judge means (runner._apply_judges)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _score(label: str, kind: str, value: Any, stderr: Any, **extra: Any) -> dict[str, Any]:
    value, stderr = _number(value), _number(stderr)
    low = high = None
    if value is not None and stderr is not None:
        low, high = value - Z * stderr, value + Z * stderr
    return {"label": label, "kind": kind, "value": value, "stderr": stderr, "low": low, "high": high,
            **extra}


def task_scores(results: Mapping[str, Any], task: str) -> list[dict[str, Any]]:
    """lm-eval metrics first, then judges, from results.json (`metric,filter`, `metric_stderr,filter`)."""
    metrics = results.get("results", {}).get(task, {})
    judged = results.get("judges", {}).get("scores", {}).get(task, {})
    scores = []
    for key, value in metrics.items():
        if "," not in key or "_stderr," in key or _number(value) is None:
            continue
        metric, filter_name = key.split(",", 1)
        stderr = metrics.get(f"{metric}_stderr,{filter_name}")
        if filter_name == JUDGE_FILTER:
            counts = judged.get(metric, {})
            scores.append(_score(metric, "judge", value, stderr, n_valid=counts.get("n_valid"),
                                 n_invalid=counts.get("n_invalid")))
        else:
            label = metric if filter_name == "none" else f"{metric} [{filter_name}]"
            scores.append(_score(label, "metric", value, stderr, n_valid=None, n_invalid=None))
    scores.sort(key=lambda s: s["kind"] != "metric")
    return scores


def _figure_rows(tasks: Sequence[Mapping[str, Any]]) -> dict[str, list[Interval]]:
    """Judges only when there are any: they score every task on one scale, while each task's lm-eval
    metrics differ (acc, f1, rouge2) and would crowd the legend."""
    judged = any(s["kind"] == "judge" for t in tasks for s in t["scores"])
    return {t["name"]: [Interval(s["label"], s["value"], s["low"], s["high"]) for s in t["scores"]
                        if s["kind"] == "judge" or not judged] for t in tasks}


def _public_args(model_args: Mapping[str, Any]) -> dict[str, str]:
    """results.json already holds redacted args; redact again so a hand-edited file leaks nothing here."""
    return public_model_args(dict(model_args))


def run_section(run: RunInput, anchor: str, title: str | None = None) -> dict[str, Any]:
    """Per task: source (smoke flagged), n, every metric and judge with its interval, signature."""
    results = run.results
    config = results.get("config", {}) or {}
    data = results.get("data", {}) or {}
    n_samples = results.get("n-samples", {}) or {}
    signatures = results.get("signatures", {}) or {}
    group_tasks = results.get("group_subtasks") or {}
    aggregation = results.get("group_aggregation") or {}
    groups = [{"name": name, "tasks": list(group_tasks.get(name) or []), "aggregation": aggregation.get(name),
               "scores": task_scores(results, name)}
              for name in results["results"] if name in group_tasks or name in (results.get("groups") or {})]
    tasks = []
    for name in results["results"]:
        if any(g["name"] == name for g in groups):
            continue
        info = data.get(name, {}) or {}
        counts = n_samples.get(name, {}) or {}
        tasks.append({
            "name": name,
            "source": info.get("source"),
            "origin": info.get("origin", "unknown"),
            "location": info.get("location"),
            "smoke": info.get("origin") == "smoke",
            "n": counts.get("effective"),
            "n_original": counts.get("original"),
            "signature": signatures.get(name),
            "scores": task_scores(results, name),
        })
    identity = config.get("model_identity") or {}
    model = identity.get("model") or (config.get("model_args") or {}).get("pretrained") or config.get("model")
    versions = dict(results.get("package_versions") or {})
    for key in ("lm_eval_version", "transformers_version", "git_hash"):
        if results.get(key):
            versions.setdefault(key, results[key])
    settings = {k: config.get(k) for k in ("model", "limit", "random_seed", "apply_chat_template",
                                           "world_size", "gen_kwargs") if config.get(k) is not None}
    return {
        "kind": "run",
        "anchor": anchor,
        "title": title or f"Run: {run.path}",
        "path": str(run.path),
        "model": model,
        "model_args": _public_args(config.get("model_args") or {}),
        "identity": {k: v for k, v in identity.items() if v is not None},
        "settings": settings,
        "versions": versions,
        "tasks": tasks,
        "groups": groups,
        "smoke_tasks": [t["name"] for t in tasks if t["smoke"]],
        "judge_specs": (results.get("judges") or {}).get("specs") or {},
        "usage": (results.get("judges") or {}).get("usage") or {},
        "interval": NORMAL_INTERVAL,
        "figure": figures.task_scores_figure(_figure_rows(tasks), "score"),
    }


def _higher_is_better(sweep: SweepInput, row: Mapping[str, Any]) -> bool:
    if row.get("filter") == JUDGE_FILTER:
        return True  # judge values are in [0, 1], higher is better (types.Verdict)
    run = sweep.runs.get(str(row["row"]))
    table = (run.results.get("higher_is_better") or {}).get(row["task"], {}) if run else {}
    return bool(table.get(row["metric"], True))


def sweep_section(sweep: SweepInput, anchor: str) -> dict[str, Any]:
    """Adapters against task/metric columns; the best adapter per column is marked."""
    rows = sweep.summary["rows"]
    columns = list(dict.fromkeys((r["task"], r["metric"], r.get("filter", "none")) for r in rows))
    adapters = list(dict.fromkeys(str(r["row"]) for r in rows))
    cells: dict[tuple[str, tuple[str, str, str]], dict[str, Any]] = {}
    best: dict[tuple[str, str, str], float] = {}
    for r in rows:
        column = (r["task"], r["metric"], r.get("filter", "none"))
        cell = _score(str(r["row"]), "sweep", r["value"], r.get("stderr"))
        cells[(str(r["row"]), column)] = cell
        if cell["value"] is None:
            continue
        sign = 1.0 if _higher_is_better(sweep, r) else -1.0
        if column not in best or sign * cell["value"] > sign * best[column]:
            best[column] = cell["value"]
    table = []
    for adapter in adapters:
        line = []
        for column in columns:
            cell = cells.get((adapter, column))
            if cell is not None:
                cell = {**cell, "best": cell["value"] is not None and cell["value"] == best.get(column)}
            line.append(cell)
        adapter_path = next((r.get("adapter") for r in rows if str(r["row"]) == adapter), None)
        table.append({"name": adapter, "adapter": adapter_path, "cells": line})
    runs = [run_section(run, f"{anchor}-{i}", title=f"Adapter {name}")
            for i, (name, run) in enumerate(sweep.runs.items())]
    return {
        "kind": "sweep",
        "anchor": anchor,
        "title": f"Adapter sweep: {sweep.path}",
        "path": str(sweep.path),
        "base": sweep.summary.get("base"),
        "columns": [{"task": t, "metric": m if f in ("none", JUDGE_FILTER) else f"{m} [{f}]",
                     "judge": f == JUDGE_FILTER} for t, m, f in columns],
        "rows": table,
        "interval": NORMAL_INTERVAL,
        "runs": runs,
        "smoke_tasks": sorted({t for run in runs for t in run["smoke_tasks"]}
                              | {r["task"] for r in rows if r.get("origin") == "smoke"}),
    }


def judged_summary(rows: Sequence[Record]) -> list[dict[str, Any]]:
    """Per task, each judge's mean, interval and invalid count over the JSONL's `scores`."""
    values: dict[str, dict[str, list[float | None]]] = defaultdict(lambda: defaultdict(list))
    judges = list(dict.fromkeys(j for r in rows for j in r.verdicts))
    for r in rows:
        for judge in judges:
            verdict = r.verdicts.get(judge)
            values[r.sample.task or "(no task)"][judge].append(None if verdict is None else verdict.value)
    tasks = []
    for task, per_judge in values.items():
        scores = []
        for judge, vals in per_judge.items():
            s = summarise(vals)
            scores.append(_score(judge, "judge", s["mean"], s["stderr"], n_valid=s["n_valid"],
                                 n_invalid=s["n_invalid"]))
        tasks.append({"name": task, "n": len(next(iter(per_judge.values()), [])), "scores": scores,
                      "smoke": False, "origin": None, "source": None, "location": None, "signature": None,
                      "n_original": None})
    return tasks


def judged_section(judged: JudgedInput, anchor: str) -> dict[str, Any]:
    tasks = judged_summary(judged.rows)
    return {
        "kind": "judged",
        "anchor": anchor,
        "title": f"Judged samples: {judged.path}",
        "path": str(judged.path),
        "n_rows": len(judged.rows),
        "tasks": tasks,
        "interval": NORMAL_INTERVAL,
        "figure": figures.task_scores_figure(_figure_rows(tasks), "judge score"),
    }


def _estimate(detail: Mapping[str, Any] | None, label: str) -> dict[str, Any]:
    detail = detail or {}
    ci = detail.get("ci") or [None, None]
    return {"label": label, "value": _number(detail.get("value")), "low": _number(ci[0]),
            "high": _number(ci[1]), "n": detail.get("n"),
            "reason": detail.get("reason") or (detail.get("ci_reason") if detail.get("value") is not None
                                               else None)}


def _interval(estimate: Mapping[str, Any]) -> Interval:
    return Interval(estimate["label"], estimate["value"], estimate["low"], estimate["high"])


# How the item level and TFA resample (ifteval/metameter/item_level.py and tfa.py); the summary and system
# levels name theirs in the report (`resample`: docs, systems or both), described by resampling.DESCRIBE.
RESAMPLING = {
    "item": "rows resampled within each task (stratified by task)",
    "tfa": "rows resampled within each task x regime cell",
    "summary": "whole documents resampled (a report written before --resample existed)",
    "system": "documents resampled when an item column exists, else systems (a report written before "
              "--resample existed)",
}


def _resampling(report: Mapping[str, Any], level: str, key: str | None = None) -> str:
    # lazy: as in figures.py, pandas and scipy (~2 s) load only for a report with a meta.json
    from ifteval.metameter.resampling import DESCRIBE

    meta = report["meta"]
    if not meta.get("bootstrap"):
        return "no intervals (--bootstrap 0)"
    named = None
    if key is not None and level in ("summary", "system"):
        details = report.get(key) or {}
        named = next((d.get("resample") for d in details.values() if isinstance(d, dict)
                      and d.get("resample")), None) or meta.get("resample")
    how = DESCRIBE.get(named, str(named)) if named else RESAMPLING[level]
    return (f"percentile bootstrap, {meta['bootstrap']} resamples (seed {meta.get('seed')}), "
            f"{float(meta.get('confidence', CONFIDENCE)):.0%} interval; {how}")


def meta_section(meta_input: MetaInput, anchor: str) -> dict[str, Any]:
    """CIT/CAT/TFA with intervals, heatmap, SUM levels, paired tests and diagnostics of one meta report."""
    report = meta_input.report
    meta = report["meta"]
    judges = list(meta["judges"])
    has_tfa = "tfa_detail" in report
    estimates = []
    for judge in judges:
        entry = {
            "judge": judge,
            "cit": _estimate(report["cit_detail"].get(judge), judge),
            "cat": _estimate(report["cat_detail"].get(judge), judge),
            "tfa": _estimate(report["tfa_detail"].get(judge), judge) if has_tfa else None,
            "coverage": (report.get("diagnostics", {}).get("coverage") or {}).get(judge, {}),
        }
        estimates.append(entry)
    panels = {f"CIT ({meta['method']}, per task averaged)": [_interval(e["cit"]) for e in estimates],
              f"CAT ({meta['method']}, pooled)": [_interval(e["cat"]) for e in estimates]}
    human_tfa = None
    if has_tfa:
        human_tfa = _estimate(report["tfa_detail"].get("human"), "human")
        before, after = (meta.get("tfa") or ["before", "after"])[:2]
        panels[f"TFA {before} → {after} (relative, 1 = +100 %)"] = [
            *[_interval(e["tfa"]) for e in estimates], _interval(human_tfa)]
    tasks = list(meta.get("tasks") or {})
    per_task = [{"judge": j, "cells": [_estimate((report["cit_detail"].get(j, {}).get("per_task") or {})
                                                 .get(t), t) for t in tasks]} for j in judges]
    levels = []
    for key, name, level in (("summary_level", "Summary level (per document, averaged)", "summary"),
                             ("system_level", "System level (system means)", "system")):
        if key in report:
            levels.append({"name": name, "resampling": _resampling(report, level, key),
                           "rows": [_estimate(report[key].get(j), j) for j in judges]})
    paired = []
    for p in report.get("paired_tests") or []:
        for setting in ("cat", "cit"):
            e = p.get(setting) or {}
            ci = e.get("ci") or [None, None]
            paired.append({"a": p.get("a"), "b": p.get("b"), "setting": setting.upper(),
                           "diff": _number(e.get("diff")), "low": _number(ci[0]), "high": _number(ci[1]),
                           "p": _number(e.get("p_value")),
                           "williams": _number((e.get("williams") or {}).get("p_value")),
                           "n": e.get("n"), "reason": e.get("reason")})
    permutation = []
    for p in report.get("permutation_tests") or []:
        for level in ("summary_level", "system_level"):
            e = p.get(level) or {}
            permutation.append({"a": p.get("a"), "b": p.get("b"), "level": level.split("_")[0],
                                "method": str(p.get("method", "")).upper(), "diff": _number(e.get("diff")),
                                "p": _number(e.get("p_value")), "reason": e.get("reason")})
    diagnostics = report.get("diagnostics") or {}
    length = diagnostics.get("length_bias") or {}
    position = diagnostics.get("position_bias") or {}
    diag_rows = []
    for judge in judges:
        cov = (diagnostics.get("coverage") or {}).get(judge, {})
        lb = length.get(judge) or {}
        pb = position.get(judge) or {}
        diag_rows.append({"judge": judge, "coverage": _number(cov.get("coverage")),
                          "invalid": _number(cov.get("invalid_fraction")), "n_invalid": cov.get("n_invalid"),
                          "n_rows": cov.get("n_rows"), "length_pooled": _number(lb.get("cat")),
                          "length_within": _number(lb.get("cit")),
                          "length_reason": lb.get("reason"), "position": _number(pb.get("mean")),
                          "position_n": pb.get("n")})
    human_length = length.get("human")
    return {
        "kind": "meta",
        "anchor": anchor,
        "title": f"Meta-evaluation: {meta_input.path}",
        "path": str(meta_input.path),
        "meta": meta,
        "judges": judges,
        "estimates": estimates,
        "has_tfa": has_tfa,
        "human_tfa": human_tfa,
        "item_resampling": _resampling(report, "item", "cit_detail"),
        "tfa_resampling": _resampling(report, "tfa", "tfa_detail") if has_tfa else None,
        "tasks": tasks,
        "per_task": per_task,
        "levels": levels,
        "paired": paired,
        "permutation": permutation,
        "diagnostics": diag_rows,
        "human_length": human_length,
        "agreement": report.get("agreement"),
        "unmatched": meta.get("unmatched_labels"),
        "estimates_figure": figures.estimates_figure(panels),
        "heatmap": figures.correlation_heatmap(report),
    }


def curve_section(curve: CurveInput, anchor: str) -> dict[str, Any]:
    """Per task: `ifteval curve`'s own figure (score against N, bands over repeats, the phase points), the
    format and task points with the reasons, and the N x judge table of means and spreads."""
    data = curve.curve
    summary = data.get("summary") or summarise_points(data["points"])
    phases = data.get("phases") or {}
    tasks = []
    for task in dict.fromkeys(str(p["task"]) for p in data["points"]):
        phase = phases.get(task) or {}
        rows = [r for r in summary if r["task"] == task]
        judges = list(dict.fromkeys(r["judge"] for r in rows))
        cells = {(r["n"], r["judge"]): r for r in rows}
        figure = curve_figure(summary, task, phase)
        tasks.append({
            "name": task,
            "origins": (data.get("data_origin") or {}).get(task) or [],
            "figure": None if figure is None else figures.to_data_uri(figure),
            "format_point": phase.get("format_point"),
            "task_point": phase.get("task_point"),
            "format_judges": phase.get("format_judges") or [],
            "agnostic_judge": phase.get("agnostic_judge"),
            "reasons": phase.get("reasons") or [],
            "judges": judges,
            "table": [{"n": n, "cells": [cells.get((n, j)) for j in judges]}
                      for n in sorted({r["n"] for r in rows})],
            "repeats": max((r.get("repeats") or 0 for r in rows), default=0),
        })
    forgetting = data.get("forgetting") or None
    return {"kind": "curve", "anchor": anchor, "title": f"Learning curve: {curve.path}",
            "path": str(curve.path), "tasks": tasks, "base_model": data.get("base_model"),
            "smoke_tasks": smoke_tasks(data),
            "zero_point": data.get("zero_point"), "variant": data.get("variant"), "forgetting": forgetting}
