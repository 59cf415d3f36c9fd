"""Adapter loading errors: one line naming the adapter and the base model, not a multi-screen traceback."""

from __future__ import annotations

from pathlib import Path

import pytest


def _tiny_base(base_model: Path, target: Path) -> Path:
    """A 2-layer, 64-wide llama with the embedded model's tokenizer: a base of another size."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(str(base_model))
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=4,
    )
    LlamaForCausalLM(config).save_pretrained(str(target))
    tokenizer.save_pretrained(str(target))
    return target


def test_adapter_for_another_base_is_one_line(
    tmp_path: Path, base_model: Path, adapters: list[Path]
) -> None:
    """Regression: a size-mismatched adapter raised torch's multi-screen RuntimeError (only OSError and
    ValueError were caught)."""
    from ifteval.errors import IftevalError
    from ifteval.generation.hf import HFGenerator
    from ifteval.generation.params import GenerationParams

    tiny = _tiny_base(base_model, tmp_path / "tiny")
    generator = HFGenerator(pretrained=str(tiny), peft=str(adapters[0]), dtype="float32", device="cpu")
    with pytest.raises(IftevalError) as info:
        generator.generate(["hi"], GenerationParams(max_gen_toks=2), chat=False)
    message = str(info.value)
    assert "\n" not in message
    assert f"adapter '{adapters[0]}' does not fit base model '{tiny}'" in message
    assert "size mismatch" in message
