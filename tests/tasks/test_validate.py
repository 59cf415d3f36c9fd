"""`validate_task_yaml`: each problem with its file, line and field; the shipped tasks are clean."""

from __future__ import annotations

from pathlib import Path

import lm_eval
import pytest

from ifteval.tasks.validate import is_error, validate_task_yaml

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
    assert f"{path}:1: doc_to_target: required field is missing" in found  # the line of `task:`


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


def test_task_name_differing_from_the_file_stem_is_only_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.format(name="other_name"))
    (issue,) = validate_task_yaml(path)
    assert issue.severity == "warning"
    assert str(issue) == (
        f"{path}:1: warning: task: 'other_name' differs from the file stem 'my_task' "
        "(lm-eval accepts it; ifteval_tasks/ names each file after its task)"
    )


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


LM_EVAL_TASKS = Path(lm_eval.__file__).parent / "tasks"


def test_lm_eval_own_sst2_validates_without_errors() -> None:
    """Regression: lm-eval's glue/sst2/default.yaml was rejected (no test_split; task != stem)."""
    path = LM_EVAL_TASKS / "glue" / "sst2" / "default.yaml"
    issues = validate_task_yaml(path)
    assert [i for i in issues if is_error(i)] == []
    assert [(i.file, i.line, i.field, i.severity) for i in issues] == [
        (str(path.resolve()), 2, "task", "warning")
    ]


GLUE = sorted((LM_EVAL_TASKS / "glue").glob("**/*.yaml"))


def test_lm_eval_glue_folder_is_there() -> None:
    assert len(GLUE) >= 9, GLUE  # cola, mnli, mrpc, qnli, qqp, rte, sst2, wnli, ...


@pytest.mark.parametrize("path", GLUE, ids=lambda p: p.parent.name + "/" + p.name)
def test_every_lm_eval_glue_task_has_no_errors(path: Path) -> None:
    assert [str(i) for i in validate_task_yaml(path) if is_error(i)] == []


def test_validation_split_alone_is_enough(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.format(name="my_task").replace("test_split: test", "validation_split: val"))
    assert _found(path) == []


def test_missing_eval_split_is_reported_at_the_task_line(tmp_path: Path) -> None:
    text = "# a comment\n" + GOOD.format(name="my_task").replace("test_split: test\n", "")
    path = _write(tmp_path, text)
    assert _found(path) == [
        f"{path}:2: test_split: need test_split or validation_split (lm-eval evaluates one)"
    ]


def test_every_issue_uses_the_resolved_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: missing fields used the path as given, other issues the resolved one, so the CLI
    counted one file twice ("2 issue(s) in 2 file(s)" for a single file)."""
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub", "task: other\ntask: again\n", name="my_task")
    monkeypatch.chdir(tmp_path)
    issues = validate_task_yaml(Path("sub/../sub/my_task.yaml"))
    assert {i.file for i in issues} == {str((tmp_path / "sub" / "my_task.yaml").resolve())}
    assert all(i.line >= 1 for i in issues), issues
    assert len(issues) == 6  # duplicate task; doc_to_text, doc_to_target, split, dataset missing; stem


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("doc_to_text", '"Sentence: {{sentence}"', "doc_to_text: Jinja syntax error at template line 1: "
         "unexpected '}'"),
        ("doc_to_text", '"a\\n{{ x }}\\n{% if y %}b"', "doc_to_text: Jinja syntax error at template line 3:"),
        ("doc_to_target", '"{{ label | }}"', "doc_to_target: Jinja syntax error at template line 1: "),
        ("doc_to_choice", '["ok", "{{ bad"]', "doc_to_choice[1]: Jinja syntax error at template line 1: "),
        ("doc_to_choice", '"{{ choices }"', "doc_to_choice: Jinja syntax error at template line 1: "),
    ],
)
def test_jinja_syntax_errors_name_the_field_and_line(
    tmp_path: Path, field: str, value: str, message: str
) -> None:
    text = GOOD.format(name="my_task")
    if field == "doc_to_choice":
        text += f"doc_to_choice: {value}\n"
        line = 15
    else:
        old = next(x for x in text.splitlines() if x.startswith(f"{field}:"))
        text = text.replace(old, f"{field}: {value}")
        line = text.splitlines().index(f"{field}: {value}") + 1
    path = _write(tmp_path, text)
    (issue,) = _found(path)
    assert issue.startswith(f"{path}:{line}: {message}"), issue
