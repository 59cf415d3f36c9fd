"""Batch size `auto`: search on out-of-memory for the largest batch that fits, then keep that size."""

from __future__ import annotations

import pytest


def _oom() -> BaseException:
    import torch

    return torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")


def _memory(limit: int, tried: list[int]):  # noqa: ANN202
    """A batch runner whose "memory" holds `limit` sequences: larger batches raise CUDA's OOM error."""

    def run_batch(batch: list[int]) -> list[int]:
        tried.append(len(batch))
        if len(batch) > limit:
            raise _oom()
        return [i * 10 for i in batch]

    return run_batch


def test_auto_finds_the_largest_size_that_fits_and_keeps_order() -> None:
    """Regression: `auto` only halved (10 -> 5 -> 2) and settled on 2 when 3 fits."""
    from ifteval.generation.batching import run_batches

    tried: list[int] = []
    done: list[list[int]] = []
    size = run_batches(list(range(10)), 16, True, _memory(3, tried), lambda b, r: done.append(r))
    assert size == 3
    # halve to the first fit (2), then search between 2 (fits) and 5 (fails): 3 fits, 4 fails -> keep 3
    assert tried == [10, 5, 2, 3, 4, 3, 2]
    assert [x for batch in done for x in batch] == [i * 10 for i in range(10)]


@pytest.mark.parametrize("limit", [1, 2, 5, 7, 12, 40])
def test_auto_settles_on_the_memory_limit(limit: int) -> None:
    from ifteval.generation.batching import run_batches

    tried: list[int] = []
    done: list[int] = []
    size = run_batches(list(range(100)), 32, True, _memory(limit, tried), lambda b, r: done.extend(b))
    assert size == min(limit, 32)
    assert done == list(range(100))


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
