"""`--model openai-chat`: generate through an OpenAI-compatible chat endpoint (vLLM, TGI, transformers serve).

Users who outgrow one machine scale out on an existing serving engine rather than on ours. Calls go
through the shared `ifteval.runtime.ChatClient`, so generation has the same bounded concurrency, retries,
`Retry-After` handling, usage counting and disk cache as the LLM judges. The API key is read from an
environment variable only, so it never lands in `results.json` (which records the model args).

A request the server refuses (HTTP 400 "maximum context length", a body that never parsed) keeps its row
and scores as an empty answer, but never silently: each `generate_until` call prints one warning line
naming how many failed and the first error, `usage()["errors"]` / `usage()["first_error"]` count them
for results.json, and a call in which every request failed raises `IftevalError`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from lm_eval.api.model import LM

from ifteval.errors import ConfigError, IftevalError
from ifteval.generation.params import group_requests, truncate_at_stops
from ifteval.runtime.chat import ChatClient

MODEL_ARGS = {
    "model": "the model name the server knows (required)",
    "base_url": "e.g. http://127.0.0.1:8000/v1 (default: $OPENAI_BASE_URL, else api.openai.com)",
    "api_key_env": "the environment variable holding the key (default OPENAI_API_KEY)",
    "max_concurrency": "requests in flight at once (default 8); alias num_concurrent",
    "num_concurrent": "lm-eval's name for max_concurrency",
    "max_retries": "retries on 429/5xx/timeouts (default 6)",
    "timeout": "seconds per request (default 120)",
}


class OpenAIChatLM(LM):
    """Generation-only lm-eval `LM` over an OpenAI-compatible `/v1/chat/completions` endpoint."""

    def __init__(self, client: Any, progress: bool = True) -> None:
        super().__init__()
        self.client = client
        self.progress = progress
        self.errors = 0  # requests whose answer is empty because the request failed (all calls)
        self.first_error: str | None = None

    @classmethod
    def from_model_args(
        cls, model_args: Mapping[str, Any], use_cache: bool = True, progress: bool = True
    ) -> OpenAIChatLM:
        """Validate `--model-args` and build the shared `ChatClient` (secrets only from the environment)."""
        args = dict(model_args)
        for secret in ("api_key", "key", "token"):
            if secret in args:
                raise ConfigError(
                    f"--model-args '{secret}=...' would be written into results.json; put the key in an "
                    "environment variable and pass api_key_env=NAME (default OPENAI_API_KEY)"
                )
        unknown = sorted(set(args) - set(MODEL_ARGS))
        if unknown:
            valid = ", ".join(sorted(MODEL_ARGS))
            raise ConfigError(f"unknown --model-args key '{unknown[0]}' for --model openai-chat ({valid})")
        if not args.get("model"):
            raise ConfigError("--model openai-chat needs --model-args model=NAME[,base_url=URL]")
        concurrency = args.get("max_concurrency", args.get("num_concurrent", 8))
        try:
            client = ChatClient(
                str(args["model"]),
                base_url=str(args["base_url"]) if args.get("base_url") else None,
                api_key_env=str(args.get("api_key_env", "OPENAI_API_KEY")),
                max_concurrency=int(concurrency),
                max_retries=int(args.get("max_retries", 6)),
                timeout=float(args.get("timeout", 120.0)),
                use_cache=use_cache,
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"--model openai-chat: bad model arg: {exc}") from exc
        return cls(client, progress=progress)

    # -- lm-eval plumbing ---------------------------------------------------------------------
    @property
    def tokenizer_name(self) -> str:
        return f"openai-chat__{self.client.model}".replace("/", "__")

    def chat_template(self, chat_template: bool | str = False) -> str:
        return ""  # the server applies its own template

    def apply_chat_template(
        self, chat_history: list[dict[str, str]], add_generation_prompt: bool = True
    ) -> str:
        """The messages as JSON (lm-eval's API models do the same); the server renders them."""
        return json.dumps(chat_history, ensure_ascii=False)

    def identity(self) -> dict[str, Any]:
        """What names the outputs' source in results.json (no key, no credentials in the URL)."""
        return {"api": "openai-chat", "endpoint": self.client.endpoint, "model": self.client.model}

    def usage(self) -> dict[str, Any]:
        """The client's counters, with `errors` = failed requests (scored as empty answers) and the first
        error's message (`first_error`, None when none failed)."""
        return {**self.client.usage(), "errors": self.errors, "first_error": self.first_error}

    # -- requests -----------------------------------------------------------------------------
    def generate_until(self, requests: Sequence[Any], disable_tqdm: bool = False) -> list[str]:
        """One chat call per request, grouped by generation parameters, concurrently, in order."""
        contexts, groups = group_requests(requests)
        conversations = [to_messages(context) for context in contexts]
        outputs = [""] * len(requests)
        failed: list[str] = []
        for params, indices in groups.items():
            if params.generate_kwargs:
                raise IftevalError(
                    f"--model openai-chat sends only temperature, max_tokens and stop; the task's "
                    f"generation_kwargs '{params.generate_kwargs[0][0]}' cannot be sent (use --model hf)"
                )
            stops = [s for s in params.until if s]
            answers = self.client.complete(
                [conversations[i] for i in indices],
                temperature=params.temperature,
                max_tokens=params.max_gen_toks,
                stop=stops or None,
                progress=self.progress and not disable_tqdm,
                desc="generating",
            )
            for i, answer in zip(indices, answers, strict=True):
                if answer.error is not None:  # kept as an empty answer (scored wrong), but counted
                    failed.append(answer.error)
                # servers may ignore `stop`
                outputs[i] = truncate_at_stops(answer.text or "", stops)
        self._report_failures(failed, len(requests))
        return outputs

    def _report_failures(self, failed: list[str], total: int) -> None:
        """Count failed requests, warn in one line, and refuse a call in which every request failed."""
        if not failed:
            return
        self.errors += len(failed)
        self.first_error = self.first_error or failed[0]
        where = f"{self.client.endpoint} (model {self.client.model})"
        if len(failed) == total:
            raise IftevalError(
                f"--model openai-chat: all {total} requests to {where} failed; first error: {failed[0]}"
            )
        print(
            f"ifteval: warning: {len(failed)} of {total} requests to {where} failed and score as empty "
            f"answers; first error: {failed[0]}",
            file=sys.stderr,
        )

    def loglikelihood(self, requests: Sequence[Any], disable_tqdm: bool = False) -> list[tuple[float, bool]]:
        raise IftevalError(
            "--model openai-chat only generates; chat endpoints return no prompt log-probabilities. "
            "For multiple-choice tasks use --model lm-eval:local-completions"
        )

    def loglikelihood_rolling(self, requests: Sequence[Any], disable_tqdm: bool = False) -> list[float]:
        return self.loglikelihood(requests)  # type: ignore[return-value]


def to_messages(context: Any) -> list[dict[str, str]]:
    """lm-eval's context -> chat messages: our JSON message list, or plain text as one user turn."""
    text = getattr(context, "prompt", context)  # lm-eval's JsonChatStr carries the JSON in .prompt
    if isinstance(text, str) and text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list) and parsed and all(
            isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
            for m in parsed
        ):
            return [{"role": m["role"], "content": m["content"]} for m in parsed]
    return [{"role": "user", "content": str(text)}]
