"""Lenient label extraction for SST-2, MNLI, QNLI (paper B.2), checked on the outputs B.4 quotes."""

from __future__ import annotations

import pytest

from ifteval.errors import DataError
from ifteval.scoring.labels import extract_label, named_labels, normalize_reference, score_label

# Every model prediction paper B.4 quotes, with the label the paper says it gave (all were wrong).
B4_SST2 = [
    ("The sentence is a positive statement.", "positive", "negative"),
    ("The sentence is positive.", "positive", "negative"),
    ('The sentence "in the media" is a positive statement.', "positive", "negative"),
    ('The sentence "profanities" is a positive statement.', "positive", "negative"),
]
B4_MNLI = [
    ("Entailment.", "entailment", "neutral"),
    ("Entailment.", "entailment", "contradiction"),
    (
        "The relationship between the Premise sentence and the Hypothesis sentence is Neutral. "
        "The two sentences are not contradictory or entailing.",
        "neutral",
        "entailment",
    ),
    (
        "The relationship between the Premise sentence and the Hypothesis sentence is Neutral. "
        "Both sentences are independent of each other and do not entail or contradict each other.",
        "neutral",
        "entailment",
    ),
]


@pytest.mark.parametrize(("answer", "label", "gold"), B4_SST2)
def test_b4_sentiment_predictions_read_as_the_paper_reports(answer: str, label: str, gold: str) -> None:
    assert extract_label(answer, "sst2") == label
    assert score_label(answer, gold, "sst2") == 0.0
    assert score_label(answer, label, "sst2") == 1.0


@pytest.mark.parametrize(("answer", "label", "gold"), B4_MNLI)
def test_b4_nli_predictions_read_as_the_paper_reports(answer: str, label: str, gold: str) -> None:
    assert extract_label(answer, "mnli") == label
    assert score_label(answer, gold, "mnli") == 0.0
    assert score_label(answer, label, "mnli") == 1.0


# (answer, label set, expected label or None)
TABLE = [
    # SST-2: bare labels, sentences, casing, markdown, negation
    ("positive", "sst2", "positive"),
    ("Negative", "sst2", "negative"),
    ("NEGATIVE.", "sst2", "negative"),
    ("**Positive**", "sst2", "positive"),
    ("The sentence is Positive", "sst2", "positive"),
    ("The sentiment of the sentence is negative.", "sst2", "negative"),
    ("Sentiment: negative", "sst2", "negative"),
    ("This review is negative, not positive.", "sst2", "negative"),
    ("The sentence is not positive.", "sst2", "negative"),
    ("It isn't negative at all.", "sst2", "positive"),
    ("The review is not negative but positive.", "sst2", "positive"),
    ("There is nothing positive about it; negative.", "sst2", "negative"),
    ("Without a doubt, positive.", "sst2", "positive"),
    ("No doubt positive", "sst2", "positive"),
    ("The movie is described positively.", "sst2", "positive"),
    ("The sentence is neither positive nor negative.", "sst2", None),
    ("Positive or negative? It is negative.", "sst2", None),  # names both: wrong
    ("Classify the following sentence as negative or positive.", "sst2", None),  # echoed prompt
    ("The sentence is neutral.", "sst2", None),
    ("I think the author liked the film.", "sst2", None),
    ("", "sst2", None),
    ("positives and negatives", "sst2", None),  # plural noun is not a label form
    # MNLI
    ("Entailment", "mnli", "entailment"),
    ("entailment.", "mnli", "entailment"),
    ("Contradiction.", "mnli", "contradiction"),
    ("Neutral", "mnli", "neutral"),
    ("The Hypothesis contradicts the Premise.", "mnli", "contradiction"),
    ("The premise entails the hypothesis.", "mnli", "entailment"),
    ("The sentences are contradictory.", "mnli", "contradiction"),
    ("Neutral. The premise neither entails nor contradicts the hypothesis.", "mnli", "neutral"),
    ("Entailment. There is no contradiction between them.", "mnli", "entailment"),
    ("Contradiction: the premise does not entail the hypothesis.", "mnli", "contradiction"),
    ("The relationship is not entailment.", "mnli", None),  # negation names nothing with three labels
    ("Entailment or Neutral", "mnli", None),
    ("Classify the following relationship ... as either Entailment, Contradiction or Neutral.", "mnli", None),
    ("The two sentences are unrelated.", "mnli", None),
    # QNLI: "unanswerable" contains "answerable"
    ("answerable", "qnli", "answerable"),
    ("unanswerable", "qnli", "unanswerable"),
    ("Unanswerable.", "qnli", "unanswerable"),
    ("The question is unanswerable from the given context.", "qnli", "unanswerable"),
    ("un-answerable", "qnli", "unanswerable"),
    ("The question is answerable.", "qnli", "answerable"),
    ("The question is not answerable.", "qnli", "unanswerable"),
    ("This question can't be answered with the context.", "qnli", "unanswerable"),
    ("The question cannot be answered.", "qnli", "unanswerable"),
    ("Answerable: the context says the treaty was signed in 1648.", "qnli", "answerable"),
    ("The context contains enough information to answer the question (answerable).", "qnli", "answerable"),
    ("It is not unanswerable.", "qnli", "answerable"),
    ("answerable or unanswerable", "qnli", None),
    # the QNLI instruction's own phrase, as SmolLM2 echoes it in `make demo`
    ("The context does not contain enough information to answer the question of when it was built.", "qnli",
     "unanswerable"),
    ("The context doesn't have sufficient information to answer.", "qnli", "unanswerable"),
    ("There is insufficient information in the context.", "qnli", "unanswerable"),
    ("Yes, the context contains enough information to answer the question.", "qnli", "answerable"),
    ("It does not contain enough information, though a second look contains enough information.", "qnli",
     None),
    ("Yes", "qnli", None),
]


