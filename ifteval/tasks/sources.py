"""Where each task's examples come from: the hub repository, its schema, and which fields a split hashes.

A *source* is one dataset in its hub schema (``sst2`` rows have ``sentence`` and ``label``). Tasks name a
source in their YAML (``dataset_kwargs: {source: sst2}``); the loader in ``data.py`` finds its rows on
the hub, in ``--data-dir`` or in the bundled smoke set, all in this same schema.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

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


def _labelled(row: Mapping[str, object]) -> bool:
    """GLUE's test splits carry label -1 (hidden): such rows cannot be scored, so they are dropped."""
    label = row.get("label")
    return label is not None and float(label) >= 0  # type: ignore[arg-type]


@dataclass(frozen=True)
class Source:
    """One dataset in its hub schema.

    name: the source name, also the local file stem (``<data-dir>/<name>.jsonl``).
    hub_path / hub_name / hub_revision: the ``datasets.load_dataset`` arguments (script-free repos only).
    fields: the fields every row must have (the hub schema the prompts and targets read).
    key_fields: the fields hashed to place a row in train/validation/test (its content, not its index).
    keep: drops rows that cannot be scored (unlabelled GLUE test rows); None keeps all.
    """

    name: str
    hub_path: str
    hub_name: str | None
    hub_revision: str | None
    fields: tuple[str, ...]
    key_fields: tuple[str, ...]
    keep: Callable[[Mapping[str, object]], bool] | None = None

    @property
    def hub_id(self) -> str:
        """``repo[/config][@revision]``, as shown by ``ifteval tasks list``."""
        out = self.hub_path + (f"/{self.hub_name}" if self.hub_name else "")
        return out + (f"@{self.hub_revision}" if self.hub_revision else "")


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("sst2", "nyu-mll/glue", "sst2", None, ("sentence", "label"), ("sentence",), _labelled),
        Source(
            "mnli",
            "nyu-mll/glue",
            "mnli",
            None,
            ("premise", "hypothesis", "label"),
            ("premise", "hypothesis"),
            _labelled,
        ),
        Source(
            "qnli",
            "nyu-mll/glue",
            "qnli",
            None,
            ("question", "sentence", "label"),
            ("question", "sentence"),
            _labelled,
        ),
        Source(
            "stsb",
            "nyu-mll/glue",
            "stsb",
            None,
            ("sentence1", "sentence2", "label"),
            ("sentence1", "sentence2"),
            _labelled,
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
        ),
        Source(
            "squad_v2",
            "rajpurkar/squad_v2",
            None,
            None,
            ("context", "question", "answers"),
            ("context", "question"),
        ),
        Source(
            "xsum",
            "EdinburghNLP/xsum",
            None,
            "refs/convert/parquet",
            ("document", "summary"),
            ("document",),
        ),
        Source(
            "alpaca_gpt4",
            "vicgalle/alpaca-gpt4",
            None,
            None,
            ("instruction", "input", "output", "category"),
            ("instruction", "input"),
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
