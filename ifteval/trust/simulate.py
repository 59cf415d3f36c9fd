"""Simulated judge-and-human data with a known true mean, to show that the intervals are valid.

A latent quality z ~ N(0, 1) per row; the human score is `HUMAN_MEAN + z`, the judge sees z with noise so
that corr(judge, human) is exactly `rho` in the population, shifted by `JUDGE_SHIFT` (so the naive judge
mean is far from the human one) and stretched by `scale` (PPI++ clips its power-tuning weight to [0, 1], so
a judge on a compressed scale gains less until it is calibrated). Used by the coverage test and
benchmarks/bench_ppi_coverage.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

HUMAN_MEAN = 3.0  # the true mean human score every interval should cover
JUDGE_SHIFT = -1.5


@dataclass(frozen=True)
class Simulated:
    """One dataset: labelled human scores with their judge scores, and judge-only rows."""

    y: np.ndarray
    yhat: np.ndarray
    yhat_unlabelled: np.ndarray


def simulate(rho: float, n_labelled: int, n_unlabelled: int, rng: np.random.Generator,
             scale: float = 1.0) -> Simulated:
    """Draw one dataset whose judge correlates with the human score at `rho`."""
    total = n_labelled + n_unlabelled
    z = rng.standard_normal(total)
    human = HUMAN_MEAN + z
    judge = JUDGE_SHIFT + scale * (rho * z + np.sqrt(1 - rho**2) * rng.standard_normal(total))
    return Simulated(human[:n_labelled], judge[:n_labelled], judge[n_labelled:])


def two_task_frame(n_per_task: int, labelled: int, rng: np.random.Generator,
                   rho: float = 0.8) -> pd.DataFrame:
    """Two tasks on one human scale, where the judge's scale differs by task (task 'b' is squashed and
    shifted): pooled correlation (CAT) suffers, and a per-task map should repair it."""
    frames = []
    for task, scale, shift in (("a", 1.0, 0.0), ("b", 0.3, 2.0)):
        z = rng.standard_normal(n_per_task)
        human = HUMAN_MEAN + z
        judge = shift + scale * (rho * z + np.sqrt(1 - rho**2) * rng.standard_normal(n_per_task))
        hidden = np.arange(n_per_task) >= labelled
        frames.append(pd.DataFrame({"task": task, "id": [f"{task}{i}" for i in range(n_per_task)],
                                    "human": np.where(hidden, np.nan, human), "judge": judge,
                                    "hidden_human": human}))
    return pd.concat(frames, ignore_index=True)
