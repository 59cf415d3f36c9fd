"""Correlations against scipy (the golden reference) and the null-with-reason contract."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from ifteval.metameter.stats import correlate, pair_stats, pearson_from_sums, transform, williams_test

X = np.array([1.0, 2.0, 2.0, 3.0, 5.0, 4.0, 4.0, 7.0, 0.5, np.nan, 6.0])
Y = np.array([2.0, 1.0, 3.0, 3.0, 6.0, 5.0, np.nan, 7.0, 0.0, 1.0, 4.0])


@pytest.mark.parametrize(("method", "ref"), [
    ("spearman", lambda x, y: sps.spearmanr(x, y).statistic),
    ("kendall", lambda x, y: sps.kendalltau(x, y).statistic),
    ("pearson", lambda x, y: sps.pearsonr(x, y).statistic),
])
def test_correlate_matches_scipy_with_ties_and_nulls(method, ref):
    ok = np.isfinite(X) & np.isfinite(Y)
    est = correlate(X, Y, method)
    assert est.n == int(ok.sum()) == 9
    assert est.value == pytest.approx(ref(X[ok], Y[ok]), abs=1e-9)
    assert est.reason is None


def test_too_few_rows_is_null_with_reason():
    est = correlate(np.array([1.0, 2.0, np.nan]), np.array([1.0, 3.0, 2.0]), where="in task 'x'")
    assert est.value is None and est.n == 2
    assert "only 2 paired row(s) in task 'x'" in est.reason


def test_constant_column_is_null_with_reason():
    est = correlate(np.ones(5), np.arange(5.0), names=("judge 'rouge'", "human"))
    assert est.value is None
    assert "judge 'rouge' is constant" in est.reason
    assert est.to_dict()["value"] is None and "reason" in est.to_dict()


def test_sums_give_the_same_pearson_as_scipy_on_ranks():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=50), rng.normal(size=50)
    x[::7] = np.nan
    mask = np.isfinite(x) & np.isfinite(y)
    stats = pair_stats(transform(x, mask, "spearman"), transform(y, mask, "spearman"), mask)
    r = pearson_from_sums(stats.sum(axis=0))[0]
    assert r == pytest.approx(sps.spearmanr(x[mask], y[mask]).statistic, abs=1e-12)


def test_williams_test_hand_computed():
    # Steiger (1980) eq. 7 computed by hand for r12=.5, r13=.3, r23=.4, n=50
    r12, r13, r23, n = 0.5, 0.3, 0.4, 50
    det = 1 - r12**2 - r13**2 - r23**2 + 2 * r12 * r13 * r23
    t = (r12 - r13) * np.sqrt((n - 1) * (1 + r23) / (2 * (n - 1) / (n - 3) * det + 0.4**2 * (1 - r23) ** 3))
    out = williams_test(r12, r13, r23, n)
    assert out["t"] == pytest.approx(t, rel=1e-12)
    assert out["df"] == 47
    assert out["p_value"] == pytest.approx(2 * sps.t.sf(t, 47), rel=1e-9)
