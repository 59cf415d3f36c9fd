"""Lenient label extraction for SST-2, MNLI and QNLI (paper B.2).

Instruction-tuned models rarely answer with the bare label: Llama writes "The sentence is a positive
statement." The paper's human annotators tagged such answers correct with "trivial heuristic functions";
this module is that heuristic, written down once so every run reads answers the same way.

The rule (see docs/gold-scoring.md for worked examples):

1. Lower-case the answer and cut it into clauses at ``. ! ? ; : ,``, newlines and brackets.
2. Cut each clause into word tokens (letters, with inner ``-`` or ``'``: ``un-answerable``, ``isn't``).
3. A token *names* a label when it is one of the label's word forms (``positive``, ``positively``;
   ``entails``, ``contradictory``; ``answerable``, ``unanswerable``...). Whole tokens only, so
   ``unanswerable`` never names ``answerable``.
4. A mention is *negated* when a negation cue (``not``, ``no``, ``never``, ``neither``, ``nor``,
   ``without``, ``cannot``, ``nothing``, any ``...n't``; but not ``no doubt``) stands among the four
   tokens before it in the same clause, with no contrast word (``but``, ``however``, ``yet``, ``rather``,
   ``instead``, ``although``, ``though``, ``whereas``) in between.
   For the two-label tasks (SST-2, QNLI) a negated mention names the *other* label ("not answerable" is
   unanswerable); for MNLI it names nothing ("not entailment" could be neutral or contradiction).
5. The answer's label is the one label named; if it names none, or two different ones, there is no
   label and the answer is wrong.

The paper's B.4 example "The relationship between the Premise sentence and the Hypothesis sentence is
Neutral. The two sentences are not contradictory or entailing." therefore reads as neutral: the later
"contradictory" and "entailing" are negated by "not".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from ifteval.errors import DataError

# Word forms that name each label, per task. Keys are the canonical labels the task YAML passes.
_SST2_FORMS: Mapping[str, frozenset[str]] = {
    "negative": frozenset({"negative", "negatively", "negativity"}),
    "positive": frozenset({"positive", "positively", "positivity"}),
}
_MNLI_FORMS: Mapping[str, frozenset[str]] = {
    "entailment": frozenset({"entailment", "entailments", "entail", "entails", "entailed", "entailing"}),
    "neutral": frozenset({"neutral", "neutrality"}),
    "contradiction": frozenset(
        {
            "contradiction",
            "contradictions",
            "contradict",
            "contradicts",
            "contradicted",
            "contradicting",
            "contradictory",
        }
    ),
}
_QNLI_FORMS: Mapping[str, frozenset[str]] = {
    "answerable": frozenset({"answerable", "answered"}),
    "unanswerable": frozenset({"unanswerable", "un-answerable", "non-answerable"}),
}

# Phrases that name a label in so many words. The QNLI instruction itself says "contains enough
# information to answer the question (answerable) or not", and models echo it: "The context does not
# contain enough information to answer ..." is an unanswerable verdict. A phrase is rewritten to its
# label's word before tokenising, so negation applies to it as to the word.
_PHRASES: Mapping[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    "qnli": (
        (re.compile(r"\binsufficient information\b"), "unanswerable"),
        (re.compile(r"\b(?:enough|sufficient) information\b"), "answerable"),
    ),
}

LABEL_FORMS: Mapping[str, Mapping[str, frozenset[str]]] = MappingProxyType(
    {"sst2": _SST2_FORMS, "mnli": _MNLI_FORMS, "qnli": _QNLI_FORMS}
)
"""Label word forms per label set (``sst2``, ``mnli``, ``qnli``)."""

GLUE_LABELS: Mapping[str, tuple[str, ...]] = {
    "sst2": ("negative", "positive"),
    "mnli": ("entailment", "neutral", "contradiction"),
    "qnli": ("answerable", "unanswerable"),  # GLUE: 0 = entailment = the context answers the question
}
"""Canonical labels in GLUE's integer label order: ``GLUE_LABELS[task][hub_label_id]``."""
# GLUE's own names for QNLI's classes.
_REFERENCE_ALIASES: Mapping[str, str] = {"entailment": "answerable", "not_entailment": "unanswerable"}

