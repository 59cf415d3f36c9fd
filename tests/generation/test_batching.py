"""Batch size `auto`: halve on out-of-memory until the longest batch fits, then keep that size."""

from __future__ import annotations

import pytest


def _oom() -> BaseException:
    import torch

    return torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")


def test_auto_halves_on_oom_and_keeps_order() -> None:
    from ifteval.generation.batching import run_batches

    tried: list[int] = []
    done: list[list[int]] = []

    def run_batch(batch: list[int]) -> list[int]:
        tried.append(len(batch))
        if len(batch) > 3:  # "memory" holds three sequences
            raise _oom()
        return [i * 10 for i in batch]

    size = run_batches(list(range(10)), 16, True, run_batch, lambda b, r: done.append(r))
    assert size == 2
    assert tried == [10, 8, 4, 2, 2, 2, 2, 2]
    assert [x for batch in done for x in batch] == [i * 10 for i in range(10)]


def test_fixed_size_and_other_errors_are_not_swallowed() -> None:
    from ifteval.generation.batching import run_batches

    def oom(batch: list[int]) -> list[int]:
        raise _oom()

    with pytest.raises(Exception, match="out of memory"):
        run_batches([1, 2], 2, False, oom, lambda b, r: None)  # a fixed size is the user's choice

    def broken(batch: list[int]) -> list[int]:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        run_batches([1, 2], 2, True, broken, lambda b, r: None)


def test_auto_start_sizes() -> None:
    from ifteval.generation.batching import AUTO_CAP_CPU, AUTO_START_GPU, auto_start_size

    assert auto_start_size("cpu") == AUTO_CAP_CPU
    assert auto_start_size("cuda") == AUTO_START_GPU


def test_is_out_of_memory_reads_runtime_errors() -> None:
    from ifteval.generation.batching import is_out_of_memory

    assert is_out_of_memory(RuntimeError("MPS backend out of memory"))
    assert not is_out_of_memory(RuntimeError("shape mismatch"))
