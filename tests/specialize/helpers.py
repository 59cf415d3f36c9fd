"""Shared builders for the specialization tests: local data with real 80/10/10 splits, a tiny model."""

from __future__ import annotations

import json
from pathlib import Path

SMOKE = Path(__file__).resolve().parents[2] / "ifteval" / "tasks" / "smoke"
ALPACA_COPIES = 3
WORDS = ("good", "bad", "fine", "dull", "bright", "grim", "warm", "cold", "sharp", "flat")


def write_data_dir(folder: Path, sentences: int = 200) -> Path:
    """A --data-dir (split 80/10/10): `sst2.jsonl` with `sentences` rows, 3 takes of the smoke Alpaca rows."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "sst2.jsonl").open("w") as handle:
        for i in range(sentences):
            text = f"review {i} : the film is {WORDS[i % len(WORDS)]} and {WORDS[(i * 7) % len(WORDS)]} ."
            handle.write(json.dumps({"sentence": text, "label": i % 2}) + "\n")
    with (folder / "alpaca_gpt4.jsonl").open("w") as handle:
        for copy in range(ALPACA_COPIES):  # ~60 rows a category, so each has validation and test rows
            for row in read_jsonl(SMOKE / "alpaca_gpt4.jsonl"):
                handle.write(json.dumps({**row, "instruction": f"{row['instruction']} (take {copy})"}) + "\n")
    return folder


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def make_tiny_model(base: Path, target: Path) -> Path:
    """A randomly initialised one-layer Llama with the embedded model's tokenizer (trains in seconds)."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(str(base))
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=512,
        tie_word_embeddings=True,
    )
    LlamaForCausalLM(config).save_pretrained(str(target))
    tokenizer.save_pretrained(str(target))
    return target
