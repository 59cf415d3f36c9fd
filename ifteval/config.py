"""What `ifteval run` takes, grouped so the CLI, the Python API and adapter sweeps build the same run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ifteval.errors import ConfigError


@dataclass
class RunConfig:
    """Everything `ifteval run` takes; grouped so the CLI and the Python API build the same thing."""

    tasks: list[str]
    output_path: Path
    model: str = "hf"
    model_args: dict[str, Any] = field(default_factory=dict)
    limit: float | None = None
    batch_size: int | str = 8
    apply_chat_template: bool = True
    num_fewshot: int | None = None
    seed: int = 0
    include_paths: list[Path] = field(default_factory=list)
    include_defaults: bool = False
    judges: list[str] = field(default_factory=list)
    judge_args: list[str] = field(default_factory=list)  # JUDGE.KEY=VALUE, as `ifteval judge --judge-arg`
    data_dir: Path | None = None
    progress: bool = True
    use_cache: bool = True  # the on-disk generation cache (--no-cache turns it off)
    # lm-eval's own meaning for each (see `lm_eval run --help`)
    gen_kwargs: dict[str, Any] = field(default_factory=dict)  # merged into every task's generation_kwargs
    system_instruction: str | None = None
    fewshot_as_multiturn: bool | None = None  # None: on with the chat template, as in lm-eval
    predict_only: bool = False  # generations and samples only: no metrics, no judges
    overwrite: bool = False  # output_path holds a different run: remove its files (else refuse)


def parse_key_values(flag: str, text: str | None) -> dict[str, Any]:
    """`key=value,key=value` (lm-eval's syntax and value parsing) -> dict; a bad string names the flag.

    The one reader of lm-eval's key=value flags: --model-args, --gen-kwargs, --wandb-args and the rest.
    """
    if not text:
        return {}
    from lm_eval.utils import simple_parse_args_string

    try:
        return simple_parse_args_string(text)
    except ValueError as exc:
        raise ConfigError(f"{flag} '{text}' must look like key=value,key=value: {exc}") from exc


def parse_model_args(text: str | None) -> dict[str, Any]:
    """`pretrained=PATH,peft=DIR,dtype=float32` -> dict (lm-eval's own syntax and value parsing)."""
    return parse_key_values("--model-args", text)
