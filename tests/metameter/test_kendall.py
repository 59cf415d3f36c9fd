"""Fast Kendall bootstrap: every resample's value is scipy's tau-b of the materialised resample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from ifteval.metameter import Bootstrap, prepare
from ifteval.metameter.bootstrap import resample_indices
from ifteval.metameter.item_level import _kendall_samples
from ifteval.metameter.kendall import BLOCK, LEVELS, tau_b


def _cases(rng: np.random.Generator):
    """(x, y) with the structures the blocks must handle exactly."""
    n = 3 * BLOCK + 7
    yield "continuous x, 1-5 label", rng.normal(size=n), rng.integers(1, 6, n).astype(float)
    yield "x ties straddling blocks", rng.integers(0, 4, n).astype(float), rng.normal(size=n)
    yield "both continuous (recursion)", (z := rng.normal(size=4 * LEVELS)), z + rng.normal(size=z.size)
    yield "rounded, ties everywhere", np.round(rng.normal(size=n), 1), np.round(rng.normal(size=n), 1)
    yield "tiny", np.array([0.1, 0.5, 0.2, 0.9]), np.array([1.0, 2.0, 2.0, 3.0])
    yield "constant y", rng.normal(size=10), np.ones(10)


@pytest.mark.parametrize("seed", [0, 1])
def test_every_resample_equals_scipy_tau_b(seed):
    rng = np.random.default_rng(seed)
    for name, x, y in _cases(rng):
        idx = rng.integers(0, x.size, size=(6, x.size))
        idx[0, :2] = 0  # a resample with fewer distinct rows
        counts = np.zeros((6, x.size))
        np.add.at(counts, (np.arange(6)[:, None], idx), 1.0)
        got = tau_b(x, y, counts)
        for b in range(6):
            expected = sps.kendalltau(x[idx[b]], y[idx[b]]).statistic
            if np.isnan(expected):
                assert np.isnan(got[b]), name
            else:
                assert got[b] == pytest.approx(expected, abs=1e-12), name


def test_cat_and_task_samples_equal_scipy_on_the_bootstrap_draws():
    rng = np.random.default_rng(3)
    n = 150
    frame = pd.DataFrame({"task": rng.integers(0, 3, n).astype(str), "human": rng.integers(1, 6, n)})
    frame["a"] = frame.human + rng.normal(size=n)
    frame.loc[[4, 9], "a"] = np.nan  # the judge's own rows: pairwise complete
    data = prepare(frame, "human", ["a"], "task")
    mask = np.isfinite(data.judges["a"])
    strata = list(data.task_slices.values())
    cat, cit = _kendall_samples(data, [("a", mask)], strata, Bootstrap(40, seed=5))
    draws = np.concatenate(next(iter(resample_indices(strata, 40, 5))), axis=1)  # the same draws
    x, h = data.judges["a"], data.human
    for b in range(40):
        rows = draws[b][mask[draws[b]]]
        assert cat[b, 0] == pytest.approx(sps.kendalltau(x[rows], h[rows]).statistic, abs=1e-12)
        for i, s in enumerate(strata):
            part = draws[b][s]
            part = part[mask[part]]
            assert cit[i][b, 0] == pytest.approx(sps.kendalltau(x[part], h[part]).statistic, abs=1e-12)
