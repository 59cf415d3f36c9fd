"""The item level of the paper (Sec. 2.1): CIT and CAT per judge, and paired tests of judge A vs B.

CIT: correlation with humans within each task, averaged over the tasks where it is defined.
CAT: the same correlation over all tasks pooled (it rewards scores on one absolute scale across tasks).

`item_level` runs in three steps that share one set of resamples: point estimates of every (judge,
rows) column, their bootstrap samples, and the assembly of CAT, CIT and the paired entries.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ifteval.metameter.bootstrap import (
    NO_BOOT,
    Block,
    Bootstrap,
    bootstrap_pearson,
    count_batches,
    nanmean_rows,
    one_blas_thread,
    p_value_two_sided,
    with_interval,
)
from ifteval.metameter.data import MetaData, check_judges
from ifteval.metameter.kendall import TauPlan
from ifteval.metameter.stats import (
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


@dataclass(frozen=True)
class ItemLevel:
    """CIT and CAT per judge, and paired comparisons, computed from one shared set of resamples."""

    cit: dict[str, Estimate]
    cat: dict[str, Estimate]
    paired: list[dict]


@dataclass
class _Columns:
    """The (judge, rows) columns to correlate with the human score: one per judge on its own rows
    (human and judge present), then one per side of each compared pair on the rows where the human and
    both judges are present. A (judge, rows) column already listed is reused, not recomputed."""

    pairs: list[tuple[str, np.ndarray]]
    compared: list[tuple[int, int, np.ndarray]]  # per compared pair: column of a, column of b, their rows


def _columns(data: MetaData, names: Sequence[str], compare: Sequence[tuple[str, str]]) -> _Columns:
    has_h = np.isfinite(data.human)
    pairs: list[tuple[str, np.ndarray]] = [(j, np.isfinite(data.judges[j]) & has_h) for j in names]
    seen = {(j, np.packbits(m).tobytes()): p for p, (j, m) in enumerate(pairs)}

    def column(j: str, mask: np.ndarray) -> int:
        key = (j, np.packbits(mask).tobytes())
        if key not in seen:
            seen[key] = len(pairs)
            pairs.append((j, mask))
        return seen[key]

    compared = []
    for a, b in compare:
        mask_ab = has_h & np.isfinite(data.judges[a]) & np.isfinite(data.judges[b])
        compared.append((column(a, mask_ab), column(b, mask_ab), mask_ab))
    return _Columns(pairs, compared)


@dataclass(frozen=True)
class _Points:
    """Point estimates: `cat[p]` pooled over tasks, `cit[p][i]` in task i, for column p."""

    cat: list[Estimate]
    cit: list[list[Estimate]]


def _point_estimates(data: MetaData, pairs: list[tuple[str, np.ndarray]], method: Method) -> _Points:
    h = data.human

    def point(j: str, mask: np.ndarray, s: slice | None, where: str) -> Estimate:
        x = data.judges[j] if s is None else data.judges[j][s]
        y = h if s is None else h[s]
        mk = mask if s is None else mask[s]
        return correlate(x[mk], y[mk], method, (f"judge '{j}'", "the human score"), where)

    cat_pts = [point(j, m, None, "over all tasks pooled") for j, m in pairs]
    cit_pts = [[point(j, m, s, f"in task '{t}'") for t, s in data.task_slices.items()] for j, m in pairs]
    return _Points(cat_pts, cit_pts)


@dataclass(frozen=True)
class _Samples:
    """Bootstrap samples, (n_boot, n_columns): `cat` pooled, `cit[i]` in task i; None without intervals."""

    cat: np.ndarray | None = None
    cit: list[np.ndarray] | None = None


def _bootstrap_samples(data: MetaData, pairs: list[tuple[str, np.ndarray]], method: Method,
                       boot: Bootstrap) -> _Samples:
    """One resample set, stratified by task, for every column: Pearson/Spearman from the cached per-row
    statistics in one pass, Kendall exactly per resample (`_kendall_samples`)."""
    if boot.n <= 0:
        return _Samples()
    strata = list(data.task_slices.values())
    if method == "kendall":
        return _Samples(*_kendall_samples(data, pairs, strata, boot))
    h = data.human
    full = slice(0, data.n_rows)
    cat_block = np.hstack([
        pair_stats(transform(data.judges[j], m, method), transform(h, m, method), m) for j, m in pairs
    ])
    blocks = [Block(full, cat_block)]
    for s in strata:
        cols = []
        for j, m in pairs:
            ms = m[s]
            cols.append(pair_stats(transform(data.judges[j][s], ms, method), transform(h[s], ms, method), ms))
        blocks.append(Block(s, np.hstack(cols)))
    res = bootstrap_pearson(strata, blocks, boot.n, boot.seed)
    return _Samples(res[0], res[1:])


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


def _cat_estimate(p: int, mask: np.ndarray, points: _Points, samples: _Samples, n_labelled: int,
                  boot: Bootstrap) -> Estimate:
    e = points.cat[p]
    extra = {"coverage": (int(mask.sum()) / n_labelled) if n_labelled else None, "n_human": n_labelled}
    return with_interval(Estimate(e.value, e.n, e.reason, extra=extra),
                         samples.cat[:, p] if samples.cat is not None else np.empty(0), boot)


def _cit_estimate(p: int, tasks: list[str], points: _Points, samples: _Samples, boot: Bootstrap) -> Estimate:
    per = points.cit[p]
    value = mean_defined([e.value for e in per])
    per_task = {}
    for i, (t, e_t) in enumerate(zip(tasks, per, strict=True)):
        e_t = with_interval(e_t, samples.cit[i][:, p], boot) if samples.cit is not None else e_t
        per_task[t] = e_t.to_dict()
    n_def = sum(e.value is not None for e in per)
    reason = None
    if value is None:
        first = next((e.reason for e in per if e.reason), "")
        reason = f"no task has a defined correlation (e.g. {first})"
    extra = {"n_tasks": len(tasks), "n_tasks_defined": n_def, "per_task": per_task}
    est = Estimate(value, sum(e.n for e in per), reason, extra=extra)
    if samples.cit is None:
        return with_interval(est, np.empty(0), boot)
    defined = [i for i, e in enumerate(per) if e.value is not None]
    if not defined:
        return with_interval(est, np.full(boot.n, np.nan), boot)
    return with_interval(est, nanmean_rows(np.stack([samples.cit[i][:, p] for i in defined], axis=1)), boot)


def _paired(data: MetaData, a: str, b: str, compared: tuple[int, int, np.ndarray], method: Method,
            points: _Points, samples: _Samples, boot: Bootstrap) -> dict:
    """Judge a vs b on the rows all three share: CAT difference (+ Williams' test), CIT difference."""
    pa, pb, mask_ab = compared
    entry: dict = {"a": a, "b": b}
    ra, rb = points.cat[pa], points.cat[pb]
    cat_diffs = None if samples.cat is None else samples.cat[:, pa] - samples.cat[:, pb]
    entry["cat"] = _paired_entry(ra.value, rb.value, ra.n, cat_diffs, boot)
    if method != "kendall" and ra.value is not None and rb.value is not None:
        xa, xb = data.judges[a][mask_ab], data.judges[b][mask_ab]
        if method == "spearman":
            xa, xb = rank(xa), rank(xb)
        if np.ptp(xa) > 0 and np.ptp(xb) > 0:
            r_ab = pearson_value(xa, xb)
            entry["cat"]["williams"] = williams_test(ra.value, rb.value, r_ab, ra.n)
    # CIT: average of per-task differences over tasks where both are defined
    cit_a, cit_b = points.cit[pa], points.cit[pb]
    both = [i for i in range(len(cit_a)) if cit_a[i].value is not None and cit_b[i].value is not None]
    if not both:
        entry["cit"] = {"diff": None, "reason": "no task where both judges have a defined correlation"}
        return entry
    va = float(np.mean([cit_a[i].value for i in both]))
    vb = float(np.mean([cit_b[i].value for i in both]))
    diffs = None
    if samples.cit is not None:
        diffs = nanmean_rows(np.stack([samples.cit[i][:, pa] - samples.cit[i][:, pb] for i in both], axis=1))
    entry["cit"] = _paired_entry(va, vb, sum(cit_a[i].n for i in both), diffs, boot)
    entry["cit"]["n_tasks"] = len(both)
    return entry


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
    names = check_judges(data, judges)
    for a, b in compare:
        check_judges(data, [a, b])
    n_labelled = int(np.isfinite(data.human).sum())
    tasks = list(data.task_slices)
    columns = _columns(data, names, compare)
    points = _point_estimates(data, columns.pairs, method)
    samples = _bootstrap_samples(data, columns.pairs, method, boot)
    cat: dict[str, Estimate] = {}
    cit: dict[str, Estimate] = {}
    for p, (j, m) in enumerate(columns.pairs[: len(names)]):
        cat[j] = _cat_estimate(p, m, points, samples, n_labelled, boot)
        cit[j] = _cit_estimate(p, tasks, points, samples, boot)
    paired = [_paired(data, a, b, cols, method, points, samples, boot)
              for (a, b), cols in zip(compare, columns.compared, strict=True)]
    return ItemLevel(cit=cit, cat=cat, paired=paired)


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
