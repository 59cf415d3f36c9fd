"""Builders for the trust tests: simulated tables whose true human means are known."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd


def systems_frame(n_items: int = 80, labelled: int = 25, seed: int = 0,
                  systems: tuple[str, ...] = ("base", "tuned")) -> pd.DataFrame:
    """Two systems scored on the same items; the first `labelled` items carry human labels for both.

    The judge sees item difficulty and system quality on its own scale (shifted, squashed), with noise.
    """
    rng = np.random.default_rng(seed)
    difficulty = rng.normal(0, 1, n_items)
    rows = []
    for k, system in enumerate(systems):
        quality = 0.4 * k + difficulty + rng.normal(0, 0.7, n_items)
        human = 3 + quality
        judge = 0.2 + 0.3 * (quality + rng.normal(0, 0.6, n_items))
        for i in range(n_items):
            rows.append({"id": f"q{i}", "task": "qa", "system": system,
                         "human": float(human[i]) if i < labelled else None,
                         "judge": float(judge[i]), "hidden_human": float(human[i])})
    return pd.DataFrame(rows)


def write_jsonl(frame: pd.DataFrame, path) -> str:
    """Rows as JSONL with every float digit kept (pandas' to_json rounds to 10), NaN as null."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    Path(path).write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return str(path)
