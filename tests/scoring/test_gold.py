"""The `gold` dispatch: task name -> B.2 rule and metric dict."""

from __future__ import annotations

import pytest

from ifteval.errors import IftevalError, UnknownNameError
from ifteval.scoring import RULES, gold_rule, primary_metric, score_gold

TASKS = [
    "ifteval_sst2",
    "ifteval_mnli",
    "ifteval_qnli",
    "ifteval_stsb",
    "ifteval_conll2003",
    "ifteval_squadv2",
    "ifteval_xsum",
]

# (task, prediction, reference, expected metrics) -- one right and one wrong answer per task
CASES = [
    ("ifteval_sst2", "The sentence is a positive statement.", "positive", {"acc": 1.0}),
    ("ifteval_sst2", "The sentence is a positive statement.", "negative", {"acc": 0.0}),
    (
        "ifteval_mnli",
        "The relationship between the Premise sentence and the Hypothesis sentence is Neutral. "
        "The two sentences are not contradictory or entailing.",
        "neutral",
        {"acc": 1.0},
    ),
    ("ifteval_mnli", "Entailment.", "contradiction", {"acc": 0.0}),
    ("ifteval_qnli", "The question is unanswerable.", "unanswerable", {"acc": 1.0}),
    ("ifteval_qnli", "The question is unanswerable.", "answerable", {"acc": 0.0}),
    ("ifteval_stsb", "I would give them a 4 out of 5.", "3.8", {"acc": 1.0}),
    ("ifteval_stsb", "3", "3.8", {"acc": 0.0}),
    (
        "ifteval_conll2003",
        "```json\n{'loc': ['Paris'], 'per': [], 'org': ['UN',]}\n```",
        '{"LOC": ["Paris"], "PER": [], "ORG": ["UN"]}',
        {"acc": 1.0},
    ),
    ("ifteval_conll2003", '{"LOC": ["Paris"]}', '{"LOC": ["Paris"], "PER": [], "ORG": ["UN"]}', {"acc": 0.0}),
    ("ifteval_squadv2", "Unanswerable.", "[]", {"f1": 1.0, "exact": 1.0}),
    ("ifteval_squadv2", "Broncos", '["Denver Broncos"]', {"f1": pytest.approx(2 / 3), "exact": 0.0}),
    ("ifteval_xsum", "A dog barked.", "A dog barked.", {"rouge2": 1.0, "rouge1": 1.0, "rougeL": 1.0}),
]


@pytest.mark.parametrize(("task", "prediction", "reference", "expected"), CASES)
def test_score_gold(task: str, prediction: str, reference: str, expected: dict[str, float]) -> None:
    got = score_gold(task, prediction, reference)
    assert list(got) == list(expected) == list(RULES[task].metrics)
    assert got == expected


def test_every_task_has_a_rule_and_primary_metric() -> None:
    assert list(RULES) == TASKS
    assert {t: primary_metric(t) for t in TASKS} == {
        "ifteval_sst2": "acc",
        "ifteval_mnli": "acc",
        "ifteval_qnli": "acc",
        "ifteval_stsb": "acc",
        "ifteval_conll2003": "acc",
        "ifteval_squadv2": "f1",
        "ifteval_xsum": "rouge2",
    }
    assert all(rule.higher_is_better for rule in RULES.values())


@pytest.mark.parametrize("task", TASKS)
def test_values_are_in_unit_interval_for_garbage(task: str) -> None:
    reference = {
        "ifteval_sst2": "positive",
        "ifteval_mnli": "neutral",
        "ifteval_qnli": "answerable",
        "ifteval_stsb": "2.0",
        "ifteval_conll2003": '{"LOC": [], "PER": [], "ORG": []}',
        "ifteval_squadv2": '["x"]',
        "ifteval_xsum": "A summary.",
    }[task]
    for prediction in ["", "%%%", "{[(", "I don't know."]:
        scores = score_gold(task, prediction, reference)
        assert all(0.0 <= v <= 1.0 for v in scores.values())


def test_unknown_task_suggests_the_closest() -> None:
    with pytest.raises(UnknownNameError, match=r"'ifteval_sst'.*Did you mean 'ifteval_sst2'") as info:
        score_gold("ifteval_sst", "positive", "positive")
    assert isinstance(info.value, IftevalError)
    assert "ifteval_xsum" in str(info.value)
    with pytest.raises(UnknownNameError):
        primary_metric("sst2_glue")
    with pytest.raises(UnknownNameError):
        gold_rule("")
