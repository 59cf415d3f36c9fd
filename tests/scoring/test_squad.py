"""SQuAD v2 rule (paper B.2): official normalisation and token F1, unanswerable questions included."""

from __future__ import annotations

import pytest

from ifteval.answers import gold_answers
from ifteval.errors import DataError
from ifteval.scoring.squad import (
    declares_no_answer,
    exact_match,
    normalize_answer,
    score_squad,
    token_f1,
)


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("The Eiffel Tower", "eiffel tower"),
        ("  a  cat,  an apple; THE end! ", "cat apple end"),
        ("Denver Broncos.", "denver broncos"),
        ("U.S.", "us"),
        ("rock-and-roll", "rockandroll"),  # official: punctuation removed, not replaced by a space
        ("theatre another", "theatre another"),  # articles only as whole words
        ("", ""),
    ],
)
def test_official_normalisation(text: str, normalized: str) -> None:
    assert normalize_answer(text) == normalized


# Hand-computed: tokens after normalisation, overlap counted with multiplicity.
F1_CASES = [
    # pred "denver broncos" vs gold "denver broncos": P = R = 1
    ("Denver Broncos", "Denver Broncos", 1.0),
    # pred [the] denver broncos team -> 3 tokens, gold 2 tokens, overlap 2: P=2/3 R=1 F1=0.8
    ("the Denver Broncos team", "Denver Broncos", 0.8),
    # pred "broncos" vs gold "denver broncos": P=1 R=1/2 F1=2/3
    ("Broncos", "Denver Broncos", 2 / 3),
    # pred "in 1990 and 1991" (4) vs gold "1990" (1): P=1/4 R=1 F1=0.4
    ("in 1990 and 1991", "1990", 0.4),
    # multiplicity: pred "new new york" vs gold "new york": overlap 2, P=2/3 R=1 F1=0.8
    ("new new york", "new york", 0.8),
    ("Paris", "London", 0.0),
    ("", "London", 0.0),
    ("London", "", 0.0),
    ("", "", 1.0),
    ("The.", "", 1.0),  # normalises to nothing
]


@pytest.mark.parametrize(("prediction", "gold", "f1"), F1_CASES)
def test_token_f1_hand_computed(prediction: str, gold: str, f1: float) -> None:
    assert token_f1(prediction, gold) == pytest.approx(f1, abs=1e-12)


def test_exact_match_uses_normalisation() -> None:
    assert exact_match("the Denver Broncos.", "Denver Broncos") == 1.0
    assert exact_match("Denver", "Denver Broncos") == 0.0


def test_maximum_over_gold_answers() -> None:
    # golds: "Denver Broncos" (F1 2/3 for "Broncos"), "the Broncos" -> "broncos" (F1 1, exact 1)
    assert score_squad("Broncos", '["Denver Broncos", "the Broncos"]') == {"f1": 1.0, "exact": 1.0}
    # "Broncos team": vs "denver broncos" P=1/2 R=1/2 F1=1/2; vs "broncos" P=1/2 R=1 F1=2/3
    assert score_squad("Broncos team", ["Denver Broncos", "the Broncos"]) == {
        "f1": pytest.approx(2 / 3),
        "exact": 0.0,
    }


@pytest.mark.parametrize(
    "prediction",
    [
        "",
        "   ",
        "Unanswerable",
        "unanswerable.",
        "N/A",
        "None",
        "No answer",
        "There is no answer in the context.",
        "The question cannot be answered from the context.",
        "This question can't be answered based on the passage.",
        "The context does not mention when the treaty was signed.",
        "The passage doesn't say who won.",
        "The answer is not mentioned in the text.",
        "The question is not answerable.",
        "There is no information about the population in the context.",
    ],
)
def test_abstentions_score_one_on_unanswerable_and_zero_on_answerable(prediction: str) -> None:
    assert score_squad(prediction, "[]") == {"f1": 1.0, "exact": 1.0}
    assert score_squad(prediction, '["the treaty of 1648"]') == {"f1": 0.0, "exact": 0.0}


@pytest.mark.parametrize(
    "prediction",
    [
        "Denver Broncos",
        "The Normans were in Normandy in the 10th and 11th centuries.",
        "did not give up the throne",  # an excerpt that happens to hold a negation
        "no more than 20 minutes",  # "no" abstains only as the whole answer
    ],
)
def test_answers_are_not_abstentions(prediction: str) -> None:
    assert not declares_no_answer(prediction)
    assert score_squad(prediction, "[]") == {"f1": 0.0, "exact": 0.0}


def test_abstention_overrides_chance_overlap() -> None:
    # Raw F1 of this text against "the year 1990" would be > 0 ("year"); an abstention scores 0.
    assert token_f1("The context does not mention the year.", "the year 1990") > 0
    assert score_squad("The context does not mention the year.", '["the year 1990"]')["f1"] == 0.0


@pytest.mark.parametrize(
    ("reference", "answers"),
    [
        ('["Denver Broncos", "Broncos"]', ["Denver Broncos", "Broncos"]),
        (["Denver Broncos"], ["Denver Broncos"]),
        ({"text": ["1648"], "answer_start": [10]}, ["1648"]),
        ("[]", [""]),
        ([], [""]),
        (["", "  "], [""]),
        # as people write them: a plain string is one answer, "" is unanswerable (issue 8)
        ("Denver Broncos", ["Denver Broncos"]),
        ("", [""]),
        ('"Denver"', ['"Denver"']),
        ("[1, 2]", ["[1, 2]"]),  # not a list of answers: one answer, as typed
        ("[not json", ["[not json"]),
    ],
)
def test_gold_answer_formats(reference: object, answers: list[str]) -> None:
    assert gold_answers(reference) == answers


@pytest.mark.parametrize("reference", [None, 3, ["a", 1], {"answer": "x"}])
def test_bad_gold_raises_data_error(reference: object) -> None:
    with pytest.raises(DataError, match="reference must be a string, a list of answer strings"):
        gold_answers(reference)


def test_plain_string_references_score_like_lists() -> None:
    """Regression (issue 8): "Denver Broncos" or "" as a reference gave every row null."""
    for prediction in ("Denver Broncos", "the Broncos", "Unanswerable."):
        assert score_squad(prediction, "Denver Broncos") == score_squad(prediction, '["Denver Broncos"]')
        assert score_squad(prediction, "") == score_squad(prediction, "[]")
    assert score_squad("", "") == {"f1": 1.0, "exact": 1.0}
    assert score_squad("Broncos", "Denver Broncos")["f1"] == pytest.approx(2 / 3)
    # answers that normalise to nothing are dropped, as by the official script
    assert score_squad("", ["", " . "]) == {"f1": 1.0, "exact": 1.0}
