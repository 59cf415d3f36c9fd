"""Model identity for the cache key, and stop-sequence handling."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


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


def _hub_snapshot(cache: Path, repo_id: str, commit: str, files: dict[str, str]) -> Path:
    """A snapshot laid out as huggingface_hub's cache stores it, with refs/main pointing at `commit`."""
    repo = cache / ("models--" + repo_id.replace("/", "--"))
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True)
    for name, text in files.items():
        (snapshot / name).write_text(text)
    (repo / "refs").mkdir(exist_ok=True)
    (repo / "refs" / "main").write_text(commit)
    return snapshot


def test_hub_ids_are_keyed_by_their_cached_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: a hub model's cache key was the id string alone, so a new revision (or a changed
    tokenizer or chat template) of the same id was served the old revision's completions."""
    from huggingface_hub import constants

    from ifteval.generation.hf import weights_fingerprint

    cache = tmp_path / "hub"
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    assert weights_fingerprint("org/not-cached") == "org/not-cached"  # nothing cached: the id
    _hub_snapshot(cache, "org/model", "a" * 40, {"config.json": "{}", "chat_template.jinja": "v1"})
    first = weights_fingerprint("org/model")
    assert first != "org/model"
    _hub_snapshot(cache, "org/model", "b" * 40, {"config.json": "{}", "chat_template.jinja": "v2"})
    assert weights_fingerprint("org/model") != first  # refs/main moved to a new revision


def test_tokenizer_and_code_files_are_fingerprinted(tmp_path: Path) -> None:
    """Regression: merges.txt, tiktoken files, remote code (.py) and .pt weights did not change the key."""
    from ifteval.generation.hf import folder_fingerprint

    for suffix in (".txt", ".py", ".tiktoken", ".pt", ".model", ".jinja"):
        folder = tmp_path / suffix.strip(".")
        folder.mkdir()
        (folder / "config.json").write_text("{}")
        before = folder_fingerprint(folder)
        (folder / f"file{suffix}").write_text("content")
        assert folder_fingerprint(folder) != before, suffix


def test_truncate_at_stops_cuts_at_the_earliest() -> None:
    from ifteval.generation.params import truncate_at_stops

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
