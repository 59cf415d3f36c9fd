"""SQuAD v2 gold rule (paper B.2): token F1 and exact match with the official SQuAD normalisation.

Ported from the official SQuAD 2.0 evaluation script (``evaluate-v2.0.py``): answers are lower-cased,
stripped of ASCII punctuation and of the articles a/an/the, and whitespace-split. F1 and exact match are
the maximum over the gold answers (read by ``answers.gold_answers``: a JSON list, a list, or a
plain string as one answer). An unanswerable question has the single gold answer ""; an empty
prediction then scores 1.0 and anything else 0.0, exactly as the official script.

One addition (examples in docs/gold-scoring.md): instruction-tuned models decline in words, not with
silence. A prediction that *declares* there is no answer ("Unanswerable.", "The context does not
mention ...", "This question cannot be answered from the passage.") is read as the empty answer, for
every question: right on an unanswerable one, and 0 (not a few chance overlapping words) on an
answerable one. See ``NO_ANSWER_PATTERNS``.
"""

from __future__ import annotations

import collections
import re
import string

from ifteval.answers import gold_answers

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = frozenset(string.punctuation)

NO_ANSWER_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^\W*(?:n/?a|none|unknown|no answer|not answerable|unanswerable|no)\W*$",
        r"\bun-?answerable\b",
        r"\bno (?:answer|information|mention)\b",
        r"\bnot (?:be )?answerable\b",
        r"\b(?:cannot|can ?not|can't|can’t|could not|couldn't|couldn’t) be (?:answered|determined|found)\b",
        r"\b(?:context|text|passage|article|paragraph|document|it) (?:does|do|did) ?(?:not|n't|n’t) "
        r"(?:contain|provide|mention|say|specify|state|include|give|answer|indicate|tell)\b",
        r"\bnot (?:mentioned|stated|specified|provided|given|included|found) in the "
        r"(?:context|text|passage|article|paragraph)\b",
    )
)
"""A prediction matching any of these declares "no answer" and is scored as the empty answer."""


def normalize_answer(text: str) -> str:
    """Lower text and remove punctuation, articles and extra whitespace (official SQuAD)."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _PUNCTUATION)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def _tokens(text: str) -> list[str]:
    return normalize_answer(text).split() if text else []


def exact_match(prediction: str, gold: str) -> float:
    """1.0 when the normalised strings are equal (official ``compute_exact``)."""
    return float(normalize_answer(prediction) == normalize_answer(gold))


def token_f1(prediction: str, gold: str) -> float:
    """Bag-of-tokens F1 (official ``compute_f1``); if either side is empty, 1.0 only when both are."""
    pred_toks, gold_toks = _tokens(prediction), _tokens(gold)
    if not pred_toks or not gold_toks:
        return float(pred_toks == gold_toks)
    common = collections.Counter(gold_toks) & collections.Counter(pred_toks)
    overlap = sum(common.values())
    if overlap == 0:
        return 0.0
    precision = overlap / len(pred_toks)
    recall = overlap / len(gold_toks)
    return 2 * precision * recall / (precision + recall)


def declares_no_answer(prediction: str) -> bool:
    """Whether the prediction says in words that the question has no answer (see NO_ANSWER_PATTERNS)."""
    return any(p.search(prediction) for p in NO_ANSWER_PATTERNS)


def score_squad(prediction: str, reference: object) -> dict[str, float]:
    """``{"f1", "exact"}``, each the maximum over the gold answers, with worded abstentions read as ""."""
    # the official script drops answers that normalise to nothing; none left means unanswerable
    golds = [g for g in gold_answers(reference) if normalize_answer(g)] or [""]
    if declares_no_answer(prediction):
        prediction = ""
    return {
        "f1": max(token_f1(prediction, g) for g in golds),
        "exact": max(exact_match(prediction, g) for g in golds),
    }
