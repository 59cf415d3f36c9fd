"""Fixtures: one torch thread and a private generation cache per test (the embedded model folder and the
two tiny LoRA adapters are session fixtures in tests/conftest.py, shared with the round-trip tests).

Torch runs single-threaded here: on a small, shared CI machine OpenMP threads spin-wait on each
other and a 135M-parameter model generates ~4x slower with two threads than with one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("OMP_NUM_THREADS", "1")  # for subprocesses (accelerate launch, transformers serve)


@pytest.fixture(scope="session", autouse=True)
def single_thread() -> None:
    import torch

    torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test starts with an empty generation cache (the converted model stays shared)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("IFTEVAL_CACHE_DIR", str(folder))
    return folder
