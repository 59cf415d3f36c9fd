"""Benchmark: judging 1,000 samples with the `gpt4` judge against a loopback OpenAI-compatible server
with a fixed 100 ms latency per call, at each concurrency asked for (default 16 and 64).

Reports the wall time against the ideal for that concurrency (n x latency / concurrency; goal <= 1.25x)
and where the time beyond the ideal went:
- main thread, before the calls: prompt rendering (Jinja) and the cache read;
- per call: the HTTP round trip (openai client -> server -> back) minus the server's latency, split into
  the server's own handling time and the rest (client, loopback, waiting for the GIL);
- main thread, during the calls: the cache writes (no worker holds a concurrency slot while writing);
- the same calls made by bare openai SDK calls on as many threads: what is not the judge's;
- CPU seconds of the client process and of the server process (they share the machine's cores; the
  default server, benchmarks/loopback_openai_server.py, is an asyncio loop that costs the client less
  CPU than the tests' scripted http.server, `--server scripted`).
The timings come from wrapping the judge's own objects in this process; nothing is changed in the code
under test. The cache goes to a fresh temporary folder, so the first pass always calls the server; a
second judge then reruns everything from the cache. Each concurrency runs `--repeats` times and the
fastest run is shown (as timeit does: on a shared machine the slower runs measure the neighbours).

    .venv/bin/python benchmarks/bench_llm_judge.py [--samples 1000] [--latency 0.1] [--concurrency 16,64]
        [--repeats 3] [--server loopback|scripted]
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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOAL = 1.25
SERVERS = {  # both speak HTTP/1.1 keep-alive and answer real chat.completion JSON
    "loopback": ["benchmarks/loopback_openai_server.py"],  # one asyncio loop: ~0.1 ms of CPU a call
    "scripted": ["-m", "tests.fake_openai_server"],  # the tests' http.server: ~0.25 ms a call
}


def server_stats(base_url: str) -> dict[str, float]:
    with urllib.request.urlopen(base_url + "/stats", timeout=5) as response:
        return json.loads(response.read())


def process_cpu_s(pid: int) -> float:
    """user + system CPU seconds of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timer:
    """Wraps callables to add up the seconds spent in them (thread-safe enough: one float per call)."""

    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = {}

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        spent = self.seconds.setdefault(name, [])

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent.append(time.perf_counter() - start)

        return timed

    def total(self, name: str) -> float:
        return sum(self.seconds.get(name, []))

    def count(self, name: str) -> int:
        return len(self.seconds.get(name, []))


def sdk_floor(base_url: str, prompts: list[str], concurrency: int) -> float:
    """Seconds for the same calls made by bare `openai` SDK calls on a pool of `concurrency` threads
    (no judge, no cache): what the SDK, the GIL, the server and the machine cost on their own."""
    import httpx
    import openai

    client = openai.OpenAI(api_key="EMPTY", base_url=base_url, max_retries=0)

    def call(prompt: str) -> str:
        body = {"model": "gpt-4", "messages": [{"role": "user", "content": prompt}], "max_tokens": 32}
        reply = json.loads(client.post("/chat/completions", body=body, cast_to=httpx.Response).content)
        return reply["choices"][0]["message"]["content"]

    call(prompts[0])  # connect outside the timing
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in as_completed([pool.submit(call, prompt) for prompt in prompts]):
            future.result()
    return time.perf_counter() - start


def judge_once(base_url: str, samples: list[Any], concurrency: int, server_pid: int) -> dict[str, Any]:
    from ifteval.judges import load_judge

    os.environ["IFTEVAL_CACHE_DIR"] = tempfile.mkdtemp(prefix="ifteval-bench-")
    overrides = {"base_url": base_url, "max_concurrency": concurrency, "progress": False}
    judge = load_judge("gpt4", overrides)
    client = judge.client
    openai_client = client._openai()  # build the HTTP client outside the timing (import openai: ~1 s)
    timer = Timer()
    judge.render = timer.wrap("render", judge.render)
    client.cache.get_many = timer.wrap("cache_read", client.cache.get_many)
    client.cache.put = timer.wrap("cache_write", client.cache.put)
    openai_client.post = timer.wrap("round_trip", openai_client.post)  # the SDK call each request makes

    before = server_stats(base_url)
    server_cpu, client_cpu = process_cpu_s(server_pid), time.process_time()
    start = time.perf_counter()
    verdicts = judge.score(samples)
    wall = time.perf_counter() - start
    client_cpu, server_cpu = time.process_time() - client_cpu, process_cpu_s(server_pid) - server_cpu
    after = server_stats(base_url)

    floor = sdk_floor(base_url, [s.prompt for s in samples], concurrency)
    before_rerun = server_stats(base_url)["requests"]
    rerun_judge = load_judge("gpt4", overrides)
    start = time.perf_counter()
    again = rerun_judge.score(samples)
    rerun = time.perf_counter() - start
    assert all(v.value == 0.75 for v in verdicts + again), "unexpected verdicts"
    calls = int(after["requests"] - before["requests"])
    return {
        "concurrency": concurrency,
        "calls": calls,
        "max_in_flight": after["max_in_flight"],
        "wall_s": wall,
        "render_s": timer.total("render"),
        "cache_read_s": timer.total("cache_read"),
        "cache_writes": timer.count("cache_write"),
        "cache_write_s": timer.total("cache_write"),
        "round_trip_ms": 1000 * timer.total("round_trip") / max(timer.count("round_trip"), 1),
        "server_handling_ms": 1000 * (after["handling_s"] - before["handling_s"]) / max(calls, 1),
        "client_cpu_s": client_cpu,
        "server_cpu_s": server_cpu,
        "sdk_floor_s": floor,
        "rerun_s": rerun,
        "rerun_calls": int(server_stats(base_url)["requests"] - before_rerun),
        "usage": judge.usage(),
    }


