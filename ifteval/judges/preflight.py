"""Judges say what they lack before any work: a key, a reachable endpoint, the model it serves, model files.

`ifteval run` checks its judges before generating, `ifteval judge` before the first judge scores, so a
missing key is not found after an hour of generation. The checks are cheap: one `GET /models` per LLM
judge endpoint, a look into the local Hugging Face cache when offline. `--judge-arg` resolves a judge
loaded by path through its file stem, its name (`judge_arg_targets`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ifteval.errors import ConfigError, JudgeError, did_you_mean
from ifteval.judges.encoder import in_hub_cache, resolve_model
from ifteval.types import Judge, JudgeSpec

MODELS_TIMEOUT_S = 5.0


def check_judges(judges: Iterable[Judge]) -> None:
    """Raise `JudgeError` for the first judge that cannot work (one line: what is missing, the fix)."""
    for judge in judges:
        kind = judge.spec.kind
        if kind == "llm" or type(judge).__name__ == "LLMJudge":
            _check_llm(judge)
        elif kind == "bertscore" or hasattr(judge, "model_type"):
            _check_model_files(judge.name, judge.model_type)
        elif kind in ("sbert", "reward_model") and isinstance(getattr(judge, "model", None), str):
            _check_model_files(judge.name, judge.model)


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0", "false") or os.environ.get(
        "TRANSFORMERS_OFFLINE", ""
    ) not in ("", "0", "false")


def _check_model_files(judge: str, model: str) -> None:
    """Offline, a model that is neither a local folder nor in the Hugging Face cache cannot load."""
    path = resolve_model(model)
    if Path(path).expanduser().is_dir():
        return
    if str(path).startswith((".", "/", "~")):
        raise JudgeError(f"judge '{judge}': model folder '{model}' does not exist")
    if _offline() and not in_hub_cache(path):
        raise JudgeError(
            f"judge '{judge}': model '{model}' is not on disk (not a folder, not in the Hugging Face cache) "
            f"and the Hub is off (HF_HUB_OFFLINE=1); download it once online, or pass a local folder with "
            f"--judge-arg {judge}.{'model_type' if _is_bertscore(judge) else 'model'}=/path/to/model"
        )


def _is_bertscore(judge: str) -> bool:
    return "bertscore" in judge


def _check_llm(judge: Any) -> None:
    if getattr(judge, "backend", "openai") == "local":
        local = judge._local_args.get("pretrained")
        if local is not None:
            _check_model_files(judge.name, str(local))
        return
    served = served_models(judge)  # raises when there is no key or no server
    if Path(str(judge.model)).expanduser().is_dir():
        return  # a folder the server loads on demand (`transformers serve` lists only its cache)
    if served and judge.model not in served:
        raise JudgeError(
            f"judge '{judge.name}': the server at {judge.client.endpoint} serves models "
            f"[{', '.join(served[:8])}], not '{judge.model}'; "
            f"set `--judge-arg {judge.name}.model={served[0]}`"
        )


def served_models(judge: Any) -> list[str]:
    """The model ids the judge's endpoint lists (`GET /models`); [] when it does not list them.

    Raises `JudgeError` when no key is set for the OpenAI endpoint, the endpoint is unreachable, or it
    refuses the key.
    """
    import openai

    client = judge.client
    api = client._openai()  # JudgeError here when the OpenAI endpoint has no key
    try:
        page = api.with_options(timeout=MODELS_TIMEOUT_S, max_retries=0).models.list()
    except openai.APIConnectionError as exc:
        cause = " ".join(client._redact(str(exc.__cause__ or exc)).split())[:160]
        raise JudgeError(
            f"judge '{judge.name}': cannot reach {client.endpoint} (connection error: {cause}); start the "
            f"server, or point the judge at one: --judge-arg {judge.name}.base_url=http://HOST:PORT/v1"
        ) from None
    except openai.APIStatusError as exc:
        if exc.status_code in (401, 403):
            raise JudgeError(
                f"judge '{judge.name}': {client.endpoint} refused the key in ${client._api_key_env} "
                f"(HTTP {exc.status_code}); set a valid key in the environment"
            ) from None
        return []  # a server without a model list: the calls themselves will tell
    except openai.OpenAIError:
        return []  # a /models body that is not a model list
    return [str(model.id) for model in getattr(page, "data", None) or [] if getattr(model, "id", None)]


def all_failed_error(judge: Any, count: int, first_error: str) -> JudgeError:
    """Every request of a judge failed: one line with the status and, when the server lists its models
    and the judge's is not among them, the `--judge-arg` that fixes it."""
    hint = ""
    try:
        served = served_models(judge)
    except JudgeError as exc:
        return JudgeError(f"judge '{judge.name}': all {count} requests failed ({first_error}); {exc}")
    if served and judge.model not in served:
        hint = (f"; the server at {judge.client.endpoint} serves models [{', '.join(served[:8])}]: set "
                f"`--judge-arg {judge.name}.model={served[0]}`")
    elif not hint:
        hint = f"; check --judge-arg {judge.name}.model=NAME and {judge.name}.base_url=URL"
    return JudgeError(
        f"judge '{judge.name}': all {count} requests to {judge.client.endpoint} (model '{judge.model}') "
        f"failed, first: {first_error}{hint}"
    )


def judge_arg_targets(entries: Sequence[str], specs: Sequence[JudgeSpec]) -> dict[str, str]:
    """Every name `--judge-arg NAME.KEY=VALUE` may use -> the `--judges` entry it means: the entry as
    typed, and the judge's name (for a preset loaded by path, its file stem)."""
    targets: dict[str, str] = {}
    for entry, spec in zip(entries, specs, strict=True):
        for alias in (entry, spec.name):
            targets.setdefault(alias, entry)
    return targets


def parse_judge_args(
    items: Sequence[str], entries: Sequence[str], specs: Sequence[JudgeSpec]
) -> dict[str, dict]:
    """`JUDGE.KEY=VALUE` strings -> {--judges entry: {key: value}}; values are YAML scalars. A judge
    given by path is reached through its file stem."""
    import yaml

    targets = judge_arg_targets(entries, specs)
    overrides: dict[str, dict[str, Any]] = {}
    for item in items:
        target, eq, raw = item.partition("=")
        name, dot, key = target.rpartition(".")  # a path may hold dots: split at the last one
        if not eq or not dot or not name or not key:
            raise ConfigError(
                f"--judge-arg '{item}' must look like JUDGE.KEY=VALUE, e.g. sbert.batch_size=16"
            )
        if not raw.strip():  # `gpt4.base_url=` silently meant the default endpoint, api.openai.com
            raise ConfigError(
                f"--judge-arg '{item}' has no value after '='; give {target}=VALUE, or leave the flag out "
                "for the judge's default"
            )
        entry = targets.get(name)
        if entry is None:
            raise ConfigError(
                f"--judge-arg '{item}' names judge '{name}', which is not in --judges "
                f"({', '.join(entries)}).{did_you_mean(name, list(targets))}"
            )
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError:
            value = raw
        overrides.setdefault(entry, {})[key] = value
    return overrides
