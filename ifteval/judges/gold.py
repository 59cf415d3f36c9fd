"""The `gold` judge: paper B.2's task rules outside lm-eval, picked per sample by its `task`.

The verdict value is the task's primary metric (accuracy, SQuAD F1 or ROUGE-2); its other metrics go in
`extras`. A sample whose task has no rule, or whose reference is malformed, gets a null verdict with the
reason, so one bad row does not stop the batch.
"""

from __future__ import annotations

from collections.abc import Sequence

from ifteval.errors import IftevalError
from ifteval.judges.base import BaseJudge
from ifteval.scoring.gold import gold_rule, score_gold
from ifteval.types import JudgeSpec, Sample, Verdict


class GoldJudge(BaseJudge):
    """Scores each sample with the B.2 rule of its task (which reads the raw `Sample.reference`)."""

    requires_reference = True
    reads_prompt = False

    def __init__(self, name: str = "gold", *, spec: JudgeSpec | None = None) -> None:
        super().__init__(name, spec)

    def score(self, samples: Sequence[Sample]) -> list[Verdict]:
        return [self._score_one(s) for s in samples]

    def _score_one(self, sample: Sample) -> Verdict:
        if not sample.task:
            return Verdict(None, status="error", reason=f"sample '{sample.id}' has no task; 'gold' needs one")
        if sample.reference is None:
            return Verdict(None, status="error", reason=f"sample '{sample.id}' has no reference")
        try:
            rule = gold_rule(sample.task)
            metrics = score_gold(sample.task, sample.prediction, sample.reference)
        except IftevalError as exc:
            return Verdict(None, status="error", reason=str(exc))
        extras = {k: v for k, v in metrics.items() if k != rule.primary}
        return Verdict(metrics[rule.primary], reason=f"{rule.primary} ({sample.task})", extras=extras)
