"""The call runtime against a scripted OpenAI-compatible server on loopback: retries, Retry-After,
500s, malformed bodies, fatal statuses, timeouts, bounded concurrency, the disk cache and key hygiene."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from email.utils import formatdate
from pathlib import Path

import pytest

from ifteval.errors import ConfigError, JudgeError
from ifteval.runtime import ChatClient, DiskCache, backoff_s, cache_key, endpoint_id, price_for, retry_after_s
from tests.fake_openai_server import FakeOpenAIServer, Reply, Request

SECRET = "sk-test-DO-NOT-WRITE-0123456789abcdef"


def conversations(*texts: str) -> list[list[dict[str, str]]]:
    return [[{"role": "user", "content": t}] for t in texts]


def client_for(server: FakeOpenAIServer, tmp_path: Path, **kwargs: object) -> ChatClient:
    defaults: dict[str, object] = {"api_key": SECRET, "backoff_base_s": 0.01, "backoff_max_s": 0.05}
    defaults.update(kwargs)
    return ChatClient("gpt-4", base_url=server.base_url, cache=DiskCache("chat", root=tmp_path), **defaults)


# -- pure helpers ----------------------------------------------------------------------------------


def test_retry_after_reads_seconds_milliseconds_and_http_dates() -> None:
    assert retry_after_s({"Retry-After": "3"}) == 3.0
    assert retry_after_s({"retry-after": "1.5"}) == 1.5
    assert retry_after_s({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    now = time.time()
    in_30s = formatdate(now + 30, usegmt=True)
    assert retry_after_s({"Retry-After": in_30s}, now=now) == pytest.approx(30, abs=1)
    assert retry_after_s({"Retry-After": formatdate(now - 30, usegmt=True)}, now=now) == 0.0
    assert retry_after_s({"Retry-After": "soon"}) is None
    assert retry_after_s({}) is None
    assert retry_after_s({"Retry-After": "99999"}) == 600.0


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    for attempt, full in [(0, 0.5), (1, 1.0), (3, 4.0), (10, 60.0)]:
        delays = [backoff_s(attempt) for _ in range(50)]
        assert all(full / 2 <= d <= full for d in delays)
        assert len(set(delays)) > 1  # jitter


def test_prices_use_the_longest_prefix_and_unknown_models_have_no_cost() -> None:
    assert price_for("gpt-4") == (0.03, 0.06)
    assert price_for("gpt-4-0613") == (0.03, 0.06)
    assert price_for("gpt-4o-mini-2024-07-18") == (0.00015, 0.0006)
    assert price_for("my-local-model") is None


def test_endpoint_id_drops_credentials_and_query() -> None:
    assert endpoint_id("http://user:pw@127.0.0.1:8000/v1/?key=abc") == "http://127.0.0.1:8000/v1"


# -- the disk cache -------------------------------------------------------------------------------


def test_cache_keys_are_canonical_and_refuse_secrets(tmp_path: Path) -> None:
    assert cache_key({"a": 1, "b": [1, 2]}) == cache_key({"b": [1, 2], "a": 1})
    assert cache_key({"a": 1}) != cache_key({"a": 1.5})
    cache = DiskCache("unit", root=tmp_path)
    cache.put({"a": 1}, {"text": "x"})
    assert cache.get({"a": 1}) == {"text": "x"}
    assert cache.get_many([{"a": 2}, {"a": 1}]) == [None, {"text": "x"}]
    assert {"a": 1} in cache and len(cache) == 1
    with pytest.raises(ConfigError, match="secret"):
        cache.put({"api_key": "x"}, 1)
    with pytest.raises(ConfigError, match="namespace"):
        DiskCache("../escape", root=tmp_path)


_WRITER = """
import sys
from pathlib import Path
from ifteval.runtime.cache import DiskCache
cache = DiskCache("shared", root=Path(sys.argv[1]))
for i in range(150):
    cache.put({"writer": sys.argv[2], "i": i}, {"value": i})
