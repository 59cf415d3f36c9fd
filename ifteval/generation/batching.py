"""Batches for generation: longest prompts first, and `batch_size=auto` found by searching on out-of-memory.

Sorting longest-first puts the most memory-hungry batch at the front, so an out-of-memory error shows on
the first batch; once that batch fits, every later (shorter) batch fits too. On CPU there is no
out-of-memory signal (the OS kills the process instead), so `auto` there means a fixed, safe cap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

AUTO_START_GPU = 128  # first try on an accelerator; searched down until the longest batch fits
AUTO_CAP_CPU = 16  # beyond ~16 sequences a CPU gains little throughput and risks swapping


def is_out_of_memory(exc: BaseException) -> bool:
    """True for CUDA/MPS/XPU out-of-memory errors (torch raises several types for the same thing)."""
    import torch

    if isinstance(exc, torch.cuda.OutOfMemoryError):
        return True
    text = str(exc).lower()
    return isinstance(exc, RuntimeError) and ("out of memory" in text or "cudnn_status_alloc_failed" in text)


def free_accelerator_memory() -> None:
    import gc

    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def auto_start_size(device_type: str) -> int:
    """Where `auto` starts: the CPU cap, or a large first try on an accelerator."""
    return AUTO_CAP_CPU if device_type == "cpu" else AUTO_START_GPU


def run_batches(
    order: Sequence[int],
    size: int,
    auto: bool,
    run_batch: Callable[[list[int]], list[Any]],
    on_batch: Callable[[list[int], list[Any]], None],
    progress: Any | None = None,
) -> int:
    """Run `order` in slices of `size`; with `auto`, find the largest size that fits; returns that size.

    `auto`: an out-of-memory error halves the size until a batch fits; from then on the next batch tries
    halfway between the largest size that fit and the smallest that failed (a binary search), until the
    two are adjacent, and the largest that fit is kept. Nothing is lost to the search: every batch that
    fits is a real batch of the run. `run_batch(indices)` returns one result per index;
    `on_batch(indices, results)` receives them as soon as a batch finishes (the generation cache stores
    them there, so a killed run keeps them).
    """
    position = 0
    size = max(1, size)
    fits = 0  # the largest batch that ran
    fails: int | None = None  # the smallest batch that ran out of memory
    while position < len(order):
        batch = list(order[position : position + size])
        try:
            results = run_batch(batch)
        except Exception as exc:  # noqa: BLE001 - re-raised unless it is an OOM we can search away
            if not (auto and len(batch) > 1 and is_out_of_memory(exc)):
                raise
            free_accelerator_memory()
            fails = len(batch) if fails is None else min(fails, len(batch))
            size = len(batch) // 2 if fits == 0 else max(fits, (fits + fails) // 2)
            if size <= fits:  # fits + 1 failed: the search is over
                size = fits
            continue
        on_batch(batch, results)
        position += len(batch)
        if progress is not None:
            progress.update(len(batch))
        if auto and fails is not None:
            fits = max(fits, len(batch))
            size = (fits + fails) // 2 if fails - fits > 1 else fits
    return size
