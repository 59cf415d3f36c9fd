"""Regression tests for defects a reviewer found in the metameter; each names the bug it pins."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from ifteval.cli import main
from ifteval.errors import DataError
from ifteval.metameter import (
    Bootstrap,
    MetaConfig,
    compare_judges,
    join_labels,
    load_run_output,
    load_table,
    meta_evaluate,
    prepare,
    render_text,
    summary_level,
    system_level,
    tfa,
)
from tests.metameter.helpers import random_frame


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


def _gpt4_high_at_file_row_6(n: int = 40) -> list[dict]:
    """Rows whose task labels sort row 6 (1-based) to position 38 once `prepare` groups tasks."""
    rows = [{"task": "b" if i < 5 else "a", "human": i % 5 + 1, "gpt4": 0.1 * (i % 7)} for i in range(n)]
    rows[5] = {"task": "z", "human": 3, "gpt4": "high"}
    return rows


def test_non_numeric_score_names_the_jsonl_line_not_the_sorted_position(tmp_path):
    """Bug: row 6 of the file was reported as "row 38" because rows were sorted by task first."""
    path = tmp_path / "bad.jsonl"
    rows = _gpt4_high_at_file_row_6()
    # a blank line before the data: JSONL errors count file lines, so the bad record is on line 7
    path.write_text("\n" + "\n".join(json.dumps(r) for r in rows) + "\n")
    expected = r"column 'gpt4' in bad.jsonl has a non-numeric score 'high' at line 7 "
    with pytest.raises(DataError, match=expected):
        prepare(load_table(path), "human", ["gpt4"], "task", source="bad.jsonl")


def test_non_numeric_score_names_the_csv_data_row(tmp_path):
    path = tmp_path / "bad.csv"
    pd.DataFrame(_gpt4_high_at_file_row_6()).to_csv(path, index=False)
    expected = r"non-numeric score 'high' at data row 6 \(1 = the first row after the header\)"
    with pytest.raises(DataError, match=expected):
        prepare(load_table(path), "human", ["gpt4"], "task", source="bad.csv")


@pytest.mark.parametrize("with_item", [True, False])
def test_summary_and_system_intervals_do_not_depend_on_judge_order_or_company(with_item):
    """Bug: each judge's resamples were seeded `seed + 7919 * position`, so its interval changed with the
    judges listed before it, and two judges' intervals were not paired."""
    frame = random_frame(n=240, seed=5)
    rng = np.random.default_rng(9)
    frame["third"] = frame["human"] * 0.5 + rng.normal(0, 1, len(frame))
    frame["system"] = rng.choice([f"s{k}" for k in range(12)], size=len(frame))  # enough for a real CI
    data = prepare(frame, "human", ["good", "weak", "third"], "task", system="system",
                   item="doc" if with_item else None)
    boot = Bootstrap(300, seed=4)
    levels = [system_level] + ([summary_level] if with_item else [])
    for level in levels:
        alone = level(data, "spearman", boot, judges=["weak"])["weak"]
        others = level(data, "spearman", boot, judges=["third", "good", "weak"])["weak"]
        assert alone.ci is not None and alone.ci != (-1.0, 1.0)
        assert alone.ci == others.ci, level.__name__
        assert alone.value == others.value


