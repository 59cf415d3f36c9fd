"""Benchmark: are `ifteval estimate`'s intervals valid, and how much narrower than labels alone?

Simulated data with a known true mean (ifteval.trust.simulate): for each judge-human correlation
(0.3, 0.6, 0.9), 500 datasets of 200 labelled + 5,000 unlabelled rows. Prints, per correlation, the
coverage of the 95 % intervals of PPI++ (ppi-python, as `estimate` calls it), of the classical interval
from the labels alone (the baseline) and of a naive interval around the judge mean, and the mean widths
with the ratio PPI++ / classical. Goals: coverage >= 93 % at every correlation; narrower than classical
at 0.6 and above.

Then two checks of calibration:
- a judge on a compressed scale (x0.2) at rho 0.9: raw PPI++ (its weight is clipped to [0, 1]) against
  `--calibrate` (cross-fitted isotonic map, cross-prediction), coverage and width;
- a judge whose scale differs between two tasks: CAT (pooled Pearson) before and after a per-task map,
  cross-validated by item, averaged over datasets.

    .venv/bin/python benchmarks/bench_ppi_coverage.py [--datasets 500] [--seed 0] [--json OUT.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ifteval.trust.calibrate import calibrate  # noqa: E402
from ifteval.trust.estimate import classical_interval, estimate, ppi_interval  # noqa: E402
from ifteval.trust.inputs import resolve  # noqa: E402
from ifteval.trust.simulate import HUMAN_MEAN, simulate, two_task_frame  # noqa: E402

N_LABELLED, N_UNLABELLED = 200, 5000


def coverage_table(datasets: int, seed: int) -> list[dict]:
    z = norm.ppf(0.975)
    rows = []
    for rho in (0.3, 0.6, 0.9):
        rng = np.random.default_rng([seed, int(rho * 10)])
        hit = {"ppi": 0, "classical": 0, "naive": 0}
        width = {"ppi": [], "classical": []}
        for _ in range(datasets):
            d = simulate(rho, N_LABELLED, N_UNLABELLED, rng)
            ppi = ppi_interval(d.y, d.yhat, d.yhat_unlabelled, 0.95)
            cls = classical_interval(d.y, 0.95)
            judge = np.concatenate([d.yhat, d.yhat_unlabelled])
            hit["ppi"] += ppi.low <= HUMAN_MEAN <= ppi.high
            hit["classical"] += cls.low <= HUMAN_MEAN <= cls.high
            hit["naive"] += abs(judge.mean() - HUMAN_MEAN) <= z * judge.std() / np.sqrt(judge.size)
            width["ppi"].append(ppi.width)
            width["classical"].append(cls.width)
        rows.append({"rho": rho, "datasets": datasets,
                     **{f"coverage_{k}": v / datasets for k, v in hit.items()},
                     "width_ppi": float(np.mean(width["ppi"])),
                     "width_classical": float(np.mean(width["classical"])),
                     "width_ratio": float(np.mean(width["ppi"]) / np.mean(width["classical"]))})
    return rows


def compressed_judge(datasets: int, seed: int, rho: float = 0.9, scale: float = 0.2) -> dict:
    rng = np.random.default_rng([seed, 99])
    out = {"raw": {"hit": 0, "width": []}, "calibrated": {"hit": 0, "width": []}}
    for _ in range(datasets):
        d = simulate(rho, N_LABELLED, N_UNLABELLED, rng, scale=scale)
        frame = pd.DataFrame({"human": np.concatenate([d.y, np.full(N_UNLABELLED, np.nan)]),
                              "judge": np.concatenate([d.yhat, d.yhat_unlabelled])})
        table = resolve(frame, "human", ["judge"], "simulated")
        for name, cal in (("raw", False), ("calibrated", True)):
            (g,) = estimate(table, "judge", 0.95, calibrate=cal, compare="none")["groups"]
            lo, hi = g["ppi"]["ci"]
            out[name]["hit"] += lo <= HUMAN_MEAN <= hi
            out[name]["width"].append(g["ppi"]["width"])
    return {k: {"coverage": v["hit"] / datasets, "width": float(np.mean(v["width"]))} for k, v in out.items()}


def calibration_cat(datasets: int, seed: int) -> dict:
    rng = np.random.default_rng([seed, 7])
    before, pooled, per_task = [], [], []
    for _ in range(datasets):
        frame = two_task_frame(300, 100, rng)
        table = resolve(frame, "human", ["judge"], "simulated", item="id")
        rep_task = calibrate(table, ["judge"], per_task=True)["report"]["judge"]
        rep_pool = calibrate(table, ["judge"], per_task=False)["report"]["judge"]
        before.append(rep_task["before"]["cat"])
        per_task.append(rep_task["after"]["cat"])
        pooled.append(rep_pool["after"]["cat"])
    return {"datasets": datasets, "cat_before": float(np.mean(before)),
            "cat_after_pooled": float(np.mean(pooled)),
            "cat_after_per_task": float(np.mean(per_task)),
            "raised_in": float(np.mean(np.array(per_task) > np.array(before)))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    start = time.perf_counter()
    table = coverage_table(args.datasets, args.seed)
    print(f"PPI++ vs classical (baseline) on {args.datasets} datasets a correlation, "
          f"{N_LABELLED} labelled + {N_UNLABELLED} unlabelled rows, 95 % intervals")
    print(f"{'rho':>4} {'cov PPI++':>10} {'cov classical':>14} {'cov judge-only':>15} "
          f"{'width PPI++':>12} {'width classical':>16} {'ratio':>6}  goal")
    ok = True
    for r in table:
        goal = r["coverage_ppi"] >= 0.93 and (r["rho"] < 0.6 or r["width_ratio"] < 1)
        ok &= goal
        print(f"{r['rho']:>4} {r['coverage_ppi']:>10.3f} {r['coverage_classical']:>14.3f} "
              f"{r['coverage_naive']:>15.3f} {r['width_ppi']:>12.4f} {r['width_classical']:>16.4f} "
              f"{r['width_ratio']:>6.3f}  {'met' if goal else 'MISSED'}")
    small = max(50, args.datasets // 5)
    comp = compressed_judge(small, args.seed)
    print(f"\njudge on a compressed scale (x0.2), rho 0.9, {small} datasets: raw PPI++ coverage "
          f"{comp['raw']['coverage']:.3f} width {comp['raw']['width']:.4f}; --calibrate coverage "
          f"{comp['calibrated']['coverage']:.3f} width {comp['calibrated']['width']:.4f} "
          f"(ratio {comp['calibrated']['width'] / comp['raw']['width']:.3f})")
    cat_sets = max(10, args.datasets // 25)
    cat = calibration_cat(cat_sets, args.seed)
    print(f"judge scale differing between tasks, {cat_sets} datasets: CAT (Pearson, cross-validated) "
          f"{cat['cat_before']:.3f} raw -> {cat['cat_after_pooled']:.3f} pooled map -> "
          f"{cat['cat_after_per_task']:.3f} per-task map (raised in {cat['raised_in']:.0%} of datasets)")
    ok &= cat["cat_after_per_task"] > cat["cat_before"]
    print(f"\n{'all goals met' if ok else 'A GOAL WAS MISSED'} in {time.perf_counter() - start:.1f} s")
    if args.json:
        args.json.write_text(json.dumps({"coverage": table, "compressed_judge": comp, "calibration_cat": cat},
                                        indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
