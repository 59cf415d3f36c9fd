"""Where ifteval keeps what it computes once: converted models and the call/generation cache."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """`IFTEVAL_CACHE_DIR`, else `~/.cache/ifteval`; created on first use."""
    path = Path(os.environ.get("IFTEVAL_CACHE_DIR") or Path.home() / ".cache" / "ifteval")
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    """Converted models: `IFTEVAL_MODELS_DIR`, else `<cache_dir>/models`.

    Kept apart from the call cache so a test (or user) can start with an empty cache without
    converting the embedded model again.
    """
    path = Path(os.environ.get("IFTEVAL_MODELS_DIR") or cache_dir() / "models")
    path.mkdir(parents=True, exist_ok=True)
    return path
