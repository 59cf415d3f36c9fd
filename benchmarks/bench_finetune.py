"""Benchmark: `ifteval finetune` throughput against the same TRL SFTTrainer called directly (goal >= 0.95x).

Both sides train the same LoRA on the same mixture, model, steps and settings, from a cold start in
this process (model and tokenizer loaded, rows read, trainer built, trained, adapter saved). The
direct side is a plain script of the TRL/peft calls a user would write; `ifteval finetune` adds reading
and checking the mixture manifest, the A.5 step plan, and writing ifteval_adapter.json. Rounds alternate
between the two sides and the median time counts, as the machine may be shared.

    .venv/bin/python benchmarks/bench_finetune.py [--steps 20] [--rounds 3] [--model tiny|embedded]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")
for _name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ[_name] = "1"

from ifteval.cli import main  # noqa: E402
from tests.specialize.helpers import make_tiny_model, read_jsonl  # noqa: E402


def direct(model_path: Path, mixture: Path, out: Path, steps: int) -> float:
    """The same training with TRL and peft called by hand (no ifteval code on the path)."""
    import datasets
    import torch
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    start = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(str(model_path))
    model = AutoModelForCausalLM.from_pretrained(str(model_path), dtype=torch.float32)

    def convert(rows: list[dict]) -> datasets.Dataset:
        return datasets.Dataset.from_list(
            [
                {
                    "prompt": [{"role": "user", "content": r["prompt"]}],
                    "completion": [{"role": "assistant", "content": r["completion"]}],
                }
                for r in rows
            ]
        )

    config = SFTConfig(
        output_dir=str(out / "checkpoints"),
        max_steps=steps,
        per_device_train_batch_size=8,
        per_device_eval_batch_size=8,
        gradient_accumulation_steps=1,
        learning_rate=5e-4,
        lr_scheduler_type="linear",
        warmup_steps=2,
        train_sampling_strategy="sequential",
        eval_strategy="steps",
        eval_steps=steps,
        save_strategy="steps",
        save_steps=steps,
        save_total_limit=2,
        load_best_model_at_end=True,
        metric_for_best_model="eval_loss",
        greater_is_better=False,
        logging_steps=10,
        report_to="none",
        seed=0,
        max_length=256,
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=convert(read_jsonl(mixture / "train.jsonl")),
        eval_dataset=convert(read_jsonl(mixture / "validation.jsonl")),
        processing_class=tokenizer,
        peft_config=LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, task_type="CAUSAL_LM"),
    )
    trainer.train()
    trainer.model.save_pretrained(str(out))
    return time.perf_counter() - start


def ours(model_path: Path, mixtures: Path, out: Path, steps: int) -> float:
    start = time.perf_counter()
    code = main(
        [
            "finetune",
            str(mixtures),
            "--model-args",
            f"pretrained={model_path}",
            "--output",
            str(out),
            "--max-steps",
            str(steps),
            "--epochs",
            "100",
            "--warmup-steps",
            "2",
            "--eval-steps",
            str(steps),
            "--max-length",
            "256",
            "--no-progress",
        ]
    )
    if code != 0:
        raise SystemExit(f"ifteval finetune failed ({code})")
    return time.perf_counter() - start


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", choices=("tiny", "embedded"), default="tiny")
    args = parser.parse_args()
    import torch

    from ifteval.generation.embedded import embedded_model_path

    torch.set_num_threads(1)
    work = Path(tempfile.mkdtemp(prefix="bench-finetune-"))
    model = (
        embedded_model_path()
        if args.model == "embedded"
        else make_tiny_model(embedded_model_path(), work / "m")
    )
    mixes = work / "mixes"
    if (
        main(
            [
                "mix",
                "--target",
                "ifteval_sst2",
                "--sizes",
                "30",
                "--repeats",
                "1",
                "--base-size",
                "90",
                "--validation-size",
                "16",
                "--output",
                str(mixes),
            ]
        )
        != 0
    ):
        raise SystemExit("ifteval mix failed")
    mixture = next(mixes.iterdir())
    times: dict[str, list[float]] = {"direct": [], "ifteval": []}
    for i in range(args.rounds):
        times["direct"].append(direct(model, mixture, work / f"direct{i}", args.steps))
        times["ifteval"].append(ours(model, mixes, work / f"ours{i}", args.steps))
    samples = args.steps * 8
    for side, values in times.items():
        print(
            f"{side:8s}: median {statistics.median(values):.2f} s for {args.steps} steps "
            f"({samples / statistics.median(values):.1f} samples/s); rounds {[round(v, 2) for v in values]}"
        )
    ratio = statistics.median(times["direct"]) / statistics.median(times["ifteval"])
    print(f"throughput ratio ifteval finetune / direct SFTTrainer: {ratio:.3f}x (goal >= 0.95x)")


if __name__ == "__main__":
    main_bench()