"""


def test_cache_is_safe_across_processes(tmp_path: Path) -> None:
    repo = Path(__file__).parents[2]
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), str(w)], cwd=repo) for w in range(3)
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    cache = DiskCache("shared", root=tmp_path)
    assert len(cache) == 450
    assert cache.get({"writer": "2", "i": 149}) == {"value": 149}


# -- retries against the fault server --------------------------------------------------------------


def test_429_with_retry_after_is_honoured(tmp_path: Path) -> None:
    def responder(request: Request) -> Reply:
        if request.attempt == 1:
            return Reply(status=429, headers={"Retry-After": "1"})
        return Reply("7,9")

    with FakeOpenAIServer(responder) as server:
        client = client_for(server, tmp_path, backoff_base_s=0.001)
        start = time.perf_counter()
        [result] = client.complete(conversations("rate me"))
        elapsed = time.perf_counter() - start
    assert result.text == "7,9" and result.error is None
    assert len(server.requests) == 2
    assert elapsed >= 0.95  # waited for Retry-After, not the 1 ms backoff
    assert client.usage()["retries"] == 1 and client.usage()["calls"] == 1


def test_500s_are_retried_until_success(tmp_path: Path) -> None:
    with FakeOpenAIServer(lambda r: Reply(status=500) if r.attempt <= 3 else Reply("6,8")) as server:
        client = client_for(server, tmp_path)
        [result] = client.complete(conversations("flaky"))
    assert result.text == "6,8"
    assert server.attempts["flaky"] == 4
    assert client.usage()["retries"] == 3


def test_endpoint_down_fails_with_one_line_and_keeps_finished_answers(tmp_path: Path) -> None:
    def responder(request: Request) -> Reply:
        return Reply(status=503) if "doomed" in request.content else Reply("5,5")

    texts = [f"ok {i}" for i in range(6)] + ["doomed"]
    with FakeOpenAIServer(responder) as server:
        client = client_for(server, tmp_path, max_retries=2, max_concurrency=2)
        with pytest.raises(JudgeError) as info:
            client.complete(conversations(*texts))
        message = str(info.value)
        assert "\n" not in message
        assert server.base_url in message and "HTTP 503" in message and "3 attempts" in message
        assert server.attempts["doomed"] == 3
        answered = [t for t in texts[:-1] if server.attempts[t]]

        server.responder = lambda r: Reply("5,5")  # the endpoint recovers; a rerun resumes
        server.reset_counts()
        results = client.complete(conversations(*texts))
    assert [r.text for r in results] == ["5,5"] * 7
    # everything answered before the failure came from the cache; only the rest was asked again
    assert set(server.attempts) == {t for t in texts if t not in answered}
    assert all(results[texts.index(t)].cached for t in answered)


def test_malformed_bodies_are_retried_then_reported_per_item(tmp_path: Path) -> None:
    def responder(request: Request) -> Reply:
        if "always" in request.content:
            return Reply(raw_body=b'{"choices": [')
        if "once" in request.content and request.attempt == 1:
            return Reply(raw_body=b'{"id": "x"}')  # valid JSON, not a completion
        return Reply("9,9")

    with FakeOpenAIServer(responder) as server:
        client = client_for(server, tmp_path, max_retries=2)
        once, always = client.complete(conversations("once", "always"))
        assert once.text == "9,9" and server.attempts["once"] == 2
        assert always.text is None and "malformed response body" in (always.error or "")
        assert server.attempts["always"] == 3
        client.complete(conversations("once", "always"))  # errors are not cached, answers are
    assert server.attempts["once"] == 2 and server.attempts["always"] == 6


def test_a_bad_key_or_model_fails_at_once_without_retries(tmp_path: Path) -> None:
    with FakeOpenAIServer(lambda r: Reply(status=401)) as server:
        client = client_for(server, tmp_path)
        with pytest.raises(JudgeError, match="refused the request: HTTP 401"):
            client.complete(conversations("a"))
    assert len(server.requests) == 1


def test_a_400_is_an_error_for_that_item_only(tmp_path: Path) -> None:
    with FakeOpenAIServer(lambda r: Reply(status=400) if "long" in r.content else Reply("1,2")) as server:
        long, short = client_for(server, tmp_path).complete(conversations("too long", "short"))
    assert long.text is None and "HTTP 400" in (long.error or "")
    assert short.text == "1,2"
    assert server.attempts["too long"] == 1


def test_timeouts_are_retried_then_fail(tmp_path: Path) -> None:
    with FakeOpenAIServer(latency_s=1.0) as server:
        client = client_for(server, tmp_path, timeout=0.2, max_retries=1)
        with pytest.raises(JudgeError, match=r"timeout after 0.2s"):
            client.complete(conversations("slow"))
    assert server.attempts["slow"] == 2


def test_connection_refused_names_the_endpoint(tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        url = server.base_url
    client = ChatClient("gpt-4", base_url=url, cache=DiskCache("chat", root=tmp_path), max_retries=1,
                        backoff_base_s=0.01)
    with pytest.raises(JudgeError, match=r"127\.0\.0\.1.*connection error"):
        client.complete(conversations("anyone?"))


# -- concurrency, cache reuse, usage --------------------------------------------------------------


def test_concurrency_is_bounded_and_used(tmp_path: Path) -> None:
    with FakeOpenAIServer(latency_s=0.1) as server:
        client = client_for(server, tmp_path, max_concurrency=4)
        client._openai()  # `import openai` (1-3 s on a busy machine) is not what this test times
        start = time.perf_counter()
        results = client.complete(conversations(*[f"q{i}" for i in range(16)]))
        elapsed = time.perf_counter() - start
    assert len(results) == 16
    assert server.max_in_flight == 4
    assert elapsed < 16 * 0.1 / 2  # at least twice as fast as one at a time (ideal: 0.4 s)


def test_rerun_is_served_from_cache_and_keys_track_sampling(tmp_path: Path) -> None:
    texts = ["a", "b", "a"]  # a duplicate is asked once
    with FakeOpenAIServer() as server:
        client = client_for(server, tmp_path)
        first = client.complete(conversations(*texts), temperature=0.0, max_tokens=8)
        assert len(server.requests) == 2
        # regression: an empty DiskCache was falsy, so `cache or default` wrote to the default cache instead
        assert len(DiskCache("chat", root=tmp_path)) == 2
        assert [r.cached for r in first] == [False, False, True]
        again = client_for(server, tmp_path).complete(conversations(*texts), temperature=0.0, max_tokens=8)
        assert len(server.requests) == 2 and all(r.cached for r in again)
        assert again[0].usage == first[0].usage  # usage is kept with the cached answer
        client.complete(conversations("a"), temperature=0.7, max_tokens=8)
        client.complete(conversations("a"), temperature=0.0, max_tokens=9)
        assert len(server.requests) == 4
        other_model = ChatClient("gpt-3.5-turbo", base_url=server.base_url, api_key=SECRET,
                                 cache=DiskCache("chat", root=tmp_path))
        other_model.complete(conversations("a"), temperature=0.0, max_tokens=8)
        assert len(server.requests) == 5


def test_usage_counts_tokens_and_estimates_cost(tmp_path: Path) -> None:
    with FakeOpenAIServer(lambda r: Reply("one two three")) as server:
        client = client_for(server, tmp_path)
        client.complete(conversations("four words of prompt", "two words"))
        client.complete(conversations("two words"))
    usage = client.usage()
    # the fake server counts whitespace-separated words as tokens
    assert usage["prompt_tokens"] == 6 and usage["completion_tokens"] == 6
    assert usage["calls"] == 2 and usage["cached"] == 1
    assert usage["est_cost_usd"] == pytest.approx(6 / 1000 * 0.03 + 6 / 1000 * 0.06)
    custom = ChatClient(
        "local-model", base_url=server.base_url, price_per_1k_input=1.0, price_per_1k_output=2.0
    )
    assert custom.usage()["est_cost_usd"] == 0.0
    assert ChatClient("local-model", base_url=server.base_url).usage()["est_cost_usd"] is None


def test_openai_env_vars_are_honoured_and_the_key_is_never_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeOpenAIServer(lambda r: Reply(status=429) if r.attempt == 1 else Reply("3,4")) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", SECRET)
        client = ChatClient("gpt-4", cache=DiskCache("chat", root=tmp_path), backoff_base_s=0.01)
        [result] = client.complete(conversations("hello"))
    assert result.text == "3,4"
    assert server.authorizations == {f"Bearer {SECRET}"}  # sent on the wire ...
    for file in tmp_path.rglob("*"):  # ... but not in the cache (db, WAL, shm)
        if file.is_file():
            assert SECRET.encode() not in file.read_bytes()
    assert SECRET not in caplog.text
    assert "retry 1/6" in caplog.text  # the retry was logged, without the key


def test_no_key_for_the_openai_api_is_a_clear_error(tmp_path: Path) -> None:
    client = ChatClient("gpt-4", base_url="https://api.openai.com/v1", cache=DiskCache("c", root=tmp_path))
    with pytest.raises(JudgeError, match="set OPENAI_API_KEY"):
        client.complete(conversations("x"))


_KILLED_RUN = """
import sys
from pathlib import Path
from ifteval.runtime import ChatClient, DiskCache
client = ChatClient("gpt-4", base_url=sys.argv[1], cache=DiskCache("chat", root=Path(sys.argv[2])),
                    max_concurrency=2)
