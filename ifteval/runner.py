"""`ifteval run`: resolve tasks, generate through lm-eval's evaluator, score with judges, write outputs.

Generation and judging stay apart: lm-eval produces the generations and the gold metrics, then each
requested judge scores the same samples in one batch per task (as `ifteval judge` would later).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ifteval import __version__
from ifteval.config import RunConfig
from ifteval.errors import IftevalError
from ifteval.generation.backends import build_lm, close_process_group, distributed_accelerator
from ifteval.judges import build_judge, load_spec, score_in_batches
from ifteval.judges.preflight import check_judges, parse_judge_args
from ifteval.record import Record, parse_row, write_records
from ifteval.run_checks import (
    check_model_choice,
    check_output_folder_for_run,
    check_prompt_templates,
    check_task_sources,
    template_error,
)
from ifteval.run_options import check_lm_eval_options
from ifteval.secrets import public_model_args
from ifteval.tables import format_usage
from ifteval.tasks import data_origins, resolve_task_names, task_manager, task_source
from ifteval.tasks.data import data_dir_in_env
from ifteval.tasks.groups import evaluation_items, evaluation_specs, group_aggregation
from ifteval.tasks.provenance import task_config
from ifteval.types import Judge
from ifteval.writers import write_json

__all__ = ["run", "print_table"]  # RunConfig lives in ifteval.config, backends in ifteval.generation

SEED_KEYS = ("random_seed", "numpy_random_seed", "torch_random_seed", "fewshot_random_seed")


class _DropCustomDatasetHint(logging.Filter):
    """lm-eval warns once per task that uses `custom_dataset` (every ifteval task) about `--metadata`,
    which ifteval users never need; the warning drowned the data-source lines that matter."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Custom kwargs can be passed to `--metadata`" not in record.getMessage()


_ENV_INFO: dict[str, Any] = {}


def _env_info_once() -> None:
    """lm-eval's `add_env_info` runs torch's `collect_env` (subprocesses: 2-7 s) on every evaluation; a
    process that evaluates several times (an adapter sweep, the Python API, the docs test) runs it once
    and copies the same environment into each results dict."""
    import lm_eval.evaluator as evaluator

    original = evaluator.add_env_info
    if getattr(original, "ifteval_once", False):
        return

    def add_env_info(storage: dict[str, Any]) -> None:
        if not _ENV_INFO:
            original(_ENV_INFO)
        storage.update(_ENV_INFO)

    add_env_info.ifteval_once = True  # type: ignore[attr-defined]
    evaluator.add_env_info = add_env_info


def _quiet_lm_eval_noise() -> None:
    import lm_eval.evaluator

    logger = logging.getLogger("lm_eval.api.task")
    if not any(isinstance(f, _DropCustomDatasetHint) for f in logger.filters):
        logger.addFilter(_DropCustomDatasetHint())
    lm_eval.evaluator.get_git_commit_hash = _git_commit_hash


def _git_commit_hash() -> str | None:
    """lm-eval's commit lookup without its stray 'fatal: not a git repository' line on stderr when
    the working folder is not a checkout (every run outside one printed it)."""
    import subprocess

    from lm_eval.loggers.utils import get_commit_from_path

    try:
        found = subprocess.run(["git", "describe", "--always"], capture_output=True, text=True, check=False)
    except OSError:
        found = None
    if found is not None and found.returncode == 0 and found.stdout.strip():
        return found.stdout.strip()
    return get_commit_from_path(os.getcwd())


def run(config: RunConfig, lm: Any | None = None) -> dict[str, Any] | None:
    """Evaluate; returns the results dict on the main process (None on other ranks).

    `lm` reuses a model already loaded (an adapter sweep passes the same base model each time).
    """
    with data_dir_in_env(config.data_dir):
        return _run(config, lm)


