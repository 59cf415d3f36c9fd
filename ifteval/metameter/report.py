"""Run every applicable setting on `MetaData` and present it: a JSON-ready dict and readable tables.

Undefined values are JSON null with a reason beside them (`reasons.<section>.<judge>`); in tables they
print as `n/a` with a numbered footnote holding the reason. No NaN reaches either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Literal

import numpy as np

from ifteval import __version__
from ifteval.metameter.bootstrap import Bootstrap
from ifteval.metameter.data import MetaData
from ifteval.metameter.diagnostics import (
    annotator_agreement,
    as_estimate_dict,
    coverage,
    length_bias,
    position_bias,
)
from ifteval.metameter.item_level import item_level
from ifteval.metameter.levels import level_permutation_tests, summary_level, system_level
from ifteval.metameter.matrix import judge_matrix
from ifteval.metameter.resampling import DESCRIBE
from ifteval.metameter.stats import Estimate, Method
from ifteval.metameter.tfa import tfa


@dataclass(frozen=True)
class MetaConfig:
    """What to compute: correlation `method`, `bootstrap` spec, TFA regimes, judge pairs to compare."""

    method: Method = "spearman"
    bootstrap: Bootstrap = field(default_factory=Bootstrap)
    tfa: tuple[str, str] | None = None  # (before, after) values of the regime column
    compare: Sequence[tuple[str, str]] | Literal["all"] = ()
    matrices: bool = True
    # summary/system-level permutation tests of the compared pairs: None = as many as bootstrap resamples,
    # 0 = none (they cost ~1,000 level correlations per pair and level)
    permutations: int | None = None


def _values(est: dict[str, Estimate]) -> tuple[dict, dict]:
    return ({k: e.value for k, e in est.items()}, {k: e.reason for k, e in est.items() if e.reason})


def meta_evaluate(data: MetaData, config: MetaConfig = MetaConfig()) -> dict:
    """Compute CIT, CAT, (TFA), SUM levels, matrices, paired tests and diagnostics as one JSON-ready dict.

    Top-level `cit`, `cat` (and `tfa`) map judge name to value or null; `reasons` says why a null is null.
    """
    judges = data.judge_names
    pairs = list(combinations(judges, 2)) if config.compare == "all" else list(config.compare)
    boot = config.bootstrap
    items = item_level(data, config.method, boot, compare=pairs)
    out: dict = {}
    out["cit"], cit_r = _values(items.cit)
    out["cat"], cat_r = _values(items.cat)
    reasons: dict[str, dict] = {"cit": cit_r, "cat": cat_r}
    out["cit_detail"] = as_estimate_dict(items.cit)
    out["cat_detail"] = as_estimate_dict(items.cat)
    if config.tfa is not None:
        t = tfa(data, config.tfa[0], config.tfa[1], boot)
        out["tfa"], reasons["tfa"] = _values(t)
        out["tfa_detail"] = as_estimate_dict(t)
    if data.item is not None:
        s = summary_level(data, config.method, boot)
        out["summary_level"] = as_estimate_dict(s)
        reasons["summary_level"] = _values(s)[1]
    if data.system is not None:
        s = system_level(data, config.method, boot)
        out["system_level"] = as_estimate_dict(s)
        reasons["system_level"] = _values(s)[1]
    n_perm = boot.n if config.permutations is None else config.permutations
    if data.item is not None and data.system is not None and pairs and n_perm > 0:
        out["permutation_tests"] = level_permutation_tests(data, pairs, config.method,
                                                           replace(boot, n=n_perm))
    if config.matrices:
        out["judge_matrix"] = {k: judge_matrix(data, k, config.method) for k in ("all", "cat", "cit")}
    out["paired_tests"] = items.paired
    out["agreement"] = annotator_agreement(data, config.method)
    out["diagnostics"] = {"coverage": coverage(data), "length_bias": length_bias(data, config.method),
                          "position_bias": position_bias(data)}
    out["reasons"] = {k: v for k, v in reasons.items() if v}
    n_h = int(np.isfinite(data.human).sum())
    out["meta"] = {
        "source": data.source, "method": config.method, "bootstrap": boot.n, "seed": boot.seed,
        "confidence": boot.confidence, "resample": boot.resample,
        "permutations": n_perm if "permutation_tests" in out else 0, "n_rows": data.n_rows,
        "n_human_labelled": n_h,
        "tasks": {t: s.stop - s.start for t, s in data.task_slices.items()}, "judges": judges,
        "columns": data.columns, "tfa": list(config.tfa) if config.tfa else None,
        "unmatched_labels": data.unmatched_labels,
        "signature": f"meta:{config.method}|boot:{boot.n}|seed:{boot.seed}|ci:{boot.confidence}"
                     f"|resample:{boot.resample}"
                     f"|ifteval:{__version__}",
    }
    return out


class _Notes:
    """Numbered footnotes for null cells."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def na(self, reason: str | None) -> str:
        reason = reason or "undefined"
        if reason not in self.items:
            self.items.append(reason)
        return f"n/a[{self.items.index(reason) + 1}]"


