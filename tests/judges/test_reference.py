"""Reference judges equal rouge-score, sacrebleu and the official SQuAD rules on the same pairs."""

from __future__ import annotations

import dataclasses

import pytest
import sacrebleu
from rouge_score import rouge_scorer

from ifteval.errors import ConfigError
from ifteval.judges import build_judge, load_judge, load_spec, run_judges
from ifteval.judges.reference import RougeJudge, SacreBleuJudge
from ifteval.types import Sample

PAIRS = [
    ("The cat sat on the mat.", "A cat was sitting on the mat."),
    ("Paris is the capital of France.", "The capital of France is Paris."),
    ("running runners ran", "the runner runs"),
    ("completely unrelated words", "The stock market fell sharply today."),
    ("", "an empty prediction"),
]


def samples(pairs: list[tuple[str, str]]) -> list[Sample]:
    return [Sample(id=str(i), prompt="p", prediction=p, reference=r) for i, (p, r) in enumerate(pairs)]


@pytest.mark.parametrize("rouge_type", ["rouge1", "rouge2", "rougeL"])
def test_rouge_equals_rouge_score(rouge_type: str) -> None:
    scorer = rouge_scorer.RougeScorer([rouge_type], use_stemmer=True)
    verdicts = load_judge(rouge_type).score(samples(PAIRS))
    for (prediction, reference), verdict in zip(PAIRS, verdicts, strict=True):
        expected = scorer.score(reference, prediction)[rouge_type]
        assert verdict.value == pytest.approx(expected.fmeasure, abs=1e-12)
        assert verdict.extras["precision"] == pytest.approx(expected.precision, abs=1e-12)
        assert verdict.extras["recall"] == pytest.approx(expected.recall, abs=1e-12)


def test_rouge_stems_like_the_paper_preset() -> None:
    # "running runners ran" vs "the runner runs": only stemming makes runner/runners and runs/running meet
    verdict = load_judge("rouge1").score(samples([PAIRS[2]]))[0]
    unstemmed = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=False).score(PAIRS[2][1], PAIRS[2][0])
    assert verdict.value > unstemmed["rouge1"].fmeasure


def test_bleu_and_chrf_equal_sacrebleu_over_100() -> None:
    bleu = load_judge("bleu").score(samples(PAIRS))
    chrf = load_judge("chrf").score(samples(PAIRS))
    for (prediction, reference), b, c in zip(PAIRS, bleu, chrf, strict=True):
        assert b.value == pytest.approx(
            sacrebleu.sentence_bleu(prediction, [reference]).score / 100, abs=1e-12
        )
        assert c.value == pytest.approx(
            sacrebleu.sentence_chrf(prediction, [reference]).score / 100, abs=1e-12
        )
        assert 0.0 <= b.value <= 1.0 and 0.0 <= c.value <= 1.0
    # pins the settings: 13a tokenizer, exp smoothing, effective order; chrF char order 6, beta 2
    explicit_bleu = sacrebleu.metrics.BLEU(tokenize="13a", smooth_method="exp", effective_order=True)
    explicit_chrf = sacrebleu.metrics.CHRF(char_order=6, word_order=0, beta=2)
    assert bleu[0].value == pytest.approx(
        explicit_bleu.sentence_score(PAIRS[0][0], [PAIRS[0][1]]).score / 100
    )
    assert chrf[0].value == pytest.approx(
        explicit_chrf.sentence_score(PAIRS[0][0], [PAIRS[0][1]]).score / 100
    )


def test_exact_match_and_f1_follow_squad_normalisation() -> None:
    rows = samples([("The Eiffel Tower!", "eiffel tower"), ("the big red barn", "a red barn"), ("no", "yes")])
    assert [v.value for v in load_judge("exact_match").score(rows)] == [1.0, 0.0, 0.0]
    # "big red barn" vs "red barn": precision 2/3, recall 1 -> F1 0.8
    assert [v.value for v in load_judge("f1").score(rows)] == pytest.approx([1.0, 0.8, 0.0])


def test_json_list_reference_takes_the_best_alternative() -> None:
    row = Sample("q", "Where?", "in Paris", '["London", "Paris"]')
    assert (
        load_judge("exact_match").score([Sample("q", "Where?", "Paris", '["London", "Paris"]')])[0].value
        == 1.0
    )
    assert load_judge("f1").score([row])[0].value == pytest.approx(2 / 3)
    expected = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True).score("Paris", "in Paris")["rouge1"]
    assert load_judge("rouge1").score([row])[0].value == pytest.approx(expected.fmeasure)
    # an empty list is SQuAD's "unanswerable": only an empty prediction matches it
    assert load_judge("exact_match").score([Sample("u", "?", "", "[]")])[0].value == 1.0
    assert Sample("j", "?", "x", "[not json").references == ("[not json",)
    assert Sample("n", "?", "x", "[1, 2]").references == ("[1, 2]",)


def test_missing_reference_is_a_null_verdict_not_a_zero() -> None:
    rows = [Sample("a", "p", "x", "x"), Sample("b", "p", "x", None)]
    verdicts = run_judges([load_judge("rouge1")], rows)["rouge1"]
    assert verdicts[0].value == 1.0
    assert verdicts[1].value is None and verdicts[1].status == "error"


def test_bad_preset_arguments_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="rouge_type 'rouge3'"):
        RougeJudge("r", rouge_type="rouge3")
    with pytest.raises(ConfigError, match="metric 'ter'"):
        SacreBleuJudge("s", metric="ter")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"rouge1.stemming=true: .* has no argument 'stemming'"):
        load_judge("rouge1", {"stemming": True})
    preset_typo = load_spec("rouge1")
    preset_typo = dataclasses.replace(preset_typo, args={**preset_typo.args, "use_stemer": True})
    with pytest.raises(ConfigError, match=r"rouge1.yaml rouge1.use_stemer=true: .* 'use_stemmer'"):
        build_judge(preset_typo)
