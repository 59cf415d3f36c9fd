"""CoNLL-2003 rule (paper B.2): entity sets must equal the gold ones, formatting artefacts forgiven."""

from __future__ import annotations

import json

import pytest

from ifteval.errors import DataError
from ifteval.scoring import ner
from ifteval.scoring.ner import extract_entities, gold_entities, parse_object, score_ner

GOLD = '{"LOC": ["Germany", "Paris"], "PER": ["Angela Merkel"], "ORG": ["European Union"]}'
GOLD_SETS = {
    "LOC": frozenset({"Germany", "Paris"}),
    "PER": frozenset({"Angela Merkel"}),
    "ORG": frozenset({"European Union"}),
}

CORRECT = [
    GOLD,
    '{"LOC": ["Paris", "Germany"], "PER": ["Angela Merkel"], "ORG": ["European Union"]}',
    '```json\n{\n  "LOC": ["Germany", "Paris"],\n  "PER": ["Angela Merkel"],\n'
    '  "ORG": ["European Union"]\n}\n```',
    "```\n{'LOC': ['Germany', 'Paris'], 'PER': ['Angela Merkel'], 'ORG': ['European Union']}\n```",
    'Here is the JSON object:\n{"loc": ["Germany", "Paris"], "per": ["Angela Merkel"], '
    '"org": ["European Union"]}'
    "\nLet me know if you need anything else.",
    '{"LOC": ["Germany", "Paris", "Paris"], "PER": [" Angela  Merkel "], "ORG": ["European Union"]}',
    '{"LOC": ["Germany", "Paris",], "PER": ["Angela Merkel",], "ORG": ["European Union",],}',
    "{LOC: ['Germany', 'Paris'], PER: ['Angela Merkel'], ORG: ['European Union']}",
    '{"Locations": ["Germany", "Paris"], "Persons": ["Angela Merkel"], "Organizations": ["European Union"]}',
    '{"LOC": ("Germany", "Paris"), "PER": ("Angela Merkel",), "ORG": ("European Union",)}',
    '{"LOC": ["Germany", "Paris"], "PER": "Angela Merkel", "ORG": ["European Union"], "MISC": ["German"]}',
    '{\n  "LOC": ["Germany", "Paris"], // places\n  "PER": ["Angela Merkel"],\n'
    '  "ORG": ["European Union"]\n}',
    "{\u201cLOC\u201d: [\u201cGermany\u201d, \u201cParis\u201d], "
    "\u201cPER\u201d: [\u201cAngela Merkel\u201d], \u201cORG\u201d: [\u201cEuropean Union\u201d]}",
    'Output: {"LOC": ["Germany", "Paris"], "PER": ["Angela Merkel"], "ORG": ["European Union"]} '
    '{"LOC": [], "PER": [], "ORG": []}',  # the first object counts
]

WRONG = [
    '{"LOC": ["Germany"], "PER": ["Angela Merkel"], "ORG": ["European Union"]}',  # missing entity
    '{"LOC": ["Germany", "Paris", "Berlin"], "PER": ["Angela Merkel"], "ORG": ["European Union"]}',  # extra
    '{"LOC": ["Germany", "Paris"], "PER": ["Merkel"], "ORG": ["European Union"]}',  # partial span
    '{"LOC": ["Germany", "Paris"], "PER": ["Angela Merkel"], "ORG": ["EU"]}',
    # entity case counts
    '{"LOC": ["germany", "paris"], "PER": ["angela merkel"], "ORG": ["european union"]}',
    '{"LOC": ["Germany", "Paris", "European Union"], "PER": ["Angela Merkel"], "ORG": []}',  # wrong type
    '{"LOC": ["Germany", "Paris"], "PER": ["Angela Merkel"]}',  # missing ORG key
    "LOC: Germany, Paris\nPER: Angela Merkel\nORG: European Union",  # no object at all
    "The locations are Germany and Paris, the person is Angela Merkel and the organization is the EU.",
    '{"LOC": ["Germany", "Paris"], "PER": ["Angela Merkel"], "ORG": ["European Union"]',  # truncated
    '{"LOC": [1, 2], "PER": [], "ORG": []}',
    '{"LOC": {"city": "Paris"}, "PER": [], "ORG": []}',
    '{"answer": "Germany"}',
    "",
]


