"""Reading scores out of an LLM judge's reply: 0-10 scores checked for conformity, never a silent 0.

A rule returns the scores it found or None with a reason. The paired rule (paper A.3, `<score1>,<score2>`)
tries, in order: a line that is exactly the csv template ("7.5,9"); labelled scores ("Score 1: 8",
"Response 2: 9/10"); then the first two numbers left once labels ("Response 1") and denominators ("/10",
"out of 10") are removed. Both scores must lie in [0, 10]. A comma always separates scores: "7,5" is 7
and 5, never 7.5. The single rule is the same with one score.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ifteval.errors import ConfigError, did_you_mean

SCORE_MIN, SCORE_MAX = 0.0, 10.0

_NUM = r"[-+]?\d+(?:\.\d+)?"
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_CSV_LINE = re.compile(rf"^\W*?({_NUM})\s*[,;]\s*({_NUM})[\s.]*$")
_ONE_LINE = re.compile(rf"^\W*?({_NUM})(?:\s*/\s*10(?:\.0+)?)?[\s.]*$")
_LABEL_WORDS = r"(?:response|score|answer|rating|output|resp\.?)"
_LABELLED = (
    r"{words}\s*#?\s*{n}\s*(?:\([^)]*\))?\s*(?:[:=\-]|is|gets|receives|:\s*score\s*[:=]?)?\s*\**\s*({num})"
)
_LABEL = re.compile(rf"\b{_LABEL_WORDS}\s*#?\s*[12]\b\s*[:=)\-]?", re.IGNORECASE)
_SCALE = re.compile(
    r"(?:\s*/\s*10(?:\.0+)?\b|\bout\s+of\s+10\b|\bfrom\s+0\s+to\s+10\b|\bbetween\s+0\s+and\s+10\b|\b0\s*-\s*10\b)",
    re.IGNORECASE,
)
_ANY_NUM = re.compile(rf"(?<![\w.])({_NUM})(?![\w])")


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
    found, rule = _strict(text, count), "template"
    if found is None:
        found, rule = _labelled(text, count), "labelled"
    if found is None:
        found, rule = _lenient(text, count), "first numbers"
    if len(found) < count:
        return ParsedScores(None, f"found {len(found)} score(s) in the reply, expected {count}")
    for value in found[:count]:
        if not SCORE_MIN <= value <= SCORE_MAX:
            return ParsedScores(None, f"score {value:g} is outside 0-10")
    return ParsedScores(tuple(found[:count]), rule=rule)


def _strict(text: str, count: int) -> list[float] | None:
    pattern = _CSV_LINE if count == 2 else _ONE_LINE
    for line in text.splitlines():
        match = pattern.match(line.strip())
        if match:
            return [float(g) for g in match.groups()]
    return None


def _labelled(text: str, count: int) -> list[float] | None:
    if count == 1:
        match = re.search(rf"\b(?:score|rating)\s*[:=]?\s*({_NUM})", text, re.IGNORECASE)
        return [float(match.group(1))] if match else None
    values = []
    for n in (1, 2):
        pattern = _LABELLED.format(words=_LABEL_WORDS, n=n, num=_NUM)
        match = re.search(rf"\b{pattern}", text, re.IGNORECASE)
        if not match:
            return None
        values.append(float(match.group(1)))
    return values


def _lenient(text: str, count: int) -> list[float]:
    stripped = _SCALE.sub(" ", _LABEL.sub(" ", text) if count == 2 else text)
    return [float(m) for m in _ANY_NUM.findall(stripped)]


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
