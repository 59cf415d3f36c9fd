"""Reading scores out of an LLM judge's reply: 0-10 scores checked for conformity, never a silent 0.

A rule returns the scores it found or None with a reason. The paired rule (paper A.3, `<score1>,<score2>`)
accepts three forms, and nothing else:

- template: a line that is the csv pair and nothing more ("7.5,9", " 8 , 9 ", "8/10, 9/10", "Output: 6,8");
- labelled: each score next to its label ("Score 1: 8", "Response 2: 9/10", "Response 1 gets 7"), or a
  numbered list whose item numbers are the labels ("1. 8" / "2. 9");
- out of 10: exactly two numbers marked as scores by a denominator ("7 out of 10 and 9 out of 10").

Every form that matches must give the same scores: two different csv lines, a label given two values, or
forms that disagree make the reply ambiguous, and an ambiguous reply is null. Prose with loose numbers
("Response 1 has 3 errors. 6,9", "8,9,10") is null too: the rule never guesses which numbers are scores.
Both scores must lie in [0, 10]. A comma always separates scores: "7,5" is 7 and 5, never 7.5. The single
rule is the same with one score ("8", "Score: 7/10", "4 out of 10"); a reply with two loose numbers is null.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ifteval.errors import ConfigError, did_you_mean

SCORE_MIN, SCORE_MAX = 0.0, 10.0

_NUM = r"[-+]?\d+(?:\.\d+)?"
_OUT_OF = r"(?:\s*/\s*10(?:\.0+)?|\s+out\s+of\s+10(?:\.0+)?)"
_END = r"(?=\s*(?:$|[,.;:)!]|\band\b|\bwhile\b|\bbut\b))"  # a score ends its phrase: "is 3 words" is no score
_FLAGS = re.IGNORECASE | re.MULTILINE
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_PREFIX = r"[\s>`'\"(\[]*(?:(?:output|scores?|ratings?|answer)\s*[:=]\s*)?"
_CSV_LINE = re.compile(rf"^{_PREFIX}({_NUM}){_OUT_OF}?\s*[,;]\s*({_NUM}){_OUT_OF}?[\s.]*$", re.IGNORECASE)
_ONE_LINE = re.compile(rf"^{_PREFIX}({_NUM}){_OUT_OF}?[\s.]*$", re.IGNORECASE)
_LABEL_WORDS = r"(?:response|score|answer|rating|output|resp\.?)"
_LABELLED = (
    r"\b{words}\s*#?\s*{n}\b\s*(?:\([^)]*\))?\s*(?:[:=\-]|is\b|gets\b|receives\b|:\s*score\s*[:=]?)?\s*"
    r"({num}){out_of}?{end}"
)
_LIST_ITEM = re.compile(rf"^\s*([12])\s*[.)]\s*({_NUM}){_OUT_OF}?[\s.]*$", re.IGNORECASE)
_SINGLE_LABELLED = re.compile(
    rf"\b(?:score|rating)\s*(?:[:=]|\bis\b|\bof\b)\s*({_NUM}){_OUT_OF}?{_END}", _FLAGS
)
_MARKED = re.compile(rf"(?<![\w.])({_NUM}){_OUT_OF}\b", re.IGNORECASE)
_LABEL = re.compile(rf"\b{_LABEL_WORDS}\s*#?\s*[12]\b\s*[:=)\-]?", re.IGNORECASE)
_SCALE = re.compile(
    r"(?:\s*/\s*10(?:\.0+)?\b|\bout\s+of\s+10\b|\bfrom\s+0\s+to\s+10\b|\bbetween\s+0\s+and\s+10\b|\b0\s*-\s*10\b)",
    re.IGNORECASE,
)
_ANY_NUM = re.compile(rf"(?<![\w.])({_NUM})(?![\w])")
_FORMS = {2: "a line 'a,b', 'Score 1: a' and 'Score 2: b', or 'a/10' and 'b/10'",
          1: "a line 'a', 'Score: a', or 'a/10'"}


class _Ambiguous(Exception):
    """One form read two different score sets from the same reply."""


@dataclass(frozen=True)
class ParsedScores:
    """Scores on the judge's own 0-10 scale, or None with the reason the reply does not conform."""

    scores: tuple[float, ...] | None
    reason: str = ""
    rule: str = ""

    @property
    def ok(self) -> bool:
        return self.scores is not None


