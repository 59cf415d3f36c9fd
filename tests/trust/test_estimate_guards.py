"""`ifteval estimate` on degenerate and thin data: a finite interval with its reason, valid JSON, and a
warning wherever fewer than 30 human labels stand behind an interval (issue 11 review)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from ppi_py import classical_mean_ci

from ifteval.cli import main
from ifteval.cli.common import write_json_report
from tests.trust.helpers import systems_frame, write_jsonl

WARNING = "fewer than 30 labels: the normal-approximation interval may undercover"


def _identical_systems(n_items: int = 60, labelled: int = 40) -> pd.DataFrame:
    """Two systems with the same outputs, so the same judge score per item (ROUGE on a copy), but humans
    who rated each row separately: the judge's per-item difference is 0 everywhere, the humans' is not."""
    rng = np.random.default_rng(3)
    judge = rng.uniform(0.2, 0.8, n_items)
    rows = []
    for system in ("copy_a", "copy_b"):
        human = judge + rng.normal(0, 0.1, n_items)
        rows += [{"id": f"d{i}", "system": system, "judge": float(judge[i]),
                  "human": float(human[i]) if i < labelled else None} for i in range(n_items)]
    return pd.DataFrame(rows)


def test_identical_systems_give_the_classical_interval_on_labelled_differences(tmp_path, capsys):
    frame = _identical_systems()
    data = write_jsonl(frame, tmp_path / "copies.jsonl")
    out = tmp_path / "est.json"
    assert main(["estimate", data, "--judge", "judge", "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "nan" not in printed.lower()
    (diff,) = json.loads(out.read_text())["differences"]
    a = frame[frame.system == "copy_a"].set_index("id").human
    b = frame[frame.system == "copy_b"].set_index("id").human
    y = (a - b).dropna().to_numpy()
    lo, hi = classical_mean_ci(y, alpha=0.05)
    assert (diff["method"], diff["estimator"], diff["n_labelled_pairs"]) == ("paired", "classical", 40)
    assert diff["estimate"] == pytest.approx(y.mean(), abs=1e-12)
    assert diff["ci"] == pytest.approx([float(lo), float(hi)], abs=1e-12)
    assert diff["width"] > 0.02 and "constant" in diff["reason"] and diff["warnings"] == []
    assert "copy_a - copy_b" in printed and "constant" in printed


def test_json_report_writes_non_finite_numbers_as_null(tmp_path):
    out = tmp_path / "r.json"
    write_json_report(out, {"nan": float("nan"), "ci": [float("-inf"), 1.5], "n": 3})
    assert json.loads(out.read_text()) == {"nan": None, "ci": [None, 1.5], "n": 3}


@pytest.mark.parametrize(("labelled", "warned"), [(29, True), (30, False)])
def test_groups_with_fewer_than_30_labels_carry_a_warning(tmp_path, capsys, labelled, warned):
    data = write_jsonl(systems_frame(labelled=labelled), tmp_path / "scored.jsonl")
    out = tmp_path / "est.json"
    assert main(["estimate", data, "--judge", "judge", "--output", str(out)]) == 0
    result = json.loads(out.read_text())
    expected = [WARNING] if warned else []
    assert [g["warnings"] for g in result["groups"]] == [expected, expected]
    assert result["differences"][0]["warnings"] == expected
    printed = capsys.readouterr().out
    assert (WARNING in printed) is warned and ("[few labels]" in printed) is warned
