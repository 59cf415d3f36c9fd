"""An OpenAI-compatible chat-completions client built for evaluation: many calls, few surprises.

Calls run on a bounded thread pool; 429/5xx/timeouts/connection errors are retried with exponential
backoff and jitter, honouring `Retry-After`; every answer goes into the disk cache the moment it arrives
(written by the calling thread alone: a worker waiting on SQLite's write lock held its concurrency slot
for up to 0.1 s), and the cache is read before any call, so a rerun or a resumed killed run makes no
repeated call. The API key is used for the request header only: it is never part of a cache key, a log
line or an error message.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Protocol

from ifteval.errors import ConfigError, JudgeError
from ifteval.runtime.cache import DiskCache, cache_key
from ifteval.runtime.retry import backoff_s, retry_after_s
from ifteval.runtime.usage import Usage
from ifteval.secrets import endpoint_id, mask, register_secret, register_url

log = logging.getLogger("ifteval.runtime")

DEFAULT_BASE_URL = "https://api.openai.com/v1"
RETRYABLE_STATUS = frozenset({408, 409, 425, 429})  # plus every 5xx
FATAL_STATUS = frozenset({401, 403, 404})  # a wrong key, model or URL: no point asking again

Message = Mapping[str, str]


@dataclass(frozen=True)
class ChatResult:
    """One conversation's answer.

    text: the assistant's reply, or None when `error` is set.
    usage: prompt_tokens and completion_tokens as the endpoint reported them (kept for cached answers too).
    cached: True when the answer came from the disk cache and no call was made.
    error: why there is no text (a 400 for this prompt, a body that was never valid JSON), else None.
    """

    text: str | None
    usage: Mapping[str, int] = field(default_factory=dict)
    cached: bool = False
    error: str | None = None


class ChatBackend(Protocol):
    """What an LLM judge calls: `ChatClient` (an endpoint) or `generation.local_chat.LocalChatClient`."""

    model: str

    def complete(
        self,
        conversations: Sequence[Sequence[Message]],
        temperature: float = 0.0,
        max_tokens: int = 256,
        stop: Sequence[str] | None = None,
        progress: bool = True,
        desc: str = "chat",
    ) -> list[ChatResult]: ...

    def usage(self) -> dict[str, Any]: ...


class _Exhausted(Exception):
    """Every retry of one call failed with a transport-level error (the endpoint looks down)."""


class _Fatal(Exception):
    """The endpoint refused the request in a way no retry fixes (401, 403, 404)."""


class _Malformed(Exception):
    """The endpoint answered 200 with a body that is not a chat completion."""


class ChatClient:
    """`ChatClient(model, base_url).complete(conversations, temperature, max_tokens)` -> list[ChatResult].

    base_url and api_key default to `OPENAI_BASE_URL` and `$api_key_env` (`OPENAI_API_KEY`). A local
    endpoint needs no key. `price_per_1k_input/output` override the price table for cost estimates.
    """

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        api_key_env: str = "OPENAI_API_KEY",
        max_concurrency: int = 16,
        max_retries: int = 6,
        timeout: float = 60.0,
        backoff_base_s: float = 0.5,
        backoff_max_s: float = 60.0,
        cache: DiskCache | None = None,
        use_cache: bool = True,
        price_per_1k_input: float | None = None,
        price_per_1k_output: float | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> None:
        if max_concurrency < 1 or max_retries < 0 or timeout <= 0:
            raise ConfigError(
                f"chat client for '{model}': need max_concurrency >= 1, max_retries >= 0 and timeout > 0 "
                f"(got {max_concurrency}, {max_retries}, {timeout})"
            )
        self.model = model
        self.base_url = base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        self.endpoint = endpoint_id(self.base_url)
        self._api_key = api_key if api_key is not None else os.environ.get(api_key_env)
        self._api_key_env = api_key_env
        register_secret(self._api_key)  # masked from now on in replies, caches, results and errors
        register_url(self.base_url)
        self.max_concurrency = max_concurrency
        self.max_retries = max_retries
        self.timeout = timeout
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self.cache = (cache if cache is not None else DiskCache("chat")) if use_cache else None
        self.extra_body = dict(extra_body or {})
        self.usage_counter = Usage.for_model(model, price_per_1k_input, price_per_1k_output)
        self._client: Any = None
        self._client_lock = threading.Lock()

    # -- public -----------------------------------------------------------------------------------

    def key_for(
        self, messages: Sequence[Message], temperature: float, max_tokens: int, stop: Sequence[str] | None
    ) -> dict[str, Any]:
        """Everything that changes the answer (never the key): endpoint, model, messages, sampling."""
        return {
            "api": "chat.completions",
            "endpoint": self.endpoint,
            "model": self.model,
            "messages": [dict(m) for m in messages],
            "temperature": temperature,
            "max_tokens": max_tokens,
            "stop": list(stop) if stop else None,
            "extra": self.extra_body,
        }

    def complete(
        self,
        conversations: Sequence[Sequence[Message]],
        temperature: float = 0.0,
        max_tokens: int = 256,
        stop: Sequence[str] | None = None,
        progress: bool = True,
        desc: str = "chat",
    ) -> list[ChatResult]:
        """Answer every conversation (cached answers first, the rest concurrently), in input order.

        Raises JudgeError when the endpoint stays down after all retries, or refuses the key/model;
        answers obtained before that are already in the cache.
        """
        keys = [self.key_for(c, temperature, max_tokens, stop) for c in conversations]
        results: list[ChatResult | None] = [None] * len(keys)
        hits = self.cache.get_many(keys) if self.cache else [None] * len(keys)
        todo: dict[str, list[int]] = {}
        for i, (key, hit) in enumerate(zip(keys, hits, strict=True)):
            if hit is not None:
                results[i] = ChatResult(hit["text"], hit.get("usage", {}), cached=True)
            else:
                todo.setdefault(cache_key(key), []).append(i)
        self.usage_counter.add(cached=len(keys) - sum(len(v) for v in todo.values()))
        if todo:
            jobs = {digest: (conversations[idx[0]], keys[idx[0]]) for digest, idx in todo.items()}
            answers = self._run(jobs, temperature, max_tokens, stop, progress, desc)
            for digest, indices in todo.items():
                for n, i in enumerate(indices):
                    answer = answers[digest]
                    # identical conversations in one batch are asked once; the copies count as cached
                    copy = ChatResult(answer.text, answer.usage, True, answer.error)
                    results[i] = answer if n == 0 else copy
                self.usage_counter.add(cached=len(indices) - 1)
        return [r for r in results if r is not None]

    def usage(self) -> dict[str, Any]:
        """calls, cached, retries, errors, prompt/completion tokens and est_cost_usd (None if unpriced)."""
        return self.usage_counter.as_dict()

    # -- internals --------------------------------------------------------------------------------

    def _openai(self) -> Any:
        with self._client_lock:
            if self._client is None:
                import openai

                key = self._api_key
                if not key:
                    if self.endpoint == endpoint_id(DEFAULT_BASE_URL):
                        raise JudgeError(
                            f"no API key for {self.endpoint}: set {self._api_key_env} in the environment "
                            "(keys are never read from presets or written to results)"
                        )
                    key = "EMPTY"  # local OpenAI-compatible servers accept any key
                self._client = openai.OpenAI(
                    api_key=key, base_url=self.base_url, timeout=self.timeout, max_retries=0
                )
            return self._client

    def _run(
        self,
        jobs: Mapping[str, tuple[Sequence[Message], dict[str, Any]]],
        temperature: float,
        max_tokens: int,
        stop: Sequence[str] | None,
        progress: bool,
        desc: str,
    ) -> dict[str, ChatResult]:
        from tqdm.auto import tqdm

        client = self._openai()
        abort = threading.Event()
        answers: dict[str, ChatResult] = {}
        bar = tqdm(total=len(jobs), desc=desc, unit="call", disable=None if progress else True, leave=False)
        workers = min(self.max_concurrency, len(jobs))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ifteval-chat") as pool:
            futures: dict[Future[ChatResult | None], str] = {
                pool.submit(self._call, client, messages, temperature, max_tokens, stop, abort): digest
                for digest, (messages, _key) in jobs.items()
            }
            failure: BaseException | None = None
            try:
                for future in as_completed(futures):  # one waiter per future, not one per wakeup
                    if future.cancelled():
                        continue
                    error = future.exception()
                    if error is not None:
                        if failure is None:
                            failure = error
                            abort.set()
                            for other in futures:
                                other.cancel()
                        continue
                    result = future.result()
                    if result is not None:
                        digest = futures[future]
                        answers[digest] = result
                        if self.cache is not None and result.error is None:
                            self.cache.put(jobs[digest][1], {"text": result.text, "usage": result.usage})
                        bar.update(1)
            except BaseException:  # KeyboardInterrupt: stop asking, keep what is cached
                abort.set()
                for other in futures:
                    other.cancel()
                raise
            finally:
                bar.close()
        if failure is not None:
            raise self._judge_error(failure, done=len(answers), total=len(jobs)) from None
        return answers

    def _call(
        self,
        client: Any,
        messages: Sequence[Message],
        temperature: float,
        max_tokens: int,
        stop: Sequence[str] | None,
        abort: threading.Event,
    ) -> ChatResult | None:
        import httpx
        import openai

        body: dict[str, Any] = {
            "model": self.model,
            "messages": [dict(m) for m in messages],
            "temperature": temperature,
            "max_tokens": max_tokens,
        }
        if stop:  # omitted, not null: strict servers reject `"stop": null`
            body["stop"] = list(stop)
        body.update(self.extra_body)  # what the SDK's `extra_body` does: top-level JSON fields
        last = "no attempt made"
        malformed = False
        for attempt in range(self.max_retries + 1):
            if abort.is_set():
                return None
            wait_s: float | None = None
            try:
                # the SDK's documented `client.post` (its auth, base URL, timeout and status errors)
                # with the body read as JSON here: `chat.completions.create` spent ~0.3 ms of CPU a
                # call validating the request and building pydantic models, 40% of the client's cost
                # (benchmarks/bench_llm_judge.py at concurrency 64)
                self.usage_counter.add(requests=1)  # every request sent counts, answered or not
                response = client.post("/chat/completions", body=body, cast_to=httpx.Response)
                text, usage = _read_completion(json.loads(response.content))
            except openai.APIStatusError as exc:
                status = exc.status_code
                last = f"HTTP {status} ({_short(self._redact(str(exc.message)))})"
                if status in FATAL_STATUS:
                    raise _Fatal(last) from None
                if status not in RETRYABLE_STATUS and status < 500:
                    self.usage_counter.add(errors=1)
                    return ChatResult(None, error=last)
                malformed = False
                wait_s = retry_after_s(exc.response.headers)
            except openai.APITimeoutError:
                last, malformed = f"timeout after {self.timeout:g}s", False
            except openai.APIConnectionError as exc:
                cause = self._redact(str(exc.__cause__ or exc))
                last, malformed = f"connection error ({_short(cause)})", False
            except (json.JSONDecodeError, _Malformed, openai.APIResponseValidationError) as exc:
                last, malformed = f"malformed response body ({_short(self._redact(str(exc)))})", True
            else:  # the calling thread caches the answer (see the module docstring)
                text = mask(text)  # an endpoint that echoes the key must not put it in caches or results
                self.usage_counter.add(calls=1, **usage)
                return ChatResult(text, usage)
            if attempt == self.max_retries:
                break
            delay = backoff_s(attempt, self.backoff_base_s, self.backoff_max_s) if wait_s is None else wait_s
            self.usage_counter.add(retries=1)
            log.info(
                "%s (model %s): %s; retry %d/%d in %.2fs",
                self.endpoint, self.model, last, attempt + 1, self.max_retries, delay,
            )
            if abort.wait(delay):
                return None
        if malformed:  # the endpoint is up but this answer never parsed: an error for this item only
            self.usage_counter.add(errors=1)
            return ChatResult(None, error=last)
        raise _Exhausted(last)

    def _judge_error(self, failure: BaseException, done: int, total: int) -> BaseException:
        where = f"{self.endpoint} (model '{self.model}')"
        if isinstance(failure, _Fatal):
            return JudgeError(
                f"{where} refused the request: {failure}. Check the model name, base_url and "
                f"${self._api_key_env}."
            )
        if isinstance(failure, _Exhausted):
            return JudgeError(
                f"{where} failed after {self.max_retries + 1} attempts, last error: {failure}; "
                f"{done}/{total} new answers were cached and a rerun resumes from them."
            )
        return failure

    def _redact(self, text: str) -> str:
        if self._api_key:
            text = text.replace(self._api_key, "***")
        return mask(text)


def _read_completion(body: Any) -> tuple[str, dict[str, int]]:
    """The first choice's text and the token usage of a chat.completion JSON body; a body without
    them is malformed."""
    choices = body.get("choices") if isinstance(body, dict) else None
    if not choices or not isinstance(choices, list) or not isinstance(choices[0], dict):
        raise _Malformed("no choices in the response")
    message = choices[0].get("message")
    text = message.get("content") if isinstance(message, dict) else None
    if not isinstance(text, str):
        raise _Malformed("the first choice has no message content")
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    try:
        return text, {
            "prompt_tokens": int(usage.get("prompt_tokens") or 0),
            "completion_tokens": int(usage.get("completion_tokens") or 0),
        }
    except (TypeError, ValueError) as exc:
        raise _Malformed(f"token usage is not a number: {exc}") from None


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