def report(figures: dict[str, Any], samples: int, latency: float) -> float:
    """Print one concurrency's figures; returns wall / ideal."""
    concurrency, wall = figures["concurrency"], figures["wall_s"]
    ideal = samples * latency / concurrency
    ratio = wall / ideal
    overhead_ms = figures["round_trip_ms"] - latency * 1000
    per_call_total = figures["calls"] * overhead_ms / 1000 / concurrency
    before_calls = figures["render_s"] + figures["cache_read_s"]
    rest = wall - ideal - per_call_total - before_calls
    calls = max(figures["calls"], 1)
    print(f"\nconcurrency {concurrency}: {samples} samples, {figures['calls']} calls, "
          f"max in flight {figures['max_in_flight']:.0f}, latency {latency * 1000:.0f} ms")
    runs = ", ".join(f"{w:.2f}" for w in figures["all_wall_s"])
    print(f"  wall time {wall:6.2f} s = {ratio:.2f}x the ideal {ideal:.2f} s "
          f"({'meets' if ratio <= GOAL else 'MISSES'} the {GOAL}x goal); fastest of {runs} s")
    print("  where the time beyond the ideal went:")
    print(f"    before the calls (main thread): render {figures['render_s']:.3f} s, "
          f"cache read {figures['cache_read_s']:.3f} s")
    print(f"    per call: round trip {figures['round_trip_ms']:.1f} ms = latency {latency * 1000:.0f} ms "
          f"+ {overhead_ms:.1f} ms, of which server handling {figures['server_handling_ms']:.2f} ms "
          f"(the rest: client, loopback, GIL); x {figures['calls']} calls / {concurrency} = "
          f"{per_call_total:.3f} s")
    print(f"    cache writes (main thread, beside the calls, no slot held): {figures['cache_writes']} in "
          f"{figures['cache_write_s']:.3f} s")
    print(f"    the rest (pool start, last wave's tail, scheduling): {rest:.3f} s")
    floor = figures["sdk_floor_s"]
    print(f"  the same calls as bare openai SDK calls on {concurrency} threads (no judge, no cache): "
          f"{floor:.2f} s = {floor / ideal:.2f}x the ideal; the judge adds {wall - floor:+.2f} s "
          f"({wall / floor:.2f}x the bare SDK)")
    print(f"  CPU: client {figures['client_cpu_s']:.2f} s ({1000 * figures['client_cpu_s'] / calls:.2f} ms "
          f"a call), server {figures['server_cpu_s']:.2f} s ({1000 * figures['server_cpu_s'] / calls:.2f} "
          f"ms a call); {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"  rerun from cache {figures['rerun_s']:.2f} s ({figures['rerun_calls']} calls)")
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.1, help="server latency per call, seconds")
    parser.add_argument("--concurrency", default="16,64", help="comma-separated concurrencies")
    parser.add_argument("--server", choices=sorted(SERVERS), default="loopback",
                        help="which loopback server answers (default: the fast asyncio one)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per concurrency; the fastest is shown")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON lines")
    args = parser.parse_args()
    concurrencies = [int(c) for c in args.concurrency.split(",")]

    from ifteval.types import Sample

    samples = [
        Sample(str(i), f"Classify the sentiment of review {i}.", f"positive ({i})", "positive")
        for i in range(args.samples)
    ]
    # the server runs in its own process, as a real endpoint would: it must not share the client's GIL
    server = subprocess.Popen(
        [sys.executable, *SERVERS[args.server], "--latency", str(args.latency), "--reply", "7.5,9"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    print(f"server: {args.server} ({' '.join(SERVERS[args.server])})")
    ratios = []
    try:
        base_url = server.stdout.readline().strip()  # type: ignore[union-attr]
        for concurrency in concurrencies:
            runs = [judge_once(base_url, samples, concurrency, server.pid) for _ in range(args.repeats)]
            figures = min(runs, key=lambda run: run["wall_s"])  # the least disturbed run, as timeit
            figures["all_wall_s"] = [round(run["wall_s"], 3) for run in runs]
            if args.json:
                print(json.dumps(figures))
            else:
                ratios.append(report(figures, args.samples, args.latency))
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(timeout=10)
    if ratios:
        summary = ", ".join(f"{r:.2f}x at {c}" for r, c in zip(ratios, concurrencies, strict=True))
        print(f"\nwall / ideal: {summary} (goal <= {GOAL}x)")
    return 0 if all(r <= GOAL for r in ratios) else 1


if __name__ == "__main__":
    raise SystemExit(main())
