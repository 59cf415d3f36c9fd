"""Kendall's tau-b of many bootstrap resamples at once, exactly, without re-sorting any resample.

A resample is a vector of counts w over the original rows (a row drawn k times has weight k). Its tau-b
is scipy's tau-b of the materialised resample: copies of a row tie with each other in both variables, so

    S = n_c - n_d = sum over row pairs i < j of w_i w_j sign(x_i - x_j) sign(y_i - y_j),
    tau_b = S / sqrt((N(N-1)/2 - sum_g t_g(t_g-1)/2) * (same for y)),

with N = sum w and t_g the total weight of a tie group. Sorting and ranking happen once (`TauPlan`);
every resample's S then comes from matrix products over that shared structure:

- Rows are sorted by x (the side with more distinct values) and cut into blocks of `BLOCK` rows. Pairs
  inside a block use a dense sign matrix per block: one batched BLAS product for all resamples.
- y becomes ordered bins: its own distinct values when it has at most `LEVELS` (a 1-5 human label, an
  LLM judge's 0-10), otherwise `SPLIT` quantile bins. For pairs in different blocks only the bins
  matter: a row's partners in earlier blocks are summed up by the cumulative bin histogram of those
  blocks (x ties that straddle a block boundary are cut out exactly, see `_Level.cross`).
- Pairs inside one bin exist only when y has more values than bins; the same method counts them inside
  each bin (recursion), and a bin of at most `DENSE` rows from one dense sign matrix (all its bins in one
  batched product), so the result stays exact.

Cost per resample and row: about BLOCK + 3 * bins flops in BLAS and a few memory passes, against
scipy's O(n log n) sort and merge per resample. benchmarks/bench_kendall.py prints the ratio. NaN marks
a resample whose tau-b is undefined (fewer than 3 rows, or a side constant).
"""

from __future__ import annotations

import numpy as np

from ifteval.metameter.stats import MIN_ROWS

BLOCK = 32  # rows per dense block: pairs inside a block cost BLOCK flops per row and resample
LEVELS = 64  # y with at most this many distinct values is done in one pass (3 * LEVELS flops a row)
SPLIT = 16  # otherwise y is cut into this many quantile bins per pass, recursing inside each bin
DENSE = 256  # a bin of at most this many rows takes all its pairs from one dense sign matrix


def dense_ranks(v: np.ndarray) -> np.ndarray:
    """0-based dense ranks (equal values share one)."""
    return np.unique(v, return_inverse=True)[1].reshape(-1)


def _signed_dot(h: np.ndarray, b: np.ndarray) -> np.ndarray:
    """sum over blocks and bins l of h[:, l] * (sum_k sign(l - k) b[:, k]), per resample: (B,).

    (S b)[l] = weight below l minus weight above l = 2 * below_l + b_l - total. A loop over the few bins
    on (blocks, B) slices beats a cumulative sum along the short bin axis (measured 5x).
    """
    h = h.astype(np.float64)
    b = b.astype(np.float64)
    total = b.sum(axis=1)
    below = np.zeros_like(total)
    out = np.zeros(h.shape[-1])
    for level in range(h.shape[1]):
        bl = b[:, level]
        out += np.einsum("pb,pb->b", h[:, level], 2.0 * below + bl - total)
        below += bl
    return out


