"""Summary/system-level resampling (documents, systems, both) and PERM tests, against nlpstats on REALSumm.

nlpstats (Deutsch, Dror & Roth's package) is the independent reference: same data, same resampling
scheme, intervals and p-values must agree within Monte-Carlo error. Small synthetic grids check each
resample's value against scipy on the explicitly resampled data.
"""

from __future__ import annotations

from pathlib import Path

import nlpstats.correlations as nlp
import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from ifteval.metameter import Bootstrap, prepare
from ifteval.metameter.levels import level_permutation_tests, summary_level, system_level
from ifteval.metameter.resampling import (
    _stack_level,
    _standardise,
    doc_rows,
    draw,
    permutation_test,
    summary_samples,
)

REALSUMM = Path(__file__).parents[1] / "data" / "realsumm" / "scores.csv"
NLPSTATS_NAME = {"docs": "inputs", "systems": "systems", "both": "both"}


@pytest.fixture(scope="module")
def realsumm() -> pd.DataFrame:
    return pd.read_csv(REALSUMM)


def _grid(frame: pd.DataFrame, column: str) -> np.ndarray:
    """systems x documents, nlpstats' layout."""
    return frame.pivot(index="system", columns="doc_id", values=column).to_numpy()


def _meta(frame: pd.DataFrame, judges: list[str]):
    return prepare(frame, "litepyramid_recall", judges, system="system", item="doc_id")


@pytest.mark.parametrize("resample", ["docs", "systems", "both"])
def test_intervals_agree_with_nlpstats_under_the_same_resampling(realsumm, resample):
    # system level on all 100 documents x 25 systems; summary level on 12 documents (nlpstats loops scipy)
    np.random.seed(7)
    ref_sys = nlp.bootstrap(_grid(realsumm, "mover_score"), _grid(realsumm, "litepyramid_recall"), "system",
                            "kendall", NLPSTATS_NAME[resample], n_resamples=600)
    sub = realsumm[realsumm.doc_id < 12]
    ref_sum = nlp.bootstrap(_grid(sub, "rouge_2_recall"), _grid(sub, "litepyramid_recall"), "input",
                            "kendall", NLPSTATS_NAME[resample], n_resamples=300)
    boot = Bootstrap(1000, seed=3, resample=resample)
    ours_sys = system_level(_meta(realsumm, ["mover_score"]), "kendall", boot)["mover_score"]
    ours_sum = summary_level(_meta(sub, ["rouge_2_recall"]), "kendall", boot)["rouge_2_recall"]
    assert ours_sys.extra["resample"] == ours_sum.extra["resample"] == resample
    for ours, ref in ((ours_sys, ref_sys), (ours_sum, ref_sum)):
        sd = float(np.std(ref.samples))
        # a percentile endpoint from 300-600 resamples has a Monte-Carlo s.e. of ~0.15 sd
        assert ours.ci[0] == pytest.approx(ref.lower, abs=0.5 * sd)
        assert ours.ci[1] == pytest.approx(ref.upper, abs=0.5 * sd)
        assert ours.ci[1] - ours.ci[0] == pytest.approx(ref.upper - ref.lower, rel=0.2)


def test_mover_score_system_interval_contains_its_estimate_when_systems_are_resampled(realsumm):
    # bug report (issue 8): abstractive systems, system-level tau 0.868, documents-only 95 % interval
    # [0.582, 0.847] excluded it. Resampling systems too (the default) covers it.
    abstractive = _meta(realsumm[realsumm.kind == "abstractive"], ["mover_score"])
    docs_only = system_level(abstractive, "kendall", Bootstrap(1000, resample="docs"))["mover_score"]
    default = system_level(abstractive, "kendall", Bootstrap(1000))["mover_score"]
    assert default.value == pytest.approx(0.868, abs=5e-4)
    assert docs_only.ci[1] < default.value  # the bug, still there when asked for
    assert default.ci[0] < default.value < default.ci[1]
    assert default.extra["resample"] == "both"


