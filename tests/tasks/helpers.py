"""Shared builders for the task tests: local data folders in a source's hub schema."""

from __future__ import annotations

import json
from pathlib import Path


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def sst2_rows(n: int) -> list[dict]:
    """n distinct labelled SST-2 rows (label alternates)."""
    return [{"sentence": f"review number {i} of a film", "label": i % 2, "idx": i} for i in range(n)]
