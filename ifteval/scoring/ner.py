"""CoNLL-2003 gold rule (paper B.2): the answer's LOC/PER/ORG object must equal the gold entity sets.

"NER responses ... are considered correct only when the dictionary contains all correct key/value pairs
with respect to the ground truth, but disregarding formatting artefacts." So the answer must give all
three keys, LOC, PER and ORG (after the key normalisation below), each with the gold entity set: a
missing key is a missing key/value pair and the answer is wrong, even when that gold list is empty
(``{"ORG": ["EU"]}`` is wrong for gold ``{"LOC": [], "PER": [], "ORG": ["EU"]}``). The artefacts forgiven
(examples in docs/gold-scoring.md):

- around the object: prose before or after it, Markdown code fences (the first ``{...}`` is taken);
- in the syntax: single quotes, trailing commas, bare keys (``LOC: [...]``), Python's
  ``None``/``True``/``False``, tuples instead of lists, ``#`` or ``//`` line comments -- read by a small
  parser written here, never by ``eval`` or ``ast.literal_eval`` on model output;
- in the keys: case and surrounding space; ``location(s)``, ``person(s)``/``people``,
  ``organization(s)``/``organisation(s)`` name LOC, PER, ORG; other keys (``MISC``) are ignored;
- in the values: order, duplicates, whitespace around or inside an entity, a bare string instead of a
  one-item list (``"PER": "Angela Merkel"``: the prompt asks for a list, but the key/value pair is
  right), ``null``/empty string for an empty list (the key is there, saying "none").

Entity text is compared case-sensitively after whitespace normalisation: "paris" is not "Paris".
An answer with no readable object, or a value that is not strings (numbers, nested objects), is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from ifteval.errors import DataError

ENTITY_TYPES = ("LOC", "PER", "ORG")

_KEY_ALIASES = {
    "loc": "LOC",
    "location": "LOC",
    "locations": "LOC",
    "per": "PER",
    "person": "PER",
    "persons": "PER",
    "people": "PER",
    "org": "ORG",
    "organization": "ORG",
    "organizations": "ORG",
    "organisation": "ORG",
    "organisations": "ORG",
}

EntitySets = dict[str, frozenset[str]]


class _ParseError(ValueError):
    pass


class _LooseParser:
    """A recursive-descent reader for JSON as models write it; data only, so nothing can execute."""

    _BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_\- ]*?(?=\s*[:,}\]\)])")
    _NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
    _LITERALS = {"null": None, "none": None, "true": True, "false": False}
    _ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "/": "/", "\\": "\\"}

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def parse(self) -> object:
        return self._value()

    def _skip(self) -> None:
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch.isspace():
                self.pos += 1
            elif ch == "#" or self.text.startswith("//", self.pos):
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def _peek(self) -> str:
        self._skip()
        if self.pos >= len(self.text):
            raise _ParseError("unexpected end")
        return self.text[self.pos]

    def _value(self) -> object:
        ch = self._peek()
        if ch == "{":
            return self._object()
        if ch in "[(":
            return self._array("]" if ch == "[" else ")")
        if ch in "\"'“‘":
            return self._string()
        match = self._NUMBER.match(self.text, self.pos)
        if match:
            self.pos = match.end()
            return float(match.group())
        for word, value in self._LITERALS.items():
            end = self.pos + len(word)
            if self.text[self.pos : end].lower() == word and not self.text[end : end + 1].isalnum():
                self.pos = end
                return value
        raise _ParseError(f"unexpected {ch!r} at {self.pos}")

    def _object(self) -> dict[str, object]:
        self.pos += 1
        result: dict[str, object] = {}
        while self._peek() != "}":
            key = self._key()
            if self._peek() not in ":=":
                raise _ParseError(f"expected ':' at {self.pos}")
            self.pos += 1
            result[key] = self._value()
            if self._peek() == ",":
                self.pos += 1
        self.pos += 1
        return result

    def _key(self) -> str:
        if self._peek() in "\"'“‘":
            return self._string()
        match = self._BARE.match(self.text, self.pos)
        if not match:
            raise _ParseError(f"expected a key at {self.pos}")
        self.pos = match.end()
        return match.group().strip()

    def _array(self, close: str) -> list[object]:
        self.pos += 1
        items: list[object] = []
        while self._peek() != close:
            items.append(self._value())
            if self._peek() == ",":
                self.pos += 1
        self.pos += 1
        return items

    def _string(self) -> str:
        opening = self.text[self.pos]
        close = {"“": "”", "‘": "’"}.get(opening, opening)
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            self.pos += 1
            if ch == close:
                return "".join(out)
            if ch == "\\" and self.pos < len(self.text):
                esc = self.text[self.pos]
                self.pos += 1
                if esc == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", self.text[self.pos : self.pos + 4]):
                    out.append(chr(int(self.text[self.pos : self.pos + 4], 16)))
                    self.pos += 4
                else:
                    out.append(self._ESCAPES.get(esc, esc))
            else:
                out.append(ch)
        raise _ParseError("unterminated string")


def _candidates(text: str) -> list[str]:
    """Substrings that may hold the object: fenced blocks first, then each '{' to the last '}'."""
    spans = [m.group(1) for m in re.finditer(r"```[a-zA-Z]*\s*\n?(.*?)```", text, re.DOTALL)]
    spans.append(text)
    found: list[str] = []
    for span in spans:
        end = span.rfind("}")
        start = span.find("{")
        while 0 <= start < end:
            found.append(span[start : end + 1])
            start = span.find("{", start + 1)
    return found


def parse_object(text: str) -> dict[str, object] | None:
    """The first JSON-like object in a model answer, read strictly with json, then loosely; else None."""
    for candidate in _candidates(text):
        try:
            value = json.JSONDecoder().raw_decode(candidate)[0]
        except RecursionError:
            continue
        except ValueError:
            try:
                value = _LooseParser(candidate).parse()
            except (_ParseError, RecursionError):
                continue
        if isinstance(value, dict):
            return value
    return None


def _entity_sets(obj: Mapping[str, object]) -> EntitySets | None:
    """LOC/PER/ORG sets from a parsed object; None when a value is not strings, or any of the three
    keys is missing (after key normalisation)."""
    sets: dict[str, set[str]] = {t: set() for t in ENTITY_TYPES}
    seen: set[str] = set()
    for key, value in obj.items():
        entity_type = _KEY_ALIASES.get(str(key).strip().lower())
        if entity_type is None:
            continue
        seen.add(entity_type)
        if value is None:
            items: list[object] = []
        elif isinstance(value, str):
            items = [value]
        elif isinstance(value, list):
            items = value
        else:
            return None
        for item in items:
            if not isinstance(item, str):
                return None
            entity = " ".join(item.split())
            if entity:
                sets[entity_type].add(entity)
    if seen != set(ENTITY_TYPES):
        return None
    return {t: frozenset(s) for t, s in sets.items()}


def extract_entities(answer: str) -> EntitySets | None:
    """The answer's entity sets under the tolerant reading above, or None when none can be read."""
    obj = parse_object(answer)
    return None if obj is None else _entity_sets(obj)


def gold_entities(reference: object) -> EntitySets:
    """The gold sets from the task's JSON string (or an already-parsed mapping)."""
    obj = reference
    if isinstance(reference, str):
        try:
            obj = json.loads(reference)
        except ValueError as exc:
            raise DataError(f"conll2003 reference is not JSON ({exc}): {reference[:80]!r}") from None
    sets = _entity_sets(obj) if isinstance(obj, Mapping) else None
    if sets is None:
        raise DataError(
            f"conll2003 reference must be an object of string lists keyed LOC, PER, ORG; got {reference!r}"
        )
    return sets


def score_ner(answer: str, reference: object) -> float:
    """1.0 when the answer gives LOC, PER and ORG and each set equals the gold one, else 0.0."""
    gold = gold_entities(reference)
    return 1.0 if extract_entities(answer) == gold else 0.0
