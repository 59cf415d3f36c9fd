"""CIT, CAT, TFA, SUM levels and matrices against scipy on hand-built data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from ifteval.errors import DataError
from ifteval.metameter import (
    cat,
    cit,
    judge_matrix,
    prepare,
    summary_level,
    system_level,
    tfa,
)
from tests.metameter.helpers import random_frame

REF = {
    "spearman": lambda x, y: sps.spearmanr(x, y).statistic,
    "kendall": lambda x, y: sps.kendalltau(x, y).statistic,
    "pearson": lambda x, y: sps.pearsonr(x, y).statistic,
}


def _ref(frame: pd.DataFrame, a: str, b: str, method: str) -> float:
    ok = frame[a].notna() & frame[b].notna()
    return REF[method](frame.loc[ok, a], frame.loc[ok, b])


@pytest.mark.parametrize("method", ["spearman", "kendall", "pearson"])
def test_cit_and_cat_match_scipy(method):
    frame = random_frame()
    data = prepare(frame, "human", ["good", "weak"], "task")
    for judge in ("good", "weak"):
        c = cat(data, method)[judge]
        assert c.value == pytest.approx(_ref(frame, judge, "human", method), abs=1e-9)
        i = cit(data, method)[judge]
        per = {t: _ref(g, judge, "human", method) for t, g in frame.groupby("task")}
        for t, v in per.items():
            assert i.extra["per_task"][t]["value"] == pytest.approx(v, abs=1e-9)
        assert i.value == pytest.approx(np.mean(list(per.values())), abs=1e-9)


def test_cit_and_cat_differ_in_sign():
    # within each task the judge ranks outputs like the human, but its scale is inverted across tasks:
    # task 'easy' gets high human scores and low judge scores, task 'hard' the opposite.
    frame = pd.DataFrame({
        "task": ["easy"] * 4 + ["hard"] * 4,
        "human": [8, 9, 10, 11, 1, 2, 3, 4],
        "judge": [0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9],
    })
    data = prepare(frame, "human", ["judge"], "task")
    assert cit(data)["judge"].value == pytest.approx(1.0)
    pooled = cat(data)["judge"].value
    assert pooled == pytest.approx(sps.spearmanr(frame.judge, frame.human).statistic, abs=1e-12)
    assert pooled < 0  # CAT exposes the inconsistent scale that CIT averages away


def test_pairwise_exclusion_and_coverage():
    frame = random_frame()
    data = prepare(frame, "human", ["good"], "task")
    c = cat(data)["good"]
    both = frame.good.notna() & frame.human.notna()
    assert c.n == int(both.sum())
    assert c.extra["coverage"] == pytest.approx(both.sum() / frame.human.notna().sum())


def test_small_task_and_constant_judge_are_null_with_reason_and_left_out_of_the_average():
    frame = pd.DataFrame({
        "task": ["big"] * 5 + ["tiny"] * 2 + ["flat"] * 4,
        "human": [1, 2, 3, 4, 5, 1, 2, 1, 2, 3, 4],
        "judge": [2, 1, 4, 3, 5, 1, 2, 7, 7, 7, 7],
    })
    data = prepare(frame, "human", ["judge"], "task")
    res = cit(data)["judge"]
    per = res.extra["per_task"]
    assert per["tiny"]["value"] is None and "only 2 paired row(s)" in per["tiny"]["reason"]
    assert per["flat"]["value"] is None and "is constant" in per["flat"]["reason"]
    assert res.value == pytest.approx(sps.spearmanr([2, 1, 4, 3, 5], [1, 2, 3, 4, 5]).statistic)
    assert res.extra["n_tasks_defined"] == 1


def test_tfa_hand_computed():
    frame = pd.DataFrame({
        "task": ["t1"] * 4 + ["t2"] * 4,
        "regime": ["zero", "zero", "ft", "ft"] * 2,
        "human": [0.5, 0.5, 0.5, 0.7, 0.4, 0.6, 0.6, 0.6],
        "rouge": [0.1, 0.3, 0.4, 0.4, 0.2, 0.2, 0.3, None],
    })
    data = prepare(frame, "human", ["rouge"], "task", regime="regime")
    res = tfa(data, "zero", "ft")
    # rouge: t1 0.2 -> 0.4 (+100 %), t2 0.2 -> 0.3 (+50 %, null excluded) => +75 %
    assert res["rouge"].value == pytest.approx(0.75)
    # human: t1 0.5 -> 0.6 (+20 %), t2 0.5 -> 0.6 (+20 %) => +20 %
    assert res["human"].value == pytest.approx(0.20)
    assert res["rouge"].extra["per_task"]["t2"]["n_after"] == 1


def test_tfa_zero_before_is_null_and_unknown_regime_is_an_error():
    frame = pd.DataFrame({"task": ["t"] * 4, "regime": ["a", "a", "b", "b"], "human": [1, 2, 3, 4],
                          "j": [0.0, 0.0, 0.5, 0.5]})
    data = prepare(frame, "human", ["j"], "task", regime="regime")
    res = tfa(data, "a", "b")
    assert res["j"].value is None
    assert "mean judge 'j' score before is 0" in res["j"].extra["per_task"]["t"]["reason"]
    with pytest.raises(DataError, match="regime 'zero' does not occur.*Values: a, b"):
        tfa(data, "zero", "b")


@pytest.mark.parametrize("method", ["spearman", "kendall", "pearson"])
def test_summary_and_system_level_match_scipy(method):
    rng = np.random.default_rng(3)
    rows = []
    for doc in range(12):
        for s, quality in zip(["s1", "s2", "s3", "s4", "s5"], [0.1, 0.3, 0.5, 0.6, 0.9], strict=True):
            h = quality + rng.normal(0, 0.3)
            rows.append({"doc": f"d{doc}", "system": s, "human": round(h, 1),
                         "judge": round(h + rng.normal(0, 0.3), 2)})
    frame = pd.DataFrame(rows)
    frame.loc[7, "judge"] = None
    data = prepare(frame, "human", ["judge"], None, system="system", item="doc")
    summ = summary_level(data, method)["judge"]
    per_doc = [_ref(g, "judge", "human", method) for _, g in frame.groupby("doc")]
    assert summ.value == pytest.approx(np.mean(per_doc), abs=1e-9)
    assert summ.extra["n_documents_defined"] == 12
    ok = frame.dropna()
    means = ok.groupby("system")[["judge", "human"]].mean()
    sysl = system_level(data, method)["judge"]
    assert sysl.value == pytest.approx(REF[method](means.judge, means.human), abs=1e-9)


def test_judge_matrix_cat_and_cit():
    frame = random_frame()
    data = prepare(frame, "human", ["good", "weak"], "task")
    m = judge_matrix(data, "cat")
    assert m["labels"] == ["good", "weak", "human"]
    lab = frame[frame.human.notna()]
    assert m["values"][0][1] == pytest.approx(_ref(lab, "good", "weak", "spearman"), abs=1e-9)
    assert m["values"][1][0] == m["values"][0][1] and m["values"][2][2] == 1.0
    c = judge_matrix(data, "cit")
    per = [_ref(g, "good", "weak", "spearman") for _, g in lab.groupby("task")]
    assert c["values"][0][1] == pytest.approx(np.mean(per), abs=1e-9)
    a = judge_matrix(data, "all")  # includes rows without a human label
    assert a["values"][0][1] == pytest.approx(_ref(frame, "good", "weak", "spearman"), abs=1e-9)


def test_judge_matrix_constant_judge_has_no_diagonal_either():
    """Review finding: a constant judge showed 1.000 on the diagonal beside n/a everywhere else."""
    frame = random_frame()
    frame["flat"] = 0.5
    data = prepare(frame, "human", ["good", "flat"], "task")
    m = judge_matrix(data, "cat")
    flat = m["labels"].index("flat")
    assert m["values"][flat][flat] is None and "constant" in m["reasons"]["flat|flat"]
    assert m["values"][0][0] == 1.0
