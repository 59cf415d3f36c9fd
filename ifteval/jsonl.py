"""Reading JSONL input: one JSON object a line, errors naming the file and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ifteval.errors import DataError


def read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; a bad line raises `DataError` at `FILE:LINE`."""
    rows = []
    with Path(path).open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                message = f"not valid JSON ({exc.msg}); expected one object a line"
                raise DataError(f"{path}:{lineno}: {message}") from None
            if not isinstance(row, dict):
                raise DataError(f"{path}:{lineno}: expected a JSON object, got {type(row).__name__}")
            rows.append((lineno, row))
    return rows