client.complete([[{"role": "user", "content": f"q{i}"}] for i in range(50)], progress=False)
"""


def test_a_killed_run_resumes_without_repeating_finished_calls(tmp_path: Path) -> None:
    """SIGKILL mid-run, then rerun: only the calls the killed process had not finished are made again.
    (This test found the bug where an empty cache passed to ChatClient was silently replaced.)"""
    with FakeOpenAIServer(latency_s=0.05) as server:
        repo = Path(__file__).parents[2]
        proc = subprocess.Popen([sys.executable, "-c", _KILLED_RUN, server.base_url, str(tmp_path)], cwd=repo)
        deadline = time.monotonic() + 60
        while len(server.requests) < 12 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        proc.kill()  # SIGKILL: no cleanup, no flush
        proc.wait(timeout=10)
        finished = len(DiskCache("chat", root=tmp_path))
        assert 8 <= finished < 50
        server.reset_counts()
        client = client_for(server, tmp_path)
        client.complete(conversations(*[f"q{i}" for i in range(50)]), progress=False)
    assert len(server.requests) == 50 - finished  # only what the killed run had not finished
    assert client.usage()["cached"] == finished


def test_request_body_carries_sampling_and_omits_unset_fields(tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        client = client_for(server, tmp_path)
        client.complete(conversations("plain"), temperature=0.3, max_tokens=7)
        client.complete(conversations("stops"), temperature=0.0, max_tokens=5, stop=["\n"])
    plain, stops = (r.body for r in server.requests)
    assert plain == {"model": "gpt-4", "messages": [{"role": "user", "content": "plain"}],
                     "temperature": 0.3, "max_tokens": 7}
    assert stops["stop"] == ["\n"] and stops["max_tokens"] == 5
