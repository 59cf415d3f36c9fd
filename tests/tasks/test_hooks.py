"""References in the shared string contract, and gold metrics through lm-eval's process_results."""

from __future__ import annotations

import json

import pytest

from ifteval.scoring.gold import primary_metric, score_gold
from ifteval.scoring.stsb import round_half_up
from ifteval.tasks import data, hooks
from ifteval.tasks.data import load_rows


def test_conll_entities_from_bio_ids() -> None:
    tokens = ["Angela", "Merkel", "met", "staff", "of", "the", "United", "Nations", "in", "New", "York", "."]
    tags = [1, 2, 0, 0, 0, 0, 3, 4, 0, 5, 6, 0]
    assert hooks.conll_entities(tokens, tags) == {
        "LOC": ["New York"],
        "PER": ["Angela Merkel"],
        "ORG": ["United Nations"],
    }


def test_conll_adjacent_entities_and_misc_are_kept_apart() -> None:
    # B-LOC B-LOC are two entities; MISC is not asked for; a stray I- starts a new entity
    tokens = ["Kenya", "Uganda", "German", "Paris"]
    tags = [5, 5, 7, 6]
    assert hooks.conll_entities(tokens, tags) == {"LOC": ["Kenya", "Uganda", "Paris"], "PER": [], "ORG": []}
    assert json.loads(hooks.target_conll2003({"tokens": ["x"], "ner_tags": [0]})) == {
        "LOC": [],
        "PER": [],
        "ORG": [],
    }


@pytest.mark.parametrize(
    ("fn", "doc", "expected"),
    [
        (hooks.target_sst2, {"label": 1}, "positive"),
        (hooks.target_mnli, {"label": 2}, "contradiction"),
        (hooks.target_qnli, {"label": 0}, "answerable"),
        (hooks.target_qnli, {"label": 1}, "unanswerable"),
        (hooks.target_stsb, {"label": 3.799999952316284}, "3.8"),
        (hooks.target_stsb, {"label": 5.0}, "5"),
        (hooks.target_squadv2, {"answers": {"text": [], "answer_start": []}}, "[]"),
        (hooks.target_squadv2, {"answers": {"text": ["1928"], "answer_start": [3]}}, '["1928"]'),
        (hooks.target_xsum, {"summary": "S."}, "S."),
    ],
)
def test_targets(fn, doc, expected) -> None:  # noqa: ANN001
    assert fn(doc) == expected


@pytest.mark.parametrize("task", list(hooks.TARGETS))
def test_every_smoke_reference_scores_full_marks_against_itself(task: str) -> None:
    """The reference strings and the gold rules agree on the contract, for every smoke row."""
    source = {"ifteval_squadv2": "squad_v2"}.get(task, task.removeprefix("ifteval_"))
    data._load_rows_cached.cache_clear()
    rows, _ = load_rows(source)
    for row in rows:
        ref = hooks.TARGETS[task](row)
        prediction = ref
        if task == "ifteval_squadv2":
            answers = json.loads(ref)
            prediction = answers[0] if answers else ""
        if task == "ifteval_stsb":  # the prompt asks for an integer 1-5; gold 0-5 is rounded and clamped
            prediction = str(max(1, round_half_up(float(ref))))
        assert score_gold(task, prediction, ref)[primary_metric(task)] == pytest.approx(1.0), (task, row)


def test_process_results_applies_the_lenient_label_rule() -> None:
    # `score` repeats the headline metric so the ifteval_gold group can average the seven tasks
    right, wrong = {"acc": 1.0, "score": 1.0}, {"acc": 0.0, "score": 0.0}
    assert hooks.process_results_sst2({"label": 1}, ["The sentence is Positive."]) == right
    assert hooks.process_results_sst2({"label": 0}, ["The sentence is positive."]) == wrong
    assert hooks.process_results_qnli({"label": 1}, ["Unanswerable"]) == {"acc": 1.0, "score": 1.0}


def test_alpaca_reports_rouge1_from_rouge_score() -> None:
    from rouge_score import rouge_scorer

    doc = {"output": "The capital of Canada is Ottawa."}
    pred = "Ottawa is the capital city of Canada."
    want = (
        rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True).score(doc["output"], pred)["rouge1"].fmeasure
    )
    assert hooks.process_results_alpaca(doc, [pred])["rouge1"] == pytest.approx(want, abs=1e-9)


@pytest.mark.parametrize("task", list(hooks.TARGETS))
def test_each_gold_task_yaml_follows_its_rule(task: str) -> None:
    """scoring.gold.RULES declares a gold task; its YAML names the derived hooks and lists the rule's
    metrics (plus `score`), so the lm-eval table and the gold judge cannot disagree."""
    from ifteval.scoring.gold import RULES
    from ifteval.tasks.provenance import task_config

    config = task_config(task)
    short = task.removeprefix("ifteval_")
    assert str(config["process_results"]).endswith(f"ifteval.tasks.hooks.process_results_{short}")
    assert str(config["doc_to_target"]).endswith(f"ifteval.tasks.hooks.target_{short}")
    assert [m["metric"] for m in config["metric_list"]] == [*RULES[task].metrics, "score"]
