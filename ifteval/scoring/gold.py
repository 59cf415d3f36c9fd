"""The `gold` rules of paper B.2, keyed by task name: one entry point for lm-eval hooks and the judge.

``score_gold(task, prediction, reference)`` returns the task's metric dict; every value is in [0, 1]
and higher is better. A prediction that cannot be read (no label, no JSON object) is *wrong* (0.0),
as the paper's annotators rated it -- unlike a judge that fails, this rule always decides.

``RULES`` is the one declaration of a gold task: ``tasks.hooks`` derives the lm-eval ``process_results``
hooks (and its ``TARGETS``) from it, and the ``gold`` judge reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ifteval.errors import UnknownNameError, did_you_mean
from ifteval.scoring.labels import score_label
from ifteval.scoring.ner import score_ner
from ifteval.scoring.squad import score_squad
from ifteval.scoring.stsb import score_stsb
from ifteval.scoring.summary import score_summary


@dataclass(frozen=True)
class GoldRule:
    """How one task is scored against its reference.

    task: the lm-eval task name.
    metrics: the metric names ``score`` returns, primary first.
    score: ``(prediction, reference) -> {metric: value}``.
    higher_is_better: true for every gold metric (accuracy, F1, ROUGE).
    """

    task: str
    metrics: tuple[str, ...]
    score: Callable[[str, object], dict[str, float]]
    higher_is_better: bool = True

    @property
    def primary(self) -> str:
        """The metric the paper reports for this task."""
        return self.metrics[0]


def _label_rule(label_set: str) -> Callable[[str, object], dict[str, float]]:
    def score(prediction: str, reference: object) -> dict[str, float]:
        return {"acc": score_label(prediction, reference, label_set)}

    return score


RULES: dict[str, GoldRule] = {
    rule.task: rule
    for rule in (
        GoldRule("ifteval_sst2", ("acc",), _label_rule("sst2")),
        GoldRule("ifteval_mnli", ("acc",), _label_rule("mnli")),
        GoldRule("ifteval_qnli", ("acc",), _label_rule("qnli")),
        GoldRule("ifteval_stsb", ("acc",), lambda p, r: {"acc": score_stsb(p, r)}),
        GoldRule("ifteval_conll2003", ("acc",), lambda p, r: {"acc": score_ner(p, r)}),
        GoldRule("ifteval_squadv2", ("f1", "exact"), score_squad),
        GoldRule(
            "ifteval_xsum",
            ("rouge2", "rouge1", "rougeL"),
            lambda p, r: score_summary(p, r),  # type: ignore[arg-type]
        ),
    )
}


def gold_rule(task: str) -> GoldRule:
    """The rule for a task; an unknown task raises UnknownNameError naming the valid ones."""
    try:
        return RULES[task]
    except KeyError:
        raise UnknownNameError(
            f"no gold scoring rule for task '{task}'.{did_you_mean(task, RULES)} "
            f"Valid tasks: {', '.join(RULES)}."
        ) from None


def score_gold(task: str, prediction: str, reference: object) -> dict[str, float]:
    """The task's B.2 metrics for one prediction, e.g. ``{"acc": 1.0}`` or ``{"f1": .., "exact": ..}``.

    In `ifteval run --judges gold` lm-eval's ``process_results`` hook and then the ``gold`` judge ask for
    the same row: a string reference is scored once per process and the second answer is a lookup.
    """
    rule = gold_rule(task)
    if isinstance(reference, str):
        return dict(_scored(task, prediction, reference))
    scores = rule.score(prediction, reference)
    return {name: scores[name] for name in rule.metrics}


@lru_cache(maxsize=1 << 16)  # more rows than one run of the seven tasks holds between hook and judge
def _scored(task: str, prediction: str, reference: str) -> tuple[tuple[str, float], ...]:
    rule = RULES[task]
    scores = rule.score(prediction, reference)
    return tuple((name, scores[name]) for name in rule.metrics)


def primary_metric(task: str) -> str:
    """The metric the paper reports for the task (``acc``, ``f1`` or ``rouge2``)."""
    return gold_rule(task).primary
