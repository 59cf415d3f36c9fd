"""XSum gold rule (paper B.2): ROUGE-2 F-measure, with ROUGE-1 and ROUGE-L beside it.

Computed by Google's ``rouge-score`` (the implementation the summarisation literature reports) with
Porter stemming on, as in the XSum and PEGASUS papers; its tokenizer lower-cases and keeps ``[a-z0-9]``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ifteval.errors import DataError

if TYPE_CHECKING:
    from rouge_score.rouge_scorer import RougeScorer

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")  # the rouge-score types a ROUGE judge may name
SUMMARY_ROUGE = ROUGE_TYPES[:3]  # the XSum gold rule's (B.2); rougeLsum needs sentence-split text


@lru_cache(maxsize=1)
def _scorer() -> RougeScorer:
    """One scorer per process: building it loads the stemmer, and it holds no per-call state."""
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(list(SUMMARY_ROUGE), use_stemmer=True)


def score_summary(prediction: str, reference: str | list[str]) -> dict[str, float]:
    """``{"rouge1", "rouge2", "rougeL"}`` F-measures; with several references, the best per metric."""
    references = [reference] if isinstance(reference, str) else reference
    if not isinstance(references, list | tuple):
        raise DataError(f"xsum reference must be a summary string, got {reference!r}")
    if not references or not all(isinstance(r, str) and r.strip() for r in references):
        raise DataError(f"xsum reference must be a non-empty summary string, got {reference!r}")
    best = dict.fromkeys(SUMMARY_ROUGE, 0.0)
    for ref in references:
        scores = _scorer().score(ref, prediction)
        for name in SUMMARY_ROUGE:
            best[name] = max(best[name], scores[name].fmeasure)
    return best
