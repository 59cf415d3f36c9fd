"""Stop sequences, cheaply: single-token stops become end-of-sequence ids, the rest are checked per row.

transformers' own `stop_strings` precomputes a table over the whole vocabulary on every `generate` call
(~25 s a call for SmolLM2's 49k tokens on CPU), which would dominate a small evaluation. lm-eval's `until`
lists are mostly special tokens (`<|im_end|>`), which the model can stop on as end-of-sequence ids; any
other stop string is found by decoding only the last few new tokens of each row at each step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def split_stops(tokenizer: Any, stops: Sequence[str]) -> tuple[list[int], list[str]]:
    """(token ids that are whole stop strings, stop strings that need text matching)."""
    ids: list[int] = []
    texts: list[str] = []
    vocab = tokenizer.get_vocab()
    for stop in stops:
        token_id = vocab.get(stop)
        if token_id is not None and stop in tokenizer.all_special_tokens:
            ids.append(int(token_id))
        else:
            texts.append(stop)
    return ids, texts


def eos_ids(model: Any, tokenizer: Any, extra: Sequence[int]) -> list[int]:
    """The model's own end-of-sequence ids plus `extra` (generation config, then tokenizer)."""
    config_eos = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    if config_eos is None:
        config_eos = tokenizer.eos_token_id
    base = [config_eos] if isinstance(config_eos, int) else list(config_eos or [])
    return list(dict.fromkeys([*base, *extra]))


class StopOnText:
    """A transformers stopping criterion: a row is done once its new text contains a stop string."""

    def __init__(self, tokenizer: Any, stops: Sequence[str], prompt_length: int) -> None:
        self.tokenizer = tokenizer
        self.stops = [s for s in stops if s]
        self.prompt_length = prompt_length
        # enough trailing tokens to hold any stop string, whatever its tokenisation
        self.window = max(len(tokenizer(s, add_special_tokens=False)["input_ids"]) for s in self.stops) + 2
        self.done: list[bool] | None = None

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        rows = input_ids.shape[0]
        if self.done is None:
            self.done = [False] * rows
        new = input_ids[:, self.prompt_length :]
        start = max(0, new.shape[1] - self.window)
        tails = self.tokenizer.batch_decode(new[:, start:], skip_special_tokens=False)
        for row, tail in enumerate(tails):
            if not self.done[row] and any(stop in tail for stop in self.stops):
                self.done[row] = True
        return torch.tensor(self.done, dtype=torch.bool, device=input_ids.device)