_NEGATION_WINDOW = 4
_NEGATIONS = frozenset({"not", "no", "never", "neither", "nor", "without", "cannot", "nothing"})
# Words that end a negation's reach inside a clause: "not negative but positive" names positive only.
_CONTRASTS = frozenset({"but", "however", "although", "though", "yet", "instead", "rather", "whereas"})
_CLAUSE_SPLIT = re.compile(r"[.!?;:,\n()\[\]{}]+")
_TOKEN = re.compile(r"[a-z]+(?:[-'’][a-z]+)*")


def _is_negation(token: str) -> bool:
    return token in _NEGATIONS or token.endswith(("n't", "n’t"))


def _negated(tokens: list[str], i: int) -> bool:
    """Whether a cue stands among the few tokens before ``tokens[i]``, with no contrast word between."""
    for j in range(i - 1, max(-1, i - 1 - _NEGATION_WINDOW), -1):
        if tokens[j] in _CONTRASTS:
            return False
        if _is_negation(tokens[j]) and "doubt" not in tokens[j + 1 : j + 3]:  # "without a doubt" affirms
            return True
    return False


def _label_sets(label_set: str) -> Mapping[str, frozenset[str]]:
    try:
        return LABEL_FORMS[label_set]
    except KeyError:
        raise DataError(f"unknown label set '{label_set}'; valid: {', '.join(sorted(LABEL_FORMS))}") from None


def named_labels(answer: str, label_set: str) -> set[str]:
    """Every label the answer names under the rule above (negations applied); used to explain a verdict."""
    forms = _label_sets(label_set)
    by_form = {form: label for label, fs in forms.items() for form in fs}
    labels = tuple(forms)
    named: set[str] = set()
    text = answer.lower()
    for pattern, word in _PHRASES.get(label_set, ()):
        text = pattern.sub(word, text)
    for clause in _CLAUSE_SPLIT.split(text):
        tokens = _TOKEN.findall(clause)
        for i, token in enumerate(tokens):
            label = by_form.get(token)
            if label is None:
                continue
            if _negated(tokens, i):
                if len(labels) == 2:
                    named.add(labels[1 - labels.index(label)])
                continue
            named.add(label)
    return named


def extract_label(answer: str, label_set: str) -> str | None:
    """The single label the answer names, or None when it names none or several (the answer is wrong)."""
    named = named_labels(answer, label_set)
    return named.pop() if len(named) == 1 else None


def normalize_reference(reference: object, label_set: str) -> str:
    """The canonical gold label from a label string (any case) or a GLUE integer label."""
    order = GLUE_LABELS[label_set] if label_set in GLUE_LABELS else tuple(_label_sets(label_set))
    if isinstance(reference, bool):
        raise DataError(f"{label_set} reference must be a label string, got {reference!r}")
    if isinstance(reference, int) or (isinstance(reference, str) and reference.strip().isdigit()):
        index = int(reference)
        if 0 <= index < len(order):
            return order[index]
    elif isinstance(reference, str):
        label = reference.strip().lower()
        if label_set == "qnli":
            label = _REFERENCE_ALIASES.get(label, label)
        if label in order:
            return label
    raise DataError(
        f"{label_set} reference {reference!r} is not a label; valid: {', '.join(order)} "
        f"(or their GLUE indices 0-{len(order) - 1})"
    )


def score_label(answer: str, reference: object, label_set: str) -> float:
    """1.0 when the answer's single label equals the gold label, else 0.0 (B.2's binary rating)."""
    gold = normalize_reference(reference, label_set)
    return 1.0 if extract_label(answer, label_set) == gold else 0.0
