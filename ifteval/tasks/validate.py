"""Check an lm-eval task YAML before lm-eval's index skips it silently (its issue #3424).

Reports every problem as a ``ValidationIssue(file, line, field, message, severity)``: malformed YAML
(with its line), unknown or duplicate keys, missing required fields (``test_split`` or
``validation_split``: lm-eval needs one to evaluate), wrong types, Jinja syntax errors in
``doc_to_text``/``doc_to_target``/``doc_to_choice``, and ``!function`` targets that do not import. These
are errors. A ``task`` name that differs from the file stem is a warning: lm-eval's own tasks do it
(``glue/sst2/default.yaml`` is task ``sst2``); ifteval's registry test holds ``ifteval_tasks/`` to
stem = name. Included templates are merged first, as lm-eval does, and problems inside them are
reported against their own file. Files are reported by their resolved path; a missing field is
reported at the line of ``task:`` (or line 1).
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from ifteval.errors import IftevalError, did_you_mean
from ifteval.tasks.data import SMOKE_DIR
from ifteval.tasks.includes import shipped_include
from ifteval.tasks.sources import SOURCES

OUTPUT_TYPES = ("generate_until", "loglikelihood", "loglikelihood_rolling", "multiple_choice")
REQUIRED = ("task", "doc_to_text", "doc_to_target")  # output_type defaults to generate_until
EVAL_SPLITS = ("test_split", "validation_split")  # at least one: lm-eval evaluates on test, else validation
JINJA_FIELDS = ("doc_to_text", "doc_to_target", "doc_to_choice")
Severity = Literal["error", "warning"]
GEN_KEYS = {"until": (list, str), "do_sample": (bool,), "max_gen_toks": (int,), "temperature": (int, float)}
_STR_FIELDS = (
    "task",
    "task_alias",
    "dataset_path",
    "dataset_name",
    "training_split",
    "validation_split",
    "test_split",
    "fewshot_split",
    "description",
    "target_delimiter",
    "fewshot_delimiter",
)


@dataclass(frozen=True)
class ValidationIssue:
    """One problem: where (resolved file, 1-based line or 0 when unknown, field), what is wrong, and
    whether it stops lm-eval loading the task (``error``) or only breaks a convention (``warning``)."""

    file: str
    line: int
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        tag = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {tag}{self.field}: {self.message}"


@dataclass(frozen=True)
class FunctionRef:
    """A ``!function module.attr`` tag, kept as text so validation never runs task code at load time."""

    target: str
    base_dir: Path


def _task_config_keys() -> set[str]:
    from lm_eval.config.task import TaskConfig

    return {f.name for f in dataclasses.fields(TaskConfig)} | {"include", "class", "group"}


class _Loader(yaml.SafeLoader):
    """SafeLoader that records each key's line, rejects duplicate keys, and keeps ``!function`` as data."""

    base_dir = Path(".")
    issues: list[ValidationIssue]
    file = ""
    lines: dict[str, int]


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in out:
            loader.issues.append(ValidationIssue(loader.file, line, str(key), "duplicate key"))
        out[key] = loader.construct_object(value_node, deep=True)
        if node is loader._root_node:  # type: ignore[attr-defined]
            loader.lines[str(key)] = line
    return out


def _construct_function(loader: _Loader, node: yaml.Node) -> FunctionRef:
    return FunctionRef(str(loader.construct_scalar(node)), loader.base_dir)  # type: ignore[arg-type]


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("!function", _construct_function)


