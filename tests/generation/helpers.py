"""Shared builders for the generation tests: tiny LoRA adapters for SmolLM2, run configs, file readers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TASK = "ifteval_sst2"
LIMIT = 3
# fields that legitimately differ between two runs of the same command (timing, dates, the output path)
VOLATILE = {"date", "start_time", "end_time", "total_evaluation_time_seconds", "pretty_env_info", "git_hash"}


def make_adapter(base: Path, target: Path, seed: int) -> Path:
    """A LoRA adapter for `base` with seeded, non-zero lora_B (peft initialises it to zero: a no-op)."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(str(base), dtype=torch.float32)
    peft_model = get_peft_model(
        model, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], lora_dropout=0.0)
    )
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in peft_model.named_parameters():
            if "lora_B" in name:
                param.copy_(torch.randn(param.shape, generator=generator) * 0.05)
    peft_model.save_pretrained(str(target))
    return target


def run_config(out: Path, **overrides: Any) -> Any:
    from ifteval.config import RunConfig

    values: dict[str, Any] = {"tasks": [TASK], "output_path": out, "limit": LIMIT, "progress": False}
    values.update(overrides)
    return RunConfig(**values)


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def stable_results(path: Path) -> dict[str, Any]:
    """results.json without the fields that change from run to run."""
    data = json.loads(path.read_text())
    for key in VOLATILE:
        data.pop(key, None)
    return data


class SimulatedKill(Exception):
    """Stands in for a killed process (pytest reserves KeyboardInterrupt for itself)."""


class GenerateCounter:
    """Counts prompts that reach the model (wraps `HFGenerator._generate_batch`)."""

    def __init__(self, monkeypatch: Any, fail_after_batches: int | None = None) -> None:
        from ifteval.generation.hf import HFGenerator

        self.prompts: list[str] = []
        self.batches = 0
        # a later counter replaces an earlier one instead of wrapping it
        original = getattr(HFGenerator._generate_batch, "original", HFGenerator._generate_batch)
        counter = self

        def wrapped(generator: Any, texts: list[str], params: Any) -> list[str]:
            if fail_after_batches is not None and counter.batches >= fail_after_batches:
                raise SimulatedKill("simulated kill")
            counter.batches += 1
            counter.prompts.extend(texts)
            return original(generator, texts, params)

        wrapped.original = original  # type: ignore[attr-defined]
        monkeypatch.setattr(HFGenerator, "_generate_batch", wrapped)


def make_tiny_model(target: Path, seed: int = 0) -> Path:
    """A randomly initialised 2-layer Llama with the embedded SmolLM2 tokenizer: a real transformers
    folder that loads and generates in a fraction of a second (for tests that launch many processes)."""
    import shutil

    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from ifteval.generation.embedded import embedded_model_path

    base = embedded_model_path()
    config = LlamaConfig.from_pretrained(str(base))
    config.update({"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
                   "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 16})
    torch.manual_seed(seed)
    LlamaForCausalLM(config).save_pretrained(str(target))
    for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "generation_config.json"):
        if (base / name).is_file():
            shutil.copy(base / name, target / name)
    return target
