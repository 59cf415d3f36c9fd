"""A real `gpt4`-kind judge run against `transformers serve` with the embedded model on loopback.

`transformers serve MODEL_DIR` pins the server to that model and names it by its path, so the judge's
`model` override is the folder path. The test checks verdicts come back (a 135M model may not follow
the format: null + unparsed, never an error), the disk cache holds every answer, and a rerun makes zero
HTTP calls (counted in the server's access log).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ifteval.judges import load_judge
from ifteval.runtime import DiskCache
from ifteval.types import Sample

STARTUP_TIMEOUT_S = 180


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def chat_posts(log: Path) -> int:
    return log.read_text(errors="replace").count('"POST /v1/chat/completions HTTP/1.1" 200')


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    from ifteval.generation.embedded import embedded_model_path

    model_dir = embedded_model_path()
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    command = [str(Path(sys.executable).parent / "transformers"), "serve", str(model_dir),
               "--host", "127.0.0.1", "--port", str(port), "--device", "cpu", "--log-level", "info"]
    # one OpenMP thread: on a busy 2-core box, spinning torch threads make generation many times slower
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    with open(log, "wb") as sink:
        proc = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"transformers serve exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                tail = log.read_text()[-2000:]
                pytest.fail(f"transformers serve not healthy after {STARTUP_TIMEOUT_S}s:\n{tail}")
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1", model_dir, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@pytest.mark.slow
def test_gpt4_judge_against_transformers_serve(served: tuple[str, Path, Path]) -> None:
    base_url, model_dir, log = served
    overrides = {"base_url": base_url, "model": str(model_dir), "max_tokens": 8, "max_concurrency": 2,
                 "progress": False}
    rows = [Sample("0", "What is the capital of France?", "Paris.", "Paris"),
            Sample("1", "Is this review positive or negative? 'A dull, lifeless film.'", "positive",
                   "negative")]
    judge = load_judge("gpt4", overrides)
    verdicts = judge.score(rows)
    assert chat_posts(log) == 2
    for verdict in verdicts:
        assert verdict.status in ("ok", "unparsed"), verdict
        assert verdict.raw  # the model answered something
        assert (verdict.value is None) == (verdict.status == "unparsed")
        if verdict.value is not None:
            assert 0.0 <= verdict.value <= 1.0
    usage = judge.usage()
    assert usage["calls"] == 2 and usage["prompt_tokens"] > 100 and usage["completion_tokens"] > 0
    assert usage["est_cost_usd"] is None  # a local model path has no price

    cache = DiskCache("chat")
    prompts = [judge.render(prompt=r.prompt, response1=r.prediction, response2=r.reference) for r in rows]
    keys = [judge.client.key_for([{"role": "user", "content": p}], 0.0, 8, None) for p in prompts]
    assert [hit["text"] for hit in cache.get_many(keys)] == [v.raw for v in verdicts]

    rerun = load_judge("gpt4", overrides)
    again = rerun.score(rows)
    assert chat_posts(log) == 2  # zero new HTTP calls
    assert [v.raw for v in again] == [v.raw for v in verdicts]
    assert rerun.usage()["calls"] == 0 and rerun.usage()["cached"] == 2
