"""Paper A.5's batch and step rule, per mixture size and number of processes."""

from __future__ import annotations

import pytest

from ifteval.errors import IftevalError
from ifteval.specialize.finetune import TrainSpec, plan_steps


def test_one_epoch_or_400_steps_whichever_is_lower() -> None:
    assert plan_steps(41_000, TrainSpec()) == {
        "batch_size": 128,
        "per_device_batch_size": 8,
        "gradient_accumulation_steps": 16,
        "max_steps": 321,
    }
    assert plan_steps(52_000 * 8 // 10, TrainSpec())["max_steps"] == 325
    assert plan_steps(60_000, TrainSpec())["max_steps"] == 400


def test_fewer_than_128_rows_train_with_batch_8() -> None:
    assert plan_steps(100, TrainSpec()) == {
        "batch_size": 8,
        "per_device_batch_size": 8,
        "gradient_accumulation_steps": 1,
        "max_steps": 13,
    }


def test_processes_share_the_effective_batch() -> None:
    assert plan_steps(41_000, TrainSpec(), world_size=8)["gradient_accumulation_steps"] == 2
    assert plan_steps(100, TrainSpec(), world_size=2)["per_device_batch_size"] == 4
    with pytest.raises(IftevalError, match="--batch-size 128 is not a multiple"):
        plan_steps(1000, TrainSpec(per_device_batch_size=6), world_size=1)