class _Level:
    """The weight-independent structure of S for rows sorted by (rx, ry), padded to whole blocks."""

    def __init__(self, rx: np.ndarray, ry: np.ndarray) -> None:
        n = rx.size
        self.n = n
        self.n_blocks = n // BLOCK
        levels = dense_ranks(ry)
        n_levels = int(levels.max()) + 1
        bins = levels if n_levels <= LEVELS else (levels * SPLIT) // n_levels
        self.n_bins = int(bins.max()) + 1
        x = rx.astype(float).reshape(self.n_blocks, BLOCK)
        b = bins.astype(float).reshape(self.n_blocks, BLOCK)
        # within a block: [x_j < x_i] sign(bin_i - bin_j), exact in float32
        sign = (x[:, None, :] < x[:, :, None]) * np.sign(b[:, :, None] - b[:, None, :])
        self.sign = sign.astype(np.int8)  # small at rest; float32 when used
        block = np.arange(n) // BLOCK
        gstart = np.r_[0, np.flatnonzero(rx[1:] != rx[:-1]) + 1]
        sizes = np.diff(np.r_[gstart, n])
        group_start = np.repeat(gstart, sizes)
        group_end = np.repeat(np.r_[gstart[1:], n], sizes)
        head = group_start < block * BLOCK  # the row's x-tie group began in an earlier block
        tail = group_end > (block + 1) * BLOCK  # ... or goes on into the next one
        # bin indicators per block: all rows, and (only when x ties straddle blocks) head and tail rows
        kinds = (np.ones(n, bool), head, tail) if head.any() else (np.ones(n, bool),)
        self.indicator = np.zeros((self.n_blocks, len(kinds) * self.n_bins, BLOCK), dtype=np.int8)
        rows = np.arange(n)
        for kind, sel in enumerate(kinds):
            self.indicator[block[sel], kind * self.n_bins + bins[sel], rows[sel] % BLOCK] = 1
        first = np.arange(self.n_blocks) * BLOCK
        self.heads = np.flatnonzero(head[first])
        self.head_origin = block[group_start[first[self.heads]]]
        self.inner: list[tuple[np.ndarray, _Level]] = []
        leaves = []
        if n_levels > LEVELS:  # pairs inside a bin: the same count within each bin
            for value in range(self.n_bins):
                sub = np.flatnonzero(bins == value)
                if sub.size <= 1 or ry[sub].min() == ry[sub].max():
                    continue
                if sub.size <= DENSE:
                    leaves.append(sub)
                else:
                    padded, sub_rx, sub_ry = _padded(sub, rx[sub], ry[sub])
                    self.inner.append((padded, _Level(sub_rx, sub_ry)))
        # small bins: all their pairs at once, one dense sign matrix each, one batched product
        size = max((leaf.size for leaf in leaves), default=0)
        self.leaf_rows = np.full((len(leaves), size), -1)
        self.leaf_sign = np.zeros((len(leaves), size, size), dtype=np.int8)
        for i, leaf in enumerate(leaves):
            self.leaf_rows[i, :leaf.size] = leaf
            lx, ly = rx[leaf], ry[leaf]
            self.leaf_sign[i, :leaf.size, :leaf.size] = (lx[None, :] < lx[:, None]) * np.sign(
                ly[:, None] - ly[None, :])

    def signed_pairs(self, w: np.ndarray) -> np.ndarray:
        """S for weights w (n, B) float32 in this level's row order."""
        wb = w.reshape(self.n_blocks, BLOCK, w.shape[1])
        # per block |sum| <= BLOCK^2 * max_count^2: exact in float32
        signed = np.matmul(self.sign.astype(np.float32), wb)
        total = np.einsum("kib,kib->kb", signed, wb).astype(np.float64).sum(axis=0)
        total += self.cross(wb)
        for rows, level in self.inner:
            total += level.signed_pairs(_take(w, rows))
        if self.leaf_rows.size:  # float64: a leaf's sum may pass 2^24
            lw = _take(w, self.leaf_rows.ravel()).astype(np.float64)
            lw = lw.reshape(*self.leaf_rows.shape, w.shape[1])
            total += np.einsum("kib,kib->b", np.matmul(self.leaf_sign.astype(np.float64), lw), lw)
        return total

    def cross(self, wb: np.ndarray) -> np.ndarray:
        """Pairs in different blocks with different x: sign(bin_i - bin_j) for j in an earlier block.

        A row's partners are the rows before min(its block's start, its x-tie group's start). Only the
        first tie group of a block can start earlier (its head), so two bin histograms per block suffice:
        the head's and the rest's. The head's partners end where its group starts, in block q0: the
        cumulative histogram before q0, plus q0's, minus q0's tail (that group's rows in q0).
        """
        n_bins = self.n_bins
        # float32 is exact here: histograms and their running sums are counts below 2^24; the products
        # are summed in float64
        hist = np.matmul(self.indicator.astype(np.float32), wb)  # (blocks, kinds x bins, B)
        h_all = hist[:, :n_bins]
        before = np.cumsum(h_all, axis=0) - h_all
        if not self.heads.size:  # no x tie straddles a block boundary
            return _signed_dot(h_all, before)
        h_head, h_tail = hist[:, n_bins:2 * n_bins], hist[:, 2 * n_bins:]
        q0 = self.head_origin
        partners = before[q0] + h_all[q0] - h_tail[q0]
        return _signed_dot(h_all - h_head, before) + _signed_dot(h_head[self.heads], partners)


