"""lm-eval's run options (`--gen-kwargs`, `--system-instruction`, `--fewshot-as-multiturn`,
`--predict-only`): parsed and checked before any model loads, with lm-eval's meaning."""

from __future__ import annotations

from typing import Any

from ifteval.config import parse_key_values
from ifteval.errors import IftevalError
from ifteval.generation.params import GENERATE_KWARGS, HANDLED_KWARGS


def parse_gen_kwargs(value: str | dict[str, Any] | None) -> dict[str, Any]:
    """`max_gen_toks=32,temperature=0` (lm-eval's syntax and value parsing) or a dict -> dict.

    The keys are checked against what the `hf` backend understands, so a typo fails before generation
    instead of being dropped; they are merged into every task's `generation_kwargs`, so they reach the
    generation cache key and `results.json` (`config.gen_kwargs`).
    """
    if not value:
        return {}
    kwargs = dict(value) if isinstance(value, dict) else parse_key_values("--gen-kwargs", value)
    valid = HANDLED_KWARGS | GENERATE_KWARGS
    for key in kwargs:
        if key not in valid:
            raise IftevalError(
                f"--gen-kwargs key '{key}' is not a generation parameter (valid: {', '.join(sorted(valid))})"
            )
    for key in ("max_gen_toks", "max_new_tokens"):
        if key in kwargs and (not isinstance(kwargs[key], int) or kwargs[key] < 1):
            raise IftevalError(f"--gen-kwargs {key}={kwargs[key]} must be a positive integer")
    temperature = kwargs.get("temperature", 0)
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or temperature < 0:
        raise IftevalError(f"--gen-kwargs temperature={temperature} must be a number >= 0")
    return kwargs


def check_lm_eval_options(config: Any) -> None:
    """Contradictions between the lm-eval options of a `RunConfig`, as one line each."""
    if config.predict_only and config.judges:
        raise IftevalError(
            "--predict-only writes generations and samples only (no metrics, no judges); drop --judges, "
            "or score the samples later with 'ifteval judge OUTPUT --judges ...'"
        )
    if config.fewshot_as_multiturn and not config.apply_chat_template:
        raise IftevalError(
            "--fewshot-as-multiturn puts few-shot examples in chat turns; it needs the chat template "
            "(drop --no-chat-template)"
        )
