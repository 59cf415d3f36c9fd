"""Model identity for the cache key, and stop-sequence handling."""

from __future__ import annotations

import os
from pathlib import Path


def test_adapters_saved_in_the_same_second_get_different_identities(tmp_path: Path) -> None:
    """Regression: the fingerprint once used names, sizes and whole-second mtimes only, so two LoRA
    adapters saved within one second shared a cache key and a sweep served one adapter's outputs for
    the other."""
    from ifteval.generation.hf import folder_fingerprint

    for name, payload in (("a", b"\x00" * 64), ("b", b"\x01" * 64)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "adapter_config.json").write_text("{}")
        weights = folder / "adapter_model.safetensors"
        weights.write_bytes(payload)
        for file in folder.iterdir():
            os.utime(file, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    assert folder_fingerprint(tmp_path / "a") != folder_fingerprint(tmp_path / "b")
    copy = tmp_path / "copy"
    copy.mkdir()
    for file in (tmp_path / "a").iterdir():
        (copy / file.name).write_bytes(file.read_bytes())
    assert folder_fingerprint(copy) == folder_fingerprint(tmp_path / "a")  # same content, same key


def test_truncate_at_stops_cuts_at_the_earliest() -> None:
    from ifteval.generation.hf import truncate_at_stops

    assert truncate_at_stops("abc\n\nQ: x</s>", ["</s>", "\n\n"]) == "abc"
    assert truncate_at_stops("abc", ["", "zz"]) == "abc"


def test_stop_strings_split_into_special_ids_and_text(base_model: Path) -> None:
    import torch
    from transformers import AutoTokenizer

    from ifteval.generation.stopping import StopOnText, split_stops

    tokenizer = AutoTokenizer.from_pretrained(str(base_model))
    ids, texts = split_stops(tokenizer, ["<|im_end|>", "\n\n", "Question:"])
    assert ids == [tokenizer.convert_tokens_to_ids("<|im_end|>")]
    assert texts == ["\n\n", "Question:"]

    prompt = tokenizer(["Hi", "Hi"], return_tensors="pt")["input_ids"]
    rows = [tokenizer("Sure. Question: why", add_special_tokens=False)["input_ids"],
            tokenizer("Sure, here it goes", add_special_tokens=False)["input_ids"]]
    width = min(len(r) for r in rows)
    generated = torch.cat([prompt, torch.tensor([r[:width] for r in rows])], dim=1)
    done = StopOnText(tokenizer, texts, prompt.shape[1])(generated, None)
    assert done.tolist() == [True, False]
