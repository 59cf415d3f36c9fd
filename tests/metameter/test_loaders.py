"""Input tables, run outputs joined with labels, the real human-label sources, and bad input."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from ifteval.errors import DataError, UnknownNameError
from ifteval.metameter import (
    SUMMARIZE_FROM_FEEDBACK,
    annotator_agreement,
    cat,
    join_labels,
    load_realsumm,
    load_run_output,
    load_summarize_from_feedback,
    load_table,
    prepare,
)
from tests.metameter.helpers import FIXTURES


def test_csv_jsonl_and_parquet_read_the_same(tmp_path):
    csv = load_table(FIXTURES / "scores.csv")
    jsonl = load_table(FIXTURES / "scores.jsonl")
    csv.to_parquet(tmp_path / "s.parquet")
    pq = load_table(tmp_path / "s.parquet")
    for frame in (jsonl, pq):
        pd.testing.assert_series_equal(frame["gpt4"].astype(float), csv["gpt4"], check_names=False)
    vals = [cat(prepare(f, "human", ["gpt4"], "task"))["gpt4"].value for f in (csv, jsonl, pq)]
    assert vals[0] == vals[1] == vals[2]


@pytest.mark.slow  # reads the shared `ifteval run` output (tests/conftest.py)
def test_duplicate_or_unmatched_labels_are_errors(sweep_run):
    frame = load_run_output(sweep_run / "base")
    assert frame.attrs["judges"] == ["rouge1"] and list(frame["doc_id"].astype(str)) == ["0", "1", "2"]
    labels = pd.DataFrame({"doc_id": ["0", "1", "2"], "task": "ifteval_sst2", "label": [1.0, 2.0, 3.0]})
    with pytest.raises(DataError, match="duplicate label"):
        join_labels(frame, pd.concat([labels, labels.iloc[:1]]), "dup.jsonl")
    wrong = labels.assign(doc_id="x" + labels["doc_id"])
    with pytest.raises(DataError, match="no label in wrong.jsonl matches"):
        join_labels(frame, wrong, "wrong.jsonl")
    with pytest.raises(UnknownNameError, match="no id column 'sample'"):
        join_labels(frame, labels, "labels.jsonl", id_col="sample")


def test_summarize_from_feedback_offline_fixture():
    frame = load_summarize_from_feedback(path=FIXTURES / "summarize_from_feedback_axis.jsonl")
    assert SUMMARIZE_FROM_FEEDBACK == "openai/summarize_from_feedback"
    assert set(frame.task) == {"tldr", "cnndm"}
    assert len(frame) == 4 * 4 + 3  # one row per rated summary
    tldr = frame[frame.task == "tldr"]
    assert tldr["n_annotations"].eq(2).all()
    assert np.allclose(tldr.human, (tldr.annotator_1 + tldr.annotator_2) / 2)
    data = prepare(frame.assign(judge=frame.human + 0.1 * np.arange(len(frame))),
                   ["annotator_1", "annotator_2"], ["judge"], "task", item="item", system="system")
    agr = annotator_agreement(data)
    both = frame[["annotator_1", "annotator_2"]].dropna()
    expected_rho = sps.spearmanr(both.annotator_1, both.annotator_2).statistic
    assert agr["mean_pairwise_cat"] == pytest.approx(expected_rho)
    import krippendorff

    expected = krippendorff.alpha(reliability_data=both.T.to_numpy(), level_of_measurement="interval")
    assert agr["krippendorff_alpha"] == pytest.approx(expected)


def test_summarize_from_feedback_hub_failure_is_a_clear_error(monkeypatch):
    import datasets

    def boom(*args, **kwargs):
        raise ConnectionError("offline")

    monkeypatch.setattr(datasets, "load_dataset", boom)
    with pytest.raises(DataError, match=r"cannot load openai/summarize_from_feedback \(config 'axis'"):
        load_summarize_from_feedback()


def test_realsumm_jsonl_and_official_pickle(tmp_path):
    frame = load_realsumm(FIXTURES / "realsumm.jsonl")
    assert len(frame) == 20 and set(frame.system) == {"bart_out", "pnbert", "semsim", "matchsumm"}
    assert frame["human"].equals(frame["litepyramid_recall"].astype(float))
    official = {}
    for r in frame.to_dict(orient="records"):
        doc = official.setdefault(int(r["item"]), {"doc_id": int(r["item"]), "ref_summ": "ref",
                                                   "system_summaries": {}})
        doc["system_summaries"][r["system"]] = {
            "system_summary": r["prediction"],
            "scores": {"litepyramid_recall": r["litepyramid_recall"],
                       "rouge_1_f_score": r["rouge_1_f_score"]}}
    path = tmp_path / "abs.pkl"
    path.write_bytes(pickle.dumps(official))
    from_pickle = load_realsumm(path)
    a = cat(prepare(frame, "human", ["rouge_1_f_score"], "task", item="item", system="system"))
    b = cat(prepare(from_pickle, "human", ["rouge_1_f_score"], "task", item="item", system="system"))
    assert a["rouge_1_f_score"].value == pytest.approx(b["rouge_1_f_score"].value)


def test_read_input_gives_each_source_its_implied_columns():
    """The source dispatch `meta`, `estimate`, `plan` and the API share (it sat in cli/meta.py)."""
    from ifteval.metameter.loaders import read_input

    sff = read_input(FIXTURES / "summarize_from_feedback_axis.jsonl", "summarize_from_feedback")
    assert (sff.human, sff.item, sff.system, sff.text) == (("annotator_1", "annotator_2"), "item", "system",
                                                           "prediction")
    real = read_input(FIXTURES / "realsumm.jsonl", "realsumm")
    assert (real.human, real.item, real.system, real.judges) == ((), "item", "system", ())
    assert len(real.frame) == 20 and real.source == str(FIXTURES / "realsumm.jsonl")
    table = read_input(FIXTURES / "scores.csv")
    assert (table.item, table.system, table.judges) == (None, None, ())
    with pytest.raises(DataError, match="only --source summarize_from_feedback reads the hub"):
        read_input(None, "realsumm")


def test_unknown_column_suggests_the_closest():
    frame = load_table(FIXTURES / "scores.csv")
    expected = r"unknown judge column 'gpt5' in scores.csv\. Did you mean 'gpt4'"
    with pytest.raises(UnknownNameError, match=expected):
        prepare(frame, "human", ["gpt5"], "task", source="scores.csv")


def test_non_numeric_score_names_column_and_row(tmp_path):
    path = tmp_path / "bad.jsonl"
    rows = [{"task": "t", "human": 1, "j": 0.5}, {"task": "t", "human": 2, "j": "high"}]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    with pytest.raises(DataError, match=r"column 'j' in bad.jsonl has a non-numeric score 'high' at line 2"):
        prepare(load_table(path), "human", ["j"], "task", source="bad.jsonl")


def test_empty_human_and_bad_json_are_errors(tmp_path):
    frame = pd.DataFrame({"human": [None, None], "j": [1.0, 2.0]})
    with pytest.raises(DataError, match="hold no values"):
        prepare(frame, "human", ["j"])
    bad = tmp_path / "x.jsonl"
    bad.write_text('{"a": 1}\n{oops\n')
    with pytest.raises(DataError, match="x.jsonl:2: not valid JSON"):
        load_table(bad)


def test_empty_jsonl_table_is_named_empty(tmp_path):
    empty = tmp_path / "labels.jsonl"
    empty.write_text("\n")
    with pytest.raises(DataError, match=r"labels.jsonl is empty; a JSONL table needs"):
        load_table(empty)