@pytest.mark.slow  # reads the shared `ifteval run` output (tests/conftest.py)
def test_orphan_labels_are_reported_warned_and_fatal_above_half(sweep_run, tmp_path, capsys):
    """Bug: labels that joined no output were counted in attrs and never reported."""
    run = sweep_run / "base"
    labels = pd.DataFrame([{"doc_id": str(i), "task": "ifteval_sst2", "label": float(i)} for i in range(3)])
    orphans = pd.DataFrame([{"doc_id": "999", "task": "ifteval_sst2", "label": 3.0},
                            {"doc_id": "ghost", "task": "ifteval_mnli", "label": 4.0}])
    path = tmp_path / "labels.jsonl"
    pd.concat([labels, orphans]).to_json(path, orient="records", lines=True)
    out = tmp_path / "m.json"
    rc = main(["meta", str(run), "--labels", str(path), "--human", "label",
               "--bootstrap", "0", "--output", str(out)])
    assert rc == 0
    meta = json.loads(out.read_text())["meta"]["unmatched_labels"]
    assert meta["count"] == 2 and meta["n_labels"] == len(labels) + 2
    assert meta["examples"] == ["doc_id=999, task=ifteval_sst2", "doc_id=ghost, task=ifteval_mnli"]
    err = capsys.readouterr().err
    assert f"warning: 2 of {len(labels) + 2} labels in {path} match no scored output" in err
    # more than half orphaned: an error, not a silent join
    frame = load_run_output(run)
    half = len(labels) // 2 + 1
    mostly_wrong = labels.assign(doc_id=["x" + d if i < half else d for i, d in enumerate(labels["doc_id"])])
    with pytest.raises(DataError, match=rf"{half} of {len(labels)} labels in w.jsonl match no scored output"):
        join_labels(frame, mostly_wrong, "w.jsonl")
    exactly_half = labels.assign(doc_id=["x" + d if i < len(labels) // 2 else d
                                         for i, d in enumerate(labels["doc_id"])])
    assert join_labels(frame, exactly_half, "h.jsonl").attrs["unmatched_labels"]["count"] == len(labels) // 2


def test_tfa_is_null_when_the_mean_before_is_not_positive():
    """Bug: reward logits -0.5 -> -0.25 (better) were reported as -50 %: the sign flipped."""
    frame = pd.DataFrame({
        "task": ["r"] * 6 + ["p"] * 6,
        "regime": ["zero", "trained"] * 6,
        "human": [1.0, 2.0, 2.0, 3.0, 3.0, 4.0] * 2,
        # task r: before mean -0.5, after -0.25; task p: before mean 1.0, after 1.5 (+50 %)
        "reward": [-0.4, -0.2, -0.5, -0.25, -0.6, -0.3, 0.5, 1.0, 1.0, 1.5, 1.5, 2.0],
    })
    data = prepare(frame, "human", ["reward"], "task", regime="regime")
    est = tfa(data, "zero", "trained", Bootstrap(200, seed=0))["reward"]
    r = est.extra["per_task"]["r"]
    assert r["value"] is None and r["mean_before"] == pytest.approx(-0.5)
    assert "<= 0" in r["reason"] and "task 'r'" in r["reason"]
    assert est.extra["per_task"]["p"]["value"] == pytest.approx(0.5)
    assert est.value == pytest.approx(0.5) and est.extra["n_tasks_defined"] == 1
    assert est.ci is not None  # resamples use task p alone, not a sign-flipped task r


def test_within_task_length_bias_null_carries_its_own_reason():
    """Bug: a null within-task length bias printed "n/a[k] undefined": only the pooled reason was kept."""
    rng = np.random.default_rng(2)
    n = 60
    task = np.repeat(["a", "b", "c"], n // 3)
    words = {"a": "w", "b": "w w w", "c": "w w w w w w"}  # length constant inside each task
    frame = pd.DataFrame({"task": task, "human": rng.integers(1, 6, n).astype(float),
                          "j": rng.normal(size=n), "prediction": [words[t] for t in task]})
    data = prepare(frame, "human", ["j"], "task", text="prediction")
    report = meta_evaluate(data, MetaConfig(bootstrap=Bootstrap(0), matrices=False))
    lb = report["diagnostics"]["length_bias"]["j"]
    assert lb["cat"] == pytest.approx(sps.spearmanr(frame["j"], frame["prediction"].str.split().str.len())
                                      .statistic)
    assert lb["cit"] is None and "reason" not in lb
    assert "no task has a defined correlation with output length" in lb["cit_reason"]
    assert "constant" in lb["cit_reason"]
    text = render_text(report)
    assert "] undefined" not in text
    assert "no task has a defined correlation with output length" in text
