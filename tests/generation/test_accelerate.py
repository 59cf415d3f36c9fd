"""Data parallel with accelerate: two gloo ranks on CPU write exactly what one process writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.generation.helpers import LIMIT, TASK, VOLATILE

# results.json prints lm-eval's `!function` hooks with their memory address, which differs per process


def _run(command: list[str], out: Path, cache: Path) -> None:
    env = {
        **os.environ,
        "IFTEVAL_CACHE_DIR": str(cache),  # each run its own cache: both really generate
        "ACCELERATE_USE_CPU": "true",
        "OMP_NUM_THREADS": "1",
    }
    args = ["run", "--tasks", TASK, "--limit", str(LIMIT), "--output-path", str(out), "--no-progress"]
    done = subprocess.run(command + args, env=env, capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr[-3000:]


def _comparable(path: Path) -> dict:
    data = json.loads(path.read_text())
    for key in VOLATILE:
        data.pop(key, None)
    return data


@pytest.mark.slow
def test_two_ranks_write_what_one_process_writes(tmp_path: Path) -> None:
    accelerate = Path(sys.executable).with_name("accelerate")
    launch = [str(accelerate), "launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1",
              "--mixed_precision", "no", "--dynamo_backend", "no", "-m", "ifteval"]
    _run(launch, tmp_path / "two", tmp_path / "cache_two")
    _run([sys.executable, "-m", "ifteval"], tmp_path / "one", tmp_path / "cache_one")

    name = f"samples_{TASK}.jsonl"
    two_samples = (tmp_path / "two" / name).read_bytes()
    assert two_samples == (tmp_path / "one" / name).read_bytes()
    assert len(two_samples.splitlines()) == LIMIT
    two, one = _comparable(tmp_path / "two" / "results.json"), _comparable(tmp_path / "one" / "results.json")
    assert two["config"].pop("world_size") == 2
    assert one["config"].pop("world_size") == 1
    assert two == one
