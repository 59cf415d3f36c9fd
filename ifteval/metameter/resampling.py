"""Summary- and system-level resampling over documents, systems or both (Deutsch, Dror & Roth, TACL 2021).

Scores at these levels form a grid: documents x systems, one output a cell. Deutsch et al. show that a
bootstrap which redraws documents only treats the systems as fixed, so its system-level interval says
nothing about other systems and can miss the observed value (REALSumm's mover_score: system-level tau
0.868, documents-only 95 % interval [0.582, 0.847]). Redrawing both documents and systems (BOOT-BOTH) is
their recommendation and our default; their permutation test PERM-BOTH swaps two judges' scores on random
systems and then on random documents to test "judge A correlates better with humans than judge B".

One set of draws (seeded) serves every judge, so intervals are paired. nlpstats (their package) is the
reference the tests compare against.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats as sps

from ifteval.metameter.stats import MIN_ROWS, Method, corr_rows

Resample = Literal["docs", "systems", "both"]
RESAMPLES: tuple[Resample, ...] = ("docs", "systems", "both")
DESCRIBE = {
    "docs": "documents resampled, systems fixed",
    "systems": "systems resampled, documents fixed",
    "both": "documents and systems resampled (Deutsch et al. 2021)",
}
CHUNK_CELLS = 8_000_000  # resample x document x system(^2 for Kendall) entries per chunk


@dataclass(frozen=True)
class Grid:
    """One judge's scores on the document x system grid: per-cell sums and counts of paired rows.

    `sums_x` / `sums_h` add the judge / human scores of the rows where both are present; `counts` counts
    them. A cell holds one output in the usual design; several are allowed for system means only.
    """

    sums_x: np.ndarray  # (n_docs, n_sys)
    sums_h: np.ndarray
    counts: np.ndarray

    def cells(self) -> tuple[np.ndarray, np.ndarray]:
        """Cell values (NaN where empty); only meaningful when no cell holds more than one output."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.sums_x / self.counts, self.sums_h / self.counts


def build_grid(x: np.ndarray, h: np.ndarray, docs: np.ndarray, systems: np.ndarray, n_docs: int,
               n_sys: int) -> Grid:
    """Grid of one judge from row arrays (`docs`, `systems` are integer codes)."""
    ok = np.isfinite(x) & np.isfinite(h)
    key = docs[ok] * n_sys + systems[ok]
    size = n_docs * n_sys
    return Grid(np.bincount(key, x[ok], size).reshape(n_docs, n_sys),
                np.bincount(key, h[ok], size).reshape(n_docs, n_sys),
                np.bincount(key, minlength=size).reshape(n_docs, n_sys).astype(float))


@dataclass(frozen=True)
class Draws:
    """Resampled document counts (B, n_docs) and system indices (B, n_sys); None = kept as they are."""

    doc_counts: np.ndarray | None
    sys_idx: np.ndarray | None
    n: int


def draw(n_docs: int, n_sys: int, n_boot: int, seed: int, resample: Resample) -> Draws:
    """Draw documents and/or systems with replacement; the seed alone fixes them (paired across judges)."""
    rng = np.random.default_rng(seed)
    doc_counts = sys_idx = None
    if resample in ("docs", "both"):
        idx = rng.integers(0, n_docs, size=(n_boot, n_docs))
        doc_counts = np.zeros((n_boot, n_docs))
        np.add.at(doc_counts, (np.arange(n_boot)[:, None], idx), 1.0)
    if resample in ("systems", "both"):
        sys_idx = rng.integers(0, n_sys, size=(n_boot, n_sys))
    return Draws(doc_counts, sys_idx, n_boot)


