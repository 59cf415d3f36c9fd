"""Benchmark: CIT + CAT with bootstrap intervals on 100,000 rows x 10 judges x 1,000 resamples.

Goal (issue 4): under 60 s on a 2-core machine. Run: `python benchmarks/bench_metameter.py [--rows N]`.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

GOAL_S = 60.0


def make_frame(rows: int, judges: int, tasks: int, seed: int = 0) -> pd.DataFrame:
    """Synthetic scores: a 1-5 human label with ties, judges of decreasing quality, 1 % null verdicts."""
    rng = np.random.default_rng(seed)
    human = rng.integers(1, 6, size=rows).astype(float)
    data = {"task": rng.integers(0, tasks, size=rows).astype(str), "human": human}
    for j in range(judges):
        score = human + rng.normal(0, 0.5 + j, size=rows)
        score[rng.random(rows) < 0.01] = np.nan
        data[f"judge_{j}"] = score
    return pd.DataFrame(data)


def add_workload_arguments(parser: argparse.ArgumentParser) -> None:
    """The size of the synthetic workload (`make_frame`) and of the bootstrap; bench_kendall shares them."""
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--judges", type=int, default=10)
    parser.add_argument("--tasks", type=int, default=7)
    parser.add_argument("--bootstrap", type=int, default=1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_workload_arguments(parser)
    parser.add_argument("--method", default="spearman", choices=("spearman", "pearson", "kendall"))
    parser.add_argument("--full", action="store_true",
                        help="also time the whole report: paired tests of all judge pairs and matrices")
    args = parser.parse_args()

    from ifteval.metameter import Bootstrap, item_level, prepare

    frame = make_frame(args.rows, args.judges, args.tasks)
    judges = [c for c in frame.columns if c.startswith("judge_")]
    t0 = time.perf_counter()
    data = prepare(frame, "human", judges, "task")
    t1 = time.perf_counter()
    res = item_level(data, args.method, Bootstrap(args.bootstrap, seed=0))
    t2 = time.perf_counter()
    total = t2 - t0
    print(f"cpus={os.cpu_count()} rows={args.rows} judges={args.judges} tasks={args.tasks} "
          f"bootstrap={args.bootstrap} method={args.method}")
    print(f"prepare {t1 - t0:.2f} s, CIT+CAT with CIs {t2 - t1:.2f} s, total {total:.2f} s")
    print(f"ratio to the {GOAL_S:.0f} s goal: {total / GOAL_S:.3f} ({'PASS' if total < GOAL_S else 'FAIL'})")
    if args.full:
        from ifteval.metameter import MetaConfig, meta_evaluate

        t3 = time.perf_counter()
        meta_evaluate(data, MetaConfig(args.method, Bootstrap(args.bootstrap, seed=0), compare="all"))
        print(f"full report (CIT, CAT, {len(judges) * (len(judges) - 1) // 2} paired tests, 3 matrices,"
              f" diagnostics): {time.perf_counter() - t3:.2f} s")
    j = judges[0]
    print(f"{j}: CAT {res.cat[j].value:.4f} CI {res.cat[j].ci}")
    print(f"{j}: CIT {res.cit[j].value:.4f} CI {res.cit[j].ci}")


if __name__ == "__main__":
    main()
