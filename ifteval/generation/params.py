"""What a completion request asks for, whichever backend answers it (transformers or an OpenAI endpoint).

lm-eval hands every backend `generate_until` requests carrying `generation_kwargs`; turning those into
`GenerationParams`, grouping requests by them and cutting completions at stop sequences is the same job
for every backend, so it lives here rather than in one backend that the others would lean on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ifteval.errors import IftevalError


@dataclass(frozen=True)
class GenerationParams:
    """What changes a completion besides the model and the prompt (part of every cache key)."""

    max_gen_toks: int = 256
    until: tuple[str, ...] = ()
    temperature: float = 0.0
    generate_kwargs: tuple[tuple[str, Any], ...] = ()  # sorted (name, value) for transformers' generate

    def as_dict(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "max_gen_toks": self.max_gen_toks, "until": list(self.until), "temperature": self.temperature
        }
        if self.generate_kwargs:  # only when set, so existing cache keys stay valid
            values["generate"] = dict(self.generate_kwargs)
        return values


DEFAULT_MAX_GEN_TOKS = 256


# task generation_kwargs passed on to transformers' `generate` (and into the cache key) as they are
GENERATE_KWARGS = frozenset(
    {
        "top_p", "top_k", "min_p", "typical_p", "epsilon_cutoff", "eta_cutoff", "num_beams",
        "num_beam_groups", "diversity_penalty", "length_penalty", "early_stopping", "repetition_penalty",
        "encoder_repetition_penalty", "no_repeat_ngram_size", "min_new_tokens", "min_length",
    }
)
HANDLED_KWARGS = frozenset({"until", "max_gen_toks", "max_new_tokens", "temperature", "do_sample"})


def params_from_gen_kwargs(gen_kwargs: dict[str, Any]) -> GenerationParams:
    """lm-eval `generation_kwargs` -> our parameters (greedy unless the task samples).

    `max_new_tokens` means `max_gen_toks`; the keys in `GENERATE_KWARGS` go to transformers' `generate`;
    any other key is an error naming it (it used to be dropped silently).
    """
    unknown = sorted(set(gen_kwargs) - HANDLED_KWARGS - GENERATE_KWARGS)
    if unknown:
        valid = ", ".join(sorted(HANDLED_KWARGS | GENERATE_KWARGS))
        raise IftevalError(
            f"task generation_kwargs key '{unknown[0]}' is not supported (valid: {valid}); "
            "remove it from the task's YAML"
        )
    until = gen_kwargs.get("until") or ()
    if isinstance(until, str):
        until = (until,)
    temperature = float(gen_kwargs.get("temperature", 0.0) or 0.0)
    if not gen_kwargs.get("do_sample", False):
        temperature = 0.0
    both = "max_gen_toks" in gen_kwargs and "max_new_tokens" in gen_kwargs
    if both and int(gen_kwargs["max_gen_toks"]) != int(gen_kwargs["max_new_tokens"]):
        raise IftevalError(
            "task generation_kwargs set both max_gen_toks and max_new_tokens, to different values; keep one"
        )
    max_gen_toks = gen_kwargs.get("max_gen_toks", gen_kwargs.get("max_new_tokens", DEFAULT_MAX_GEN_TOKS))
    extra = tuple(sorted((k, v) for k, v in gen_kwargs.items() if k in GENERATE_KWARGS))
    return GenerationParams(
        max_gen_toks=int(max_gen_toks),
        until=tuple(until),
        temperature=temperature,
        generate_kwargs=extra,
    )


def group_requests(requests: Sequence[Any]) -> tuple[list[Any], dict[GenerationParams, list[int]]]:
    """lm-eval `generate_until` requests -> (contexts, {parameters: request indices}), so each backend
    generates one batch per distinct set of parameters and puts answers back in request order."""
    contexts: list[Any] = []
    groups: dict[GenerationParams, list[int]] = {}
    for index, request in enumerate(requests):
        context, gen_kwargs = request.args
        contexts.append(context)
        groups.setdefault(params_from_gen_kwargs(dict(gen_kwargs)), []).append(index)
    return contexts, groups


def truncate_at_stops(text: str, until: Sequence[str]) -> str:
    """Cut a completion at the first stop sequence, as lm-eval's `until` means."""
    cut = len(text)
    for stop in until:
        if stop:
            index = text.find(stop)
            if index != -1:
                cut = min(cut, index)
    return text[:cut]
