"""`IftevalLM`: lm-eval's `LM` interface over `HFGenerator`, so lm-eval drives prompting and scoring.

Data parallel comes from accelerate: rank and world size are read from `Accelerator()` itself, because
lm-eval's own HF model only turns data parallel on when it sees several CUDA devices.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from lm_eval.api.model import LM

from ifteval.errors import IftevalError
from ifteval.generation.cache import GenerationCache, generate_cached
from ifteval.generation.hf import HFGenerator
from ifteval.generation.params import GenerationParams, group_requests


class IftevalLM(LM):
    """Generation-only LM for lm-eval's evaluator; loglikelihood tasks go to lm-eval's own models."""

    def __init__(
        self,
        generator: HFGenerator,
        distributed: Any | None = None,
        progress: bool = True,
        cache: GenerationCache | None = None,
    ) -> None:
        super().__init__()
        self.generator = generator
        self.cache = cache
        self.progress = progress
        self.accelerator = distributed
        if distributed is not None:
            self._rank = distributed.process_index
            self._world_size = distributed.num_processes
        self._device = generator.device

    # -- lm-eval plumbing ---------------------------------------------------------------------
    @property
    def tokenizer_name(self) -> str:
        return str(self.generator.pretrained).replace("/", "__")

    def chat_template(self, chat_template: bool | str = False) -> str | None:
        return getattr(self.generator.tokenizer, "chat_template", None) or ""

    def apply_chat_template(
        self, chat_history: list[dict[str, str]], add_generation_prompt: bool = True
    ) -> str:
        return self.generator.tokenizer.apply_chat_template(
            chat_history,
            tokenize=False,
            add_generation_prompt=add_generation_prompt,
            continue_final_message=not add_generation_prompt,
        )

    def all_gather(self, tensor: Any) -> Any:
        return tensor if self.accelerator is None else self.accelerator.gather(tensor)

    def gather_object(self, obj: Any, dst: int = 0) -> Any:
        if self._world_size <= 1:
            return [obj]
        import torch.distributed as dist

        result = [None] * self._world_size if self._rank == dst else None
        dist.gather_object(obj, object_gather_list=result, dst=dst)
        return result

    def barrier(self) -> None:
        if self.accelerator is not None:
            self.accelerator.wait_for_everyone()

    # -- requests -----------------------------------------------------------------------------
    def generate_until(self, requests: Sequence[Any], disable_tqdm: bool = False) -> list[str]:
        """Group requests by generation parameters, generate each group batched, keep the order."""
        contexts, groups = group_requests(requests)
        outputs: list[str] = [""] * len(requests)
        identity = self.generator.identity()  # per call: a sweep switches adapters between calls
        show = self.progress and not disable_tqdm
        hits_before, misses_before = (self.cache.hits, self.cache.misses) if self.cache else (0, 0)
        for params, indices in groups.items():

            def generate(prompts: list[str], on_batch: Any, params: GenerationParams = params) -> list[str]:
                return self.generator.generate(prompts, params, chat=False, progress=show, on_batch=on_batch)

            prompts = [contexts[i] for i in indices]
            completions = generate_cached(prompts, params, identity, self.cache, generate)
            for i, text in zip(indices, completions, strict=True):
                outputs[i] = text
        if self.cache is not None:
            hits, misses = self.cache.hits - hits_before, self.cache.misses - misses_before
            print(f"ifteval: generation cache (rank {self.rank}): {hits} cached, {misses} generated",
                  file=sys.stderr)
        return outputs

    def loglikelihood(self, requests: Sequence[Any], disable_tqdm: bool = False) -> list[tuple[float, bool]]:
        raise IftevalError(
            "the ifteval backend only generates; for loglikelihood (multiple-choice) tasks use "
            "--model lm-eval:hf so lm-eval's own HF model runs them"
        )

    def loglikelihood_rolling(self, requests: Sequence[Any], disable_tqdm: bool = False) -> list[float]:
        return self.loglikelihood(requests)  # type: ignore[return-value]