def _run(config: RunConfig, lm: Any | None) -> dict[str, Any] | None:
    import lm_eval

    _quiet_lm_eval_noise()
    _env_info_once()

    manager = task_manager(config.include_paths, include_defaults=config.include_defaults)
    check_lm_eval_options(config)
    specs = evaluation_specs(config.tasks, manager)  # unknown tasks fail here, groups kept whole
    judges = _load_judges(config.judges, config.judge_args)  # a bad name, key or server: before generation
    check_model_choice(config.model, config.model_args)
    check_output_folder_for_run(
        Path(config.output_path), resolve_task_names(config.tasks, manager), config.model,
        public_model_args(config.model_args), inputs=[config.data_dir, *config.include_paths],
        overwrite=config.overwrite,
    )
    check_task_sources({name: (_yaml_path(manager, name), task_config(name, manager))
                        for name in resolve_task_names(config.tasks, manager)})
    loaded = _load_tasks(manager, specs)  # data and templates are checked before the model loads
    tasks = loaded["tasks"]
    check_prompt_templates(tasks, {name: _yaml_path(manager, name) for name in tasks})
    accelerator = None
    if lm is None:  # built here for this run alone: its process group ends with the evaluation
        accelerator = distributed_accelerator()
        lm = build_lm(config, accelerator)
    results = lm_eval.simple_evaluate(
        model=lm,
        tasks=evaluation_items(loaded),
        task_manager=manager,
        num_fewshot=config.num_fewshot,
        limit=config.limit,
        apply_chat_template=config.apply_chat_template,
        log_samples=True,
        bootstrap_iters=1000,
        gen_kwargs=config.gen_kwargs or None,
        system_instruction=config.system_instruction,
        fewshot_as_multiturn=(
            config.apply_chat_template if config.fewshot_as_multiturn is None else config.fewshot_as_multiturn
        ),
        predict_only=config.predict_only,
        **{key: config.seed for key in SEED_KEYS},
    )
    if accelerator is not None:  # the last collective is done: other ranks exit now, not after judging
        close_process_group()
    if results is None:  # not the main process
        return None
    samples = {name: _sample_rows(name, tasks[name], rows) for name, rows in results.pop("samples").items()}
    results["data"] = _data_provenance(tasks)
    if loaded["groups"]:
        results["group_aggregation"] = group_aggregation(loaded)
    _finish_results(results, config, lm)
    results["signatures"] = _signatures(results, config, samples)
    _write_outputs(Path(config.output_path), results, samples)  # generations are safe before judging
    if judges:
        _apply_judges(judges, samples, results)
        results["signatures"] = _signatures(results, config, samples)  # now naming the judges
        _write_outputs(Path(config.output_path), results, samples)
    return results


def _data_provenance(tasks: dict[str, Any]) -> dict[str, Any]:
    """Per task, where its documents came from (smoke set, hub, local file), so a smoke-set score
    can never pass for a real one: it is in results.json, the signature and the printed table."""
    origins = data_origins()
    provenance: dict[str, Any] = {}
    for name, task in tasks.items():
        source = task_source(task)
        info = origins.get(source) if source else None
        provenance[name] = {"source": source, **info} if info else {"source": source, "origin": "external"}
    return provenance


def _write_outputs(out: Path, results: dict[str, Any], samples: dict[str, list[Record]]) -> None:
    for name, records in samples.items():
        write_records(out / f"samples_{name}.jsonl", records)
    write_json(out / "results.json", results)


def _load_tasks(manager: Any, names: list[str]) -> dict[str, Any]:
    """Build the tasks; a broken hook or field becomes one line naming the task's YAML file."""
    import jinja2

    try:
        return manager.load(names)
    except IftevalError:
        raise
    except jinja2.TemplateError as exc:  # lm-eval renders templates while it builds a task
        raise template_error(exc, {name: (_yaml_path(manager, name), task_config(name, manager))
                                   for name in names}) from None
    except (ImportError, AttributeError, ValueError, TypeError, KeyError, OSError) as exc:
        files = []
        for name in names:
            entry = manager.task_index.get(name)
            if entry is not None and getattr(entry, "yaml_path", None):
                files.append(str(entry.yaml_path))
        where = ", ".join(files) or ", ".join(names)
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise IftevalError(
            f"cannot build task(s) from {where}: {type(exc).__name__}: {message}. "
            "Run 'ifteval tasks validate FILE' for details."
        ) from exc


