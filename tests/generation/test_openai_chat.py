"""`--model openai-chat` against a real `transformers serve` on loopback (and its argument checks)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.generation.helpers import TASK, read_rows, run_config


def test_model_args_refuse_keys_and_unknowns() -> None:
    from ifteval.errors import ConfigError
    from ifteval.generation.openai_chat import OpenAIChatLM

    with pytest.raises(ConfigError, match="api_key_env"):
        OpenAIChatLM.from_model_args({"model": "m", "api_key": "sk-secret"})
    with pytest.raises(ConfigError, match="unknown --model-args key 'temp'"):
        OpenAIChatLM.from_model_args({"model": "m", "temp": 1})
    with pytest.raises(ConfigError, match="model=NAME"):
        OpenAIChatLM.from_model_args({"base_url": "http://127.0.0.1:1/v1"})
    args = {"model": "m", "base_url": "http://u:p@127.0.0.1:9/v1", "num_concurrent": 3}
    lm = OpenAIChatLM.from_model_args(args)
    assert lm.client.max_concurrency == 3
    assert lm.identity() == {"api": "openai-chat", "endpoint": "http://127.0.0.1:9/v1", "model": "m"}


def test_contexts_become_messages() -> None:
    from ifteval.generation.openai_chat import OpenAIChatLM, to_messages

    lm = OpenAIChatLM(client=None)
    history = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]
    assert to_messages(lm.apply_chat_template(history)) == history
    assert to_messages("plain prompt") == [{"role": "user", "content": "plain prompt"}]
    assert to_messages('["not", "messages"]') == [{"role": "user", "content": '["not", "messages"]'}]


def _requests(*prompts: str) -> list[SimpleNamespace]:
    return [SimpleNamespace(args=(p, {"until": [], "max_gen_toks": 8})) for p in prompts]


def test_failed_requests_are_counted_warned_and_fatal_when_all_fail(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Regression: an HTTP 400 ("maximum context length") became a silently scored empty answer."""
    from ifteval.errors import IftevalError
    from ifteval.generation.openai_chat import OpenAIChatLM
    from tests.fake_openai_server import FakeOpenAIServer, Reply

    def responder(request):  # noqa: ANN001, ANN202 - the fake server's callback contract
        return Reply(status=400) if "long" in request.content else Reply("yes")

    with FakeOpenAIServer(responder) as server:
        args = {"model": "m", "base_url": server.base_url, "max_retries": 0}
        lm = OpenAIChatLM.from_model_args(args, use_cache=False, progress=False)
        assert lm.generate_until(_requests("short", "long one", "long two")) == ["yes", "", ""]
        warning = capsys.readouterr().err.strip().splitlines()
        assert len(warning) == 1
        assert "2 of 3 requests" in warning[0] and "HTTP 400" in warning[0]
        assert lm.usage()["errors"] == 2
        assert "HTTP 400" in lm.usage()["first_error"]
        with pytest.raises(IftevalError, match="all 2 requests .* failed; first error: HTTP 400"):
            lm.generate_until(_requests("long a", "long b"))
        assert lm.usage()["errors"] == 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(base_model: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`transformers serve MODEL` on a free loopback port; killed at the end."""
    port = _free_port()
    command = [str(Path(sys.executable).with_name("transformers")), "serve", str(base_model),
               "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, env={**os.environ, "OMP_NUM_THREADS": "1"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                pytest.fail(f"transformers serve exited: {server.stderr.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("transformers serve did not answer /health within 120 s")
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1", server
    finally:
        server.kill()
        server.wait(timeout=30)


@pytest.mark.slow
def test_openai_chat_matches_the_local_backend_and_caches(
    tmp_path: Path, base_model: Path, served: tuple[str, subprocess.Popen]
) -> None:
    from ifteval.runner import run

    base_url, server = served
    api_args = {"model": str(base_model), "base_url": base_url, "max_concurrency": 2}
    run(run_config(tmp_path / "api", model="openai-chat", model_args=api_args))
    run(run_config(tmp_path / "local", model_args={"pretrained": str(base_model)}))
    name = f"samples_{TASK}.jsonl"
    api_rows, local_rows = read_rows(tmp_path / "api" / name), read_rows(tmp_path / "local" / name)
    assert len(api_rows) >= 2
    # greedy decoding of the same weights and chat template: the same answers over HTTP as in-process
    assert [r["prediction"] for r in api_rows] == [r["prediction"] for r in local_rows]
    assert [r["acc"] for r in api_rows] == [r["acc"] for r in local_rows]

    server.kill()
    server.wait(timeout=30)
    run(run_config(tmp_path / "rerun", model="openai-chat", model_args=api_args))  # the server is gone
    assert read_rows(tmp_path / "rerun" / name) == api_rows