def test_permutation_test_agrees_with_nlpstats_perm_both(realsumm):
    pair = ("rouge_1_recall", "rouge_l_recall")  # a pair with p well inside (0, 1) at both levels
    sub = realsumm[realsumm.doc_id < 12]
    ours = {
        "system": level_permutation_tests(_meta(realsumm, list(pair)), [pair], "kendall",
                                          Bootstrap(1000, seed=1))[0]["system_level"],
        "summary": level_permutation_tests(_meta(sub, list(pair)), [pair], "kendall",
                                           Bootstrap(1000, seed=1))[0]["summary_level"],
    }
    np.random.seed(11)
    ref = {
        "system": nlp.permutation_test(_grid(realsumm, pair[0]), _grid(realsumm, pair[1]),
                                       _grid(realsumm, "litepyramid_recall"), "system", "kendall", "both",
                                       n_resamples=1000),
        "summary": nlp.permutation_test(_grid(sub, pair[0]), _grid(sub, pair[1]),
                                        _grid(sub, "litepyramid_recall"), "input", "kendall", "both",
                                        n_resamples=300),
    }
    for level in ("system", "summary"):
        # nlpstats compares |d*| >= |d| in floating point, so a permutation whose tau difference equals
        # the observed one (common: 25 systems give few distinct taus) can count or not by rounding
        # noise; its system-level p here reads 0.39 where ties counted give 0.46. Count them in both.
        samples = np.abs(np.asarray(ref[level].samples))
        p = float(np.mean(samples >= abs(ours[level]["diff"]) - 1e-9))
        assert 0.02 < p < 0.98, "the check needs a p-value that can move"
        se = np.sqrt(p * (1 - p) / samples.size)
        assert ours[level]["p_value"] == pytest.approx(p, abs=4 * se + 0.01)
        assert ours[level]["n_permutations"] == 1000


def _random_grid(seed: int, n_docs: int, n_sys: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, (n_docs, n_sys)).astype(float)  # ties
    h = x + rng.normal(size=(n_docs, n_sys))
    x[1, 2] = np.nan
    h[3, 4] = np.nan
    return x, h


@pytest.mark.parametrize("method", ["kendall", "spearman", "pearson"])
def test_each_summary_resample_equals_scipy_on_the_explicit_resample(method):
    # 6 documents x 7 systems, one cell with two outputs, tied scores and missing values
    rng = np.random.default_rng(1)
    docs = np.append(np.repeat(np.arange(6), 7), 2)
    systems = np.append(np.tile(np.arange(7), 6), 4)
    x = rng.integers(0, 4, docs.size).astype(float)
    h = x + rng.normal(size=docs.size)
    x[3], h[20] = np.nan, np.nan
    draws = draw(6, 7, 25, seed=3, resample="both")
    got = summary_samples(doc_rows(x, h, docs, systems, 6, 7), method, draws)
    scipy_corr = {"kendall": sps.kendalltau, "spearman": sps.spearmanr, "pearson": sps.pearsonr}[method]
    for b in range(25):
        values = []
        for doc in range(6):
            rows = np.concatenate([np.flatnonzero((docs == doc) & (systems == s)) for s in draws.sys_idx[b]])
            xs, hs = x[rows], h[rows]
            keep = np.isfinite(xs) & np.isfinite(hs)
            xs, hs = xs[keep], hs[keep]
            r = np.nan if xs.size < 3 or np.ptp(xs) == 0 or np.ptp(hs) == 0 else scipy_corr(xs, hs)[0]
            values += [r] * int(draws.doc_counts[b, doc])
        assert got[b] == pytest.approx(np.nanmean(values), abs=1e-10)


def test_summary_kendall_permutations_equal_the_materialised_permutations():
    x, h = _random_grid(2, n_docs=8, n_sys=6)
    xb = x + np.random.default_rng(0).normal(size=x.shape)
    got = permutation_test(x, xb, h, "summary", "kendall", "both", 300, seed=5)
    miss = ~(np.isfinite(x) & np.isfinite(xb) & np.isfinite(h))
    a, b, hh = (_standardise(np.where(miss, np.nan, m)) for m in (x, xb, h))
    rng = np.random.default_rng(5)  # the same draws, in the same order, as permutation_test
    swap_sys = rng.random((300, 6)) > 0.5
    swap_doc = rng.random((300, 8)) > 0.5
    swap = swap_doc[:, :, None] ^ swap_sys[:, None, :]
    diffs = (_stack_level(np.where(swap, b, a), hh, "summary", "kendall")
             - _stack_level(np.where(swap, a, b), hh, "summary", "kendall"))
    expected = (np.sum(np.abs(diffs) >= abs(got["diff"]) - 1e-12) + 1) / 301
    assert got["p_value"] == pytest.approx(expected, abs=1e-12)


def test_resample_method_is_named_and_falls_back_only_with_a_note():
    frame = pd.DataFrame({"doc": np.repeat(np.arange(10), 4), "human": np.arange(40) % 7,
                          "j": (np.arange(40) * 3) % 11})
    data = prepare(frame, "human", ["j"], item="doc")
    est = summary_level(data, "kendall", Bootstrap(50))["j"]
    assert est.extra["resample"] == "docs"
    assert "no system column" in est.extra["resample_note"]
