"""Writing files atomically: JSON and JSONL for run records and reports, text for everything else.

Files are written to a temporary name and renamed, so a killed run never leaves half a file; every
configured credential is masked on the way out (`secrets.mask`); NaN and inf become null.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ifteval.secrets import mask


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str) -> None:
    """Write beside `path`, then rename; the file gets normal permissions (mkstemp makes it 0600)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = mask(text)  # no configured credential reaches a file (issue 9)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    if isinstance(obj, (set, tuple)):
        return list(obj)
    if isinstance(obj, Path):
        return str(obj)
    if callable(obj) and hasattr(obj, "__qualname__"):
        # lm-eval configs hold `!function` hooks; their repr has a memory address that would make two
        # identical runs differ
        return f"!function {obj.__module__}.{obj.__qualname__}"
    return repr(obj)


def _clean(obj: Any) -> Any:
    """NaN/inf are not JSON: write null (the table shows N/A)."""
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if isinstance(obj, Mapping):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    text = json.dumps(
        _clean(json.loads(json.dumps(data, default=_json_default))), indent=2, ensure_ascii=False
    )
    atomic_write_text(path, text + "\n")


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    """Write JSONL atomically (temp file + rename): readers never see half a file; NaN becomes null."""
    lines = [json.dumps(_clean(dict(row)), default=_json_default, ensure_ascii=False) for row in rows]
    atomic_write_text(path, "\n".join(lines) + ("\n" if lines else ""))
