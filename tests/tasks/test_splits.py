"""The content-hash 80/10/10 split: deterministic, order-free, stable as data grows, near 80/10/10."""

from __future__ import annotations

import hashlib
import random

from ifteval.tasks.splits import SALT, content_key, split_indices, split_of


def _reference_split(key: str) -> str:
    """The rule restated independently: first 8 bytes of sha256(salt NUL key), mod 1000."""
    bucket = int.from_bytes(hashlib.sha256(f"{SALT}\0{key}".encode()).digest()[:8], "big") % 1000
    return "train" if bucket < 800 else "validation" if bucket < 900 else "test"


def test_split_matches_the_documented_rule() -> None:
    keys = [content_key({"sentence": f"s{i}"}, ["sentence"]) for i in range(500)]
    assert [split_of(k) for k in keys] == [_reference_split(k) for k in keys]


def test_content_key_is_the_canonical_json_of_key_fields() -> None:
    row = {"premise": "A é", "hypothesis": "B", "label": 2, "idx": 7}
    assert content_key(row, ["premise", "hypothesis"]) == '["A é", "B"]'


def test_proportions_are_80_10_10() -> None:
    rows = [{"t": f"example {i}"} for i in range(20000)]
    parts = split_indices(rows, ["t"])
    share = {k: len(v) / len(rows) for k, v in parts.items()}
    assert abs(share["train"] - 0.8) < 0.015
    assert abs(share["validation"] - 0.1) < 0.01
    assert abs(share["test"] - 0.1) < 0.01


def test_rows_never_move_when_data_grows_or_is_reordered() -> None:
    base = [{"t": f"example {i}", "idx": i} for i in range(1000)]
    before = {r["t"]: s for s, idx in split_indices(base, ["t"]).items() for r in (base[i] for i in idx)}
    grown = base + [{"t": f"new {i}", "idx": 5000 + i} for i in range(3000)]
    random.Random(0).shuffle(grown)
    for i, r in enumerate(grown):
        r["idx"] = i  # indices change; the split must not
    after = {r["t"]: s for s, idx in split_indices(grown, ["t"]).items() for r in (grown[i] for i in idx)}
    assert all(after[t] == s for t, s in before.items())


def test_identical_inputs_share_a_split() -> None:
    rows = [{"sentence": "same text", "label": 0}, {"sentence": "same text", "label": 1}] * 5
    parts = split_indices(rows, ["sentence"])
    assert sorted(len(v) for v in parts.values()) == [0, 0, 10]
