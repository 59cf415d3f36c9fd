"""Benchmark: `ifteval curve` over 8 adapters (one sweep, one loaded base) against 8 separate `ifteval run`s.

The 8 adapters are real `ifteval finetune` outputs (SST-2, N = 0, 2, ..., 14, one step each on the
embedded SmolLM2, so no adapter differs from its base by nothing). Both sides run as subprocesses with
the same environment, judges and limit, each with an empty generation cache, and the scores must agree.

    .venv/bin/python benchmarks/bench_curve.py [--limit 8]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SIZES = "0,2,4,6,8,10,12,14"
JUDGES = "gold,exact_match"
TASK = "ifteval_sst2"


def call(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=8)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-curve-"))
    env = {
        **os.environ,
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "IFTEVAL_CACHE_DIR": str(work / "cache0"),
    }
    ifteval = str(BIN / "ifteval")
    call(
        [
            ifteval,
            "mix",
            "--target",
            TASK,
            "--sizes",
            SIZES,
            "--repeats",
            "1",
            "--base-size",
            "8",
            "--validation-size",
            "8",
            "--output",
            str(work / "mixes"),
        ],
        env,
    )
    call(
        [
            ifteval,
            "finetune",
            str(work / "mixes"),
            "--output",
            str(work / "adapters"),
            "--max-steps",
            "1",
            "--warmup-steps",
            "0",
            "--max-length",
            "128",
            "--no-progress",
        ],
        env,
    )
    adapters = sorted(p for p in (work / "adapters").iterdir() if p.is_dir())
    assert len(adapters) == 8, adapters

    curve_env = {**env, "IFTEVAL_CACHE_DIR": str(work / "cache-curve")}
    curve_s = call(
        [
            ifteval,
            "curve",
            str(work / "adapters"),
            "--judges",
            JUDGES,
            "--limit",
            str(args.limit),
            "--output",
            str(work / "curve"),
            "--no-progress",
        ],
        curve_env,
    )
    runs_env = {**env, "IFTEVAL_CACHE_DIR": str(work / "cache-runs")}
    runs_s = 0.0
    separate: dict[tuple[int, str], float] = {}
    for adapter in adapters:
        meta = json.loads((adapter / "ifteval_adapter.json").read_text())
        out = work / "runs" / adapter.name
        runs_s += call(
            [
                ifteval,
                "run",
                "--model-args",
                f"pretrained={meta['base_model']},peft={adapter}",
                "--tasks",
                TASK,
                "--judges",
                JUDGES,
                "--limit",
                str(args.limit),
                "--output-path",
                str(out),
                "--no-progress",
            ],
            runs_env,
        )
        results = json.loads((out / "results.json").read_text())["results"][TASK]
        for judge in JUDGES.split(","):
            separate[(meta["n"], judge)] = results[f"{judge},judge"]
    curve = json.loads((work / "curve" / "curve.json").read_text())
    swept = {(p["n"], p["judge"]): p["value"] for p in curve["points"]}
    same = swept == separate
    print(f"ifteval curve, 8 adapters, one sweep: {curve_s:.1f} s")
    print(f"8 separate ifteval run commands:      {runs_s:.1f} s")
    print(f"speed-up: {runs_s / curve_s:.2f}x; identical scores: {same}")
    if not same:
        raise SystemExit(f"scores differ: {swept} vs {separate}")


if __name__ == "__main__":
    main()
