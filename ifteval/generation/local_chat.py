"""The `ChatClient` interface answered by a local transformers model, through ifteval's generation backend.

The `local` LLM judge and `ifteval explain` use this when `backend: local`: the same prompts, the same
`ChatResult`s, the same disk cache (the generation cache, keyed by the model's weights fingerprint), but
no endpoint. Each conversation must be one user message (the chat template is applied by the generator).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ifteval.errors import ConfigError
from ifteval.generation.cache import GenerationCache, generate_cached
from ifteval.generation.hf import HFGenerator
from ifteval.generation.params import GenerationParams
from ifteval.runtime.chat import ChatResult, Message
from ifteval.runtime.usage import Usage


class LocalChatClient:
    """`LocalChatClient(pretrained=None).complete(conversations, ...)`; None means the embedded SmolLM2.

    A `runtime.chat.ChatBackend`, like `ChatClient`: the LLM judge uses either through that interface.
    """

    def __init__(
        self, pretrained: str | Path | None = None, batch_size: int | str = 8, use_cache: bool = True
    ) -> None:
        self.pretrained = pretrained
        self.batch_size = batch_size
        self.use_cache = use_cache
        self.model = str(pretrained or "embedded")
        self.usage_counter = Usage(price=(0.0, 0.0))
        self._generator: Any = None
        self._cache: Any = None

    def _backend(self) -> tuple[Any, Any]:
        if self._generator is None:
            self._generator = HFGenerator(self.pretrained, batch_size=self.batch_size)
            self.model = str(self._generator.pretrained)
            self._cache = GenerationCache() if self.use_cache else None
        return self._generator, self._cache

    def complete(
        self,
        conversations: Sequence[Sequence[Message]],
        temperature: float = 0.0,
        max_tokens: int = 256,
        stop: Sequence[str] | None = None,
        progress: bool = True,
        desc: str = "chat",
    ) -> list[ChatResult]:
        """Generate a reply to each one-user-message conversation, cached like any generation."""
        prompts = [_single_user_message(c) for c in conversations]
        generator, cache = self._backend()
        params = GenerationParams(max_gen_toks=max_tokens, until=tuple(stop or ()), temperature=temperature)
        hits_before = cache.hits if cache is not None else 0
        texts = generate_cached(
            prompts,
            params,
            generator.identity(),
            cache,
            lambda todo, on_batch: generator.generate(todo, params, progress=progress, on_batch=on_batch),
        )
        hits = (cache.hits - hits_before) if cache is not None else 0
        self.usage_counter.add(requests=len(prompts) - hits, calls=len(prompts) - hits, cached=hits)
        # which rows were hits is not reported per row by the generation cache; mark all as fresh
        return [ChatResult(text) for text in texts]

    def usage(self) -> dict[str, Any]:
        return self.usage_counter.as_dict()


def _single_user_message(conversation: Sequence[Mapping[str, str]]) -> str:
    if len(conversation) != 1 or conversation[0].get("role") != "user":
        raise ConfigError("the local judge backend takes one user message per conversation (no system turn)")
    return conversation[0]["content"]
