"""Seeded, stratified bootstrap over cached per-row statistics (the sacrebleu pattern).

Resamples are drawn once per chunk as index arrays within each stratum (task, document...), turned into
count matrices W (resamples x rows), and every correlation of the chunk comes from one matrix product
`W @ S` with the per-row statistics S of `stats.pair_stats`. Ranks are therefore computed once, on the
full sample: a resample's Spearman value is the Pearson r of the original ranks of the resampled rows
(the rank-once bootstrap). It differs from re-ranking every resample by O(1/n) and keeps 100k rows x
10 judges x 1,000 resamples within seconds. Kendall's tau has no such sum form; `count_batches` hands
the same resamples as row-count matrices to `kendall.TauPlan`, which gives each resample's exact tau-b
from matrix products (no re-sorting per resample; see kendall.py and benchmarks/bench_kendall.py).

The same seed gives the same resamples whatever the method, judges or machine (chunk size is fixed).
The products run with BLAS limited to one thread (when threadpoolctl is installed): they are memory-bound,
and multi-threaded OpenBLAS on a busy 2-core machine was measured 9x slower (62 s vs 7 s).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ifteval.metameter.resampling import Resample
from ifteval.metameter.stats import Estimate, pearson_from_sums, percentile_ci

CHUNK_CELLS = 4_000_000  # resample-rows per chunk: 32 MB of float64 counts; fixed so seeds are portable
KENDALL_BATCH_CELLS = 6_000_000  # row-resamples per Kendall batch (24 MB of float32 weights)


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


def with_interval(est: Estimate, samples: np.ndarray, boot: Bootstrap) -> Estimate:
    """`est` with the percentile interval of its bootstrap `samples` (unchanged when `boot.n` is 0)."""
    if boot.n <= 0:
        return est
    if est.value is None:
        return est.with_ci(None, "the point estimate is undefined")
    ci, reason = percentile_ci(samples, boot.confidence)
    return est.with_ci(ci, reason)


def nanmean_rows(a: np.ndarray) -> np.ndarray:
    """Row means over the defined entries; NaN (no warning) where a row has none."""
    ok = np.isfinite(a)
    cnt = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, np.where(ok, a, 0.0).sum(axis=1) / cnt, np.nan)


@dataclass(frozen=True)
class Block:
    """Statistics to resample over one contiguous row range: `stats` is (rows, 6k) from `pair_stats`."""

    rows: slice
    stats: np.ndarray


def one_blas_thread() -> contextlib.AbstractContextManager:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: without it BLAS keeps its default threads
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _chunk_size(n_rows: int) -> int:
    return max(1, CHUNK_CELLS // max(n_rows, 1))


def resample_indices(
    strata: Sequence[slice], n_boot: int, seed: int
) -> Iterator[list[np.ndarray]]:
    """Yield, chunk by chunk, one (chunk, n_s) array of global row indices per stratum.

    Strata are contiguous, disjoint row ranges covering the rows; each resample keeps every stratum's size
    (a stratified bootstrap: tasks, regimes or documents stay in the design, their rows are redrawn).
    """
    rng = np.random.default_rng(seed)
    n_rows = sum(s.stop - s.start for s in strata)
    chunk = _chunk_size(n_rows)
    done = 0
    while done < n_boot:
        cb = min(chunk, n_boot - done)
        yield [s.start + rng.integers(0, s.stop - s.start, size=(cb, s.stop - s.start)) for s in strata]
        done += cb


def counts_from_indices(strata: Sequence[slice], idx: list[np.ndarray], n_rows: int) -> np.ndarray:
    """Turn per-stratum index arrays into a (chunk, n_rows) float matrix of resample counts."""
    cb = idx[0].shape[0] if idx else 0
    w = np.zeros((cb, n_rows))
    for s, ix in zip(strata, idx, strict=True):
        size = s.stop - s.start
        local = (ix - s.start) + (np.arange(cb) * size)[:, None]
        w[:, s] = np.bincount(local.ravel(), minlength=cb * size).reshape(cb, size)
    return w


def count_batches(strata: Sequence[slice], n_boot: int, seed: int) -> Iterator[np.ndarray]:
    """The resamples of `resample_indices` (same seed, same draws) as (rows, batch) uint8 count matrices.

    A batch holds about KENDALL_BATCH_CELLS row-resamples: the float32 work arrays made from it then stay
    under glibc's 32 MB mmap ceiling and are reused from the heap; larger ones were mapped afresh on every
    call and page faults took 40 % of the time at 100k rows.

    Rows first, so a judge's or task's rows are contiguous count vectors (what `kendall.TauPlan` reads);
    uint8 holds any count a bootstrap draws (a row drawn 256 times in a resample does not happen).
    """
    n_rows = max((s.stop for s in strata), default=0)
    batch = max(1, KENDALL_BATCH_CELLS // max(n_rows, 1))
    pending: list[np.ndarray] = []
    filled = 0
    for idx in resample_indices(strata, n_boot, seed):
        cb = idx[0].shape[0] if idx else 0
        counts = np.zeros((n_rows, cb), dtype=np.uint8)
        for s, ix in zip(strata, idx, strict=True):
            size = s.stop - s.start
            local = (ix - s.start) * cb + np.arange(cb)[:, None]
            counts[s] = np.bincount(local.ravel(), minlength=size * cb).reshape(size, cb)
        pending.append(counts)
        filled += cb
        if filled >= batch:
            yield np.concatenate(pending, axis=1)
            pending, filled = [], 0
    if pending:
        yield np.concatenate(pending, axis=1)


def bootstrap_pearson(
    strata: Sequence[slice], blocks: Sequence[Block], n_boot: int, seed: int
) -> list[np.ndarray]:
    """Bootstrap the Pearson r of every pair in every block: one (n_boot, k) array per block.

    NaN marks a resample where a pair is undefined (a constant side); callers count and report them.
    """
    out = _resampled_block_sums(strata, blocks, n_boot, seed, pearson_from_sums)
    return [np.concatenate(parts, axis=0) if parts else np.empty((0, b.stats.shape[1] // 6))
            for parts, b in zip(out, blocks, strict=True)]


def bootstrap_weighted_sums(
    strata: Sequence[slice], blocks: Sequence[Block], n_boot: int, seed: int
) -> list[np.ndarray]:
    """Bootstrap plain weighted column sums `W @ stats` per block (for means, e.g. TFA): (n_boot, cols)."""
    out = _resampled_block_sums(strata, blocks, n_boot, seed, lambda sums: sums)
    return [np.concatenate(parts, axis=0) for parts in out]


def _resampled_block_sums(
    strata: Sequence[slice],
    blocks: Sequence[Block],
    n_boot: int,
    seed: int,
    transform: Callable[[np.ndarray], np.ndarray],
) -> list[list[np.ndarray]]:
    """For each chunk of resamples, `transform(W @ stats)` per block: the one loop both bootstraps share
    (resample counts are drawn once per chunk and reused by every block)."""
    n_rows = max((s.stop for s in strata), default=0)
    out: list[list[np.ndarray]] = [[] for _ in blocks]
    with one_blas_thread():
        for idx in resample_indices(strata, n_boot, seed):
            w = counts_from_indices(strata, idx, n_rows)
            for i, block in enumerate(blocks):
                out[i].append(transform(w[:, block.rows] @ block.stats))
    return out


def bootstrap_vector_mean(values: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Bootstrap the mean of per-cluster values (documents at summary level), ignoring NaN: (n_boot, ...).

    `values` is (n,) or (n, k): the k columns (judges) share every resample, so their intervals are
    paired and a column's samples do not depend on which other columns are passed. NaN where a resample
    holds no defined value.
    """
    rng = np.random.default_rng(seed)
    n = values.shape[0]
    flat = values.reshape(n, -1)
    ok = np.isfinite(flat)
    filled = np.where(ok, flat, 0.0)
    out = np.empty((n_boot, flat.shape[1]))
    chunk = _chunk_size(n)
    for start in range(0, n_boot, chunk):
        cb = min(chunk, n_boot - start)
        idx = rng.integers(0, n, size=(cb, n))
        for c in range(flat.shape[1]):
            with np.errstate(invalid="ignore", divide="ignore"):
                out[start : start + cb, c] = filled[idx, c].sum(axis=1) / ok[idx, c].sum(axis=1)
    return out.reshape((n_boot,) + values.shape[1:])


def p_value_two_sided(diffs: np.ndarray) -> float | None:
    """Two-sided bootstrap p-value for H0: difference == 0, from the resampled differences.

    p = 2 * min(P*(d <= 0), P*(d >= 0)) with the +1 correction, so it is never exactly 0.
    """
    d = diffs[np.isfinite(diffs)]
    if d.size == 0:
        return None
    lo = (np.sum(d <= 0) + 1) / (d.size + 1)
    hi = (np.sum(d >= 0) + 1) / (d.size + 1)
    return float(min(1.0, 2 * min(lo, hi)))
