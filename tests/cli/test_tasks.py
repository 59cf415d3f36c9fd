"""`ifteval tasks list|validate` as a user runs them: a subprocess, timed, with exit codes."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _ifteval(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the CLI; also return its CPU seconds (user + sys), which a busy CI machine does not inflate."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [sys.executable, "-m", "ifteval", *args], capture_output=True, text=True, timeout=120, check=False
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return proc, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_tasks_list_shows_every_task_in_under_3_seconds() -> None:
    start = time.perf_counter()
    proc, cpu_s = _ifteval("tasks", "list")
    wall_s = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    assert cpu_s < 3.0, cpu_s  # ~1.2 s CPU, ~1.8 s wall on an idle 2-core machine
    assert wall_s < 15.0, wall_s  # generous: other jobs may share the machine
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["TASK", "TAGS", "SOURCE", "OUTPUT", "METRICS"]
    assert len(lines) == 21
    sst2 = next(line.split() for line in lines if line.startswith("ifteval_sst2 "))
    assert sst2 == ["ifteval_sst2", "ifteval_gold", "nyu-mll/glue/sst2", "generate_until", "acc,score"]
    xsum = next(line.split() for line in lines if line.startswith("ifteval_xsum "))
    assert xsum[-1] == "rouge2,rouge1,rougeL,score"


def test_tasks_list_with_a_missing_include_path_is_one_line_exit_2(tmp_path: Path) -> None:
    proc, _ = _ifteval("tasks", "list", "--include-path", str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "no such file or folder" in proc.stderr


def test_tasks_validate_reports_file_line_field_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad_task.yaml"
    bad.write_text("task: bad_task\ntask: again\n")
    proc, _ = _ifteval("tasks", "validate", str(bad))
    assert proc.returncode == 2
    assert f"{bad}:2: task: duplicate key" in proc.stdout.splitlines()


def test_tasks_validate_accepts_the_shipped_folder() -> None:
    proc, _ = _ifteval("tasks", "validate", "ifteval_tasks")
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip() == "ok: 23 file(s)"  # 20 tasks, 3 groups


def test_tasks_validate_lm_eval_sst2_prints_the_warning_and_exits_0() -> None:
    """Regression: lm-eval's own glue/sst2/default.yaml failed validation (exit 2)."""
    import lm_eval

    path = (Path(lm_eval.__file__).parent / "tasks" / "glue" / "sst2" / "default.yaml").resolve()
    proc, _ = _ifteval("tasks", "validate", str(path))
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.splitlines() == [
        f"{path}:2: warning: task: 'sst2' differs from the file stem 'default' "
        "(lm-eval accepts it; ifteval_tasks/ names each file after its task)",
        "ok: 1 file(s), 1 warning(s)",
    ]


def test_tasks_validate_counts_issues_per_resolved_file(tmp_path: Path) -> None:
    """Regression: a missing field (reported at the path as given) and a duplicate key (at the resolved
    path) in one file were counted as '2 issue(s) in 2 file(s)'."""
    bad = tmp_path / "bad_task.yaml"
    bad.write_text("task: bad_task\ntask: bad_task\ndoc_to_text: '{{x}'\n")
    other = tmp_path / "other.yaml"
    other.write_text("task: other\n")
    proc, _ = _ifteval("tasks", "validate", str(tmp_path / "." / "bad_task.yaml"), str(other))
    assert proc.returncode == 2
    lines = proc.stdout.splitlines()
    assert lines[-1] == "9 issue(s) in 2 file(s)", lines  # 5 + 4
    assert f"{bad}:3: doc_to_text: Jinja syntax error at template line 1: unexpected '}}'" in lines


def test_tasks_list_names_an_unreadable_include_yaml_and_exits_2(tmp_path: Path) -> None:
    """Regression: a malformed YAML in --include-path was skipped silently (lm-eval logs it at DEBUG)."""
    (tmp_path / "good_one.yaml").write_text(
        "task: good_one\ndataset_path: json\ntest_split: test\ndoc_to_text: x\ndoc_to_target: y\n"
    )
    (tmp_path / "bad_one.yaml").write_text("task: bad_one\ndoc_to_text: [oops\noutput_type: x\n")
    proc, _ = _ifteval("tasks", "list", "--include-path", str(tmp_path))
    assert proc.returncode == 2
    assert any(line.startswith("good_one ") for line in proc.stdout.splitlines())
    assert proc.stderr.splitlines()[0] == (
        f"ifteval: error: task file not indexed: {tmp_path / 'bad_one.yaml'}: "
        "line 3: malformed YAML: did not find expected ',' or ']'"
    )
    assert "1 task file(s) could not be read" in proc.stderr


def test_validate_renders_templates_on_a_smoke_row_as_run_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: `{{ sentence.nope.deeper }}` parses and names a real field, so validate said ok, yet
    rendering it fails; run then failed with no template line. Both now name file, field and line."""
    from ifteval.cli import main

    shipped = Path("ifteval_tasks/glue/ifteval_sst2.yaml").read_text()
    (tmp_path / "_template_yaml").write_text(Path("ifteval_tasks/_template_yaml").read_text())
    bad = tmp_path / "deep_sst2.yaml"
    bad.write_text(shipped.replace("task: ifteval_sst2", "task: deep_sst2").replace(
        '"Classify the following sentence as negative or positive.\\n\\nSentence: {{sentence}}"',
        '"Classify this.\\n{{ sentence.nope.deeper }}"'))
    assert main(["tasks", "validate", str(bad)]) == 2
    out = capsys.readouterr()
    line = f"{bad.resolve()}:5: doc_to_text: template line 2: 'str object' has no attribute 'nope'"
    assert line in out.out + out.err
    code = main(["run", "--tasks", "deep_sst2", "--include-path", str(tmp_path), "--limit", "1",
                 "--output-path", str(tmp_path / "out")])
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("ifteval: error:")]
    assert code == 2 and len(err) == 1, err
    assert "doc_to_text" in err[0] and "template line 2" in err[0] and "has no attribute 'nope'" in err[0]
    assert not (tmp_path / "out").exists()
