"""Pure, vectorised statistics for the metameter: correlations that say why they are undefined.

Every function takes plain numpy arrays (NaN = missing) and returns values or an `Estimate`, never NaN:
an undefined correlation is `Estimate(value=None, reason=...)`, so tables and JSON can show the reason.
Ranks are computed once per (variable, subset) with `scipy.stats.rankdata`; Spearman is Pearson of ranks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from scipy import stats as sps

Method = Literal["spearman", "kendall", "pearson"]
METHODS: tuple[Method, ...] = ("spearman", "kendall", "pearson")
MIN_ROWS = 3  # fewer paired rows than this and a correlation is reported as null with a reason


@dataclass(frozen=True)
class Estimate:
    """A correlation (or other statistic): `value` is None exactly when undefined, and `reason` says why."""

    value: float | None
    n: int
    reason: str | None = None
    ci: tuple[float, float] | None = None  # bootstrap percentile interval, when requested
    ci_reason: str | None = None  # why `ci` is None although a bootstrap was requested
    extra: dict = field(default_factory=dict)  # setting-specific fields (coverage, per-task values...)

    def with_ci(self, ci: tuple[float, float] | None, reason: str | None = None) -> Estimate:
        return replace(self, ci=ci, ci_reason=reason)

    def to_dict(self) -> dict:
        out: dict = {"value": self.value, "n": self.n}
        if self.reason is not None:
            out["reason"] = self.reason
        if self.ci is not None or self.ci_reason is not None:
            out["ci"] = list(self.ci) if self.ci is not None else None
            if self.ci_reason is not None:
                out["ci_reason"] = self.ci_reason
        out.update(self.extra)
        return out


def rank(x: np.ndarray) -> np.ndarray:
    """Average ranks (ties share the mean rank), as scipy.stats.spearmanr uses them."""
    return sps.rankdata(x, method="average")


def rank_rows(x: np.ndarray) -> np.ndarray:
    """Average ranks along the last axis of a 2-D array (one resample a row)."""
    return sps.rankdata(x, method="average", axis=-1)


def pearson_value(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson r of two finite, non-constant 1-D arrays (centred first, for numerical stability)."""
    xm = x - x.mean()
    ym = y - y.mean()
    # einsum, not BLAS `@`: a BLAS dot on one vector spins up threads that stall on a busy machine
    r = float(np.einsum("i,i->", xm, ym) / np.sqrt(np.einsum("i,i->", xm, xm) * np.einsum("i,i->", ym, ym)))
    return min(1.0, max(-1.0, r))


def pearson_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row-wise Pearson r of two (B, n) arrays; NaN where a row is constant (callers count those)."""
    xm = x - x.mean(axis=-1, keepdims=True)
    ym = y - y.mean(axis=-1, keepdims=True)
    num = np.einsum("...i,...i->...", xm, ym)
    den = np.sqrt(np.einsum("...i,...i->...", xm, xm) * np.einsum("...i,...i->...", ym, ym))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = num / den
    return np.clip(r, -1.0, 1.0)


def _constant(x: np.ndarray) -> bool:
    return bool(x.size) and bool(np.all(x == x[0]))


def correlate(
    x: np.ndarray,
    y: np.ndarray,
    method: Method = "spearman",
    names: tuple[str, str] = ("x", "y"),
    where: str = "",
) -> Estimate:
    """Correlate x and y over their pairwise-complete rows; undefined cases get a reason, not NaN.

    `names` and `where` only shape the reason text (e.g. "judge 'rouge' is constant in task 'sst2'").
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; valid: {', '.join(METHODS)}")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = int(x.size)
    loc = f" {where}" if where else ""
    if n < MIN_ROWS:
        return Estimate(None, n, f"only {n} paired row(s){loc}; a correlation needs at least {MIN_ROWS}")
    for name, v in zip(names, (x, y), strict=True):
        if _constant(v):
            return Estimate(None, n, f"{name} is constant ({v[0]:g}){loc}, so the correlation is undefined")
    if method == "spearman":
        value = pearson_value(rank(x), rank(y))
    elif method == "pearson":
        value = pearson_value(x, y)
    else:
        value = float(sps.kendalltau(x, y).statistic)  # tau-b, O(n log n)
    return Estimate(value, n)


def mean_defined(values: Sequence[float | None]) -> float | None:
    """Mean of the defined values, or None when none is defined."""
    vals = [v for v in values if v is not None]
    return float(np.mean(vals)) if vals else None


def pearson_from_sums(sums: np.ndarray) -> np.ndarray:
    """Pearson r from weighted sums [w, wx, wy, wxx, wyy, wxy] on the last axis (size 6k -> k values).

    The bootstrap multiplies resample counts by per-row statistics once (one matrix product), then turns
    the sums into correlations here; NaN marks a resample where one side is constant.
    """
    s = sums.reshape(*sums.shape[:-1], -1, 6)
    w, sx, sy, sxx, syy, sxy = (s[..., i] for i in range(6))
    cov = w * sxy - sx * sy
    vx = w * sxx - sx * sx
    vy = w * syy - sy * sy
    with np.errstate(invalid="ignore", divide="ignore"):
        r = cov / np.sqrt(vx * vy)
    tiny = 1e-12 * np.maximum(w, 1.0) ** 2
    r = np.where((vx <= tiny) | (vy <= tiny) | (w < MIN_ROWS), np.nan, r)
    return np.clip(r, -1.0, 1.0)


