"""Test-wide settings: offline hubs, loopback only, and a private call cache per test session.

The converted embedded model stays in the user's models folder (converting it takes ~30 s), while
judge-call and generation caches go to a fresh temporary folder so tests never see stale answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LM_EVAL_TASK_DIR = REPO / "tests" / "judges" / "fixtures" / "lm_eval_task"
LM_EVAL_TASK = "judge_hook_demo"

for _name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ[_name] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# One BLAS/OpenMP thread per process: tests start servers and launchers beside the test process, and
# oversubscribed OpenMP threads on 2 cores made generation 15x slower (measured: 87 s vs 5.5 s).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault(
    "IFTEVAL_MODELS_DIR",
    str(Path(os.environ.get("IFTEVAL_CACHE_DIR") or Path.home() / ".cache" / "ifteval") / "models"),
)
os.environ["IFTEVAL_CACHE_DIR"] = tempfile.mkdtemp(prefix="ifteval-test-cache-")
for _name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
    os.environ.pop(_name, None)


@pytest.fixture(scope="session")
def base_model() -> Path:
    """The embedded SmolLM2 folder (converted once per machine)."""
    from ifteval.generation.embedded import embedded_model_path

    return embedded_model_path()


@pytest.fixture(scope="session")
def adapters(base_model: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two tiny seeded LoRA adapters for the embedded model (tests/generation/helpers.make_adapter)."""
    from tests.generation.helpers import make_adapter

    root = tmp_path_factory.mktemp("adapters")
    return [make_adapter(base_model, root / f"lora{i}", seed=i) for i in (1, 2)]


@pytest.fixture(scope="session")
def sweep_run(adapters: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real `ifteval run` adapter sweep shared by the round-trip tests: the embedded model alone
    (`base`) and with each adapter, 3 SST-2 documents each (12 new tokens: the joints, not the answers,
    are under test), scored by rouge1. SWEEP/base is a plain run folder, so the same output serves the
    single-run round trip too."""
    import torch

    from ifteval.cli import main

    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("sweep") / "out"
    code = main(["run", "--tasks", "ifteval_sst2", "--limit", "3", "--judges", "rouge1", "--no-progress",
                 "--gen-kwargs", "max_gen_toks=12", "--adapters", *map(str, adapters), "--include-base",
                 "--output-path", str(out)])
    assert code == 0
    return out


@pytest.fixture(autouse=True)
def _data_dir_stays_in_its_test() -> Iterator[None]:
    """`run --data-dir` and `mix --data-dir` set IFTEVAL_DATA_DIR for the process (the task hooks read
    it); without this, the next test's tasks read that folder instead of their smoke sets.

    Restored by hand: monkeypatch.delenv records nothing to undo when the variable is absent at setup,
    so a value the test itself set would leak into every later test.
    """
    before = os.environ.pop("IFTEVAL_DATA_DIR", None)
    yield
    os.environ.pop("IFTEVAL_DATA_DIR", None)
    if before is not None:
        os.environ["IFTEVAL_DATA_DIR"] = before


def subprocess_env() -> dict[str, str]:
    """The test environment for child processes, with the checkout importable.

    One OpenMP thread: on a small, busy CI box torch's default thread pool oversubscribes the cores and
    the embedded model's generation ran 15x slower (42 s instead of 2.6 s for three documents).
    """
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "1")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


@pytest.fixture(scope="session")
def lm_eval_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Run stock `lm_eval run` once on the fixture task with the embedded model; results and samples."""
    from ifteval.generation.embedded import embedded_model_path

    out = tmp_path_factory.mktemp("lm_eval_out")
    command = [
        sys.executable, "-m", "lm_eval", "run",
        "--model", "hf",
        "--model_args", f"pretrained={embedded_model_path()},dtype=float32",
        "--tasks", LM_EVAL_TASK,
        "--include_path", str(LM_EVAL_TASK_DIR),
        "--limit", "3",
        "--device", "cpu",
        "--batch_size", "3",
        "--output_path", str(out),
        "--log_samples",
    ]  # fmt: skip
    proc = subprocess.run(
        command, cwd=REPO, env=subprocess_env(), capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    results = json.loads(next(out.rglob("results_*.json")).read_text())
    samples_file = next(out.rglob(f"samples_{LM_EVAL_TASK}_*.jsonl"))
    samples = [json.loads(line) for line in samples_file.read_text().splitlines() if line.strip()]
    return {"out": out, "results": results, "samples_file": samples_file, "samples": samples}
