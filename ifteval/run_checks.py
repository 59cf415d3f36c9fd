"""What `ifteval run` checks before it loads a model: flag values, the output folder, and the tasks'
prompt templates (issue 9). A bad value is one line naming the flag; nothing is rounded or defaulted.

A run folder belongs to one run: `results.json` and one `samples_<task>.jsonl` per task. Running another
run into it (other tasks, another model) would leave the old task's samples beside the new results, and
`ifteval judge FOLDER` would then mix both; so it is refused unless `--overwrite` says to remove them.
Rerunning the same run into its own folder is fine (it resumes from the generation cache).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ifteval.errors import ConfigError, IftevalError, did_you_mean
from ifteval.generation.backends import lm_eval_model
from ifteval.generation.embedded import embedded_model_folder
from ifteval.generation.hf import resolve_device
from ifteval.outputs import check_output_folder
from ifteval.tasks.sources import SOURCES
from ifteval.tasks.validate import template_line

RESULTS_FILE = "results.json"
SAMPLES_GLOB = "samples_*.jsonl"
SWEEP_FILES = ("sweep.json", "sweep.md")


def check_limit(value: float | None) -> float | int | None:
    """--limit: a whole count of documents (>= 1) or a fraction in (0, 1); 1.5 is neither."""
    if value is None:
        return None
    if not math.isfinite(value) or value <= 0:
        raise IftevalError(
            f"--limit must be a positive count of documents (a whole number) or a fraction in (0, 1), "
            f"got {value:g}"
        )
    if value >= 1 and value != int(value):
        raise IftevalError(
            f"--limit {value:g} is neither a whole number of documents nor a fraction below 1; "
            f"use e.g. --limit {int(value)} (documents) or --limit 0.5 (half of them)"
        )
    return int(value) if value >= 1 else value


def check_num_fewshot(value: int | None) -> int | None:
    if value is not None and value < 0:
        raise IftevalError(f"--num-fewshot must be 0 or more examples, got {value}")
    return value


def check_model_args(args: Mapping[str, Any], text: str) -> None:
    """Every key=value pair has a key and a value: `pretrained` alone must not mean the embedded model."""
    for key, value in args.items():
        if not str(key).strip():
            raise IftevalError(f"--model-args '{text}' has a value without a key; write key=value,key=value")
        if value is None or (isinstance(value, str) and not value.strip()):
            raise IftevalError(
                f"--model-args '{text}': '{key}' has no value; write {key}=VALUE (e.g. pretrained=PATH "
                "or a hub id), or leave it out for the embedded model"
            )


def check_model_choice(model: str, model_args: Mapping[str, Any]) -> None:
    """The cheap part of choosing the model (its name, the device), checked before tasks and data load
    so that a typo there is the run's only line; the weights themselves load after the tasks."""
    if model.startswith("lm-eval:"):
        lm_eval_model(model.split(":", 1)[1])
    elif model == "hf" and model_args.get("device"):
        resolve_device(str(model_args["device"]))


def check_output_folder_for_run(
    output_path: Path, tasks: Sequence[str], model: str, model_args: Mapping[str, Any],
    inputs: Iterable[Path | None] = (), overwrite: bool = False,
) -> None:
    """Refuse an unusable --output-path, or one holding a different run (unless `overwrite`, which
    removes that run's files). `tasks` are the task names whose samples files this run writes;
    `model_args` are the public ones (as results.json records them)."""
    out = check_output_folder(output_path, "--output-path", inputs)
    if not out.is_dir():
        return
    stale = _stale_files(out, tasks, model, model_args)
    if not stale:
        return
    names = ", ".join(p.name for p in stale[:4]) + (" ..." if len(stale) > 4 else "")
    if not overwrite:
        raise IftevalError(
            f"--output-path {out} holds a different run ({names}); its files would mix with this run's. "
            "Choose another folder, or pass --overwrite to remove that run's results.json and samples files"
        )
    for path in stale:
        path.unlink(missing_ok=True)  # another rank may have removed it already


def _stale_files(out: Path, tasks: Sequence[str], model: str, model_args: Mapping[str, Any]) -> list[Path]:
    samples = sorted(out.glob(SAMPLES_GLOB))
    results = out / RESULTS_FILE
    foreign = [p for p in samples if p.stem[len("samples_"):] not in set(tasks)]
    different_model = results.is_file() and not _same_model(results, model, model_args)
    if not foreign and not different_model:
        return []
    files = samples if different_model else foreign
    return [*files, *([results] if results.is_file() else []),
            *[out / name for name in SWEEP_FILES if (out / name).is_file()]]