def pair_stats(x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per-row statistics [m, mx, my, mxx, myy, mxy] (n, 6) whose weighted sums give Pearson r.

    x and y are already transformed (ranks for Spearman) and centred/scaled on the masked rows so the
    sums stay well conditioned; rows outside `mask` contribute zeros.
    """
    m = mask.astype(float)
    xs = np.where(mask, x, 0.0)
    ys = np.where(mask, y, 0.0)
    if mask.any():
        cnt = m.sum()
        xc = xs.sum() / cnt
        yc = ys.sum() / cnt
        xscale = max(float(np.abs(xs - xc)[mask].max()), 1e-300)
        yscale = max(float(np.abs(ys - yc)[mask].max()), 1e-300)
        xs = np.where(mask, (xs - xc) / xscale, 0.0)
        ys = np.where(mask, (ys - yc) / yscale, 0.0)
    return np.stack([m, xs, ys, xs * xs, ys * ys, xs * ys], axis=1)


def transform(x: np.ndarray, mask: np.ndarray, method: Method) -> np.ndarray:
    """Values used by the bootstrap for x on `mask` rows: ranks among those rows (Spearman) or x itself."""
    out = np.zeros_like(x, dtype=float)
    if method == "spearman":
        out[mask] = rank(x[mask])
    else:
        out[mask] = x[mask]
    return out


def williams_test(r_ah: float, r_bh: float, r_ab: float, n: int) -> dict:
    """Williams' t-test for two dependent correlations sharing the human variable (Steiger 1980, eq. 7).

    Tests H0: corr(A, human) == corr(B, human) given corr(A, B), on n paired items; two-sided p.
    """
    if n <= 3:
        return {"t": None, "df": None, "p_value": None, "reason": f"needs more than 3 items, got {n}"}
    det = 1 - r_ah**2 - r_bh**2 - r_ab**2 + 2 * r_ah * r_bh * r_ab
    rbar = (r_ah + r_bh) / 2
    denom = 2 * (n - 1) / (n - 3) * det + rbar**2 * (1 - r_ab) ** 3
    if denom <= 0:
        return {"t": None, "df": n - 3, "p_value": None, "reason": "degenerate correlation matrix"}
    t = (r_ah - r_bh) * np.sqrt((n - 1) * (1 + r_ab) / denom)
    p = 2 * sps.t.sf(abs(t), n - 3)
    return {"t": float(t), "df": n - 3, "p_value": float(p)}


def percentile_ci(samples: np.ndarray, confidence: float) -> tuple[tuple[float, float] | None, str | None]:
    """Percentile interval of the defined bootstrap samples, or (None, reason) when too few are defined."""
    ok = samples[np.isfinite(samples)]
    total = samples.size
    if total == 0:
        return None, "no bootstrap resamples"
    if ok.size < max(2, 0.5 * total):
        return None, f"only {ok.size}/{total} resamples gave a defined value"
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(ok, [alpha, 1 - alpha])
    return (float(lo), float(hi)), None


def kendall_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Kendall's tau-b along the last axis of (..., m) arrays, NaN = missing (pairwise complete).

    Exact tau-b from pair signs: (n_c - n_d) / sqrt(pairs untied in x * pairs untied in y), as scipy.
    O(m^2) memory per row, meant for the system axis (tens of systems), not for long columns.
    """
    ok = np.isfinite(x) & np.isfinite(y)
    x = np.where(ok, x, 0.0)
    y = np.where(ok, y, 0.0)
    pair = ok[..., :, None] & ok[..., None, :]
    sx = np.where(pair, np.sign(x[..., :, None] - x[..., None, :]), 0.0)
    sy = np.where(pair, np.sign(y[..., :, None] - y[..., None, :]), 0.0)
    num = np.einsum("...ij,...ij->...", sx, sy)
    den = np.sqrt(np.einsum("...ij,...ij->...", sx, sx) * np.einsum("...ij,...ij->...", sy, sy))
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = num / den
    bad = (ok.sum(axis=-1) < MIN_ROWS) | (den == 0)
    return np.where(bad, np.nan, np.clip(tau, -1.0, 1.0))


def corr_rows(x: np.ndarray, y: np.ndarray, method: Method) -> np.ndarray:
    """Correlation along the last axis of (..., m) arrays over the entries where both are finite.

    NaN where fewer than `MIN_ROWS` entries are paired or a side is constant. Spearman ranks the paired
    entries of each row (ties averaged, as scipy), so drawn-twice systems tie with themselves.
    """
    if method == "kendall":
        return kendall_rows(x, y)
    ok = np.isfinite(x) & np.isfinite(y)
    constant = _constant_rows(x, ok) | _constant_rows(y, ok)
    if method == "spearman":
        x = sps.rankdata(np.where(ok, x, np.nan), axis=-1, nan_policy="omit")
        y = sps.rankdata(np.where(ok, y, np.nan), axis=-1, nan_policy="omit")
    w = ok.astype(float)
    cnt = w.sum(axis=-1, keepdims=True)
    x = np.where(ok, x, 0.0)
    y = np.where(ok, y, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        xm = np.where(ok, x - x.sum(axis=-1, keepdims=True) / cnt, 0.0)
        ym = np.where(ok, y - y.sum(axis=-1, keepdims=True) / cnt, 0.0)
        sxx = np.einsum("...i,...i->...", xm, xm)
        syy = np.einsum("...i,...i->...", ym, ym)
        r = np.einsum("...i,...i->...", xm, ym) / np.sqrt(sxx * syy)
    bad = (cnt[..., 0] < MIN_ROWS) | constant
    return np.where(bad, np.nan, np.clip(r, -1.0, 1.0))


def _constant_rows(x: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """True where the paired entries of a row all hold one value (an exact test, no tolerance)."""
    return np.where(ok, x, np.inf).min(axis=-1) == np.where(ok, x, -np.inf).max(axis=-1)