@pytest.mark.parametrize("answer", CORRECT)
def test_formatting_artefacts_are_forgiven(answer: str) -> None:
    assert extract_entities(answer) == GOLD_SETS
    assert score_ner(answer, GOLD) == 1.0


@pytest.mark.parametrize("answer", WRONG)
def test_content_differences_are_wrong(answer: str) -> None:
    assert score_ner(answer, GOLD) == 0.0


def test_empty_gold_needs_an_empty_object() -> None:
    empty = '{"LOC": [], "PER": [], "ORG": []}'
    assert score_ner('{"LOC": [], "PER": [], "ORG": []}', empty) == 1.0
    assert score_ner("{'LOC': None, 'PER': '', 'ORG': []}", empty) == 1.0
    assert score_ner("There are no entities in this text.", empty) == 0.0
    assert score_ner("{}", empty) == 0.0  # no entity key at all: not an answer
    assert score_ner('{"LOC": [], "PER": []}', empty) == 0.0  # ORG missing


@pytest.mark.parametrize(
    "answer",
    [
        '{"ORG": ["EU"]}',
        '{"ORG": ["EU"], "LOC": []}',
        '{"organisation": ["EU"], "person": [], "MISC": []}',  # MISC does not stand in for LOC
    ],
)
def test_missing_key_is_wrong_even_when_its_gold_list_is_empty(answer: str) -> None:
    """Regression: {"ORG": ["EU"]} scored 1.0 against {"LOC": [], "PER": [], "ORG": ["EU"]}; B.2 asks
    for "all correct key/value pairs", so a missing key is a missing pair."""
    gold = '{"LOC": [], "PER": [], "ORG": ["EU"]}'
    assert extract_entities(answer) is None
    assert score_ner(answer, gold) == 0.0


def test_all_three_keys_under_synonyms_and_case_are_right() -> None:
    gold = '{"LOC": [], "PER": [], "ORG": ["EU"]}'
    assert score_ner('{"organisation": "EU", "Locations": null, "people": ""}', gold) == 1.0


def test_model_output_is_never_executed(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval called on model output")

    monkeypatch.setattr(builtins, "eval", forbidden)
    answer = "{'LOC': [__import__('os').system('echo pwned')], 'PER': [], 'ORG': []}"
    assert extract_entities(answer) is None
    assert parse_object("{'a': (1, 2), 'b': None, 'c': True}") == {"a": [1.0, 2.0], "b": None, "c": True}
    with open(ner.__file__, encoding="utf-8") as f:
        source = f.read()
    assert "eval(" not in source


def test_deeply_nested_garbage_does_not_crash() -> None:
    assert extract_entities("{" * 5000 + "}" * 5000) is None
    assert extract_entities("[" * 5000) is None
    assert extract_entities('{"LOC":' + "[" * 100_000 + "]" * 100_000 + "}") is None  # json recursion
    assert extract_entities('{"LOC":' + "[" * 100_000) is None


def test_strict_json_is_read_by_json() -> None:
    obj = {"LOC": ["Zürich", 'Say "hi"'], "PER": [], "ORG": []}
    assert parse_object(json.dumps(obj)) == obj


def test_gold_accepts_json_string_or_mapping() -> None:
    assert gold_entities(GOLD) == GOLD_SETS
    assert gold_entities(json.loads(GOLD)) == GOLD_SETS


@pytest.mark.parametrize("reference", ["not json", "[]", '{"answer": []}', '{"LOC": [1]}', None])
def test_bad_gold_raises_data_error(reference: object) -> None:
    with pytest.raises(DataError, match="conll2003 reference"):
        gold_entities(reference)
