"""STS-B gold rule (paper B.2): the 1-5 integer in the answer against the rounded gold similarity.

The prompt (A.1) asks for "an integer score between 1 and 5", so the task is scored as a 5-way
classification: the answer is right when its score equals the gold score rounded to the scale.

Reading the answer (examples in docs/gold-scoring.md):

1. Scale phrases are removed first, so they are not taken for the answer: "between 1 and 5",
   "from 1 to 5", "scale of 1-5", "1-5", "out of 5", "/5", "/ 5". So are mentions of the two
   sentences, which the prompt calls sentence1 and sentence2: "sentence 1", "Sentence 2",
   "sentence1", "sentences 1 and 2", "first sentence", "second sentence".
2. The answer's numbers are the standalone decimal numbers left ("sentence1" holds none). A number
   with a fraction is rounded half up, like the gold ("3.5" reads as 4).
3. With no digits at all, an answer that is a single number word ("Four.") gives that number.
4. The answer's score is the one distinct value found, when it lies in 1-5. No number, several
   different numbers, or a number outside 1-5 give no score, and the answer is wrong.

Gold: STS-B similarity runs 0-5. It is rounded half up (2.5 -> 3, not Python's banker's 2) and then
clamped to 1-5: a gold below 0.5 rounds to 0, which the 1-5 prompt cannot express; its closest
expressible answer is 1 ("nothing alike"), so 1 is counted right.
"""

from __future__ import annotations

import math
import re

from ifteval.errors import DataError

SCALE = (1, 5)

_SCALE_PHRASES = re.compile(
    r"(?:between|from)\s+1(?:\.0)?\s+(?:and|to|-)\s+5(?:\.0)?"
    r"|scale\s+of\s+1\s*(?:-|–|to)\s*5"
    r"|(?<![\w.])1\s*(?:-|–)\s*5(?!\w|\.\d)"
    r"|out\s+of\s+5(?:\.0)?(?!\w|\.\d)"
    r"|/\s*5(?:\.0)?(?!\w|\.\d)",
    re.IGNORECASE,
)
_SENTENCE_MENTIONS = re.compile(
    r"\bsentences\s*#?\s*1\s*(?:and|&|,)\s*#?\s*2\b"
    r"|\bsentence\s*#?\s*[12]\b"
    r"|\b(?:first|second)\s+sentence\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w]|\.\d)")
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def round_half_up(value: float) -> int:
    """Round .5 upwards, as people do; Python's round() would send 2.5 to 2."""
    return math.floor(value + 0.5)


def extract_score(answer: str) -> int | None:
    """The 1-5 score the answer gives, or None when it gives none, several, or one off the scale."""
    text = _SCALE_PHRASES.sub(" ", _SENTENCE_MENTIONS.sub(" ", answer))
    values = {round_half_up(float(m)) for m in _NUMBER.findall(text)}
    if not values and not re.search(r"\d", text):
        word = re.sub(r"[^a-z]", "", answer.lower())
        if word in _WORDS:
            values = {_WORDS[word]}
    if len(values) != 1:
        return None
    value = values.pop()
    return value if SCALE[0] <= value <= SCALE[1] else None


def gold_score(reference: object) -> int:
    """The gold similarity (0-5, float or numeric string) as the 1-5 integer a right answer gives."""
    if isinstance(reference, bool):
        raise DataError(f"stsb reference must be a number 0-5, got {reference!r}")
    try:
        value = float(reference)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DataError(f"stsb reference must be a number 0-5, got {reference!r}") from None
    if not 0.0 <= value <= 5.0:
        raise DataError(f"stsb reference {value} is outside STS-B's 0-5 range")
    return min(SCALE[1], max(SCALE[0], round_half_up(value)))


def score_stsb(answer: str, reference: object) -> float:
    """1.0 when the answer's integer equals the rounded, clamped gold score, else 0.0."""
    return 1.0 if extract_score(answer) == gold_score(reference) else 0.0
