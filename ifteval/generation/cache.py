"""The generation cache: completions on disk, keyed by model identity, rendered prompt and parameters.

Built on the shared `ifteval.runtime.cache.DiskCache` (one SQLite file, safe across processes, so the
ranks of an `accelerate launch` share it). Each batch is stored the moment it finishes, so rerunning a
command regenerates nothing, and rerunning a killed one generates only what it had not finished.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from ifteval.runtime.cache import DiskCache

NAMESPACE = "generations"
KEY_VERSION = 1  # bump when the meaning of a cached completion changes


class Params(Protocol):
    def as_dict(self) -> dict[str, Any]: ...


class GenerationCache:
    """`lookup` and `store` completions for one model identity (weights, adapter, dtype or API model)."""

    def __init__(self, root: Path | None = None, namespace: str = NAMESPACE) -> None:
        self.disk = DiskCache(namespace, root=root)
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(identity: Mapping[str, Any], prompt: str, params: Params) -> dict[str, Any]:
        return {"v": KEY_VERSION, "model": dict(identity), "prompt": prompt, "params": params.as_dict()}

    def lookup(self, identity: Mapping[str, Any], prompts: Sequence[str], params: Params) -> list[str | None]:
        """The cached completion of each prompt, None where there is none yet."""
        found = self.disk.get_many([self.key(identity, p, params) for p in prompts])
        hits = sum(value is not None for value in found)
        self.hits += hits
        self.misses += len(found) - hits
        return found

    def store(
        self, identity: Mapping[str, Any], prompts: Sequence[str], params: Params, completions: Sequence[str]
    ) -> None:
        self.disk.put_many(
            (self.key(identity, p, params), c) for p, c in zip(prompts, completions, strict=True)
        )

    def stats(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses}


def generate_cached(
    prompts: Sequence[str],
    params: Params,
    identity: Mapping[str, Any],
    cache: GenerationCache | None,
    generate: Callable[[list[str], Callable[[list[int], list[str]], None]], list[str]],
) -> list[str]:
    """Completions for `prompts`: cached ones read back, the rest generated and stored batch by batch.

    `generate(missing_prompts, on_batch)` must call `on_batch(indices, completions)` as batches finish.
    """
    if cache is None:
        return generate(list(prompts), lambda indices, completions: None)
    found = cache.lookup(identity, prompts, params)
    missing = [i for i, value in enumerate(found) if value is None]
    outputs = [value or "" for value in found]
    if missing:
        todo = [prompts[i] for i in missing]

        def on_batch(indices: list[int], completions: list[str]) -> None:
            cache.store(identity, [todo[i] for i in indices], params, completions)

        for i, text in zip(missing, generate(todo, on_batch), strict=True):
            outputs[i] = text
    return outputs
