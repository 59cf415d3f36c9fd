"""Benchmark: `ifteval run` against stock `lm_eval run` on the same machine, model, task and limit.

1. a sweep of 4 LoRA adapters in one `ifteval run --adapters` against 4 separate `lm_eval run ...,peft=Ai`
   commands (goal: >= 2x faster overall, identical scores);
2. one plain `ifteval run` against one `lm_eval run` (goal: no slower than 1.05x);
3. a cached rerun of (2) (goal: no generation at all).

Everything runs as subprocesses with the same environment (offline, `OMP_NUM_THREADS`, default 1:
on a small shared CPU box two OpenMP threads spin-wait on each other and slow a 135M model ~4x).
The generation cache is off for (1) and (2), so both sides really generate.

    .venv/bin/python benchmarks/bench_generation.py [--limit 8] [--task ifteval_sst2] [--json OUT.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))  # the benchmark builds its adapters exactly as the tests do

from tests.generation.helpers import make_adapter  # noqa: E402


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-3000:]}")
    return seconds, done.stderr


def lm_eval_command(task: str, limit: int, model_args: str, out: Path) -> list[str]:
    return [str(BIN / "lm_eval"), "run", "--model", "hf", "--model_args", model_args, "--tasks", task,
            "--include_path", str(ROOT / "ifteval_tasks"), "--limit", str(limit), "--batch_size", "8",
            "--apply_chat_template", "--log_samples", "--output_path", str(out), "--seed", "0"]


def ifteval_command(task: str, limit: int, model_args: str, out: Path, *extra: str) -> list[str]:
    return [str(BIN / "ifteval"), "run", "--model-args", model_args, "--tasks", task, "--limit", str(limit),
            "--batch-size", "8", "--output-path", str(out), "--no-progress", *extra]


def lm_eval_scores(out: Path, task: str) -> dict[str, float]:
    results = json.loads(next(out.rglob("results_*.json")).read_text())["results"][task]
    return {k: v for k, v in results.items() if "," in k and "stderr" not in k and isinstance(v, float)}


def ifteval_scores(out: Path, task: str) -> dict[str, float]:
    results = json.loads((out / "results.json").read_text())["results"][task]
    return {k: v for k, v in results.items() if "," in k and "stderr" not in k and isinstance(v, float)}


def lm_eval_predictions(out: Path, task: str) -> list[str]:
    rows = [json.loads(line) for line in next(out.rglob(f"samples_{task}_*.jsonl")).read_text().splitlines()]
    return [r["filtered_resps"][0] for r in sorted(rows, key=lambda r: r["doc_id"])]


def ifteval_predictions(out: Path, task: str) -> list[str]:
    rows = [json.loads(line) for line in (out / f"samples_{task}.jsonl").read_text().splitlines()]
    return [r["prediction"] for r in rows]


def generated(stderr: str) -> int:
    """Prompts the model generated, from the backend's 'generation cache' line."""
    pattern = r"generation cache \(rank \d+\): \d+ cached, (\d+) generated"
    return sum(int(n) for n in re.findall(pattern, stderr))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="ifteval_sst2")
    parser.add_argument("--limit", type=int, default=8)
    parser.add_argument("--adapters", type=int, default=4)
    parser.add_argument("--threads", default=os.environ.get("OMP_NUM_THREADS", "1"))
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-generation-"))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "OMP_NUM_THREADS": args.threads, "TOKENIZERS_PARALLELISM": "false",
           "IFTEVAL_CACHE_DIR": str(work / "cache"), "TRANSFORMERS_VERBOSITY": "error"}
    os.environ.update({k: env[k] for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")})
    from ifteval.generation.embedded import embedded_model_path

    base = embedded_model_path()
    adapters = [make_adapter(base, work / f"adapter{i}", seed=i) for i in range(1, args.adapters + 1)]
    figures: dict[str, object] = {"task": args.task, "limit": args.limit, "threads": args.threads,
                                  "adapters": len(adapters), "cpus": os.cpu_count()}

    # 1. adapter sweep
    sweep_s, _ = timed(ifteval_command(args.task, args.limit, f"pretrained={base}", work / "sweep",
                                       "--no-cache", "--adapters", *map(str, adapters)), env)
    stock_s, same = 0.0, True
    for adapter in adapters:
        out = work / f"lm_eval_{adapter.name}"
        command = lm_eval_command(args.task, args.limit, f"pretrained={base},peft={adapter}", out)
        seconds, _ = timed(command, env)
        stock_s += seconds
        ours = ifteval_scores(work / "sweep" / adapter.name, args.task)
        theirs = lm_eval_scores(out, args.task)
        same &= ours == theirs
        ours_text = ifteval_predictions(work / "sweep" / adapter.name, args.task)
        same &= ours_text == lm_eval_predictions(out, args.task)
        print(f"  {adapter.name}: ifteval {ours}  lm_eval {theirs}", file=sys.stderr)
    figures["sweep"] = {"ifteval_s": round(sweep_s, 1), "lm_eval_4_runs_s": round(stock_s, 1),
                        "speedup": round(stock_s / sweep_s, 2), "identical_scores_and_predictions": same}

    # 2. one plain run each
    plain_s, _ = timed(ifteval_command(args.task, args.limit, f"pretrained={base}", work / "plain"), env)
    stock_plain_s, _ = timed(lm_eval_command(args.task, args.limit, f"pretrained={base}", work / "lm_plain"),
                             env)
    figures["plain"] = {
        "ifteval_s": round(plain_s, 1), "lm_eval_s": round(stock_plain_s, 1),
        "ratio_ifteval_over_lm_eval": round(plain_s / stock_plain_s, 2),
        "identical_scores": ifteval_scores(work / "plain", args.task)
        == lm_eval_scores(work / "lm_plain", args.task),
        "identical_predictions": ifteval_predictions(work / "plain", args.task)
        == lm_eval_predictions(work / "lm_plain", args.task),
    }

    # 3. the same command again: everything comes from the cache, the weights are never loaded
    cached_s, stderr = timed(ifteval_command(args.task, args.limit, f"pretrained={base}", work / "cached"),
                             env)
    figures["cached_rerun"] = {"ifteval_s": round(cached_s, 1), "prompts_generated": generated(stderr),
                               "same_samples": (work / "cached" / f"samples_{args.task}.jsonl").read_bytes()
                               == (work / "plain" / f"samples_{args.task}.jsonl").read_bytes()}

    # start-up of the CLI itself
    help_s, _ = timed([str(BIN / "ifteval"), "--help"], env)
    figures["startup"] = {"ifteval_help_s": round(help_s, 2)}
    tasks_list = [str(BIN / "ifteval"), "tasks", "list"]
    if subprocess.run(tasks_list, env=env, capture_output=True).returncode == 0:
        figures["startup"]["ifteval_tasks_list_s"] = round(timed(tasks_list, env)[0], 2)  # type: ignore[index]

    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
