"""Fixtures: the embedded model folder and two tiny LoRA adapters built once per session.

Torch runs single-threaded here: on a small, shared CI machine OpenMP threads spin-wait on each
other and a 135M-parameter model generates ~4x slower with two threads than with one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("OMP_NUM_THREADS", "1")  # for subprocesses (accelerate launch, transformers serve)

from tests.generation.helpers import make_adapter


@pytest.fixture(scope="session", autouse=True)
def single_thread() -> None:
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def base_model() -> Path:
    from ifteval.generation.embedded import embedded_model_path

    return embedded_model_path()


@pytest.fixture(scope="session")
def adapters(base_model: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("adapters")
    return [make_adapter(base_model, root / f"lora{i}", seed=i) for i in (1, 2)]


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test starts with an empty generation cache (the converted model stays shared)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("IFTEVAL_CACHE_DIR", str(folder))
    return folder
