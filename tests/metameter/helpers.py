"""Shared builders for metameter tests: small frames with known structure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

FIXTURES = Path(__file__).parent / "fixtures"


def random_frame(n: int = 120, tasks: tuple[str, ...] = ("a", "b", "c"), seed: int = 0) -> pd.DataFrame:
    """Human score plus two judges (one good, one weak) with ties and a few nulls, over several tasks."""
    rng = np.random.default_rng(seed)
    human = rng.integers(1, 6, size=n).astype(float)  # 1-5 Likert: many ties
    frame = pd.DataFrame({
        "task": rng.choice(list(tasks), size=n),
        "human": human,
        "good": np.round(human + rng.normal(0, 0.8, n), 1),
        "weak": np.round(0.3 * human + rng.normal(0, 1.0, n), 1),
        "system": rng.choice(["s1", "s2", "s3", "s4"], size=n),
        "doc": rng.integers(0, 10, size=n).astype(str),
    })
    frame.loc[[i for i in (2, 11, 40) if i < n], "good"] = np.nan
    frame.loc[[i for i in (5, 77) if i < n], "human"] = np.nan
    return frame
