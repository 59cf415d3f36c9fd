"""Deterministic 80/10/10 splits by a hash of each example's content (paper A.1).

A row's split depends only on its own key fields, never on its position or on the other rows, so an
example never moves between splits when the data grows, shrinks or is reordered; identical inputs land in
the same split, so a duplicated sentence cannot leak from train into test.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

Split = Literal["train", "validation", "test"]
SPLITS: tuple[Split, ...] = ("train", "validation", "test")
SALT = "ifteval-split-v1"
_BOUNDS = ((800, "train"), (900, "validation"), (1000, "test"))


def content_key(row: Mapping[str, object], key_fields: Sequence[str]) -> str:
    """The canonical JSON of the row's key fields: the text that the split hash is taken of."""
    return json.dumps([row[f] for f in key_fields], ensure_ascii=False, sort_keys=True)


def split_of(key: str) -> Split:
    """train (80%), validation (10%) or test (10%) from the first 8 bytes of sha256(salt + key)."""
    digest = hashlib.sha256(f"{SALT}\0{key}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") % 1000
    for bound, name in _BOUNDS:
        if bucket < bound:
            return name  # type: ignore[return-value]
    raise AssertionError("unreachable")


def split_indices(
    rows: Iterable[Mapping[str, object]], key_fields: Sequence[str]
) -> dict[Split, list[int]]:
    """Row indices per split, each list in the rows' original order."""
    out: dict[Split, list[int]] = {s: [] for s in SPLITS}
    for i, row in enumerate(rows):
        out[split_of(content_key(row, key_fields))].append(i)
    return out