def _load(path: Path, issues: list[ValidationIssue]) -> tuple[dict[str, Any] | None, dict[str, int]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        issues.append(ValidationIssue(str(path), line, "(file)", f"not UTF-8 text (byte 0x"
                                      f"{data[exc.start:exc.start + 1].hex()}); save the file as UTF-8"))
        return None, {}
    loader = _Loader(text)
    loader.base_dir, loader.issues, loader.file, loader.lines = path.parent, issues, str(path), {}
    try:
        root = loader.get_single_node()
        loader._root_node = root  # type: ignore[attr-defined]
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(exc, "problem", None) or str(exc)
        issues.append(ValidationIssue(str(path), line, "(yaml)", f"malformed YAML: {problem}"))
        return None, {}
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        issues.append(ValidationIssue(str(path), 1, "(yaml)", "the top level must be a mapping of keys"))
        return None, {}
    return data, loader.lines


def _merged(
    path: Path, issues: list[ValidationIssue], seen: set[Path], by: tuple[str, int] | None = None
) -> tuple[dict, dict[str, tuple]]:
    """Keys after lm-eval's include merge, each with the (file, line) it came from.

    `by` is the (file, line) of the ``include:`` that brought `path` in, where a cycle is reported.
    """
    path = path.resolve()
    if path in seen:
        f, line = by or (str(path), 1)
        issues.append(ValidationIssue(f, line, "include", f"include cycle through {path}"))
        return {}, {}
    seen.add(path)
    data, lines = _load(path, issues)
    if data is None:
        return {}, {}
    merged: dict[str, Any] = {}
    where: dict[str, tuple[str, int]] = {}
    includes = data.pop("include", None)
    for inc in [] if includes is None else includes if isinstance(includes, list) else [includes]:
        if not isinstance(inc, str):
            issues.append(ValidationIssue(str(path), lines.get("include", 0), "include", "must be a path"))
            continue
        inc_path = (path.parent / inc).resolve()
        if not inc_path.is_file():
            inc_path = shipped_include(inc, path) or inc_path  # `../_template_yaml` from any folder
        if not inc_path.is_file():
            issues.append(
                ValidationIssue(str(path), lines.get("include", 0), "include", f"no such file: {inc_path}")
            )
            continue
        inc_data, inc_where = _merged(inc_path, issues, seen, (str(path), lines.get("include", 0)))
        merged.update(inc_data)
        where.update(inc_where)
    merged.update(data)
    where.update({k: (str(path), lines.get(k, 0)) for k in data})
    return merged, where


def _check_function(ref: FunctionRef) -> str | None:
    """None when the target resolves the way lm-eval resolves it (file beside the YAML, then import)."""
    module_name, _, attr = ref.target.rpartition(".")
    if not module_name:
        return f"'{ref.target}' must look like module.function"
    local = ref.base_dir / f"{module_name.replace('.', '/')}.py"
    try:
        if local.is_file():
            spec = importlib.util.spec_from_file_location(f"_ifteval_validate_{module_name}", local)
            module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
            spec.loader.exec_module(module)  # type: ignore[union-attr]
        else:
            module = importlib.import_module(module_name)
    except (Exception, SystemExit) as exc:  # noqa: BLE001 -- any import failure is the user's to see
        return f"cannot import '{module_name}' for !function {ref.target}: {type(exc).__name__}: {exc}"
    try:
        found = hasattr(module, attr)
    except IftevalError as exc:  # a module __getattr__ that refuses the name (an LLM judge as a metric)
        return f"!function {ref.target}: {exc}"
    if not found:
        return f"module '{module_name}' has no attribute '{attr}' (!function {ref.target})"
    return None


def _walk_functions(value: Any, field: str) -> list[tuple[str, FunctionRef]]:
    if isinstance(value, FunctionRef):
        return [(field, value)]
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in _walk_functions(v, f"{field}.{k}")]
    if isinstance(value, list):
        return [x for i, v in enumerate(value) for x in _walk_functions(v, f"{field}[{i}]")]
    return []


