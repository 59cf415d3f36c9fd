"""The paper's settings (Sec. 2.1, App. B.1) as functions of `MetaData`: CIT, CAT, TFA, SUM levels, matrices.

CIT: correlation with humans within each task, averaged over the tasks where it is defined.
CAT: the same correlation over all tasks pooled (it rewards scores on one absolute scale across tasks).
TFA: relative improvement of a judge's mean score between two regimes, averaged over tasks, beside the
human's (a judge whose improvement far exceeds the human one rewards format, not quality).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from ifteval.errors import DataError, UnknownNameError, did_you_mean
from ifteval.metameter.bootstrap import (
    Block,
    bootstrap_pearson,
    bootstrap_vector_mean,
    bootstrap_weighted_sums,
    count_batches,
    one_blas_thread,
    p_value_two_sided,
)
from ifteval.metameter.data import MetaData
from ifteval.metameter.kendall import TauPlan
from ifteval.metameter.resampling import (
    Resample,
    build_grid,
    doc_rows,
    draw,
    permutation_test,
    summary_samples,
    system_samples,
)
from ifteval.metameter.stats import (
    MIN_ROWS,
    Estimate,
    Method,
    correlate,
    mean_defined,
    pair_stats,
    pearson_value,
    percentile_ci,
    rank,
    transform,
    williams_test,
)

HUMAN = "human"


@dataclass(frozen=True)
class Bootstrap:
    """How to bootstrap: `n` resamples (0 = no intervals), a `seed`, the interval's `confidence`, and
    what the summary and system levels redraw: documents, systems or both (the default, after Deutsch,
    Dror & Roth 2021; see `resampling`). CIT/CAT always redraw rows within each task."""

    n: int = 1000
    seed: int = 0
    confidence: float = 0.95
    resample: Resample = "both"


NO_BOOT = Bootstrap(n=0)


@dataclass(frozen=True)
class ItemLevel:
    """CIT and CAT per judge, and paired comparisons, computed from one shared set of resamples."""

    cit: dict[str, Estimate]
    cat: dict[str, Estimate]
    paired: list[dict]


def _nanmean_rows(a: np.ndarray) -> np.ndarray:
    """Row means over the defined entries; NaN (no warning) where a row has none."""
    ok = np.isfinite(a)
    cnt = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, np.where(ok, a, 0.0).sum(axis=1) / cnt, np.nan)


def _kendall_or_nan(x: np.ndarray, y: np.ndarray) -> float:
    if x.size < MIN_ROWS or np.all(x == x[0]) or np.all(y == y[0]):
        return float("nan")
    return float(sps.kendalltau(x, y).statistic)


def _check_judges(data: MetaData, judges: Sequence[str] | None) -> list[str]:
    if judges is None:
        return data.judge_names
    for j in judges:
        if j not in data.judges:
            raise UnknownNameError(
                f"unknown judge '{j}'.{did_you_mean(j, data.judges)} Judges: {', '.join(data.judges)}"
            )
    return list(judges)


def _with_ci(est: Estimate, samples: np.ndarray, boot: Bootstrap) -> Estimate:
    if boot.n <= 0:
        return est
    if est.value is None:
        return est.with_ci(None, "the point estimate is undefined")
    ci, reason = percentile_ci(samples, boot.confidence)
    return est.with_ci(ci, reason)


def item_level(
    data: MetaData,
    method: Method = "spearman",
    boot: Bootstrap = NO_BOOT,
    judges: Sequence[str] | None = None,
    compare: Sequence[tuple[str, str]] = (),
) -> ItemLevel:
    """CIT and CAT for each judge, plus paired tests of judge A vs B, sharing one bootstrap pass.

    Rows where the judge or the human is null are excluded pairwise; `coverage` reports how many
    human-labelled rows the judge scored. A paired test of A vs B uses the items where A, B and the
    human all have a score (its own mask per pair, whatever other judges are compared), so it equals
    `compare_judges(data, a, b)`; a (judge, mask) column shared by several pairs is computed once.
    Resamples are stratified by task.
    """
    names = _check_judges(data, judges)
    for a, b in compare:
        _check_judges(data, [a, b])
    h = data.human
    has_h = np.isfinite(h)
    n_labelled = int(has_h.sum())
    tasks = list(data.task_slices)
    # pairs are (judge, mask); each compared pair (a, b) scores both judges on its own mask
    # (human & a & b present). A (judge, mask) column already present is reused, not recomputed.
    pairs: list[tuple[str, np.ndarray]] = [(j, np.isfinite(data.judges[j]) & has_h) for j in names]
    seen = {(j, np.packbits(m).tobytes()): p for p, (j, m) in enumerate(pairs)}

    def column(j: str, mask: np.ndarray) -> int:
        key = (j, np.packbits(mask).tobytes())
        if key not in seen:
            seen[key] = len(pairs)
            pairs.append((j, mask))
        return seen[key]

    pair_cols: list[tuple[int, int, np.ndarray]] = []
    for a, b in compare:
        mask_ab = has_h & np.isfinite(data.judges[a]) & np.isfinite(data.judges[b])
        pair_cols.append((column(a, mask_ab), column(b, mask_ab), mask_ab))

    def point(j: str, mask: np.ndarray, s: slice | None, where: str) -> Estimate:
        x = data.judges[j] if s is None else data.judges[j][s]
        y = h if s is None else h[s]
        mk = mask if s is None else mask[s]
        return correlate(x[mk], y[mk], method, (f"judge '{j}'", "the human score"), where)

    cat_pts = [point(j, m, None, "over all tasks pooled") for j, m in pairs]
    cit_pts = [[point(j, m, data.task_slices[t], f"in task '{t}'") for t in tasks] for j, m in pairs]

    # bootstrap: one (n_boot, n_pairs) array for CAT and one per task
    cat_s = cit_s = None
    if boot.n > 0:
        strata = list(data.task_slices.values())
        if method == "kendall":
            cat_s, cit_s = _kendall_samples(data, pairs, strata, boot)
        else:
            full = slice(0, data.n_rows)
            cat_block = np.hstack([
                pair_stats(transform(data.judges[j], m, method), transform(h, m, method), m) for j, m in pairs
            ])
            blocks = [Block(full, cat_block)]
            for s in strata:
                cols = []
                for j, m in pairs:
                    ms = m[s]
                    cols.append(pair_stats(transform(data.judges[j][s], ms, method),
                                           transform(h[s], ms, method), ms))
                blocks.append(Block(s, np.hstack(cols)))
            res = bootstrap_pearson(strata, blocks, boot.n, boot.seed)
            cat_s, cit_s = res[0], res[1:]

    def cit_samples(p: int) -> np.ndarray | None:
        if cit_s is None:
            return None
        defined = [i for i, e in enumerate(cit_pts[p]) if e.value is not None]
        if not defined:
            return np.full(boot.n, np.nan)
        stack = np.stack([cit_s[i][:, p] for i in defined], axis=1)
        return _nanmean_rows(stack)

    cat: dict[str, Estimate] = {}
    cit: dict[str, Estimate] = {}
    for p, (j, m) in enumerate(pairs[: len(names)]):
        e = cat_pts[p]
        extra = {"coverage": (int(m.sum()) / n_labelled) if n_labelled else None, "n_human": n_labelled}
        cat[j] = _with_ci(Estimate(e.value, e.n, e.reason, extra=extra), cat_s[:, p] if cat_s is not None
                          else np.empty(0), boot)
        per = cit_pts[p]
        value = mean_defined([e.value for e in per])
        per_task = {}
        for t, e_t, i in zip(tasks, per, range(len(tasks)), strict=True):
            e_t = _with_ci(e_t, cit_s[i][:, p], boot) if cit_s is not None else e_t
            per_task[t] = e_t.to_dict()
        n_def = sum(e.value is not None for e in per)
        reason = None
        if value is None:
            first = next((e.reason for e in per if e.reason), "")
            reason = f"no task has a defined correlation (e.g. {first})"
        extra = {"n_tasks": len(tasks), "n_tasks_defined": n_def, "per_task": per_task}
        est = Estimate(value, sum(e.n for e in per), reason, extra=extra)
        s = cit_samples(p)
        cit[j] = _with_ci(est, s if s is not None else np.empty(0), boot)

    paired = []
    for (a, b), (pa, pb, mask_ab) in zip(compare, pair_cols, strict=True):
        entry: dict = {"a": a, "b": b}
        # CAT
        ra, rb = cat_pts[pa], cat_pts[pb]
        entry["cat"] = _paired_entry(ra.value, rb.value, ra.n,
                                     None if cat_s is None else cat_s[:, pa] - cat_s[:, pb], boot)
        if method != "kendall" and ra.value is not None and rb.value is not None:
            xa, xb = data.judges[a][mask_ab], data.judges[b][mask_ab]
            if method == "spearman":
                xa, xb = rank(xa), rank(xb)
            if np.ptp(xa) > 0 and np.ptp(xb) > 0:
                r_ab = pearson_value(xa, xb)
                entry["cat"]["williams"] = williams_test(ra.value, rb.value, r_ab, ra.n)
        # CIT: average of per-task differences over tasks where both are defined
        both = [i for i in range(len(tasks))
                if cit_pts[pa][i].value is not None and cit_pts[pb][i].value is not None]
        if both:
            va = float(np.mean([cit_pts[pa][i].value for i in both]))
            vb = float(np.mean([cit_pts[pb][i].value for i in both]))
            samples = None
            if cit_s is not None:
                st = np.stack([cit_s[i][:, pa] - cit_s[i][:, pb] for i in both], axis=1)
                samples = _nanmean_rows(st)
            entry["cit"] = _paired_entry(va, vb, sum(cit_pts[pa][i].n for i in both), samples, boot)
            entry["cit"]["n_tasks"] = len(both)
        else:
            entry["cit"] = {"diff": None, "reason": "no task where both judges have a defined correlation"}
        paired.append(entry)
    return ItemLevel(cit=cit, cat=cat, paired=paired)


def _kendall_samples(data: MetaData, pairs: list[tuple[str, np.ndarray]], strata: list[slice],
                     boot: Bootstrap) -> tuple[np.ndarray, list[np.ndarray]]:
    """Kendall bootstrap of CAT and of every task, exact per resample (each value is scipy's tau-b of the
    resampled rows): sorting and ranking once per (judge, rows) in a `TauPlan`, then batches of resample
    counts through matrix products (kendall.py). The (judge, rows) jobs of a batch run on up to two
    threads (numpy releases the GIL in them; BLAS keeps one thread each), each writing its own column."""
    h = data.human
    cat_s = np.empty((boot.n, len(pairs)))
    cit_s = [np.empty((boot.n, len(pairs))) for _ in strata]
    jobs = []
    for p, (j, m) in enumerate(pairs):
        rows = np.flatnonzero(m)
        jobs.append((cat_s, p, TauPlan(data.judges[j][rows], h[rows]), rows))
        for i, s in enumerate(strata):
            rows = s.start + np.flatnonzero(m[s])
            jobs.append((cit_s[i], p, TauPlan(data.judges[j][rows], h[rows]), rows))
    done = 0
    with one_blas_thread(), ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        for counts in count_batches(strata, boot.n, boot.seed):
            part = slice(done, done + counts.shape[1])

            def run(job: tuple, counts: np.ndarray = counts, part: slice = part) -> None:
                target, column, plan, rows = job
                target[part, column] = plan.values(counts, rows)

            list(pool.map(run, jobs))
            done = part.stop
    return cat_s, cit_s


def _paired_entry(va: float | None, vb: float | None, n: int, diffs: np.ndarray | None,
                  boot: Bootstrap) -> dict:
    if va is None or vb is None:
        return {"a": va, "b": vb, "diff": None, "n": n,
                "reason": "a correlation is undefined on the items both judges scored"}
    out: dict = {"a": va, "b": vb, "diff": va - vb, "n": n}
    if diffs is not None:
        ci, reason = percentile_ci(diffs, boot.confidence)
        out["ci"] = list(ci) if ci else None
        if reason:
            out["ci_reason"] = reason
        out["p_value"] = p_value_two_sided(diffs)
    return out


def cit(data: MetaData, method: Method = "spearman", boot: Bootstrap = NO_BOOT,
        judges: Sequence[str] | None = None) -> dict[str, Estimate]:
    """Comparability intra-task: per-task correlation with humans, averaged over tasks (Sec. 2.1)."""
    return item_level(data, method, boot, judges).cit


def cat(data: MetaData, method: Method = "spearman", boot: Bootstrap = NO_BOOT,
        judges: Sequence[str] | None = None) -> dict[str, Estimate]:
    """Comparability across tasks: one correlation with humans over all tasks pooled (Sec. 2.1)."""
    return item_level(data, method, boot, judges).cat


def compare_judges(data: MetaData, a: str, b: str, method: Method = "spearman",
                   boot: Bootstrap = Bootstrap()) -> dict:
    """Paired test: does judge `a` correlate better with humans than `b` on the same items?

    Both judges are scored on the rows where a, b and the human are all present; the bootstrap resamples
    those rows once for both, so the difference's interval and two-sided p-value account for their
    dependence. Williams' t-test (dependent correlations sharing the human) is added for CAT.
    """
    return item_level(data, method, boot, judges=[a, b], compare=[(a, b)]).paired[0]


def tfa(data: MetaData, before: str, after: str, boot: Bootstrap = NO_BOOT,
        judges: Sequence[str] | None = None) -> dict[str, Estimate]:
    """Task and format agnosticism: relative improvement (after - before) / before of the mean score.

    Computed per task on each judge's non-null rows, averaged over tasks; key `human` holds the human
    figure (the paper's is +12.0 %). A task whose mean before is <= 0 (reward logits, say) is null with a
    reason and left out: the relative change is undefined there (-0.5 -> -0.25 would read -50 %).
    Bootstrap resamples rows within each task x regime cell.
    """
    if data.regime is None:
        raise DataError("TFA needs a regime column; pass --tfa COL:BEFORE:AFTER")
    names = _check_judges(data, judges)
    present = sorted(set(data.regime.tolist()))
    for label, value in (("before", before), ("after", after)):
        if value not in present:
            raise DataError(
                f"TFA {label} regime '{value}' does not occur in regime column"
                f" '{data.columns.get('regime')}' of {data.source}.{did_you_mean(value, present)}"
                f" Values: {', '.join(present[:20])}"
            )
    variables = {**{j: data.judges[j] for j in names}, HUMAN: data.human}
    tasks = list(data.task_slices)
    cells: list[np.ndarray] = []
    for t in tasks:
        s = data.task_slices[t]
        rows = np.arange(s.start, s.stop)
        cells += [rows[data.regime[s] == before], rows[data.regime[s] == after]]

    def rel(mb: float, ma: float, nb: int, na: int, t: str, v: str) -> tuple[float | None, str | None]:
        if nb == 0 or na == 0:
            which = before if nb == 0 else after
            return None, f"no {v} values for regime '{which}' in task '{t}'"
        if mb <= 0:  # (after - before) / before flips sign or explodes when before is negative or 0
            return None, (f"mean {v} score before is {mb:.4g} (<= 0) in task '{t}'; a relative change needs"
                          " a positive baseline (shift or rescale the scores to a positive range)")
        return (ma - mb) / mb, None

    out: dict[str, Estimate] = {}
    per_var_defined: dict[str, list[int]] = {}
    for v, arr in variables.items():
        per_task: dict[str, dict] = {}
        vals = []
        defined = []
        for i, t in enumerate(tasks):
            xb, xa = arr[cells[2 * i]], arr[cells[2 * i + 1]]
            xb, xa = xb[np.isfinite(xb)], xa[np.isfinite(xa)]
            mb = float(xb.mean()) if xb.size else float("nan")
            ma = float(xa.mean()) if xa.size else float("nan")
            r, reason = rel(mb, ma, xb.size, xa.size, t, "human" if v == HUMAN else f"judge '{v}'")
            per_task[t] = {"value": r, "mean_before": mb if xb.size else None,
                           "mean_after": ma if xa.size else None, "n_before": int(xb.size),
                           "n_after": int(xa.size)}
            if reason:
                per_task[t]["reason"] = reason
            else:
                vals.append(r)
                defined.append(i)
        per_var_defined[v] = defined
        value = float(np.mean(vals)) if vals else None
        reason = None if vals else "no task has both regimes with a positive mean before"
        out[v] = Estimate(value, int(sum(d["n_before"] + d["n_after"] for d in per_task.values())), reason,
                          extra={"per_task": per_task, "n_tasks_defined": len(defined)})
    if boot.n > 0:
        order = np.concatenate(cells) if cells else np.empty(0, int)
        strata, blocks, start = [], [], 0
        cols = []
        for arr in variables.values():
            ok = np.isfinite(arr[order])
            cols += [ok.astype(float), np.where(ok, arr[order], 0.0)]
        stats_all = np.stack(cols, axis=1)
        for c in cells:
            s = slice(start, start + len(c))
            start += len(c)
            if len(c):
                strata.append(s)
                blocks.append(Block(s, stats_all[s]))
        sums = bootstrap_weighted_sums(strata, blocks, boot.n, boot.seed)
        nonempty = [i for i, c in enumerate(cells) if len(c)]
        by_cell = dict(zip(nonempty, sums, strict=True))
        for k, v in enumerate(variables):
            per = []
            for i in per_var_defined[v]:
                sb, sa = by_cell[2 * i], by_cell[2 * i + 1]
                with np.errstate(invalid="ignore", divide="ignore"):
                    mb = sb[:, 2 * k + 1] / sb[:, 2 * k]
                    ma = sa[:, 2 * k + 1] / sa[:, 2 * k]
                    per.append(np.where(mb > 0, (ma - mb) / mb, np.nan))  # as the point estimate
            samples = np.mean(np.stack(per, axis=1), axis=1) if per else np.full(boot.n, np.nan)
            samples = np.where(np.isfinite(samples), samples, np.nan)
            out[v] = _with_ci(out[v], samples, boot)
    return out


def _docs(data: MetaData) -> tuple[np.ndarray, int]:
    if data.item is None:
        raise DataError("the summary level needs an item/document column; pass --item COL")
    keys = pd.Series(data.task.astype(str)) + "\x1f" + pd.Series(data.item.astype(str))
    codes, uniq = pd.factorize(keys)
    return codes, len(uniq)


def _grouped_corr(x: np.ndarray, y: np.ndarray, groups: np.ndarray, n_groups: int,
                  method: Method) -> tuple[np.ndarray, np.ndarray]:
    """Correlation of x and y within each group (vectorised; Kendall loops): (values with NaN, sizes)."""
    ok = np.isfinite(x) & np.isfinite(y)
    x, y, g = x[ok], y[ok], groups[ok]
    sizes = np.bincount(g, minlength=n_groups)
    if method == "kendall":
        vals = np.full(n_groups, np.nan)
        order = np.argsort(g, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(sizes)])
        xs, ys = x[order], y[order]
        for k in range(n_groups):
            vals[k] = _kendall_or_nan(xs[bounds[k]:bounds[k + 1]], ys[bounds[k]:bounds[k + 1]])
        return vals, sizes
    if method == "spearman":
        frame = pd.DataFrame({"g": g, "x": x, "y": y})
        grouped = frame.groupby("g", sort=False)
        x = grouped["x"].rank(method="average").to_numpy()
        y = grouped["y"].rank(method="average").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = np.bincount(g, x, n_groups) / sizes
        my = np.bincount(g, y, n_groups) / sizes
        dx, dy = x - mx[g], y - my[g]
        sxx = np.bincount(g, dx * dx, n_groups)
        syy = np.bincount(g, dy * dy, n_groups)
        sxy = np.bincount(g, dx * dy, n_groups)
        r = sxy / np.sqrt(sxx * syy)
    tiny = 1e-12
    bad = (sizes < MIN_ROWS) | (sxx <= tiny * np.maximum(sizes, 1)) | (syy <= tiny * np.maximum(sizes, 1))
    return np.where(bad, np.nan, np.clip(r, -1, 1)), sizes


def _systems(data: MetaData) -> tuple[np.ndarray, int]:
    codes, names = pd.factorize(pd.Series(data.system))
    return codes, len(names)


def _multi_cell(data: MetaData, docs: np.ndarray, systems: np.ndarray, n_sys: int) -> str | None:
    """Why a document x system grid cannot be formed (two outputs in one cell), or None."""
    key = docs * n_sys + systems
    counts = np.bincount(key)
    if not counts.size or counts.max() <= 1:
        return None
    at = int(np.flatnonzero(key == int(np.argmax(counts)))[0])
    return (f"needs one output per (document, system); {data.source} has {int(counts.max())} for document"
            f" '{data.item[at]}' and system '{data.system[at]}' ({int(np.sum(counts > 1))} such cells)")


def summary_level(data: MetaData, method: Method = "spearman", boot: Bootstrap = NO_BOOT,
                  judges: Sequence[str] | None = None) -> dict[str, Estimate]:
    """Summary level: correlation across a document's outputs (systems), averaged over documents.

    Documents with fewer than 3 paired outputs or a constant side are skipped and counted. The bootstrap
    redraws documents, systems or both (`boot.resample`); without a system column only documents can be
    redrawn, and the estimate's `resample` field says which was used. One set of draws (seeded by
    `boot.seed` alone) serves every judge, so a judge's interval is the same alone or beside others.
    """
    names = _check_judges(data, judges)
    codes, n_docs = _docs(data)
    per_judge = {j: _grouped_corr(data.judges[j], data.human, codes, n_docs, method) for j in names}
    samples: dict[str, np.ndarray] = {}
    used, note = boot.resample, None
    if boot.n > 0 and data.system is None and used != "docs":
        used, note = "docs", "no system column, so only documents are resampled"
    if boot.n > 0 and used == "docs":
        stacked = bootstrap_vector_mean(np.stack([per_judge[j][0] for j in names], axis=1), boot.n,
                                        boot.seed)
        samples = {j: stacked[:, i] for i, j in enumerate(names)}
    elif boot.n > 0:
        sys_codes, n_sys = _systems(data)
        draws = draw(n_docs, n_sys, boot.n, boot.seed, used)
        for j in names:
            rows = doc_rows(data.judges[j], data.human, codes, sys_codes, n_docs, n_sys)
            samples[j] = summary_samples(rows, method, draws)
    out = {}
    for j in names:
        vals, sizes = per_judge[j]
        ok = np.isfinite(vals)
        n_small = int(np.sum(sizes < MIN_ROWS))
        extra = {"n_documents": n_docs, "n_documents_defined": int(ok.sum()),
                 "n_documents_too_small": n_small, "n_documents_constant": int(n_docs - ok.sum() - n_small)}
        if boot.n > 0:
            extra["resample"] = used
            if note:
                extra["resample_note"] = note
        if not ok.any():
            est = Estimate(None, int(sizes.sum()),
                           f"no document has a defined correlation for judge '{j}': of {n_docs}, {n_small}"
                           f" have fewer than {MIN_ROWS} paired outputs and {extra['n_documents_constant']}"
                           " a constant judge or human score",
                           extra=extra)
        else:
            est = Estimate(float(vals[ok].mean()), int(sizes.sum()), extra=extra)
        out[j] = _with_ci(est, samples[j], boot) if boot.n > 0 else est
    return out


def system_level(data: MetaData, method: Method = "spearman", boot: Bootstrap = NO_BOOT,
                 judges: Sequence[str] | None = None) -> dict[str, Estimate]:
    """System level: correlation between per-system mean judge and mean human scores.

    Means use each judge's pairwise-complete rows. The bootstrap redraws documents, systems or both
    (`boot.resample`, default both): redrawing documents alone treats the systems as fixed and gave
    REALSumm's mover_score an interval that excludes its own estimate. Without an item column only
    systems can be redrawn (the estimate's `resample` field says so). A drawn system counts as often as
    it is drawn; one with no paired score in a resample is left out of it. One set of draws, seeded by
    `boot.seed` alone, serves every judge (paired intervals, independent of judge order).
    """
    if data.system is None:
        raise DataError("the system level needs a system/model column; pass --system COL")
    names = _check_judges(data, judges)
    sys_codes, n_sys = _systems(data)
    h = data.human
    used, note, draws = boot.resample, None, None
    if data.item is not None:
        docs, n_docs = _docs(data)
    else:
        docs, n_docs = np.zeros(data.n_rows, dtype=np.intp), 1
    if boot.n > 0:
        if data.item is None and used != "systems":
            used, note = "systems", "no item column, so only systems are resampled"
        draws = draw(n_docs, n_sys, boot.n, boot.seed, used)
    out = {}
    for j in names:
        x = data.judges[j]
        ok = np.isfinite(x) & np.isfinite(h)
        cnt = np.bincount(sys_codes[ok], minlength=n_sys)
        with np.errstate(invalid="ignore", divide="ignore"):
            mx = np.bincount(sys_codes[ok], x[ok], n_sys) / cnt
            mh = np.bincount(sys_codes[ok], h[ok], n_sys) / cnt
        keep = cnt > 0
        n_sys_ok = int(keep.sum())
        extra: dict = {"n_systems": n_sys_ok}
        if draws is not None:
            extra["resample"] = used
            if note:
                extra["resample_note"] = note
        if n_sys_ok < MIN_ROWS:
            est = Estimate(None, n_sys_ok, f"only {n_sys_ok} system(s) with paired scores for judge '{j}';"
                           f" the system level needs at least {MIN_ROWS}", extra=extra)
            out[j] = _with_ci(est, np.empty(0), boot)
            continue
        est = correlate(mx[keep], mh[keep], method, (f"mean judge '{j}'", "mean human score"),
                        f"across {n_sys_ok} systems")
        est = Estimate(est.value, est.n, est.reason, extra=extra)
        if draws is not None:
            grid = build_grid(x, h, docs, sys_codes, n_docs, n_sys)
            est = _with_ci(est, system_samples(grid, method, draws), boot)
        out[j] = est
    return out


def level_permutation_tests(data: MetaData, pairs: Sequence[tuple[str, str]], method: Method = "spearman",
                            boot: Bootstrap = Bootstrap()) -> list[dict]:
    """Permutation tests (PERM-BOTH by default) of judge A vs B at the summary and system levels.

    Needs item and system columns and one output per (document, system); `boot.n` permutations,
    `boot.seed`, and `boot.resample` picks what is swapped (documents, systems or both). Each level gives
    the observed difference of the two correlations and a two-sided p-value.
    """
    if data.item is None or data.system is None or not pairs or boot.n <= 0:
        return []
    for a, b in pairs:
        _check_judges(data, [a, b])
    docs, n_docs = _docs(data)
    sys_codes, n_sys = _systems(data)
    reason = _multi_cell(data, docs, sys_codes, n_sys)
    if reason:
        why = {"diff": None, "reason": f"the permutation test {reason}"}
        return [{"a": a, "b": b, "resample": boot.resample, "method": f"perm-{boot.resample}",
                 "summary_level": dict(why), "system_level": dict(why)} for a, b in pairs]
    human = build_grid(data.human, data.human, docs, sys_codes, n_docs, n_sys).cells()[1]
    cells = {j: build_grid(data.judges[j], data.judges[j], docs, sys_codes, n_docs, n_sys).cells()[0]
             for pair in pairs for j in pair}
    out = []
    for a, b in pairs:
        entry: dict = {"a": a, "b": b, "resample": boot.resample, "method": f"perm-{boot.resample}"}
        for level in ("summary", "system"):
            entry[f"{level}_level"] = permutation_test(cells[a], cells[b], human, level, method,
                                                       boot.resample, boot.n, boot.seed)
        out.append(entry)
    return out


def judge_matrix(data: MetaData, setting: str = "cat", method: Method = "spearman",
                 judges: Sequence[str] | None = None) -> dict:
    """Correlation matrix between judges and the human (App. B.3, Tables 3-4, Fig. 1).

    setting `all`: every row pooled, including rows without human labels; `cat`: rows with a human
    label, pooled; `cit`: within each task, averaged over tasks. Point estimates only (no intervals).
    """
    if setting not in ("all", "cat", "cit"):
        raise ValueError(f"unknown matrix setting {setting!r}; valid: all, cat, cit")
    names = _check_judges(data, judges)
    variables = {**{j: data.judges[j] for j in names}, HUMAN: data.human}
    labels = list(variables)
    rows_sel = np.ones(data.n_rows, bool) if setting == "all" else np.isfinite(data.human)
    k = len(labels)
    values: list[list[float | None]] = [[None] * k for _ in range(k)]
    reasons: dict[str, str] = {}
    for a in range(k):
        own = variables[labels[a]][rows_sel]
        own = own[np.isfinite(own)]
        if own.size >= 2 and np.ptp(own) > 0:
            values[a][a] = 1.0
        else:  # a constant (or empty) column correlates with nothing, itself included
            values[a][a] = None
            reasons[f"{labels[a]}|{labels[a]}"] = f"'{labels[a]}' is constant or has fewer than 2 values"
        for b in range(a + 1, k):
            xa, xb = variables[labels[a]], variables[labels[b]]
            pair = (labels[a], labels[b])
            if setting == "cit":
                ests = [correlate(xa[s][rows_sel[s]], xb[s][rows_sel[s]], method, pair, f"in task '{t}'")
                        for t, s in data.task_slices.items()]
                v = mean_defined([e.value for e in ests])
                reason = None if v is not None else next((e.reason for e in ests if e.reason), None)
            else:
                e = correlate(xa[rows_sel], xb[rows_sel], method, pair, "pooled")
                v, reason = e.value, e.reason
            values[a][b] = values[b][a] = v
            if reason:
                reasons[f"{labels[a]}|{labels[b]}"] = reason
    return {"labels": labels, "values": values, "reasons": reasons, "setting": setting, "method": method}
