"""The reward-model judge (paper A.3): a sequence-classification model rates (prompt, response) pairs.

As in the paper, the reported value is the softmax of the prediction's reward against the reference's,
`softmax([r_pred, r_ref])[0] = sigmoid(r_pred - r_ref)`: 0.5 means "as good as the reference". The raw
rewards are unbounded, so they go in `extras` (`raw_reward`, `reference_reward`).

Without a reference the value is None (`reference_free: null`, the default and the preset's choice), or,
with `reference_free: sigmoid`, `sigmoid(r_pred)` with a reason saying so.
The model sees `tokenizer(prompt, response)`, the pair input OpenAssistant's reward models were trained on;
the reward is the first logit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

from ifteval.errors import ConfigError
from ifteval.judges.base import BaseJudge
from ifteval.judges.encoder import missing_model_error, resolve_model
from ifteval.types import JudgeSpec, Sample, Verdict

REFERENCE_FREE_MODES = ("sigmoid", None)


def sigmoid(x: float) -> float:
    """Numerically stable logistic function."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def softmax_first(r_pred: float, r_ref: float) -> float:
    """softmax([r_pred, r_ref])[0], the paper's "soft RM" score."""
    return sigmoid(r_pred - r_ref)


class RewardModelJudge(BaseJudge):
    """Scores responses with a reward model, relative to the reference's reward."""

    reads_prompt = True  # the reward is of (instruction, response)

    def __init__(
        self,
        name: str,
        model: str,
        batch_size: int = 8,
        max_length: int = 512,
        device: str | None = None,
        reference_free: Literal["sigmoid"] | None = None,
        *,
        spec: JudgeSpec | None = None,
    ) -> None:
        if reference_free not in REFERENCE_FREE_MODES:
            raise ConfigError(
                f"judge '{name}': reference_free '{reference_free}' is not one of null (rows without a "
                "reference are null, the default) or sigmoid"
            )
        if batch_size < 1 or max_length < 1:
            raise ConfigError(f"judge '{name}': batch_size and max_length must be positive")
        super().__init__(name, spec)
        self.model = model
        self.batch_size = batch_size
        self.max_length = max_length
        self.device = device
        self.reference_free = reference_free
        self.requires_reference = reference_free is None  # reference-relative unless sigmoid is chosen
        self._loaded: tuple[Any, Any] | None = None

    def _load(self) -> tuple[Any, Any]:
        if self._loaded is None:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer

            path = resolve_model(self.model)
            try:
                tokenizer = AutoTokenizer.from_pretrained(path)
                model = AutoModelForSequenceClassification.from_pretrained(path)
            except OSError as exc:
                alternative = f"a local folder: --judge-arg {self.name}.model=/path/to/reward-model"
                raise missing_model_error(self.name, self.model, exc, alternative) from exc
            device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
            self._loaded = (tokenizer, model.to(device).eval())
        return self._loaded

    def rewards(self, prompts: Sequence[str], responses: Sequence[str]) -> list[float]:
        """The raw reward (first logit) of each (prompt, response) pair, computed in batches."""
        import torch

        tokenizer, model = self._load()
        out: list[float] = []
        for start in range(0, len(prompts), self.batch_size):
            batch = tokenizer(
                list(prompts[start : start + self.batch_size]),
                list(responses[start : start + self.batch_size]),
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            ).to(model.device)
            with torch.inference_mode():
                logits = model(**batch).logits
            out.extend(logits[:, 0].float().cpu().tolist())
        return out

    def score(self, samples: Sequence[Sample]) -> list[Verdict]:
        if not samples:
            return []
        prompts = [s.prompt for s in samples]
        responses = [s.prediction for s in samples]
        owners: list[int] = []
        for index, sample in enumerate(samples):
            if sample.references:
                owners.append(index)
                prompts.append(sample.prompt)
                responses.append(sample.references[0])
        rewards = self.rewards(prompts, responses)
        n = len(samples)
        reference_reward = dict(zip(owners, rewards[n:], strict=True))
        verdicts = []
        for index in range(n):
            r_pred = rewards[index]
            r_ref = reference_reward.get(index)
            extras = {"raw_reward": r_pred, "reference_reward": r_ref}
            if r_ref is not None:
                verdicts.append(Verdict(softmax_first(r_pred, r_ref), extras=extras))
            elif self.reference_free == "sigmoid":
                reason = "no reference: sigmoid(raw_reward)"
                verdicts.append(Verdict(sigmoid(r_pred), reason=reason, extras=extras))
            else:
                reason = "no reference to compare the reward with (reference_free: null)"
                verdicts.append(Verdict(None, status="error", reason=reason, extras=extras))
        return verdicts