def _padded(index: np.ndarray, rx: np.ndarray, ry: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pad to whole blocks with rows of weight zero (index -1), each with an x rank of its own above all
    others (so padding adds no x ties and no pair straddling blocks)."""
    extra = (-index.size) % BLOCK
    return (np.r_[index, np.full(extra, -1)], np.r_[rx, rx.max() + 1 + np.arange(extra)],
            np.r_[ry, np.full(extra, ry.min())])


def _take(w: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """w[rows] with index -1 meaning a zero row (padding)."""
    out = w[np.maximum(rows, 0)]
    out[rows < 0] = 0.0
    return out


class TauPlan:
    """Everything about (x, y) that does not depend on the resample: build once, apply to many counts."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        if x.shape != y.shape or x.ndim != 1:
            raise ValueError("x and y must be 1-D arrays of the same length")
        self.n = x.size
        if self.n == 0:
            return
        rx, ry = dense_ranks(x), dense_ranks(y)
        if rx.max() < ry.max():  # bin the side with fewer distinct values: fewer bins, no recursion
            rx, ry = ry, rx
        order = np.lexsort((ry, rx))
        self.rows, rx_p, ry_p = _padded(order, rx[order], ry[order])
        self.level = _Level(rx_p, ry_p)
        self.x_groups = np.flatnonzero(np.r_[True, rx_p[1:] != rx_p[:-1]])
        n_y = int(ry.max()) + 1
        self.y_onehot = None
        if n_y <= LEVELS:
            self.y_onehot = np.zeros((n_y, rx_p.size), dtype=np.float32)
            self.y_onehot[ry_p, np.arange(rx_p.size)] = 1.0
            self.y_onehot[:, self.rows < 0] = 0.0
        else:
            self.y_order = np.argsort(ry_p, kind="stable")
            sorted_y = ry_p[self.y_order]
            self.y_groups = np.flatnonzero(np.r_[True, sorted_y[1:] != sorted_y[:-1]])

    def values(self, counts: np.ndarray, index: np.ndarray | None = None) -> np.ndarray:
        """tau-b per resample. `counts` is (rows, B) (uint8 is fine); `index[i]` is the row of counts that
        x[i], y[i] describe (default: row i), so a task's or a judge's rows need no copied matrix."""
        n_boot = counts.shape[1]
        if self.n == 0:
            return np.full(n_boot, np.nan)
        rows = self.rows if index is None else np.where(self.rows >= 0, np.asarray(index)[self.rows], -1)
        w = _take(counts, rows).astype(np.float32)
        num = self.level.signed_pairs(w)
        blocks = w.reshape(-1, BLOCK, n_boot)
        total = blocks.sum(axis=1).astype(np.float64).sum(axis=0)  # float32 within a block: exact
        pairs = total * (total - 1) / 2
        if self.x_groups.size == w.shape[0]:  # no ties between rows: only a row's own copies tie
            squares = np.einsum("kib,kib->kb", blocks, blocks).astype(np.float64).sum(axis=0)
            tx = 0.5 * (squares - total)
        else:
            tx = _tie_pairs(np.add.reduceat(w, self.x_groups, axis=0))
        if self.y_onehot is not None:
            ty = _tie_pairs(self.y_onehot @ w)
        else:
            ty = _tie_pairs(np.add.reduceat(w[self.y_order], self.y_groups, axis=0))
        with np.errstate(invalid="ignore", divide="ignore"):
            tau = num / np.sqrt((pairs - tx) * (pairs - ty))
        bad = (total < MIN_ROWS) | (pairs - tx <= 0) | (pairs - ty <= 0)
        return np.where(bad, np.nan, np.clip(tau, -1.0, 1.0))


def _tie_pairs(group_weight: np.ndarray) -> np.ndarray:
    """sum over tie groups of t(t-1)/2 (group sums stay below 2^24: exact in float32)."""
    t = group_weight.astype(np.float64)
    return 0.5 * np.einsum("gb,gb->b", t, t - 1.0)


def tau_b(x: np.ndarray, y: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """tau-b of every resample: `counts` is (B, n) row counts for the pairs (x, y) of length n.

    Equals `scipy.stats.kendalltau(x[idx], y[idx]).statistic` for the resample's index list idx.
    """
    counts = np.asarray(counts)
    if counts.ndim != 2 or counts.shape[1] != np.size(x):
        raise ValueError("counts must be (resamples, rows) with one column per (x, y) pair")
    return TauPlan(x, y).values(np.ascontiguousarray(counts.T))
