"""STS-B rule (paper B.2): the answer's 1-5 integer against the rounded, clamped gold score."""

from __future__ import annotations

import pytest

from ifteval.errors import DataError
from ifteval.scoring.stsb import extract_score, gold_score, round_half_up, score_stsb

TABLE = [
    ("4", 4),
    ("5.", 5),
    ("Score: 3", 3),
    ("The similarity score is 2.", 2),
    ("I would rate them 4 out of 5.", 4),
    ("4/5", 4),
    ("5 / 5", 5),
    ("On a scale from 1 to 5, I'd give them a 2.", 2),
    ("Between 1 and 5: 1", 1),
    ("On a scale of 1-5, the score is 3.", 3),
    ("Score (1-5): 4", 4),
    ("sentence1 and sentence2 are very similar: 5", 5),
    # regression: "1"/"2" in sentence mentions counted as answers, so this read as None
    ("The similarity between sentence 1 and sentence 2 is 4.", 4),
    ("Sentence 1 and Sentence 2 share a topic: 3", 3),
    ("Sentences 1 and 2 are nothing alike. Score: 1", 1),
    ("Sentence #2 paraphrases sentence #1, so 5/5.", 5),
    ("The first sentence and the second sentence differ: 2", 2),
    ("sentence 1 and sentence 2", None),  # only mentions: no score
    ("sentence 1: 2, sentence 2: 4", None),  # two different scores still give none
    ("3.5", 4),  # fractions round half up, as the gold does
    ("2.4", 2),
    ("Four.", 4),
    ("one", 1),
    ("**3**", 3),
    ("3 - the sentences share the topic but differ in detail; I'd say 3.", 3),  # same value twice
    ("2 or 3", None),
    ("4, maybe 5", None),
    ("0", None),
    ("6", None),
    ("10/10", None),
    ("The sentences are very similar.", None),
    ("", None),
    ("One of them is about a dog.", None),  # a number word inside prose is not read
]


@pytest.mark.parametrize(("answer", "expected"), TABLE)
def test_score_extraction_table(answer: str, expected: int | None) -> None:
    assert extract_score(answer) == expected


@pytest.mark.parametrize(
    ("reference", "gold"),
    [
        ("3.8", 4),
        (3.8, 4),
        ("2.5", 3),  # half up; Python's round() gives 2
        ("1.4", 1),
        ("4.6", 5),
        ("5.0", 5),
        ("0.0", 1),  # below the 1-5 scale: clamped to 1
        ("0.4", 1),
        ("0.5", 1),
        (" 3.2 ", 3),
    ],
)
def test_gold_is_rounded_half_up_and_clamped(reference: object, gold: int) -> None:
    assert gold_score(reference) == gold


def test_round_half_up_differs_from_bankers_rounding() -> None:
    assert [round_half_up(x) for x in (0.5, 1.5, 2.5, 3.5)] == [1, 2, 3, 4]
    assert [round(x) for x in (0.5, 2.5)] == [0, 2]


@pytest.mark.parametrize("reference", ["high", "", None, True, "5.5", "-1"])
def test_bad_gold_raises_data_error(reference: object) -> None:
    with pytest.raises(DataError, match="stsb reference"):
        gold_score(reference)


@pytest.mark.parametrize(
    ("answer", "reference", "acc"),
    [
        ("4", "3.8", 1.0),
        ("I would rate them 4 out of 5.", "4.4", 1.0),
        ("3", "3.8", 0.0),
        ("1", "0.0", 1.0),
        ("0", "0.0", 0.0),
        ("3", "2.5", 1.0),
        ("2", "2.5", 0.0),
        ("They are similar.", "4.0", 0.0),
    ],
)
def test_score_stsb(answer: str, reference: str, acc: float) -> None:
    assert score_stsb(answer, reference) == acc
