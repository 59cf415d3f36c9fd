"""Where each task's examples come from: the hub repository, its schema, and which fields a split hashes.

A *source* is one dataset in its hub schema (``sst2`` rows have ``sentence`` and ``label``). Tasks name a
source in their YAML (``dataset_kwargs: {source: sst2}``); the loader in ``data.py`` finds its rows on
the hub, in ``--data-dir`` or in the bundled smoke set, all in this same schema.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from ifteval.errors import UnknownNameError, did_you_mean

ALPACA_CATEGORIES = (
    "classify",
    "code",
    "context_answer",
    "create",
    "extract",
    "logic",
    "memory_answer",
    "memory_summarize",
    "rewrite",
    "write",
    "summarize",
    "translate",
    "other",
)


# The standard CoNLL-2003 ner_tags ids of the hub schema (a local file may also give the tag names).
CONLL_TAGS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC")
UNLABELLED = -1  # GLUE's hidden test labels


class FieldProblem(ValueError):
    """A row's field has the wrong type or value; the loader adds the file and line."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"field '{field}': {message}")
        self.field = field


def _labelled(row: Mapping[str, object]) -> bool:
    """GLUE's test splits carry label -1 (hidden): such rows cannot be scored, so they are dropped."""
    label = row.get("label")
    return isinstance(label, (int, float)) and not isinstance(label, bool) and label >= 0


