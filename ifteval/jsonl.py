"""Reading JSONL input: one JSON object a line, errors naming the file and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ifteval.errors import DataError


def not_utf8(path: Path | str, data: bytes, exc: UnicodeDecodeError, lineno: int | None = None) -> DataError:
    """One line naming the file, line and byte of text that is not UTF-8 (`data` is what was decoded)."""
    if lineno is None:
        lineno = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    else:
        column = exc.start + 1
    byte = data[exc.start : exc.start + 1].hex()
    return DataError(
        f"{path}:{lineno}: not UTF-8 text (byte 0x{byte} at column {column}); save the file as UTF-8"
    )


def read_text(path: Path | str) -> str:
    """A whole text file as UTF-8; other bytes raise `DataError` at `FILE:LINE`, not UnicodeDecodeError."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise not_utf8(path, data, exc) from None


def read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; a bad line raises `DataError` at `FILE:LINE`."""
    try:
        return _read_rows(path)
    except OSError as exc:  # a folder named *.jsonl, no permission: one line, not a traceback
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    with Path(path).open("rb") as handle:
        for lineno, raw in enumerate(handle, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise not_utf8(path, raw, exc, lineno) from None
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