@pytest.mark.parametrize(("answer", "label_set", "expected"), TABLE)
def test_label_extraction_table(answer: str, label_set: str, expected: str | None) -> None:
    assert extract_label(answer, label_set) == expected


def test_two_different_labels_are_reported_and_judged_wrong() -> None:
    answer = "Positive or negative? It is negative."
    assert named_labels(answer, "sst2") == {"positive", "negative"}
    assert score_label(answer, "negative", "sst2") == 0.0
    assert score_label(answer, "positive", "sst2") == 0.0


def test_label_forms_are_whole_words() -> None:
    assert named_labels("unanswerable", "qnli") == {"unanswerable"}
    assert named_labels("positiveness", "sst2") == set()
    assert named_labels("nonneutral", "mnli") == set()


@pytest.mark.parametrize(
    ("reference", "label_set", "gold"),
    [
        ("negative", "sst2", "negative"),
        (" Positive\n", "sst2", "positive"),
        (1, "sst2", "positive"),
        ("0", "sst2", "negative"),
        ("contradiction", "mnli", "contradiction"),
        (2, "mnli", "contradiction"),
        (1, "mnli", "neutral"),
        ("unanswerable", "qnli", "unanswerable"),
        ("not_entailment", "qnli", "unanswerable"),
        ("entailment", "qnli", "answerable"),
        (0, "qnli", "answerable"),
    ],
)
def test_references_accept_label_strings_and_glue_indices(
    reference: object, label_set: str, gold: str
) -> None:
    assert normalize_reference(reference, label_set) == gold


@pytest.mark.parametrize(
    ("reference", "label_set"),
    [("neutral", "sst2"), (3, "mnli"), (-1, "sst2"), (True, "sst2"), (None, "qnli"), ("pos", "sst2")],
)
def test_bad_references_raise_data_error_listing_valid_labels(reference: object, label_set: str) -> None:
    with pytest.raises(DataError, match="valid|label string"):
        normalize_reference(reference, label_set)


def test_unknown_label_set_raises() -> None:
    with pytest.raises(DataError, match="unknown label set 'rte'"):
        extract_label("entailment", "rte")
