"""XSum rule (paper B.2): ROUGE-2 F-measure with ROUGE-1 and ROUGE-L, as rouge-score computes them."""

from __future__ import annotations

import pytest
from rouge_score import rouge_scorer

from ifteval.errors import DataError
from ifteval.scoring.summary import SUMMARY_ROUGE, score_summary

PAIRS = [
    (
        "Police have arrested a man after a woman was stabbed in a street in Glasgow.",
        "A woman has been stabbed in Glasgow and a man was arrested by police.",
    ),
    (
        "The cat sat on the mat.",
        "A cat was sitting on the mat.",
    ),
    (
        "Wales beat England 30-3 to win the Six Nations title.",
        "Here is a summary of the article in a few words: Wales won the Six Nations by beating England.",
    ),
    ("Completely unrelated words here.", "The government announced new funding for schools."),
    ("The government announced new funding for schools.", ""),
]


@pytest.mark.parametrize(("reference", "prediction"), PAIRS)
def test_matches_rouge_score_with_stemming(reference: str, prediction: str) -> None:
    expected = rouge_scorer.RougeScorer(list(SUMMARY_ROUGE), use_stemmer=True).score(reference, prediction)
    got = score_summary(prediction, reference)
    assert set(got) == {"rouge1", "rouge2", "rougeL"}
    for name in SUMMARY_ROUGE:
        assert got[name] == pytest.approx(expected[name].fmeasure, abs=1e-12)


def test_hand_computed_values() -> None:
    # ref "the cat sat on the mat" (6 tokens), pred "a cat was sit on the mat" (7; "sitting" -> "sit")
    # unigram overlap: cat, on, the, mat = 4 -> P 4/7, R 4/6, F = 8/13
    # bigram overlap: "on the", "the mat" = 2 of 5 ref bigrams and 6 pred bigrams -> F = 2*2/(5+6) = 4/11
    got = score_summary("A cat was sitting on the mat.", "The cat sat on the mat.")
    assert got["rouge1"] == pytest.approx(8 / 13)
    assert got["rouge2"] == pytest.approx(4 / 11)
    assert got["rougeL"] == pytest.approx(8 / 13)


def test_stemming_is_on() -> None:
    # Without the stemmer "stabbed"/"stabbing" would not match.
    assert score_summary("stabbing", "stabbed")["rouge1"] == 1.0


def test_several_references_take_the_best_per_metric() -> None:
    refs = ["The cat sat on the mat.", "A dog barked."]
    assert score_summary("A dog barked.", refs) == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}


@pytest.mark.parametrize("reference", ["", "   ", [], [""], None])
def test_empty_reference_raises(reference: object) -> None:
    with pytest.raises(DataError, match="xsum reference"):
        score_summary("A summary.", reference)  # type: ignore[arg-type]