def _same_model(results: Path, model: str, model_args: Mapping[str, Any]) -> bool:
    """The recorded run used this model: every key of either run's model args agrees, so an argument
    only the old run had (its `peft` adapter, say) makes it a different run; `pretrained` that the old
    run filled in for the embedded default counts as the same as leaving it out."""
    try:
        config = json.loads(results.read_text(encoding="utf-8")).get("config") or {}
    except (OSError, ValueError, AttributeError):
        return False  # not a results.json we wrote: treat the folder as another run's
    if config.get("model") != model:
        return False
    recorded = dict(config.get("model_args") or {})
    if model == "hf" and "pretrained" not in model_args \
            and str(recorded.get("pretrained")) == str(embedded_model_folder()):
        recorded.pop("pretrained")
    if set(recorded) != set(model_args):
        return False
    return all(str(recorded[key]) == str(value) for key, value in model_args.items())


def check_prompt_templates(tasks: Mapping[str, Any], yaml_of: Mapping[str, str]) -> None:
    """Render each task's prompt and target on its first document, as lm-eval will: a Jinja syntax error
    or an undefined variable stops the run here, before any model loads, naming the task's YAML."""
    import jinja2

    for name, task in tasks.items():
        docs = _first_doc(task)
        if docs is None:
            continue
        for field in ("doc_to_text", "doc_to_target"):
            try:
                getattr(task, field)(docs)
            except jinja2.TemplateSyntaxError as exc:
                raise ConfigError(
                    f"{yaml_of.get(name, name)}: {field}: Jinja syntax error at template line {exc.lineno}: "
                    f"{exc.message}"
                ) from None
            except jinja2.UndefinedError as exc:
                fields = ", ".join(sorted(map(str, docs))) if isinstance(docs, Mapping) else "?"
                line = template_line(exc)
                raise ConfigError(
                    f"{yaml_of.get(name, name)}: {field}: {exc.message} in the template"
                    f"{f' at template line {line}' if line else ''}; the documents of "
                    f"task '{name}' have the fields {fields}"
                ) from None


JINJA_FIELDS = ("doc_to_text", "doc_to_target", "doc_to_choice")


def check_task_sources(configs: Mapping[str, tuple[str, Mapping[str, Any] | None]]) -> None:
    """An unknown `dataset_kwargs.source` names the task's YAML (lm-eval would only say the source)."""
    for yaml_path, config in configs.values():
        kwargs = (config or {}).get("dataset_kwargs")
        source = kwargs.get("source") if isinstance(kwargs, Mapping) else None
        if isinstance(source, str) and source not in SOURCES:
            raise ConfigError(
                f"{yaml_path}: dataset_kwargs.source: unknown data source '{source}'."
                f"{did_you_mean(source, SOURCES)} Valid: {', '.join(SOURCES)}"
            )


def template_error(
    exc: Exception, configs: Mapping[str, tuple[str, Mapping[str, Any] | None]]
) -> ConfigError:
    """One line for a Jinja error raised while lm-eval builds tasks: the YAML file and the template field
    it is in (`configs`: task -> (yaml path, config as read)), found by parsing or by the undefined name."""
    import re

    import jinja2

    message = getattr(exc, "message", "") or ""
    undefined = re.match(r"'([^']+)' is undefined", message)
    attribute = re.search(r"has no attribute '([^']+)'", message)
    line = template_line(exc)
    at_line = f" at template line {line}" if line else ""
    env = jinja2.Environment()
    for name, (yaml_path, config) in configs.items():
        for field in JINJA_FIELDS:
            text = (config or {}).get(field)
            if not isinstance(text, str):
                continue
            if isinstance(exc, jinja2.TemplateSyntaxError):
                try:
                    env.parse(text)
                except jinja2.TemplateSyntaxError as found:
                    return ConfigError(f"{yaml_path}: {field}: Jinja syntax error at template line "
                                       f"{found.lineno}: {found.message}")
            elif undefined and undefined.group(1) in text:
                return ConfigError(f"{yaml_path}: {field}: {exc.message}{at_line}: the template names a"
                                   f" field the documents of task '{name}' do not have; check its spelling")
            elif attribute and re.search(rf"\.\s*{re.escape(attribute.group(1))}\b", text):
                return ConfigError(f"{yaml_path}: {field}: Jinja template error{at_line}: {message}: the "
                                   f"template reads an attribute the documents of task '{name}' do not have")
    where = ", ".join(path for path, _ in configs.values())
    return ConfigError(f"{where}: Jinja template error{at_line}: {message or exc}")


def _first_doc(task: Any) -> Any:
    for split in ("has_test_docs", "has_validation_docs"):
        if getattr(task, split, lambda: False)():
            docs = task.test_docs() if split == "has_test_docs" else task.validation_docs()
            if docs is not None and len(docs):
                return docs[0]
    return None