def _number(value: object) -> float | None:
    """An int, float or numeric string as a finite float; None for anything else (bools included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return None


def _text_fields(*fields: str) -> Callable[[MutableMapping[str, Any]], None]:
    def check(row: MutableMapping[str, Any]) -> None:
        for field in fields:
            if not isinstance(row[field], str):
                raise FieldProblem(field, f"must be a string, got {type(row[field]).__name__} {row[field]!r}")

    return check


def _class_row(texts: tuple[str, ...], labels: tuple[str, ...]) -> Callable[[MutableMapping[str, Any]], None]:
    """A GLUE classification row: text fields, and a label id 0..len(labels)-1 or -1 (stored as int)."""
    check_texts = _text_fields(*texts)
    valid = ", ".join(f"{i} ({name})" for i, name in enumerate(labels))
    valid += f", or {UNLABELLED} (unlabelled, dropped)"

    def check(row: MutableMapping[str, Any]) -> None:
        check_texts(row)
        value = _number(row["label"])
        if value is None or not value.is_integer() or not (UNLABELLED <= value < len(labels)):
            raise FieldProblem("label", f"{row['label']!r} is not a valid label; valid: {valid}")
        row["label"] = int(value)

    return check


def _stsb_row(row: MutableMapping[str, Any]) -> None:
    _text_fields("sentence1", "sentence2")(row)
    value = _number(row["label"])
    if value is None or not (0.0 <= value <= 5.0 or value == UNLABELLED):
        raise FieldProblem(
            "label",
            f"{row['label']!r} is not a valid similarity; valid: a number from 0 to 5, "
            f"or {UNLABELLED} (unlabelled, dropped)",
        )
    row["label"] = value


def _conll_row(row: MutableMapping[str, Any]) -> None:
    tokens, tags = row["tokens"], row["ner_tags"]
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise FieldProblem("tokens", f"must be a list of strings, got {tokens!r:.80}")
    if not isinstance(tags, list):
        raise FieldProblem("ner_tags", f"must be a list of tag ids, got {tags!r:.80}")
    if len(tags) != len(tokens):
        raise FieldProblem("ner_tags", f"has {len(tags)} tags for {len(tokens)} tokens; need one per token")
    valid = f"valid: ids 0-{len(CONLL_TAGS) - 1} ({', '.join(CONLL_TAGS)}) or those tag names"
    for i, tag in enumerate(tags):
        ok = (
            tag in CONLL_TAGS
            if isinstance(tag, str)
            else isinstance(tag, int) and not isinstance(tag, bool) and 0 <= tag < len(CONLL_TAGS)
        )
        if not ok:
            raise FieldProblem("ner_tags", f"tag {i} is {tag!r}; {valid}")


def _squad_row(row: MutableMapping[str, Any]) -> None:
    _text_fields("context", "question")(row)
    answers = row["answers"]
    shape = 'an object {"text": [strings], "answer_start": [ints]} ("text": [] when unanswerable)'
    if not isinstance(answers, Mapping) or "text" not in answers:
        raise FieldProblem("answers", f"must be {shape}, got {answers!r:.80}")
    texts = answers["text"]
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise FieldProblem("answers.text", f"must be a list of strings, got {texts!r:.80}")


def _alpaca_row(row: MutableMapping[str, Any]) -> None:
    _text_fields("instruction", "input", "output")(row)
    if row["category"] not in ALPACA_CATEGORIES:
        raise FieldProblem(
            "category", f"unknown category {row['category']!r}; valid: {', '.join(ALPACA_CATEGORIES)}"
        )


@dataclass(frozen=True)
class Source:
    """One dataset in its hub schema.

    name: the source name, also the local file stem (``<data-dir>/<name>.jsonl``).
    hub_path / hub_name / hub_revision: the ``datasets.load_dataset`` arguments (script-free repos only).
    fields: the fields every row must have (the hub schema the prompts and targets read).
    key_fields: the fields hashed to place a row in train/validation/test (its content, not its index).
    keep: drops rows that cannot be scored (unlabelled GLUE test rows); None keeps all.
    check: checks one local or smoke row's field types and values, normalising numbers in place
        (``"1"`` -> ``1``); raises ``FieldProblem`` naming the field and the valid values.
    """

    name: str
    hub_path: str
    hub_name: str | None
    hub_revision: str | None
    fields: tuple[str, ...]
    key_fields: tuple[str, ...]
    keep: Callable[[Mapping[str, object]], bool] | None = None
    check: Callable[[MutableMapping[str, Any]], None] | None = None

    @property
    def hub_id(self) -> str:
        """``repo[/config][@revision]``, as shown by ``ifteval tasks list``."""
        out = self.hub_path + (f"/{self.hub_name}" if self.hub_name else "")
        return out + (f"@{self.hub_revision}" if self.hub_revision else "")


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source(
            "sst2",
            "nyu-mll/glue",
            "sst2",
            None,
            ("sentence", "label"),
            ("sentence",),
            _labelled,
            _class_row(("sentence",), ("negative", "positive")),
        ),
        Source(
            "mnli",
            "nyu-mll/glue",
            "mnli",
            None,
            ("premise", "hypothesis", "label"),
            ("premise", "hypothesis"),
            _labelled,
            _class_row(("premise", "hypothesis"), ("entailment", "neutral", "contradiction")),
        ),
        Source(
            "qnli",
            "nyu-mll/glue",
            "qnli",
            None,
            ("question", "sentence", "label"),
            ("question", "sentence"),
            _labelled,
            _class_row(("question", "sentence"), ("entailment", "not_entailment")),
        ),
        Source(
            "stsb",
            "nyu-mll/glue",
            "stsb",
            None,
            ("sentence1", "sentence2", "label"),
            ("sentence1", "sentence2"),
            _labelled,
            _stsb_row,
        ),
        # The canonical repo still ships a loading script, which `datasets` >= 4 refuses to run; the hub's
        # parquet conversion branch holds the same rows and the same ner_tags ids.
        Source(
            "conll2003",
            "eriktks/conll2003",
            None,
            "refs/convert/parquet",
            ("tokens", "ner_tags"),
            ("tokens",),
            check=_conll_row,
        ),
        Source(
            "squad_v2",
            "rajpurkar/squad_v2",
            None,
            None,
            ("context", "question", "answers"),
            ("context", "question"),
            check=_squad_row,
        ),
        Source(
            "xsum",
            "EdinburghNLP/xsum",
            None,
            "refs/convert/parquet",
            ("document", "summary"),
            ("document",),
            check=_text_fields("document", "summary"),
        ),
        Source(
            "alpaca_gpt4",
            "vicgalle/alpaca-gpt4",
            None,
            None,
            ("instruction", "input", "output", "category"),
            ("instruction", "input"),
            check=_alpaca_row,
        ),
    )
}


def get_source(name: str) -> Source:
    """The source called `name`; an unknown one raises UnknownNameError naming the valid ones."""
    try:
        return SOURCES[name]
    except KeyError:
        raise UnknownNameError(
            f"unknown data source '{name}'.{did_you_mean(name, SOURCES)} Valid: {', '.join(SOURCES)}."
        ) from None