def _type_issues(cfg: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key in _STR_FIELDS:
        if key in cfg and cfg[key] is not None and not isinstance(cfg[key], str):  # null: lm-eval's default
            out.append((key, f"must be a string, got {type(cfg[key]).__name__}"))
    tag = cfg.get("tag")
    if tag is not None and not (
        isinstance(tag, str) or (isinstance(tag, list) and all(isinstance(t, str) for t in tag))
    ):
        out.append(("tag", "must be a string or a list of strings"))
    if "output_type" in cfg and cfg["output_type"] not in OUTPUT_TYPES:
        out.append(("output_type", f"must be one of {', '.join(OUTPUT_TYPES)}, got {cfg['output_type']!r}"))
    if cfg.get("num_fewshot") is not None and not (
        isinstance(cfg["num_fewshot"], int) and not isinstance(cfg["num_fewshot"], bool)
    ):
        out.append(("num_fewshot", "must be an integer"))
    for key in ("dataset_kwargs", "metadata", "generation_kwargs"):
        if cfg.get(key) is not None and not isinstance(cfg[key], dict):
            out.append((key, f"must be a mapping, got {type(cfg[key]).__name__}"))
    metadata = cfg.get("metadata")
    if (
        isinstance(metadata, dict)
        and "version" in metadata
        and (not isinstance(metadata["version"], (int, float, str)) or isinstance(metadata["version"], bool))
    ):
        out.append(("metadata.version", "must be a number or a version string"))
    gen = cfg.get("generation_kwargs")
    if isinstance(gen, dict):
        for key, types in GEN_KEYS.items():
            if key in gen and (
                not isinstance(gen[key], types) or (bool not in types and isinstance(gen[key], bool))
            ):
                out.append((f"generation_kwargs.{key}", f"must be {' or '.join(t.__name__ for t in types)}"))
    metrics = cfg.get("metric_list")
    if metrics is not None:
        if not isinstance(metrics, list):
            out.append(("metric_list", "must be a list of mappings with a 'metric' key"))
        else:
            for i, m in enumerate(metrics):
                if not isinstance(m, dict) or not isinstance(m.get("metric"), (str, FunctionRef)):
                    out.append((f"metric_list[{i}]", "must be a mapping with a 'metric' name or !function"))
                elif "higher_is_better" in m and not isinstance(m["higher_is_better"], bool):
                    out.append((f"metric_list[{i}].higher_is_better", "must be true or false"))
    return out


def _jinja_issues(cfg: dict[str, Any]) -> list[tuple[str, str]]:
    """Compile each Jinja string field as lm-eval does (``lm_eval.utils.env``); a syntax error is reported
    with its line inside the template (a one-line YAML string is template line 1)."""
    import jinja2

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    out: list[tuple[str, str]] = []
    for key in JINJA_FIELDS:
        value = cfg.get(key)
        templates = [(key, value)] if isinstance(value, str) else []
        if key == "doc_to_choice" and isinstance(value, list):
            templates = [(f"{key}[{i}]", v) for i, v in enumerate(value) if isinstance(v, str)]
        for field, text in templates:
            try:
                env.parse(text)
            except jinja2.TemplateSyntaxError as exc:
                out.append((field, f"Jinja syntax error at template line {exc.lineno}: {exc.message}"))
    return out


def _source_issues(cfg: dict[str, Any]) -> list[tuple[str, str]]:
    """What `run` would reject about an ifteval data source: an unknown `dataset_kwargs.source`, and a
    template naming a field its rows do not have (its required fields plus the smoke set's columns)."""
    import jinja2
    import jinja2.meta

    kwargs = cfg.get("dataset_kwargs")
    source = kwargs.get("source") if isinstance(kwargs, dict) else None
    if not isinstance(source, str):
        return []
    if source not in SOURCES:
        return [("dataset_kwargs.source", f"unknown data source '{source}'.{did_you_mean(source, SOURCES)} "
                 f"Valid: {', '.join(SOURCES)}")]
    fields = set(SOURCES[source].fields)
    smoke = SMOKE_DIR / f"{source}.jsonl"
    first_row: dict[str, Any] = {}
    if smoke.is_file():
        import json

        with smoke.open(encoding="utf-8") as handle:
            first_row = json.loads(handle.readline() or "{}")
        fields |= set(first_row)
    env = jinja2.Environment()
    out: list[tuple[str, str]] = []
    for key in JINJA_FIELDS:
        text = cfg.get(key)
        if not isinstance(text, str):
            continue
        try:
            names = jinja2.meta.find_undeclared_variables(env.parse(text))
        except jinja2.TemplateSyntaxError:
            continue  # reported by _jinja_issues
        for name in sorted(names - fields):
            hint = did_you_mean(name, fields)
            out.append((key, f"template uses '{name}', which '{source}' rows do not have.{hint}"
                        f" Fields: {', '.join(sorted(fields))}"))
        if first_row and not names - fields:  # as run does: render it on the smoke set's first row
            problem = render_issue(text, first_row)
            if problem:
                out.append((key, f"{problem} (rendered on the first '{source}' smoke row)"))
    return out


def template_line(exc: BaseException) -> int | None:
    """The template line a Jinja runtime error happened on: Jinja rewrites its traceback so that the
    template's frames carry the file name `<template>` and the template's own line numbers."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_issue(text: str, doc: dict[str, Any]) -> str | None:
    """Render a template on one document as lm-eval does (`lm_eval.utils.apply_template`: strict
    undefined); the error, with its template line, or None when it renders."""
    import jinja2
    from lm_eval.utils import apply_template

    try:
        apply_template(text, doc)
    except jinja2.TemplateSyntaxError:
        return None  # reported by _jinja_issues
    except jinja2.UndefinedError as exc:
        line = template_line(exc)
        return f"{f'template line {line}: ' if line else ''}{exc.message}"
    except Exception as exc:  # noqa: BLE001 - a filter or method failing on the row: run fails the same way
        line = template_line(exc)
        return f"{f'template line {line}: ' if line else ''}{type(exc).__name__}: {exc}"
    return None


def is_error(issue: ValidationIssue) -> bool:
    return issue.severity == "error"


def validate_task_yaml(path: str | Path) -> list[ValidationIssue]:
    """Every problem in one task YAML (after includes); no *error* means lm-eval can load it.

    Warnings (``severity == "warning"``) break an ifteval convention but not lm-eval.
    """
    path = Path(path).expanduser().resolve()
    file = str(path)
    if not path.is_file():
        return [ValidationIssue(file, 0, "(file)", "no such file")]
    issues: list[ValidationIssue] = []
    cfg, where = _merged(path, issues, set())
    if not cfg:
        return issues
    task_line = where["task"][1] if where.get("task", ("", 0))[0] == file else 1

    def at(field: str) -> tuple[str, int]:
        return where.get(field.split(".")[0].split("[")[0], (file, task_line))

    if "group" in cfg and not isinstance(cfg.get("task"), str):
        return issues  # a group file (task: a list of members): members are validated in their own files
    # a Python task class takes its own keys and supplies its own prompts
    known = set(cfg) if "class" in cfg else _task_config_keys()
    for key in cfg:
        if key not in known:
            f, line = at(key)
            hint = did_you_mean(key, known)
            issues.append(ValidationIssue(f, line, key, f"unknown key.{hint}"))
    for key in REQUIRED:
        if key not in cfg and (key == "task" or "class" not in cfg):
            issues.append(ValidationIssue(file, task_line, key, "required field is missing"))
    if "class" not in cfg and not any(key in cfg for key in EVAL_SPLITS):
        issues.append(
            ValidationIssue(
                file, task_line, "test_split", "need test_split or validation_split (lm-eval evaluates one)"
            )
        )
    if "dataset_path" not in cfg and "custom_dataset" not in cfg and "class" not in cfg:
        issues.append(ValidationIssue(file, task_line, "dataset_path", "need dataset_path or custom_dataset"))
    for field, message in _type_issues(cfg) + _jinja_issues(cfg) + _source_issues(cfg):
        f, line = at(field)
        issues.append(ValidationIssue(f, line, field, message))
    if isinstance(cfg.get("task"), str) and cfg["task"] != path.stem:
        f, line = at("task")
        issues.append(
            ValidationIssue(
                f,
                line,
                "task",
                f"'{cfg['task']}' differs from the file stem '{path.stem}' "
                "(lm-eval accepts it; ifteval_tasks/ names each file after its task)",
                "warning",
            )
        )
    for field, ref in _walk_functions(cfg, ""):
        field = field.lstrip(".")
        problem = _check_function(ref)
        if problem:
            f, line = at(field)
            issues.append(ValidationIssue(f, line, field, problem))
    return issues
