"""PPI intervals shown valid by simulation (issue 11 item 5), on fewer datasets than the benchmark.

benchmarks/bench_ppi_coverage.py runs the full 500 datasets a correlation and prints the table. Seeded,
so the test is deterministic; the naive judge-only interval is checked to FAIL the same coverage bar, so
the bar can catch an invalid interval.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from ifteval.trust.estimate import classical_interval, ppi_interval
from ifteval.trust.simulate import HUMAN_MEAN, simulate

DATASETS = 500  # as the issue asks; about 0.7 s a correlation


@pytest.mark.parametrize("rho", [0.3, 0.6, 0.9])
def test_ppi_intervals_cover_the_true_mean_and_beat_classical(rho):
    rng = np.random.default_rng(int(rho * 10))
    covered = naive_covered = 0
    ppi_width, classical_width = [], []
    z = norm.ppf(0.975)
    for _ in range(DATASETS):
        data = simulate(rho, 200, 5000, rng)
        ppi = ppi_interval(data.y, data.yhat, data.yhat_unlabelled, 0.95)
        classical = classical_interval(data.y, 0.95)
        covered += ppi.low <= HUMAN_MEAN <= ppi.high
        ppi_width.append(ppi.width)
        classical_width.append(classical.width)
        judge = np.concatenate([data.yhat, data.yhat_unlabelled])
        half = z * judge.std() / np.sqrt(judge.size)
        naive_covered += abs(judge.mean() - HUMAN_MEAN) <= half
    assert covered / DATASETS >= 0.93
    assert naive_covered / DATASETS < 0.5  # the same bar rejects an interval that ignores the labels
    if rho >= 0.6:
        assert np.mean(ppi_width) < np.mean(classical_width)
        # PPI++ with the optimal weight: width ~ sqrt(1 - rho^2 N / (n + N)) of the classical one
        expected = np.sqrt(1 - rho**2 * 5000 / 5200)
        assert np.mean(ppi_width) / np.mean(classical_width) == pytest.approx(expected, rel=0.05)


def test_paired_system_difference_intervals_cover_the_true_difference():
    """Two systems on the same items, 200 of 1,000 items labelled: PPI on per-item differences (what
    `estimate` does for paired systems, tested equal in test_estimate.py) covers the true difference
    (0.3) in >= 93 % of 500 datasets, and is far narrower than combining the two systems' intervals as
    if independent, because item difficulty cancels in the pairs."""
    rng = np.random.default_rng(11)
    items, labelled, datasets = 1000, 200, 500
    covered, paired_width, independent_width = 0, [], []
    for _ in range(datasets):
        difficulty = rng.standard_normal(items)
        human = {s: 3 + q + difficulty + 0.5 * rng.standard_normal(items)
                 for s, q in (("a", 0.3), ("b", 0.0))}
        judge = {s: 0.5 * h + 0.4 * rng.standard_normal(items) for s, h in human.items()}
        d, dj = human["a"] - human["b"], judge["a"] - judge["b"]
        paired = ppi_interval(d[:labelled], dj[:labelled], dj[labelled:], 0.95)
        covered += paired.low <= 0.3 <= paired.high
        paired_width.append(paired.width)
        widths = [ppi_interval(human[s][:labelled], judge[s][:labelled], judge[s][labelled:], 0.95).width
                  for s in ("a", "b")]
        independent_width.append(float(np.hypot(*widths)))
    assert covered / datasets >= 0.93
    assert np.mean(paired_width) < 0.6 * np.mean(independent_width)
