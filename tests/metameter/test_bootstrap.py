"""Bootstrap: determinism, the sum-form engine against explicit resamples, coverage, paired tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from ifteval.metameter import Bootstrap, compare_judges, item_level, prepare, summary_level, system_level, tfa
from ifteval.metameter.bootstrap import Block, bootstrap_pearson, resample_indices
from ifteval.metameter.stats import pair_stats
from tests.metameter.helpers import random_frame


def test_same_seed_same_intervals_other_seed_other_intervals():
    data = prepare(random_frame(), "human", ["good", "weak"], "task")
    a = item_level(data, boot=Bootstrap(300, seed=11))
    b = item_level(data, boot=Bootstrap(300, seed=11))
    c = item_level(data, boot=Bootstrap(300, seed=12))
    for j in ("good", "weak"):
        assert a.cat[j].ci == b.cat[j].ci and a.cit[j].ci == b.cit[j].ci
        assert a.cat[j].ci != c.cat[j].ci
        lo, hi = a.cat[j].ci
        assert lo < a.cat[j].value < hi


def test_count_matrix_engine_equals_explicit_resamples():
    # Pearson via W @ stats must equal np.corrcoef on the explicitly resampled rows, per stratum
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=40), rng.normal(size=40)
    strata = [slice(0, 15), slice(15, 40)]
    mask = np.ones(40, bool)
    blocks = [Block(slice(0, 40), pair_stats(x, y, mask)),
              Block(strata[1], pair_stats(x[15:], y[15:], mask[15:]))]
    got = bootstrap_pearson(strata, blocks, 25, seed=3)
    idx = np.concatenate(next(iter(resample_indices(strata, 25, 3))), axis=1)
    for b in range(25):
        assert got[0][b, 0] == pytest.approx(np.corrcoef(x[idx[b]], y[idx[b]])[0, 1], abs=1e-10)
        part = idx[b, 15:]
        assert got[1][b, 0] == pytest.approx(np.corrcoef(x[part], y[part])[0, 1], abs=1e-10)


def test_interval_coverage_on_synthetic_data_with_known_correlation():
    # bivariate normal with Pearson rho=0.6 has population Spearman 6/pi * asin(rho/2)
    rho = 0.6
    true = 6 / np.pi * np.arcsin(rho / 2)
    rng = np.random.default_rng(2024)
    hits, reps = 0, 150
    cov = [[1, rho], [rho, 1]]
    for r in range(reps):
        xy = rng.multivariate_normal([0, 0], cov, size=150)
        frame = pd.DataFrame({"human": xy[:, 0], "j": xy[:, 1]})
        est = item_level(prepare(frame, "human", ["j"]), boot=Bootstrap(400, seed=r)).cat["j"]
        hits += est.ci[0] <= true <= est.ci[1]
    assert 0.88 <= hits / reps <= 0.99


def test_paired_test_detects_the_better_judge_and_not_a_tie():
    frame = random_frame(n=300, seed=4)
    frame["copy"] = frame["good"]
    data = prepare(frame, "human", ["good", "weak", "copy"], "task")
    res = compare_judges(data, "good", "weak", boot=Bootstrap(500, seed=0))
    cat_ = res["cat"]
    ok = frame[["good", "weak", "human"]].notna().all(axis=1)
    sub = frame[ok]
    assert cat_["a"] == pytest.approx(sps.spearmanr(sub.good, sub.human).statistic, abs=1e-9)
    assert cat_["diff"] == pytest.approx(cat_["a"] - cat_["b"])
    assert cat_["ci"][0] > 0 and cat_["p_value"] < 0.01
    assert cat_["williams"]["p_value"] < 0.01
    assert res["cit"]["ci"][0] > 0
    tie = compare_judges(data, "good", "copy", boot=Bootstrap(200, seed=0))
    assert tie["cat"]["diff"] == 0.0 and tie["cat"]["p_value"] == 1.0


def test_kendall_bootstrap_runs_and_brackets_the_estimate():
    data = prepare(random_frame(n=60), "human", ["good"], "task")
    res = item_level(data, "kendall", Bootstrap(40, seed=1))
    lo, hi = res.cat["good"].ci
    assert lo < res.cat["good"].value < hi
    assert res.cit["good"].ci is not None


def test_level_and_tfa_intervals_are_seeded():
    rng = np.random.default_rng(9)
    rows = [{"doc": f"d{d}", "system": f"s{s}", "human": s + rng.normal(), "j": s + rng.normal(),
             "regime": "before" if s < 3 else "after", "task": "sum"} for d in range(20) for s in range(6)]
    data = prepare(pd.DataFrame(rows), "human", ["j"], "task", system="system", item="doc", regime="regime")
    for fn in (summary_level, system_level):
        a, b = fn(data, boot=Bootstrap(200, 1))["j"], fn(data, boot=Bootstrap(200, 1))["j"]
        assert a.ci == b.ci and a.ci[0] <= a.value <= a.ci[1]
    t = tfa(data, "before", "after", Bootstrap(200, 1))
    assert t["j"].ci[0] < t["j"].value < t["j"].ci[1]
    assert t["human"].ci is not None
