"""Reference-based lexical judges: exact match, SQuAD token F1, ROUGE and sacrebleu's BLEU/chrF.

Each one compares a prediction with its reference and returns exactly what the underlying library gives
for that pair, scaled to [0, 1] (sacrebleu reports 0-100, so its scores are divided by 100). A reference
that is a JSON list of strings (SQuAD answers) holds alternatives (`Sample.references`): the best-scoring
one counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ifteval.errors import ConfigError
from ifteval.judges.base import BaseJudge
from ifteval.scoring.squad import exact_match, token_f1
from ifteval.scoring.summary import ROUGE_TYPES
from ifteval.types import JudgeSpec, Sample, Verdict

SACREBLEU_METRICS = ("bleu", "chrf")


class PairJudge(BaseJudge):
    """Base for judges that compare a prediction with a reference, pair by pair or in batches.

    `score` expands each sample into its alternatives (`Sample.references`), hands all (prediction,
    reference) pairs to `score_pairs` in one call (encoders batch them), and keeps each sample's
    best-scoring alternative.
    """

    requires_reference = True
    reads_prompt = False

    def score_pairs(self, predictions: Sequence[str], references: Sequence[str]) -> list[Verdict]:
        raise NotImplementedError

    def score(self, samples: Sequence[Sample]) -> list[Verdict]:
        owners: list[int] = []
        predictions: list[str] = []
        references: list[str] = []
        for index, sample in enumerate(samples):
            if not sample.references:
                raise ConfigError(f"judge '{self.name}' needs a reference; sample '{sample.id}' has none")
            for gold in sample.references:
                owners.append(index)
                predictions.append(sample.prediction)
                references.append(gold)
        best: list[Verdict | None] = [None] * len(samples)
        for owner, verdict in zip(owners, self.score_pairs(predictions, references), strict=True):
            current = best[owner]
            if current is None or (verdict.value or 0.0) > (current.value or 0.0):
                best[owner] = verdict
        return [v if v is not None else Verdict(None, status="error", reason="no score") for v in best]


class ExactMatchJudge(PairJudge):
    """1.0 when the SQuAD-normalised prediction equals the reference."""

    def __init__(self, name: str = "exact_match", *, spec: JudgeSpec | None = None) -> None:
        super().__init__(name, spec)

    def score_pairs(self, predictions: Sequence[str], references: Sequence[str]) -> list[Verdict]:
        return [Verdict(exact_match(p, r)) for p, r in zip(predictions, references, strict=True)]


class TokenF1Judge(PairJudge):
    """SQuAD bag-of-tokens F1 with the official normalisation."""

    def __init__(self, name: str = "f1", *, spec: JudgeSpec | None = None) -> None:
        super().__init__(name, spec)

    def score_pairs(self, predictions: Sequence[str], references: Sequence[str]) -> list[Verdict]:
        return [Verdict(token_f1(p, r)) for p, r in zip(predictions, references, strict=True)]


class RougeJudge(PairJudge):
    """rouge-score's F-measure for one ROUGE type; precision and recall go in `extras`."""

    def __init__(
        self,
        name: str,
        rouge_type: str = "rouge1",
        use_stemmer: bool = True,
        *,
        spec: JudgeSpec | None = None,
    ) -> None:
        if rouge_type not in ROUGE_TYPES:
            raise ConfigError(
                f"judge '{name}': rouge_type '{rouge_type}' is not one of {', '.join(ROUGE_TYPES)}"
            )
        from rouge_score import rouge_scorer

        super().__init__(name, spec)
        self.rouge_type = rouge_type
        self._scorer = rouge_scorer.RougeScorer([rouge_type], use_stemmer=use_stemmer)

    def score_pairs(self, predictions: Sequence[str], references: Sequence[str]) -> list[Verdict]:
        verdicts = []
        for prediction, reference in zip(predictions, references, strict=True):
            result = self._scorer.score(reference, prediction)[self.rouge_type]
            verdicts.append(
                Verdict(result.fmeasure, extras={"precision": result.precision, "recall": result.recall})
            )
        return verdicts


class SacreBleuJudge(PairJudge):
    """Sentence-level sacrebleu BLEU or chrF (default settings) divided by 100."""

    def __init__(
        self, name: str, metric: Literal["bleu", "chrf"] = "bleu", *, spec: JudgeSpec | None = None
    ) -> None:
        if metric not in SACREBLEU_METRICS:
            raise ConfigError(
                f"judge '{name}': metric '{metric}' is not one of {', '.join(SACREBLEU_METRICS)}"
            )
        import sacrebleu

        super().__init__(name, spec)
        self.metric = metric
        self._score_fn = sacrebleu.sentence_bleu if metric == "bleu" else sacrebleu.sentence_chrf

    def score_pairs(self, predictions: Sequence[str], references: Sequence[str]) -> list[Verdict]:
        pairs = zip(predictions, references, strict=True)
        return [Verdict(self._score_fn(p, [r]).score / 100.0) for p, r in pairs]
