"""`validate_task_yaml`: each problem with its file, line and field; the shipped tasks are clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from ifteval.tasks.validate import validate_task_yaml

TASKS = sorted(Path("ifteval_tasks").resolve().glob("**/*.yaml"))
GOOD = """\
task: {name}
output_type: generate_until
custom_dataset: !function ifteval.tasks.hooks.load_split_dataset
dataset_kwargs:
  source: sst2
test_split: test
doc_to_text: "{{{{sentence}}}}"
doc_to_target: !function ifteval.tasks.hooks.target_sst2
metric_list:
  - metric: acc
    aggregation: mean
    higher_is_better: true
metadata:
  version: 1.0
"""


def _write(tmp_path: Path, text: str, name: str = "my_task") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


def _found(path: Path) -> list[str]:
    return [str(i) for i in validate_task_yaml(path)]


@pytest.mark.parametrize("path", TASKS, ids=lambda p: p.stem)
def test_shipped_tasks_are_clean(path: Path) -> None:
    assert validate_task_yaml(path) == []


def test_good_yaml_has_no_issues(tmp_path: Path) -> None:
    assert _found(_write(tmp_path, GOOD.format(name="my_task"))) == []


def test_duplicate_key_is_reported_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.format(name="my_task") + "test_split: validation\n")
    assert _found(path) == [f"{path}:15: test_split: duplicate key"]


def test_malformed_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "task: my_task\ndoc_to_text: [oops\noutput_type: generate_until\n")
    (issue,) = validate_task_yaml(path)
    assert (issue.file, issue.line, issue.field) == (str(path), 3, "(yaml)")
    assert issue.message.startswith("malformed YAML")


def test_unknown_key_suggests_the_closest(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.format(name="my_task").replace("doc_to_target:", "doc_to_targt:"))
    found = _found(path)
    assert any(
        f.startswith(f"{path}:8: doc_to_targt: unknown key. Did you mean 'doc_to_target'") for f in found
    )
    assert f"{path}:0: doc_to_target: required field is missing" in found


def test_function_that_does_not_import_is_reported(tmp_path: Path) -> None:
    text = GOOD.format(name="my_task").replace("hooks.target_sst2", "hooks.target_nope")
    text = text.replace("ifteval.tasks.hooks.load_split_dataset", "ifteval.no_such_module.load")
    path = _write(tmp_path, text)
    found = _found(path)
    assert any(
        f.startswith(f"{path}:3: custom_dataset: cannot import 'ifteval.no_such_module'") for f in found
    )
    assert any(
        f.startswith(f"{path}:8: doc_to_target: module 'ifteval.tasks.hooks' has no attribute") for f in found
    )


def test_task_name_must_equal_the_file_stem(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.format(name="other_name"))
    assert _found(path) == [f"{path}:1: task: 'other_name' differs from the file stem 'my_task'"]


def test_wrong_types_are_reported(tmp_path: Path) -> None:
    text = GOOD.format(name="my_task").replace("output_type: generate_until", "output_type: generate")
    text = text.replace("higher_is_better: true", "higher_is_better: yes please")
    text += "generation_kwargs:\n  max_gen_toks: lots\n"
    path = _write(tmp_path, text)
    found = _found(path)
    assert (
        f"{path}:2: output_type: must be one of generate_until, loglikelihood, "
        "loglikelihood_rolling, multiple_choice, got 'generate'"
        in found
    )  # noqa: E501
    assert f"{path}:9: metric_list[0].higher_is_better: must be true or false" in found
    assert f"{path}:15: generation_kwargs.max_gen_toks: must be int" in found


def test_problems_in_an_included_template_name_the_template(tmp_path: Path) -> None:
    (tmp_path / "_template_yaml").write_text("output_type: generate_until\nmax_tokens: 5\n")
    path = _write(
        tmp_path,
        "include: _template_yaml\n"
        + GOOD.format(name="my_task").replace("output_type: generate_until\n", ""),
    )
    assert _found(path) == [f"{tmp_path / '_template_yaml'}:2: max_tokens: unknown key."]
