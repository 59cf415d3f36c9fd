"""The `gold` judge applies paper B.2's rule of each sample's task; bad rows get null verdicts."""

from __future__ import annotations

import pytest
from rouge_score import rouge_scorer

from ifteval.judges import load_judge, run_judges
from ifteval.scoring.gold import score_gold
from ifteval.types import Sample

XSUM_PREDICTION = "A cat spent the whole day sitting on a mat."
XSUM_REFERENCE = "The cat sat on the mat all day."
ROWS = [
    Sample("1", "p", "The sentence is a positive statement.", "positive", "ifteval_sst2"),
    Sample("2", "p", "negative", "positive", "ifteval_sst2"),
    Sample("3", "p", "Neutral.", "neutral", "ifteval_mnli"),
    Sample("4", "p", "Paris", '["Paris", "the city of Paris"]', "ifteval_squadv2"),
    Sample("5", "p", "in Paris, France", '["Paris"]', "ifteval_squadv2"),
    Sample("6", "p", XSUM_PREDICTION, XSUM_REFERENCE, "ifteval_xsum"),
    Sample("7", "p", "4", "3.8", "ifteval_stsb"),
]


def test_values_are_the_primary_gold_metric_and_extras_the_rest() -> None:
    verdicts = load_judge("gold").score(ROWS)
    assert [v.value for v in verdicts[:4]] == [1.0, 0.0, 1.0, 1.0]
    assert verdicts[3].extras == {"exact": 1.0}
    # SQuAD F1 of "in Paris, France" vs "Paris": tokens {in, paris, france} vs {paris} -> 2 * 1/3 * 1 / (4/3)
    assert verdicts[4].value == pytest.approx(0.5) and verdicts[4].extras == {"exact": 0.0}
    # XSum's primary metric is ROUGE-2; ROUGE-1 and ROUGE-L are extras
    expected = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True).score(
        XSUM_REFERENCE, XSUM_PREDICTION
    )
    assert verdicts[5].value == pytest.approx(expected["rouge2"].fmeasure, abs=1e-9)
    assert verdicts[5].extras["rouge1"] == pytest.approx(expected["rouge1"].fmeasure, abs=1e-9)
    assert verdicts[6].value == 1.0
    for row, verdict in zip(ROWS, verdicts, strict=True):
        assert verdict.status == "ok"
        assert (
            verdict.value
            == score_gold(row.task or "", row.prediction, row.reference)[verdict.reason.split()[0]]
        )


def test_rows_without_a_usable_task_or_reference_get_null_verdicts() -> None:
    rows = [
        Sample("a", "p", "positive", "positive", None),
        Sample("b", "p", "positive", "positive", "ifteval_sst3"),
        Sample("d", "p", "positive", None, "ifteval_sst2"),
        Sample("e", "p", "positive", "positive", "ifteval_sst2"),
    ]
    verdicts = run_judges([load_judge("gold")], rows)["gold"]
    assert [v.value for v in verdicts] == [None, None, None, 1.0]
    assert all(v.status == "error" for v in verdicts[:3])
    assert "has no task" in verdicts[0].reason
    assert "ifteval_sst3" in verdicts[1].reason and "ifteval_sst2" in verdicts[1].reason  # did-you-mean
    assert "reference" in verdicts[2].reason


def test_squad_plain_string_reference_is_one_answer() -> None:
    """Regression (issue 8): a plain-string squadv2 reference gave null with "must be a JSON list"."""
    rows = [
        Sample("a", "p", "Broncos", "Denver Broncos", "ifteval_squadv2"),
        Sample("b", "p", "Broncos", '["Denver Broncos"]', "ifteval_squadv2"),
        Sample("c", "p", "Unanswerable.", "", "ifteval_squadv2"),
        Sample("d", "p", "Broncos", "", "ifteval_squadv2"),
    ]
    values = [v.value for v in run_judges([load_judge("gold")], rows)["gold"]]
    assert values == [pytest.approx(2 / 3), pytest.approx(2 / 3), 1.0, 0.0]


def test_run_with_judges_gold_scores_each_row_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: lm-eval's process_results hook and then the gold judge each scored every row."""
    from dataclasses import replace

    from ifteval.scoring import gold
    from ifteval.tasks import hooks

    calls: list[str] = []
    rule = gold.RULES["ifteval_sst2"]

    def counted(prediction: str, reference: object) -> dict[str, float]:
        calls.append(prediction)
        return rule.score(prediction, reference)

    monkeypatch.setitem(gold.RULES, "ifteval_sst2", replace(rule, score=counted))
    gold._scored.cache_clear()
    try:
        prediction = "The sentence is positive (issue 13)."
        assert hooks.process_results_sst2({"label": 1}, [prediction]) == {"acc": 1.0, "score": 1.0}
        [verdict] = load_judge("gold").score([Sample("0", "p", prediction, "positive", "ifteval_sst2")])
        assert verdict.value == 1.0 and calls == [prediction]
        score_gold("ifteval_sst2", "negative", "positive")  # another row is scored
        assert calls == [prediction, "negative"]
    finally:
        gold._scored.cache_clear()
