"""The summary and system levels (App. B.1) and their permutation tests, over a documents x systems grid.

Summary level: correlation across a document's outputs (systems), averaged over documents.
System level: correlation between per-system mean judge and mean human scores.
What their bootstrap and permutation tests redraw (documents, systems or both) is in `resampling`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from ifteval.errors import DataError
from ifteval.metameter.bootstrap import NO_BOOT, Bootstrap, bootstrap_vector_mean, with_interval
from ifteval.metameter.data import MetaData, check_judges
from ifteval.metameter.resampling import (
    build_grid,
    doc_rows,
    draw,
    permutation_test,
    summary_samples,
    system_samples,
)
from ifteval.metameter.stats import MIN_ROWS, Estimate, Method, correlate


def _kendall_or_nan(x: np.ndarray, y: np.ndarray) -> float:
    if x.size < MIN_ROWS or np.all(x == x[0]) or np.all(y == y[0]):
        return float("nan")
    return float(sps.kendalltau(x, y).statistic)


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
    names = check_judges(data, judges)
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
        out[j] = with_interval(est, samples[j], boot) if boot.n > 0 else est
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
    names = check_judges(data, judges)
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
            out[j] = with_interval(est, np.empty(0), boot)
            continue
        est = correlate(mx[keep], mh[keep], method, (f"mean judge '{j}'", "mean human score"),
                        f"across {n_sys_ok} systems")
        est = Estimate(est.value, est.n, est.reason, extra=extra)
        if draws is not None:
            grid = build_grid(x, h, docs, sys_codes, n_docs, n_sys)
            est = with_interval(est, system_samples(grid, method, draws), boot)
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
        check_judges(data, [a, b])
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