def _yaml_path(manager: Any, name: str) -> str:
    entry = manager.task_index.get(name)
    return str(getattr(entry, "yaml_path", None) or name)


def _load_judges(names: Sequence[str], judge_args: Sequence[str] = ()) -> list[Judge]:
    """Build the judges and check each has what it needs (key, server, model files) before any work."""
    if not names:
        if judge_args:
            raise IftevalError("--judge-arg sets a judge's argument; it needs --judges")
        return []
    specs = [load_spec(name) for name in names]
    overrides = parse_judge_args(judge_args, names, specs)
    judges = [build_judge(spec, overrides.get(name), overrides_source="--judge-arg")
              for name, spec in zip(names, specs, strict=True)]
    check_judges(judges)
    return judges


def _sample_rows(task_name: str, task: Any, logged: list[dict[str, Any]]) -> list[Record]:
    """lm-eval's logged samples -> run records (doc order).

    `prompt` is the task's own instruction for the document (`doc_to_text`): no system instruction, no
    few-shot examples, no chat template, so judges and `explain` see the task's input. `rendered_prompt`
    is what the model was given (lm-eval's first `arguments` string): system instruction, few-shot turns
    and chat markup included.
    """
    rows = []
    for sample in sorted(logged, key=lambda s: s["doc_id"]):
        metrics = {name: sample[name] for name in sample.get("metrics", []) if name in sample}
        prediction = sample["filtered_resps"][0]
        if isinstance(prediction, list):
            prediction = prediction[0]
        row = {
            "doc_id": sample["doc_id"],
            "task": task_name,
            "prompt": task.doc_to_text(sample["doc"]),
            "rendered_prompt": _rendered_prompt(sample.get("arguments")),
            "prediction": prediction,
            "reference": sample["target"],
            **metrics,
        }
        rows.append(parse_row(row, f"{task_name} doc {sample['doc_id']}", task_name))
    return rows


def _rendered_prompt(arguments: Any) -> str | None:
    """The model's input as lm-eval logged it: the first string of the first request's arguments."""
    if isinstance(arguments, dict):  # as lm-eval saves them: {gen_args_0: {arg_0: ...}}
        arguments = [list(request.values()) if isinstance(request, dict) else request
                     for request in arguments.values()]
    if isinstance(arguments, (list, tuple)) and arguments and isinstance(arguments[0], (list, tuple)):
        first = arguments[0][0] if arguments[0] else None
        return first if isinstance(first, str) else None
    return None


def _apply_judges(judges: list[Judge], samples: dict[str, list[Record]], results: dict[str, Any]) -> None:
    """Score each task's rows with every judge; each judge's aggregate (by default the mean, stderr and
    invalid counts) goes into results."""
    summary: dict[str, Any] = {}
    for task_name, records in samples.items():
        verdicts = score_in_batches(judges, [record.sample for record in records])
        task_results = results["results"].setdefault(task_name, {})
        by_name = {judge.name: judge for judge in judges}
        for judge_name, judged in verdicts.items():
            stats = by_name[judge_name].aggregate(judged)
            task_results[f"{judge_name},judge"] = stats["mean"]
            task_results[f"{judge_name}_stderr,judge"] = "N/A" if stats["stderr"] is None else stats["stderr"]
            summary.setdefault(task_name, {})[judge_name] = stats
        samples[task_name] = [
            record.with_verdicts({name: judged[i] for name, judged in verdicts.items()})
            for i, record in enumerate(records)
        ]
    results["judges"] = {
        "specs": {j.name: j.spec.as_dict() for j in judges},
        "usage": {j.name: usage for j in judges if (usage := j.usage())},  # judges that made calls
        "scores": summary,
    }


def _generation_hash(samples: dict[str, list[Record]]) -> str:
    digest = hashlib.sha256()
    for name in sorted(samples):
        for record in samples[name]:
            digest.update(json.dumps([name, record.row["doc_id"], record.sample.prediction]).encode())
    return digest.hexdigest()[:12]


