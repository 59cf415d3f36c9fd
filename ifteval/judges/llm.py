"""LLM judges (paper A.3): a Jinja prompt, an OpenAI-compatible endpoint or a local model, a parse rule.

`mode: paired` is the paper's prompt: the prediction is response 1, the gold answer response 2, both rated
0-10; the prediction's score scaled to [0, 1] is the value and the gold's is `score_reference`. `swap:
true` also asks with the order reversed and averages, reporting `position_bias` (the prediction's score as
response 1 minus as response 2). `mode: single` rates the prediction alone (reference-free). A reply
without valid scores is a null verdict (`unparsed`), counted as invalid, never a 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from ifteval.errors import ConfigError
from ifteval.generation.local_chat import LocalChatClient
from ifteval.judges.base import BaseJudge
from ifteval.judges.parse import SCORES_PER_RULE, ParsedScores, get_parser
from ifteval.judges.preflight import all_failed_error
from ifteval.registry import plugin_root
from ifteval.runtime.chat import ChatBackend, ChatClient, ChatResult
from ifteval.runtime.usage import Usage
from ifteval.types import JudgeSpec, Sample, Verdict

Mode = Literal["paired", "single"]
Backend = Literal["openai", "local"]
NO_ANSWER = "(no answer: the question cannot be answered from the context)"
_DEFAULTS: dict[str, tuple[str, str]] = {  # mode -> (template, parse rule)
    "paired": ("prompts/paired.j2", "paired_csv"),
    "single": ("prompts/single.j2", "single_score"),
}


def display_reference(references: Sequence[str]) -> str:
    """The gold answers (`Sample.references`) as a reader would write them: several (SQuAD) are joined
    with " / ", unanswerable (`("",)`) becomes `NO_ANSWER`, a single answer is itself."""
    if tuple(references) == ("",):
        return NO_ANSWER
    return " / ".join(references)


class LLMJudge(BaseJudge):
    """Kind `llm`: see `docs/llm-judges.md` for every argument; keys come from the environment only."""

    reads_prompt = True  # the instruction is part of every judge prompt

    def __init__(
        self,
        name: str,
        model: str | None = None,
        *,
        mode: Mode = "paired",
        template: str | None = None,
        parse: str | None = None,
        swap: bool = False,
        temperature: float = 0.0,
        max_tokens: int = 32,
        backend: Backend = "openai",
        base_url: str | None = None,
        api_key_env: str = "OPENAI_API_KEY",
        api_key: None = None,
        max_concurrency: int = 16,
        max_retries: int = 6,
        timeout: float = 60.0,
        backoff_base_s: float = 0.5,
        price_per_1k_input: float | None = None,
        price_per_1k_output: float | None = None,
        local_model: str | None = None,
        batch_size: int | str = 8,
        progress: bool = True,
        spec: JudgeSpec | None = None,
    ) -> None:
        where = f"judge '{name}'"
        if api_key is not None:
            raise ConfigError(
                f"{where}: 'api_key' may not be set in a preset or override (it would be written into "
                f"results); put the key in the environment and name the variable with 'api_key_env'"
            )
        if mode not in _DEFAULTS:
            raise ConfigError(f"{where}: mode '{mode}' is not one of {', '.join(_DEFAULTS)}")
        if backend not in ("openai", "local"):
            raise ConfigError(f"{where}: backend '{backend}' is not one of openai, local")
        if backend == "openai" and not model:
            raise ConfigError(f"{where}: backend 'openai' needs 'model' (e.g. gpt-4)")
        self.parse_rule = parse or _DEFAULTS[mode][1]
        self._parse = get_parser(self.parse_rule)
        expected = 2 if mode == "paired" else 1
        if SCORES_PER_RULE[self.parse_rule] != expected:
            raise ConfigError(
                f"{where}: parse rule '{self.parse_rule}' reads {SCORES_PER_RULE[self.parse_rule]} score(s) "
                f"but mode '{mode}' needs {expected}"
            )
        if swap and mode != "paired":
            raise ConfigError(f"{where}: 'swap: true' needs mode 'paired' (there is no order to swap)")
        if max_tokens < 1:
            raise ConfigError(f"{where}: max_tokens must be >= 1")
        super().__init__(name, spec)
        self.model = model
        self.mode: Mode = mode
        self.template = template or _DEFAULTS[mode][0]
        self.swap = swap
        self.temperature = float(temperature)
        self.max_tokens = int(max_tokens)
        self.backend: Backend = backend
        self.requires_reference = mode == "paired"
        self.progress = progress
        self._client_args: dict[str, Any] = {
            "base_url": base_url,
            "api_key_env": api_key_env,
            "max_concurrency": max_concurrency,
            "max_retries": max_retries,
            "timeout": timeout,
            "backoff_base_s": backoff_base_s,
            "price_per_1k_input": price_per_1k_input,
            "price_per_1k_output": price_per_1k_output,
        }
        self._local_args: dict[str, Any] = {"pretrained": local_model, "batch_size": batch_size}
        self._client: ChatBackend | None = None
        self._jinja: Any = None
        self._judged = 0
        self._invalid = 0
        self._biases: list[float] = []

    # -- the call path ----------------------------------------------------------------------------

    @property
    def client(self) -> ChatBackend:
        """The ChatClient (openai backend) or LocalChatClient (local backend), built on first use."""
        if self._client is None:
            if self.backend == "local":
                self._client = LocalChatClient(**self._local_args)
            else:
                self._client = ChatClient(self.model or "", **self._client_args)
        return self._client

    def ask(
        self, prompts: Sequence[str], max_tokens: int | None = None, desc: str | None = None
    ) -> list[ChatResult]:
        """Send each prompt as one user message to this judge's model (cached); returns ChatResults."""
        conversations = [[{"role": "user", "content": p}] for p in prompts]
        return self.client.complete(
            conversations,
            temperature=self.temperature,
            max_tokens=max_tokens or self.max_tokens,
            progress=self.progress,
            desc=desc or f"judge {self.name}",
        )

    def render(self, template: str | None = None, **variables: Any) -> str:
        """Render a prompt template (StrictUndefined: a missing variable is an error, not an empty string)."""
        import jinja2

        name = template or self.template
        try:
            return self._template(name).render(**variables)
        except jinja2.UndefinedError as exc:
            raise ConfigError(
                f"judge '{self.name}': template '{name}': {exc}; it may use {', '.join(sorted(variables))}"
            ) from exc

    def score(self, samples: Sequence[Sample]) -> list[Verdict]:
        """One verdict per sample; paired mode without a reference gives an `error` verdict for that row."""
        prompts: list[str] = []
        for sample in samples:
            if self.mode == "single":
                prompts.append(self.render(prompt=sample.prompt, response=sample.prediction))
            elif sample.references:
                gold = display_reference(sample.references)
                prompts.append(self.render(prompt=sample.prompt, response1=sample.prediction, response2=gold))
                if self.swap:
                    prompts.append(self.render(prompt=sample.prompt, response1=gold,
                                               response2=sample.prediction))
        replies = self.ask(prompts)
        failed = [reply.error for reply in replies if reply.error is not None]
        if replies and len(failed) == len(replies) and self.backend == "openai":
            raise all_failed_error(self, len(replies), failed[0])  # no silent run of nulls
        answers = iter(replies)
        verdicts = []
        for sample in samples:
            if self.mode == "paired" and not sample.references:
                verdict = Verdict(None, status="error", reason="no reference for the paired prompt")
            elif self.mode == "single":
                verdict = self._single(next(answers))
            elif self.swap:
                verdict = self._swapped(next(answers), next(answers))
            else:
                verdict = self._paired(next(answers))
            verdicts.append(verdict)
        self._judged += len(verdicts)
        self._invalid += sum(v.value is None for v in verdicts)
        return verdicts

    def usage(self) -> dict[str, Any]:
        """Calls, cache hits, retries, errors, tokens, est_cost_usd, judged, invalid (+ position_bias)."""
        counts = Usage().as_dict() if self._client is None else self._client.usage()
        counts.update(judged=self._judged, invalid=self._invalid)
        if self.swap:
            counts["position_bias"] = sum(self._biases) / len(self._biases) if self._biases else None
        return counts

    # -- verdicts ---------------------------------------------------------------------------------

    def _read(self, answer: ChatResult) -> tuple[ParsedScores | None, Verdict | None]:
        if answer.error is not None:
            return None, Verdict(None, status="error", reason=answer.error)
        parsed = self._parse(answer.text)
        if not parsed.ok:
            return None, Verdict(None, status="unparsed", reason=parsed.reason, raw=answer.text)
        return parsed, None

    def _single(self, answer: ChatResult) -> Verdict:
        parsed, failed = self._read(answer)
        if failed is not None or parsed is None:
            return failed  # type: ignore[return-value]
        return Verdict(parsed.scores[0] / 10.0, raw=answer.text)  # type: ignore[index]

    def _paired(self, answer: ChatResult) -> Verdict:
        parsed, failed = self._read(answer)
        if failed is not None or parsed is None:
            return failed  # type: ignore[return-value]
        prediction, reference = parsed.scores  # type: ignore[misc]
        return Verdict(prediction / 10.0, raw=answer.text, extras={"score_reference": reference / 10.0})

    def _swapped(self, forward: ChatResult, backward: ChatResult) -> Verdict:
        """Average both orders; both must parse (a half-judged sample is invalid, not a one-order score)."""
        raw = f"{forward.text}\n--- swapped ---\n{backward.text}"
        first, failed_first = self._read(forward)
        second, failed_second = self._read(backward)
        for order, failed in (("prediction first", failed_first), ("reference first", failed_second)):
            if failed is not None:
                return Verdict(None, status=failed.status, reason=f"{order}: {failed.reason}", raw=raw)
        pred_as_1, ref_as_2 = first.scores  # type: ignore[union-attr,misc]
        ref_as_1, pred_as_2 = second.scores  # type: ignore[union-attr,misc]
        bias = (pred_as_1 - pred_as_2) / 10.0
        self._biases.append(bias)
        return Verdict(
            (pred_as_1 + pred_as_2) / 20.0,
            raw=raw,
            extras={"score_reference": (ref_as_2 + ref_as_1) / 20.0, "position_bias": bias},
        )

    # -- templates --------------------------------------------------------------------------------

    def _template(self, template: str) -> Any:
        import jinja2

        if self._jinja is None:
            self._jinja = jinja2.Environment(
                loader=jinja2.FileSystemLoader(str(self._template_root())),
                undefined=jinja2.StrictUndefined,
                autoescape=False,
                keep_trailing_newline=False,
            )
        path = Path(template)
        try:
            if path.is_absolute():
                return self._jinja.from_string(path.read_text())
            return self._jinja.get_template(path.as_posix())
        except (OSError, jinja2.TemplateNotFound) as exc:
            raise ConfigError(
                f"judge '{self.name}': prompt template '{template}' not found under {self._template_root()}"
            ) from exc
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(f"judge '{self.name}': template '{template}' line {exc.lineno}: {exc}") from exc

    def _template_root(self) -> Path:
        """Templates resolve against the preset's folder, else the bundled `ifteval_judges/` folder."""
        if self.spec.path is not None:
            return Path(self.spec.path).resolve().parent

        return plugin_root() / "ifteval_judges"
