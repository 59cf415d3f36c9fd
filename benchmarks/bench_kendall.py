"""Benchmark: Kendall intervals (CIT + CAT) on 100,000 rows x 10 judges x 1,000 resamples.

Goal (issue 8): under 60 s on this 2-core machine, every resample's value equal to scipy's tau-b.
Baseline: a loop over `scipy.stats.kendalltau` on the same resamples (CAT and every task, per judge),
timed on a subset of resamples and judges and extrapolated, since the full loop takes ~15 minutes.
Run: `python benchmarks/bench_kendall.py [--rows N] [--human likert|continuous]`.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from scipy import stats as sps

GOAL_S = 60.0


def main() -> None:
    from bench_metameter import add_workload_arguments, make_frame  # same workload as bench_metameter

    parser = argparse.ArgumentParser(description=__doc__)
    add_workload_arguments(parser)
    parser.add_argument("--human", choices=("likert", "continuous"), default="likert",
                        help="likert: a 1-5 human label (the usual case); continuous: both sides continuous")
    parser.add_argument("--baseline-resamples", type=int, default=5,
                        help="resamples of the scipy loop actually timed (then extrapolated)")
    args = parser.parse_args()

    from ifteval.metameter import Bootstrap, item_level, prepare
    from ifteval.metameter.bootstrap import resample_indices

    frame = make_frame(args.rows, args.judges, args.tasks)
    if args.human == "continuous":
        frame["human"] = frame["human"] + np.random.default_rng(1).normal(0, 0.3, len(frame))
    judges = [c for c in frame.columns if c.startswith("judge_")]
    data = prepare(frame, "human", judges, "task")
    t0 = time.perf_counter()
    res = item_level(data, "kendall", Bootstrap(args.bootstrap, seed=0))
    ours = time.perf_counter() - t0

    # baseline: scipy per resample, judge, CAT and task, on the same draws; timed on a few and scaled
    strata = list(data.task_slices.values())
    idx = np.concatenate(next(iter(resample_indices(strata, args.baseline_resamples, 0))), axis=1)
    h = data.human
    t1 = time.perf_counter()
    for b in range(min(args.baseline_resamples, idx.shape[0])):
        for j in judges[:2]:
            x = data.judges[j]
            rows = idx[b][np.isfinite(x[idx[b]])]
            sps.kendalltau(x[rows], h[rows])
            for s in strata:
                part = idx[b][s]
                part = part[np.isfinite(x[part])]
                sps.kendalltau(x[part], h[part])
    timed = time.perf_counter() - t1
    scipy_loop = timed * (args.bootstrap / min(args.baseline_resamples, idx.shape[0])) * (len(judges) / 2)

    print(f"cpus={os.cpu_count()} rows={args.rows} judges={len(judges)} tasks={args.tasks} "
          f"bootstrap={args.bootstrap} human={args.human}")
    print(f"ifteval Kendall CIT+CAT with CIs: {ours:.1f} s "
          f"({'PASS' if ours < GOAL_S else 'FAIL'} against the {GOAL_S:.0f} s goal)")
    print(f"baseline loop over scipy.stats.kendalltau: {scipy_loop:.0f} s (extrapolated from {timed:.1f} s"
          f" for {args.baseline_resamples} resamples x 2 judges)")
    print(f"speed-up ratio vs the scipy loop: {scipy_loop / ours:.1f}x")
    j = judges[0]
    print(f"{j}: CAT {res.cat[j].value:.4f} CI {res.cat[j].ci}")
    print(f"{j}: CIT {res.cit[j].value:.4f} CI {res.cit[j].ci}")


if __name__ == "__main__":
    main()
