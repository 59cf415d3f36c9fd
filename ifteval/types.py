"""The plain records that flow between tasks, generation, judges and the metameter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from ifteval.answers import gold_answers

VerdictStatus = Literal["ok", "unparsed", "error"]


@dataclass(frozen=True)
class Sample:
    """One model output to be judged.

    id: stable identifier of the row (doc id, or the input file's `id`).
    prompt: the instruction the model saw (with its input appended).
    prediction: the model's answer.
    reference: the gold answer as the row holds it; None for reference-free data. Task-aware rules such
        as `gold` read it their own way (CoNLL entities, an STS-B number, a SQuAD answer list).
    task: the task name (e.g. `ifteval_sst2`); selects task-aware rules such as `gold`.
    references: the gold answers in `reference`, read once here by `answers.gold_answers` (a JSON list
        gives several, any other string is one, `("",)` is SQuAD v2's "unanswerable"); `()` when there is
        no reference. Judges that accept alternatives read these, never the JSON text.
    """

    id: str
    prompt: str
    prediction: str
    reference: str | None = None
    task: str | None = None
    references: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.references and self.reference is not None:
            object.__setattr__(self, "references", tuple(gold_answers(self.reference)))


@dataclass(frozen=True)
class Verdict:
    """A judge's outcome for one sample.

    value: score in [0, 1], or None when the judge could not score ("could not judge" is not 0).
    status: `ok`, `unparsed` (the judge answered but no valid score could be read) or `error`.
    reason: why the value is None, or a short note.
    raw: the judge's raw output (LLM reply), when there is one.
    extras: secondary numbers (e.g. `raw_reward`, `position_bias`), keyed by name.
    """

    value: float | None
    status: VerdictStatus = "ok"
    reason: str = ""
    raw: str | None = None
    extras: Mapping[str, float | None] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class JudgeSpec:
    """What rebuilds a judge: its name, kind, preset version and arguments (never secrets)."""

    name: str
    kind: str
    version: int = 1
    description: str = ""
    args: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def signature(self) -> str:
        return f"{self.name}@{self.version}"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "version": self.version, "args": dict(self.args)}


@runtime_checkable
class Judge(Protocol):
    """A batch scorer: encoders batch and API calls run concurrently, so judges see whole lists.

    Everything callers use is declared here; `ifteval.judges.base.BaseJudge` gives a kind the defaults.

    name: the judge's name (its preset's file stem), the column its values go in.
    spec: what built it, given to the factory by `build_judge`; results record it so a score can be
        traced back to (and rebuilt from) its preset.
    requires_reference: rows without a reference are not sent to `score` (they get an `error` verdict).
    reads_prompt: it scores against the instruction (LLM, reward model), which stock lm-eval never passes.
    score: one verdict per sample, in order.
    usage: calls, tokens and cost of the judge's requests so far; empty for a judge that makes none.
    aggregate: the judge's number for a set of verdicts, `{"mean", "stderr", "n_valid", "n_invalid"}`;
        by default the mean and standard error of the valid values. A corpus-level metric (sacrebleu's
        corpus BLEU, Inspect's custom metrics) puts its own corpus score in `mean`.
    """

    name: str
    spec: JudgeSpec
    requires_reference: bool
    reads_prompt: bool  # scores against the instruction (LLM, reward model): stock lm-eval never passes one

    def score(self, samples: Sequence[Sample]) -> list[Verdict]: ...

    def usage(self) -> dict[str, Any]: ...

    def aggregate(self, verdicts: Sequence[Verdict]) -> dict[str, Any]: ...
