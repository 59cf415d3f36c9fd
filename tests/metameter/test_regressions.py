"""Regression tests for defects a reviewer found in the metameter; each names the bug it pins."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from ifteval.metameter import Bootstrap, MetaConfig, compare_judges, meta_evaluate, prepare


def _three_judges(n: int = 200, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    human = rng.integers(1, 6, size=n).astype(float)
    frame = pd.DataFrame({
        "task": rng.choice(["a", "b"], size=n),
        "human": human,
        "good": human + rng.normal(0, 0.7, n),
        "weak": 0.3 * human + rng.normal(0, 1.0, n),
        "sparse": human + rng.normal(0, 1.0, n),
    })
    frame.loc[frame.index[10:], "sparse"] = np.nan  # the third judge scored only 10 of 200 rows
    return frame


def test_paired_test_uses_a_and_b_rows_not_rows_every_compared_judge_scored():
    """Bug: with --compare all, good-vs-weak was scored on the 10 rows `sparse` also scored (n=10)."""
    frame = _three_judges()
    data = prepare(frame, "human", ["good", "weak", "sparse"], "task")
    boot = Bootstrap(200, seed=1)
    report = meta_evaluate(data, MetaConfig(bootstrap=boot, compare="all", matrices=False))
    gw = next(p for p in report["paired_tests"] if (p["a"], p["b"]) == ("good", "weak"))
    alone = compare_judges(data, "good", "weak", boot=boot)
    assert gw["cat"]["n"] == 200
    assert np.isclose(gw["cat"]["a"], sps.spearmanr(frame["good"], frame["human"]).statistic)
    assert np.isclose(gw["cat"]["b"], sps.spearmanr(frame["weak"], frame["human"]).statistic)
    for setting in ("cat", "cit"):  # same rows, same resamples: equal up to float summation order
        assert gw[setting].keys() == alone[setting].keys()
        for key, value in alone[setting].items():
            assert gw[setting][key] == pytest.approx(value, rel=1e-9, abs=1e-12), (setting, key)
    # and a pair with the sparse judge uses its 10 rows
    gs = next(p for p in report["paired_tests"] if (p["a"], p["b"]) == ("good", "sparse"))
    assert gs["cat"]["n"] == 10
    head = frame.iloc[:10]
    assert np.isclose(gs["cat"]["a"], sps.spearmanr(head["good"], head["human"]).statistic)
