"""ifteval judges inside stock lm-eval: a passthrough per-document metric plus a batch aggregation.

lm-eval calls a task's metric once per document, which would mean one blocking judge call (and, for an
encoder, one forward pass) per document. Instead, the per-document function `<judge>_judge` only records
`(reference, prediction, task, args)`; the aggregation `<judge>_judge_agg` builds the judge once, scores
the whole list in one `score` call and returns the judge's `aggregate` (by default the mean of the valid
values). In a task YAML:

    metric_list:
      - metric: !function ifteval.judges.lm_eval_metric.rouge1_judge
        aggregation: !function ifteval.judges.lm_eval_metric.rouge1_judge_agg
        higher_is_better: true
      - metric: !function ifteval.judges.lm_eval_metric.gold_judge
        aggregation: !function ifteval.judges.lm_eval_metric.gold_judge_agg
        higher_is_better: true
        task: ifteval_sst2          # extra keys reach the metric: `task`, and `judge_args` overrides

Both names resolve for every registered judge through the module's `__getattr__`, so a new preset needs
no code here. lm-eval passes metrics only the target and the response, never the prompt or the doc
(lm_eval 0.4.13 `ConfigurableTask.process_results` calls `metric(references=[gold], predictions=[result],
**metric_kwargs)`), so a judge that reads the prompt (its `reads_prompt`: reward_model, llm) would
score against an empty instruction: naming one here is a ConfigError when the YAML is loaded, pointing to
`ifteval judge` on lm-eval `--log_samples` files. Custom aggregations get no stderr from lm-eval ("N/A").
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from ifteval.errors import ConfigError, UnknownNameError, did_you_mean
from ifteval.judges import judge_kinds, judge_presets, load_judge, load_spec, run_judges
from ifteval.types import Judge, Sample, Verdict

PASSTHROUGH_SUFFIX = "_judge"
AGGREGATION_SUFFIX = "_judge_agg"

logger = logging.getLogger(__name__)
_judges: dict[tuple[str, str], Judge] = {}


class JudgeItem(NamedTuple):
    """What the per-document metric keeps for the aggregation (a tuple: lm-eval expands dicts)."""

    reference: str | None
    prediction: str
    task: str | None
    judge_args: str  # JSON of the preset overrides, so items group by judge configuration


def make_passthrough(judge: str) -> Callable[..., JudgeItem]:
    """The per-document metric for `judge`: lm-eval calls it as fn(references=[gold], predictions=[resp])."""

    def passthrough(
        references: Sequence[Any],
        predictions: Sequence[Any],
        task: str | None = None,
        judge_args: Mapping[str, Any] | None = None,
    ) -> JudgeItem:
        reference = references[0] if references else None
        return JudgeItem(
            reference=None if reference is None else str(reference),
            prediction=str(predictions[0]),
            task=task,
            judge_args=json.dumps(dict(judge_args or {}), sort_keys=True),
        )

    passthrough.__name__ = passthrough.__qualname__ = f"{judge}{PASSTHROUGH_SUFFIX}"
    return passthrough


def cached_judge(judge: str, judge_args: str) -> Judge:
    """One judge instance per (name, overrides) per process: models load once, not per aggregation."""
    key = (judge, judge_args)
    if key not in _judges:
        _judges[key] = load_judge(judge, json.loads(judge_args))
    return _judges[key]


def judge_items(judge: str, items: Sequence[JudgeItem | Sequence[Any]]) -> tuple[list[Verdict], Judge | None]:
    """Each item's verdict, in one batch per configuration, and the judge of the first configuration
    (whose `aggregate` sums them up; None when there are no items)."""
    _check_prompt_free(judge)
    rows = [JudgeItem(*item) for item in items]
    verdicts: list[Verdict] = [Verdict(None, status="error", reason="not scored")] * len(rows)
    first: Judge | None = None
    for judge_args in sorted({row.judge_args for row in rows}):
        indices = [i for i, row in enumerate(rows) if row.judge_args == judge_args]
        samples = [Sample(str(i), "", rows[i].prediction, rows[i].reference, rows[i].task) for i in indices]
        instance = cached_judge(judge, judge_args)
        _check_prompt_free(judge, instance)
        first = first or instance
        for i, verdict in zip(indices, run_judges([instance], samples)[instance.name], strict=True):
            verdicts[i] = verdict
    return verdicts, first


def score_items(judge: str, items: Sequence[JudgeItem | Sequence[Any]]) -> list[float | None]:
    """Each item's judge value (None where the judge could not score), in one batch per configuration."""
    return [verdict.value for verdict in judge_items(judge, items)[0]]


def make_aggregation(judge: str) -> Callable[[Sequence[Any]], float]:
    """The aggregation for `judge`: scores all documents at once and returns the judge's `aggregate`
    (by default the mean valid value; NaN when none is valid)."""

    def aggregate(items: Sequence[Any]) -> float:
        verdicts, instance = judge_items(judge, items)
        if instance is None:
            return math.nan
        summary = instance.aggregate(verdicts)
        if summary["n_invalid"]:
            logger.warning(
                "judge '%s' could not score %d of %d documents", judge, summary["n_invalid"], len(verdicts)
            )
        return math.nan if summary["mean"] is None else summary["mean"]

    aggregate.__name__ = aggregate.__qualname__ = f"{judge}{AGGREGATION_SUFFIX}"
    return aggregate


def _known_judge(judge: str, attribute: str) -> str:
    """Fail when the task YAML is loaded, not at aggregation time, for a misspelt judge."""
    presets = judge_presets()
    if judge not in presets:
        raise UnknownNameError(
            f"'{__name__}.{attribute}' names unknown judge '{judge}'.{did_you_mean(judge, presets)} "
            "See 'ifteval judges list'."
        )
    _check_prompt_free(judge)
    return judge


def _check_prompt_free(judge: str, instance: Judge | None = None) -> None:
    """A judge that reads the prompt cannot run inside lm-eval: refuse it rather than score against "".

    Checked when the YAML loads, from the kind's class (`reads_prompt`), and again on the built judge
    before it scores (a kind whose factory is a plain function only says then).
    """
    kind = load_spec(judge).kind
    if instance is not None:
        reads_prompt = instance.reads_prompt
    else:  # a kind's class declares it; a plain factory function says nothing until its judge is built
        reads_prompt = getattr(judge_kinds().get(kind), "reads_prompt", False) is True
    if reads_prompt:
        raise ConfigError(
            f"judge '{judge}' (kind '{kind}') reads the prompt, but lm-eval passes a metric only the target "
            f"and the response, so in a task's metric_list it would score against an empty instruction. "
            f"Remove '{judge}_judge' from the metric_list, run lm-eval with --log_samples and score the "
            f"samples file instead: ifteval judge <samples_TASK.jsonl> --judges {judge} -o judged.jsonl"
        )


def __getattr__(name: str) -> Callable[..., Any]:
    """`<judge>_judge` and `<judge>_judge_agg` for every judge name (PEP 562 module attributes)."""
    if name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name.endswith(AGGREGATION_SUFFIX) and len(name) > len(AGGREGATION_SUFFIX):
        return make_aggregation(_known_judge(name[: -len(AGGREGATION_SUFFIX)], name))
    if name.endswith(PASSTHROUGH_SUFFIX) and len(name) > len(PASSTHROUGH_SUFFIX):
        return make_passthrough(_known_judge(name[: -len(PASSTHROUGH_SUFFIX)], name))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