def _chunks(n: int, per_item: int) -> Iterator[slice]:
    step = max(1, CHUNK_CELLS // max(per_item, 1))
    for start in range(0, n, step):
        yield slice(start, min(n, start + step))


def _pick_systems(values: np.ndarray, sys_idx: np.ndarray | None, rows: slice) -> np.ndarray:
    """values (B, ..., n_sys) -> the drawn systems per resample (B, ..., n_sys); unchanged without draws."""
    if sys_idx is None:
        return values
    idx = sys_idx[rows]
    idx = idx.reshape(idx.shape[0], *([1] * (values.ndim - 2)), idx.shape[1])
    return np.take_along_axis(values, np.broadcast_to(idx, values.shape[:-1] + idx.shape[-1:]), axis=-1)


def system_samples(grid: Grid, method: Method, draws: Draws) -> np.ndarray:
    """System-level correlation per resample (B,): system means over the drawn documents, correlated
    over the drawn systems (a system drawn twice counts twice, as in nlpstats). NaN where undefined."""
    n_docs, n_sys = grid.counts.shape
    out = np.empty(draws.n)
    for rows in _chunks(draws.n, n_docs * n_sys + (n_sys * n_sys if method == "kendall" else 0)):
        b = rows.stop - rows.start
        w = draws.doc_counts[rows] if draws.doc_counts is not None else np.ones((b, n_docs))
        with np.errstate(invalid="ignore", divide="ignore"):
            cnt = w @ grid.counts
            mx = (w @ grid.sums_x) / cnt
            mh = (w @ grid.sums_h) / cnt
        out[rows] = corr_rows(_pick_systems(mx, draws.sys_idx, rows), _pick_systems(mh, draws.sys_idx, rows),
                              method)
    return out


@dataclass(frozen=True)
class DocRows:
    """One judge's paired rows grouped by document, for the summary level: `x`, `h`, `system` codes,
    and `starts`, the first row of each document (every document listed, empty ones included)."""

    x: np.ndarray
    h: np.ndarray
    system: np.ndarray
    starts: np.ndarray
    n_sys: int

    @property
    def n_docs(self) -> int:
        return self.starts.size


def doc_rows(x: np.ndarray, h: np.ndarray, docs: np.ndarray, systems: np.ndarray, n_docs: int,
             n_sys: int) -> DocRows:
    """Rows where judge and human are both present, sorted by document."""
    ok = np.isfinite(x) & np.isfinite(h)
    order = np.flatnonzero(ok)[np.argsort(docs[ok], kind="stable")]
    sizes = np.bincount(docs[order], minlength=n_docs)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
    return DocRows(x[order], h[order], systems[order], starts, n_sys)


def _system_counts(draws: Draws, rows: slice, n_sys: int) -> np.ndarray:
    c = np.zeros((rows.stop - rows.start, n_sys))
    np.add.at(c, (np.arange(c.shape[0])[:, None], draws.sys_idx[rows]), 1.0)
    return c


def summary_samples(data: DocRows, method: Method, draws: Draws) -> np.ndarray:
    """Summary-level correlation per resample (B,) when systems are redrawn (with or without documents).

    Within a drawn document, every output of a drawn system counts as often as the system was drawn;
    the correlation over that multiset is exact (Kendall's tau-b and Spearman's average ranks included,
    as scipy on the materialised resample) and comes from the system counts without copying rows.
    The mean runs over the drawn documents (with multiplicity) where the correlation is defined.
    """
    if draws.sys_idx is None:
        raise ValueError("summary_samples redraws systems; documents alone need no per-resample work")
    if method == "kendall":
        return _summary_kendall(data, draws)
    per_doc = _rank_parts(data) if method == "spearman" else None
    out = np.empty(draws.n)
    n_rows = data.x.size
    for rows in _chunks(draws.n, max(n_rows * 4, data.n_docs * data.n_sys)):
        c = _system_counts(draws, rows, data.n_sys)
        m = c[:, data.system]  # (B, n_rows) multiplicity of each output
        if per_doc is None:
            x, y = np.broadcast_to(data.x, m.shape), np.broadcast_to(data.h, m.shape)
        else:
            x, y = c @ per_doc[0].T + 0.5, c @ per_doc[1].T + 0.5
        out[rows] = _doc_mean(_weighted_pearson(x, y, m, data), draws, rows)
    return out


def _rank_parts(data: DocRows) -> tuple[np.ndarray, np.ndarray]:
    """Per output r and system s: #outputs of s in r's document below r, plus half those tied with r.

    A resample's average rank of r is then counts . parts[r] + 1/2 (ties, drawn copies included)."""
    parts = []
    bounds = np.append(data.starts, data.x.size)
    for v in (data.x, data.h):
        a = np.zeros((v.size, data.n_sys))
        for d in range(data.n_docs):
            lo, hi = bounds[d], bounds[d + 1]
            if hi == lo:
                continue
            vd = v[lo:hi]
            onehot = np.eye(data.n_sys)[data.system[lo:hi]]
            a[lo:hi] = ((vd[:, None] > vd[None, :]) + 0.5 * (vd[:, None] == vd[None, :])) @ onehot
        parts.append(a)
    return parts[0], parts[1]


def _weighted_pearson(x: np.ndarray, y: np.ndarray, m: np.ndarray, data: DocRows) -> np.ndarray:
    """Pearson r per (resample, document) of rows weighted by m: (B, n_docs), NaN where undefined."""
    nonempty = np.flatnonzero(np.diff(np.append(data.starts, data.x.size)) > 0)
    starts = data.starts[nonempty]
    out = np.full((m.shape[0], data.n_docs), np.nan)
    if starts.size == 0:
        return out
    # centre per document (on all its rows) so the sums stay well conditioned
    doc_of_row = np.repeat(np.arange(starts.size), np.diff(np.append(starts, data.x.size)))
    sums = {}
    for name, v in (("x", x), ("y", y)):
        mean = np.add.reduceat(v, starts, axis=-1) / np.diff(np.append(starts, data.x.size))
        sums[name] = v - mean[..., doc_of_row]
    xc, yc = sums["x"], sums["y"]
    red = lambda a: np.add.reduceat(a, starts, axis=1)  # noqa: E731
    w, sx, sy = red(m), red(m * xc), red(m * yc)
    vx = w * red(m * xc * xc) - sx * sx
    vy = w * red(m * yc * yc) - sy * sy
    cov = w * red(m * xc * yc) - sx * sy
    with np.errstate(invalid="ignore", divide="ignore"):
        r = cov / np.sqrt(vx * vy)
    # constant: the weighted variance vanishes against the second moment (exactly 0 up to rounding)
    flat_x = vx <= 1e-12 * w * red(m * xc * xc)
    flat_y = vy <= 1e-12 * w * red(m * yc * yc)
    out[:, nonempty] = np.where((w < MIN_ROWS) | flat_x | flat_y, np.nan, np.clip(r, -1.0, 1.0))
    return out


def _doc_mean(r: np.ndarray, draws: Draws, rows: slice) -> np.ndarray:
    """Mean over the drawn documents (with multiplicity) of the defined per-document values (B, n_docs)."""
    w = draws.doc_counts[rows] if draws.doc_counts is not None else np.ones(r.shape)
    ok = np.isfinite(r)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (w * np.where(ok, r, 0.0)).sum(axis=1) / (w * ok).sum(axis=1)


def pair_signs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """sign(a[d, s] - b[d, t]) as (n_docs, s, t); 0 where either cell is missing."""
    d = a[:, :, None] - b[:, None, :]
    return np.where(np.isfinite(d), np.sign(d), 0.0)


def quad_form(u: np.ndarray, m: np.ndarray, v: np.ndarray) -> np.ndarray:
    """u[p] . m[d] . v[p] for every resample p and document d: (P, D), one BLAS product.

    A drawn-twice system is a count of 2 in u and v, so a resample's Kendall sums over its drawn systems
    are quadratic forms of the counts with the per-document sign matrices, computed without copying.
    """
    n_docs, n_sys, _ = m.shape
    t = u @ m.transpose(1, 0, 2).reshape(n_sys, n_docs * n_sys)
    return np.einsum("pds,ps->pd", t.reshape(u.shape[0], n_docs, n_sys), v)


def _kendall_from_sums(num: np.ndarray, dx: np.ndarray, dh: np.ndarray, n_ok: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = num / np.sqrt(dx * dh)
    return np.where((n_ok < MIN_ROWS) | (dx <= 0) | (dh <= 0), np.nan, np.clip(tau, -1.0, 1.0))


def _summary_kendall(data: DocRows, draws: Draws) -> np.ndarray:
    """Exact tau-b per (resample, document) over the drawn systems' outputs, from system counts.

    Pair signs of a document's outputs are summed into system x system matrices once; a resample's
    sums are then quadratic forms of its system counts (quad_form).
    """
    n_docs, n_sys = data.n_docs, data.n_sys
    sxy, sxx, syy = (np.zeros((n_docs, n_sys, n_sys)) for _ in range(3))
    n_per = np.zeros((n_docs, n_sys))
    bounds = np.append(data.starts, data.x.size)
    for d in range(n_docs):
        lo, hi = bounds[d], bounds[d + 1]
        if hi == lo:
            continue
        onehot = np.eye(n_sys)[data.system[lo:hi]]
        sx = np.sign(data.x[lo:hi, None] - data.x[None, lo:hi])
        sy = np.sign(data.h[lo:hi, None] - data.h[None, lo:hi])
        sxy[d], sxx[d], syy[d] = (onehot.T @ a @ onehot for a in (sx * sy, sx * sx, sy * sy))
        n_per[d] = onehot.sum(axis=0)
    out = np.empty(draws.n)
    for rows in _chunks(draws.n, n_docs * n_sys):
        c = _system_counts(draws, rows, n_sys)
        tau = _kendall_from_sums(quad_form(c, sxy, c), quad_form(c, sxx, c), quad_form(c, syy, c),
                                 c @ n_per.T)
        out[rows] = _doc_mean(tau, draws, rows)
    return out


def _standardise(a: np.ndarray) -> np.ndarray:
    return (a - np.nanmean(a)) / np.nanstd(a)


def permutation_test(xa: np.ndarray, xb: np.ndarray, h: np.ndarray, level: Literal["summary", "system"],
                     method: Method, resample: Resample, n: int, seed: int) -> dict:
    """PERM-BOTH (or -DOCS / -SYSTEMS): is judge A's correlation with humans different from judge B's?

    `xa`, `xb`, `h` are (n_docs, n_sys) cell values; cells missing for any of them are left out of all
    three. As in nlpstats, each matrix is standardised first so swapped scores share a scale; a
    permutation swaps A and B on a random half of the systems and then of the documents (a cell swapped
    twice is back). Two-sided p = (1 + #{|d*| >= |d|}) / (1 + n), never 0.
    """
    miss = ~(np.isfinite(xa) & np.isfinite(xb) & np.isfinite(h))
    xa, xb, h = (np.where(miss, np.nan, a) for a in (xa, xb, h))
    xa, xb, h = _standardise(xa), _standardise(xb), _standardise(h)
    observed = float(_stack_level(xa[None], h, level, method)[0]
                     - _stack_level(xb[None], h, level, method)[0])
    if not np.isfinite(observed):
        return {"diff": None, "reason": "a correlation is undefined on the cells both judges scored"}
    rng = np.random.default_rng(seed)
    n_docs, n_sys = xa.shape
    swap_sys = rng.random((n, n_sys)) > 0.5 if resample in ("systems", "both") else np.zeros((n, n_sys), bool)
    swap_doc = rng.random((n, n_docs)) > 0.5 if resample in ("docs", "both") else np.zeros((n, n_docs), bool)
    diffs = np.empty(n)
    if level == "summary" and method == "kendall":
        _perm_summary_kendall(xa, xb, h, swap_doc, swap_sys, diffs)
    else:
        for rows in _chunks(n, n_docs * n_sys):
            swap = swap_doc[rows][:, :, None] ^ swap_sys[rows][:, None, :]
            pa = np.where(swap, xb, xa)
            pb = np.where(swap, xa, xb)
            diffs[rows] = _stack_level(pa, h, level, method) - _stack_level(pb, h, level, method)
    d = diffs[np.isfinite(diffs)]
    count = int(np.sum(np.abs(d) >= abs(observed) - 1e-12))
    return {"diff": float(observed), "p_value": (count + 1) / (d.size + 1), "n_permutations": int(d.size)}


def _perm_summary_kendall(xa: np.ndarray, xb: np.ndarray, h: np.ndarray, swap_doc: np.ndarray,
                          swap_sys: np.ndarray, diffs: np.ndarray) -> None:
    """Summary-level Kendall of every permutation without building the permuted matrices.

    A permuted row holds A where a system is unswapped (u) and B where swapped (v = 1 - u); its pair signs
    are then u.S_AA.u + u.S_AB.v + v.S_BA.u + v.S_BB.v (quad_form). A swapped document flips u and v,
    which turns A's permuted row into B's and back.
    """
    both = np.isfinite(xa) & np.isfinite(h)
    pair = (both[:, :, None] & both[:, None, :]).astype(float)
    sh = pair_signs(h, h) * pair
    signs = {(p, q): pair_signs(x1, x2) * pair for p, x1 in (("a", xa), ("b", xb)) for q, x2 in
             (("a", xa), ("b", xb))}
    dh = (sh * sh).sum(axis=(1, 2))[None, :]
    n_ok = both.sum(axis=1)[None, :]

    def tau(u: np.ndarray, v: np.ndarray, first: str, second: str) -> np.ndarray:
        """tau of the row holding `first` where u and `second` where v."""
        parts = [(u, first, u, first), (u, first, v, second), (v, second, u, first), (v, second, v, second)]
        num = sum(quad_form(p, signs[(f, g)] * sh, q) for p, f, q, g in parts)
        dx = sum(quad_form(p, signs[(f, g)] ** 2, q) for p, f, q, g in parts)
        return _kendall_from_sums(num, dx, dh, n_ok)

    for rows in _chunks(diffs.size, xa.size):
        v = swap_sys[rows].astype(float)
        u = 1.0 - v
        keep, flip = tau(u, v, "a", "b"), tau(u, v, "b", "a")
        doc_flip = swap_doc[rows]
        ta = np.where(doc_flip, flip, keep)
        tb = np.where(doc_flip, keep, flip)
        diffs[rows] = _doc_mean(ta, Draws(None, None, 0), rows) - _doc_mean(tb, Draws(None, None, 0), rows)


def _stack_level(x: np.ndarray, h: np.ndarray, level: str, method: Method) -> np.ndarray:
    """Level value of each permuted matrix in a (B, n_docs, n_sys) stack (cells NaN where missing)."""
    hb = np.broadcast_to(h, x.shape)
    if level == "summary":
        if method == "spearman":  # h is never permuted (and missing where x is): rank it once
            x = sps.rankdata(x, axis=-1, nan_policy="omit")
            hb = np.broadcast_to(sps.rankdata(h, axis=-1, nan_policy="omit"), x.shape)
            method = "pearson"
        r = corr_rows(x, hb, method)
        ok = np.isfinite(r)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(ok, r, 0.0).sum(axis=1) / ok.sum(axis=1)
    ok = np.isfinite(x) & np.isfinite(hb)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = np.where(ok, x, 0.0).sum(axis=1) / ok.sum(axis=1)
        mh = np.where(ok, hb, 0.0).sum(axis=1) / ok.sum(axis=1)
    return corr_rows(mx, mh, method)
