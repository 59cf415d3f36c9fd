"""Benchmark: judging 1,000 samples with the `gpt4` judge against a loopback OpenAI-compatible server
with a fixed 100 ms latency per call.

Reports the wall time against the sequential floor (n x latency) and against the ideal for the chosen
concurrency (n x latency / concurrency), and the rerun time when every answer comes from the disk cache.
Run: `python benchmarks/bench_llm_judge.py [--samples 1000] [--latency 0.1] [--concurrency 16]`.
The cache goes to a fresh temporary folder, so the first pass always calls the server.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def server_stats(base_url: str) -> dict[str, int]:
    with urllib.request.urlopen(base_url + "/stats", timeout=5) as response:
        return json.loads(response.read())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.1, help="server latency per call, seconds")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    os.environ["IFTEVAL_CACHE_DIR"] = tempfile.mkdtemp(prefix="ifteval-bench-")

    from ifteval.judges import load_judge
    from ifteval.types import Sample

    samples = [
        Sample(str(i), f"Classify the sentiment of review {i}.", f"positive ({i})", "positive")
        for i in range(args.samples)
    ]
    # the server runs in its own process, as a real endpoint would: it must not share the client's GIL
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.judges.fake_openai_server", "--latency", str(args.latency),
         "--reply", "7.5,9"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        base_url = server.stdout.readline().strip()  # type: ignore[union-attr]
        overrides = {"base_url": base_url, "max_concurrency": args.concurrency, "progress": False}
        judge = load_judge("gpt4", overrides)
        judge.client._openai()  # build the HTTP client outside the timing (import openai: ~1 s)
        start = time.perf_counter()
        verdicts = judge.score(samples)
        wall = time.perf_counter() - start
        stats = server_stats(base_url)

        rerun_judge = load_judge("gpt4", overrides)
        start = time.perf_counter()
        again = rerun_judge.score(samples)
        rerun = time.perf_counter() - start
        calls, rerun_calls = stats["requests"], server_stats(base_url)["requests"] - stats["requests"]
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(timeout=10)
    assert all(v.value == 0.75 for v in verdicts + again), "unexpected verdicts"

    sequential = args.samples * args.latency
    ideal = sequential / args.concurrency
    figures = {
        "samples": args.samples,
        "latency_s": args.latency,
        "concurrency": args.concurrency,
        "max_in_flight": stats["max_in_flight"],
        "calls": calls,
        "wall_s": round(wall, 3),
        "sequential_floor_s": round(sequential, 3),
        "ideal_s": round(ideal, 3),
        "speedup_vs_sequential": round(sequential / wall, 2) if sequential else None,
        "wall_over_ideal": round(wall / ideal, 3) if ideal else None,
        "rerun_s": round(rerun, 3),
        "rerun_calls": rerun_calls,
        "rerun_speedup": round(wall / rerun, 1),
        "usage": judge.usage(),
    }
    if args.json:
        print(json.dumps(figures))
        return
    print(f"judged {args.samples} samples, {calls} calls, concurrency {args.concurrency} "
          f"(max in flight seen: {stats['max_in_flight']}), latency {args.latency * 1000:.0f} ms")
    print(f"wall time           {wall:8.2f} s")
    print(f"sequential floor    {sequential:8.2f} s   -> {sequential / wall:6.2f}x faster")
    if ideal:
        ratio = wall / ideal
        print(f"ideal at {args.concurrency:>3}        {ideal:8.2f} s   -> wall is {ratio:5.2f}x the ideal")
    print(f"rerun from cache    {rerun:8.2f} s   ({rerun_calls} calls, {wall / rerun:.0f}x faster)")
    print(f"usage               {json.dumps(judge.usage())}")


if __name__ == "__main__":
    main()