def _num(v: float | None, notes: _Notes, reason: str | None = None, pct: bool = False) -> str:
    if v is None:
        return notes.na(reason)
    return f"{v * 100:+.1f} %" if pct else f"{v:.3f}"


def _with_ci(d: dict, notes: _Notes, pct: bool = False) -> str:
    s = _num(d.get("value"), notes, d.get("reason"), pct)
    ci = d.get("ci")
    if d.get("value") is not None and ci:
        s += f" [{ci[0] * 100:+.1f}, {ci[1] * 100:+.1f}]" if pct else f" [{ci[0]:.3f}, {ci[1]:.3f}]"
    return s


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *[line(r) for r in rows]])


def render_text(report: dict) -> str:
    """Readable tables of a `meta_evaluate` report (what `ifteval meta` prints)."""
    notes = _Notes()
    meta = report["meta"]
    parts = [f"ifteval meta: {meta['source']}: {meta['n_rows']} rows, {meta['n_human_labelled']} with human"
             f" labels, {len(meta['tasks'])} task(s); {meta['method']}"
             + (f", {meta['bootstrap']} bootstrap resamples (seed {meta['seed']}),"
                f" {meta['confidence'] * 100:g} % CI" if meta["bootstrap"] else "")]
    header = ["judge", "CIT (per task, averaged)", "CAT (pooled)", "coverage", "invalid"]
    has_tfa = "tfa" in report
    if has_tfa:
        header.append(f"TFA {meta['tfa'][0]}->{meta['tfa'][1]}")
    rows = []
    cov = report["diagnostics"]["coverage"]
    for j in meta["judges"]:
        row = [j, _with_ci(report["cit_detail"][j], notes), _with_ci(report["cat_detail"][j], notes),
               f"{cov[j]['coverage'] * 100:.1f} %" if cov[j]["coverage"] is not None else notes.na(None),
               f"{cov[j]['invalid_fraction'] * 100:.1f} %"]
        if has_tfa:
            row.append(_with_ci(report["tfa_detail"][j], notes, pct=True))
        rows.append(row)
    agr = report.get("agreement")
    if agr or has_tfa:  # a human row only when there is something to show in it
        human = ["human (inter-annotator)",
                 _num(agr["mean_pairwise_cit"], notes, "needs annotators") if agr else "-",
                 _num(agr["mean_pairwise_cat"], notes, "needs annotators") if agr else "-", "", ""]
        if has_tfa:
            human.append(_with_ci(report["tfa_detail"]["human"], notes, pct=True))
        rows.append(human)
    parts.append(_table(header, rows))
    if agr:
        alpha = agr["krippendorff_alpha"]
        parts.append(f"Inter-annotator ceiling: mean pairwise {meta['method']} "
                     f"{_num(agr['mean_pairwise_cat'], notes)} over {len(agr['annotators'])} annotators;"
                     " Krippendorff's alpha (interval) "
                     f"{_num(alpha, notes, agr.get('krippendorff_alpha_reason'))}")
    # per-task CIT
    tasks = list(meta["tasks"])
    if len(tasks) > 1:
        rows = [[j, *[_with_ci(report["cit_detail"][j]["per_task"][t], notes) for t in tasks]]
                for j in meta["judges"]]
        parts.append("CIT per task\n" + _table(["judge", *tasks], rows))
    if "summary_level" in report or "system_level" in report:
        hdr = ["judge"]
        if "summary_level" in report:
            hdr.append("summary level (per document, averaged)")
        if "system_level" in report:
            hdr.append("system level (system means)")
        rows = []
        for j in meta["judges"]:
            row = [j]
            if "summary_level" in report:
                row.append(_with_ci(report["summary_level"][j], notes))
            if "system_level" in report:
                row.append(_with_ci(report["system_level"][j], notes))
            rows.append(row)
        title = "SUM levels"
        if meta["bootstrap"]:
            used = sorted({d.get("resample") for sec in ("summary_level", "system_level") if sec in report
                           for d in report[sec].values() if d.get("resample")})
            title += "; intervals: " + "; ".join(DESCRIBE[u] for u in used) if used else ""
        parts.append(title + "\n" + _table(hdr, rows))
    if report.get("permutation_tests"):
        rows = []
        for p in report["permutation_tests"]:
            for level in ("summary_level", "system_level"):
                e = p[level]
                if e.get("diff") is None:
                    rows.append([f"{p['a']} vs {p['b']}", level.split("_")[0], notes.na(e.get("reason")), ""])
                    continue
                rows.append([f"{p['a']} vs {p['b']}", level.split("_")[0], f"{e['diff']:+.3f}",
                             f"{e['p_value']:.4f}"])
        method = report["permutation_tests"][0]["method"].upper()
        n_perm = next((p[lv]["n_permutations"] for p in report["permutation_tests"]
                       for lv in ("summary_level", "system_level") if "n_permutations" in p[lv]), 0)
        parts.append(f"Permutation tests ({method}, {n_perm} permutations; A - B)\n"
                     + _table(["pair", "level", "diff", "p"], rows))
    if report.get("paired_tests"):
        rows = []
        for p in report["paired_tests"]:
            for setting in ("cat", "cit"):
                e = p.get(setting, {})
                if e.get("diff") is None:
                    na = notes.na(e.get("reason"))
                    rows.append([f"{p['a']} vs {p['b']}", setting.upper(), na, "", "", ""])
                    continue
                ci = e.get("ci")
                will = e.get("williams", {}).get("p_value")
                rows.append([f"{p['a']} vs {p['b']}", setting.upper(), f"{e['diff']:+.3f}",
                             f"[{ci[0]:+.3f}, {ci[1]:+.3f}]" if ci else "-",
                             f"{e['p_value']:.4f}" if e.get("p_value") is not None else "-",
                             f"{will:.2e}" if will is not None else "-"])
        parts.append("Paired tests (A - B on items both scored)\n"
                     + _table(["pair", "setting", "diff", "CI", "bootstrap p", "Williams p"], rows))
    if "judge_matrix" in report:
        m = report["judge_matrix"]["cat"]
        rows = [[a, *[_num(v, notes, m["reasons"].get(f"{a}|{b}") or m["reasons"].get(f"{b}|{a}"))
                      for b, v in zip(m["labels"], vals, strict=True)]]
                for a, vals in zip(m["labels"], m["values"], strict=True)]
        title = f"{meta['method']} between judges and human (CAT setting)\n"
        parts.append(title + _table(["", *m["labels"]], rows))
    lb = report["diagnostics"].get("length_bias")
    if lb:
        rows = [[k, _num(v["cat"], notes, v.get("reason")),
                 _num(v["cit"], notes, v.get("cit_reason", v.get("reason")))]
                for k, v in lb.items()]
        parts.append("Length bias (correlation with output length)\n"
                     + _table(["", "pooled", "within task"], rows))
    pb = report["diagnostics"].get("position_bias")
    if pb:
        rows = [[k, f"{v['mean']:.3f}", str(v["n"])] for k, v in pb.items()]
        parts.append("Position bias reported by swapped judges\n" + _table(["judge", "mean", "n"], rows))
    if notes.items:
        parts.append("\n".join(f"[{i + 1}] {r}" for i, r in enumerate(notes.items)))
    return "\n\n".join(parts) + "\n"
