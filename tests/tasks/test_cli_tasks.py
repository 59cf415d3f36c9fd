"""`ifteval tasks list|validate` as a user runs them: a subprocess, timed, with exit codes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def _ifteval(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "ifteval", *args], capture_output=True, text=True, timeout=120, check=False
    )
    return proc, time.perf_counter() - start


def test_tasks_list_shows_every_task_in_under_3_seconds() -> None:
    proc, elapsed = _ifteval("tasks", "list")
    assert proc.returncode == 0, proc.stderr
    assert elapsed < 3.0, elapsed
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["TASK", "TAGS", "SOURCE", "OUTPUT", "METRICS"]
    assert len(lines) == 21
    sst2 = next(line.split() for line in lines if line.startswith("ifteval_sst2 "))
    assert sst2 == ["ifteval_sst2", "ifteval", "nyu-mll/glue/sst2", "generate_until", "acc"]
    xsum = next(line.split() for line in lines if line.startswith("ifteval_xsum "))
    assert xsum[-1] == "rouge2,rouge1,rougeL"


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
    assert proc.stdout.strip() == "ok: 20 file(s)"