def parse_paired(reply: str) -> ParsedScores:
    """Two scores (response 1, response 2) from a paired-prompt reply."""
    return _parse(reply, 2)


def parse_single(reply: str) -> ParsedScores:
    """One score from a single-answer reply."""
    return _parse(reply, 1)


def _parse(reply: str, count: int) -> ParsedScores:
    text = _THINK.sub(" ", reply or "").replace("*", "").strip()
    if not text:
        return ParsedScores(None, "empty reply")
    readings: list[tuple[str, tuple[float, ...]]] = []
    for rule, reader in (("template", _template), ("labelled", _labelled), ("out of 10", _marked)):
        try:
            found = reader(text, count)
        except _Ambiguous as exc:
            return ParsedScores(None, f"ambiguous reply: {exc}")
        if found is not None:
            readings.append((rule, found))
    if not readings:
        return ParsedScores(None, _no_form_reason(text, count))
    rule, scores = readings[0]
    for other_rule, other in readings[1:]:
        if other != scores:
            return ParsedScores(
                None, f"ambiguous reply: {rule} reads {_show(scores)} but {other_rule} reads {_show(other)}"
            )
    for value in scores:
        if not SCORE_MIN <= value <= SCORE_MAX:
            return ParsedScores(None, f"score {value:g} is outside 0-10")
    return ParsedScores(scores, rule=rule)


def _template(text: str, count: int) -> tuple[float, ...] | None:
    pattern = _CSV_LINE if count == 2 else _ONE_LINE
    lines = (pattern.match(line.strip()) for line in text.splitlines())
    found = {tuple(float(g) for g in m.groups()) for m in lines if m}
    if len(found) > 1:
        raise _Ambiguous(f"{len(found)} different score lines ({', '.join(_show(f) for f in sorted(found))})")
    return found.pop() if found else None


def _labelled(text: str, count: int) -> tuple[float, ...] | None:
    if count == 1:
        values = {float(m.group(1)) for m in _SINGLE_LABELLED.finditer(text)}
        if len(values) > 1:
            raise _Ambiguous(f"the score is labelled with {len(values)} different values")
        return (values.pop(),) if values else None
    per_label: dict[int, set[float]] = {1: set(), 2: set()}
    for n in (1, 2):
        pattern = _LABELLED.format(words=_LABEL_WORDS, n=n, num=_NUM, out_of=_OUT_OF, end=_END)
        per_label[n].update(float(m.group(1)) for m in re.finditer(pattern, text, _FLAGS))
    for line in text.splitlines():
        item = _LIST_ITEM.match(line)
        if item:
            per_label[int(item.group(1))].add(float(item.group(2)))
    for n, values in per_label.items():
        if len(values) > 1:
            shown = _show(tuple(sorted(values)))
            raise _Ambiguous(f"score {n} is given {len(values)} different values ({shown})")
    if not per_label[1] or not per_label[2]:
        return None
    return (per_label[1].pop(), per_label[2].pop())


def _marked(text: str, count: int) -> tuple[float, ...] | None:
    values = tuple(float(m) for m in _MARKED.findall(text))
    return values if len(values) == count else None


def _no_form_reason(text: str, count: int) -> str:
    stripped = _SCALE.sub(" ", _LABEL.sub(" ", text) if count == 2 else text)
    numbers = len(_ANY_NUM.findall(stripped))
    if numbers < count:
        return f"found {numbers} score(s) in the reply, expected {count}"
    return (f"no score in an accepted form ({_FORMS[count]}); the reply has {numbers} loose numbers and "
            "which are scores is ambiguous")


def _show(scores: tuple[float, ...]) -> str:
    return ",".join(f"{s:g}" for s in scores)


PARSERS: dict[str, Callable[[str], ParsedScores]] = {
    "paired_csv": parse_paired,
    "single_score": parse_single,
}
SCORES_PER_RULE = {"paired_csv": 2, "single_score": 1}


def get_parser(name: str) -> Callable[[str], ParsedScores]:
    """The parse rule a preset names; unknown names list the valid ones."""
    if name not in PARSERS:
        raise ConfigError(
            f"unknown parse rule '{name}'.{did_you_mean(name, PARSERS)} Valid: {', '.join(sorted(PARSERS))}."
        )
    return PARSERS[name]