def _finish_results(results: dict[str, Any], config: RunConfig, lm: Any) -> None:
    """Add what lm-eval does not record: world size, model identity, package versions."""
    from importlib.metadata import PackageNotFoundError, version

    from lm_eval.utils import hash_string

    cfg = results.setdefault("config", {})
    cfg["model"] = config.model
    cfg["model_args"] = public_model_args(config.model_args)
    cfg["world_size"] = getattr(lm, "world_size", 1)
    cfg["apply_chat_template"] = config.apply_chat_template
    # top level, as lm-eval's own results.json records them (its EvaluationTracker's general config)
    results["system_instruction"] = config.system_instruction
    results["system_instruction_sha"] = (
        None if config.system_instruction is None else hash_string(config.system_instruction)
    )
    results["fewshot_as_multiturn"] = (
        config.apply_chat_template if config.fewshot_as_multiturn is None else config.fewshot_as_multiturn
    )
    if config.model == "openai-chat" and hasattr(lm, "usage"):
        cfg["generation_usage"] = lm.usage()  # calls, cache hits, tokens, failed requests (errors)
    identity = getattr(getattr(lm, "generator", lm), "identity", None)  # HF generator or API model
    if identity is not None:
        cfg["model_identity"] = identity()
        # the model that really ran, also when the user left pretrained= out (the embedded default)
        if config.model == "hf" and "pretrained" not in config.model_args:
            cfg["model_args"]["pretrained"] = cfg["model_identity"]["model"]
    packages = {}
    for package in ("ifteval", "lm_eval", "transformers", "torch", "peft", "accelerate", "datasets"):
        try:
            packages[package] = version(package)
        except PackageNotFoundError:
            packages[package] = None
    results["package_versions"] = packages


def _signatures(results: dict[str, Any], config: RunConfig, samples: dict[str, Any]) -> dict[str, str]:
    """`task@v|judge@v...|model|data:<origin>|gen:<hash>|seed:<n>|ifteval:<v>` per task (cf. sacrebleu)."""
    gen_hash = _generation_hash(samples)
    versions = results.get("versions", {})
    specs = results.get("judges", {}).get("specs", {})
    judge_part = "|".join(f"{name}@{spec['version']}" for name, spec in specs.items())
    cfg = results.get("config", {})
    model_args = cfg.get("model_args", {})
    model_name = str(
        cfg.get("model_identity", {}).get("model") or model_args.get("pretrained") or model_args.get("model")
        or config.model
    )
    return {
        name: "|".join(
            part
            for part in (
                f"{name}@{versions.get(name, '?')}",
                judge_part,
                model_name,
                f"data:{results.get('data', {}).get(name, {}).get('origin', 'external')}",
                f"gen:{gen_hash}",
                f"seed:{config.seed}",
                f"ifteval:{__version__}",
            )
            if part
        )
        for name in samples
    }


def print_table(results: dict[str, Any], stream: Any = None) -> None:
    """lm-eval's table, then the notes a reader needs (smoke data, judge usage, failed API calls)."""
    from lm_eval.utils import make_table

    stream = stream or sys.stdout  # looked up at call time: a default bound at import misses redirections
    print(make_table(results), file=stream)
    scored_groups = any("," in key for row in results.get("groups", {}).values() for key in row)
    if scored_groups:  # lm-eval's group rows; how each aggregates is in its YAML and docs/tasks.md
        print(make_table(results, "groups"), file=stream)
        for name, how in results.get("group_aggregation", {}).items():
            print(f"group {name}: {how}", file=stream)
    smoke = sorted(name for name, info in results.get("data", {}).items() if info.get("origin") == "smoke")
    if smoke:
        print(
            f"note: {', '.join(smoke)} ran on the bundled smoke sets (offline stand-ins): their scores "
            "say the pipeline works, not how good the model is; use --data-dir or the hub for real data",
            file=stream,
        )
    generation = results.get("config", {}).get("generation_usage") or {}
    if generation.get("errors"):
        print(
            f"note: {generation['errors']} generation request(s) failed and scored as empty answers; "
            f"first error: {generation.get('first_error')}",
            file=stream,
        )
    usage = results.get("judges", {}).get("usage")
    if usage:
        print(format_usage(usage), file=stream)
