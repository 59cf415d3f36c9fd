"""`Sample.references`: the gold answers, read once when the sample is built (issue 13 item 4)."""

from __future__ import annotations

import pytest

from ifteval.types import Sample


@pytest.mark.parametrize(
    ("reference", "references"),
    [
        ("Denver Broncos", ("Denver Broncos",)),  # a plain string is one answer
        ('["Paris", "the city of Paris"]', ("Paris", "the city of Paris")),  # a JSON list is several
        ("", ("",)),  # SQuAD v2: unanswerable
        ("[]", ("",)),
        ('["x", " "]', ("x",)),  # blank answers are dropped
        ("[1, 2]", ("[1, 2]",)),  # not a list of strings: one answer, as written
        (None, ()),  # reference-free
    ],
)
def test_references_are_the_gold_answers(reference: str | None, references: tuple[str, ...]) -> None:
    assert Sample("1", "p", "x", reference).references == references


def test_given_references_are_kept() -> None:
    sample = Sample("1", "p", "x", references=("a", "b"))
    assert sample.references == ("a", "b") and sample.reference is None
