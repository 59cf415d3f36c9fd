"""`ifteval meta --jury`: the combined judges are columns the metameter treats as any other judge."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import zscore

from ifteval.cli import main
from ifteval.metameter.jury import add_jury
from tests.trust.helpers import write_jsonl


def _three_judges(n: int = 240, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    human = rng.normal(3, 1, n)
    return pd.DataFrame({
        "id": [f"d{i // 2}" for i in range(n)],  # two rows an item: folds keep them together
        "task": np.where(np.arange(n) % 3 == 0, "a", "b"),
        "human": np.where(np.arange(n) < 160, human, np.nan),
        "sharp": 0.1 * (human + rng.normal(0, 1.0, n)),
        "blunt": 5 + 2 * (human + rng.normal(0, 1.5, n)),
        "noise": rng.normal(0, 1, n),
    })


def test_jury_mean_and_cross_fitted_weights():
    frame = _three_judges()
    out, info = add_jury(frame, ["sharp", "blunt", "noise"], ["human"], "id", "t")
    expected = np.mean([zscore(frame[c]) for c in ("sharp", "blunt", "noise")], axis=0)
    assert out["jury.mean"].to_numpy() == pytest.approx(expected, abs=1e-12)
    w = info["weights"]
    assert min(w.values()) >= 0 and w["noise"] < 0.1 * w["sharp"] and w["blunt"] > 0
    # out of fold: a labelled row's jury score does not move when its own label does
    moved = frame.copy()
    moved.loc[7, "human"] += 50
    again, _ = add_jury(moved, ["sharp", "blunt", "noise"], ["human"], "id", "t")
    assert again.loc[7, "jury.weighted"] == pytest.approx(out.loc[7, "jury.weighted"], abs=1e-12)
    assert not np.allclose(again["jury.weighted"], out["jury.weighted"])


def test_meta_jury_gets_the_same_intervals_and_tests(tmp_path, capsys):
    data = write_jsonl(_three_judges(), tmp_path / "scores.jsonl")
    out = tmp_path / "meta.json"
    assert main(["meta", data, "--judges", "sharp,blunt,noise", "--jury", "sharp,blunt,noise",
                 "--bootstrap", "200", "--compare", "sharp:jury.weighted", "-o", str(out)]) == 0
    report = json.loads(out.read_text())
    for judge in ("jury.mean", "jury.weighted"):
        for level in ("cat", "cit"):
            low, high = report[f"{level}_detail"][judge]["ci"]
            assert low < report[level][judge] < high, (judge, level)  # an interval around its own estimate
    assert report["cat"]["jury.weighted"] > report["cat"]["sharp"] > report["cat"]["blunt"]
    (pair,) = report["paired_tests"]
    assert (pair["a"], pair["b"]) == ("sharp", "jury.weighted") and "williams" in pair["cat"]
    assert report["jury"]["judges"] == ["sharp", "blunt", "noise"]
    capsys.readouterr()
    assert main(["meta", data, "--judges", "sharp", "--jury", "sharp,nope"]) == 2
    assert "--jury names column 'nope'" in capsys.readouterr().err
