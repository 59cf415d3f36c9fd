"""`tasks validate` reports every file as FILE:LINE; `include: ../_template_yaml` works from any
folder; the docs' example task is the shipped file (issue 14 item 6)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ifteval.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "my_tasks" / "ifteval_sst2_terse.yaml"
LLM_METRIC = """include: ../_template_yaml
task: t_llm
dataset_kwargs: {source: sst2}
doc_to_text: "{{sentence}}"
doc_to_target: !function ifteval.tasks.hooks.target_sst2
metric_list:
  - metric: !function ifteval.judges.lm_eval_metric.gpt4_judge
    aggregation: mean
    higher_is_better: true
"""


def test_every_file_is_reported_and_an_llm_metric_has_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: an LLM judge in metric_list aborted validation with a bare line, losing the rest."""
    (tmp_path / "a_llm.yaml").write_text(LLM_METRIC.replace("t_llm", "a_llm"))
    (tmp_path / "b_bad.yaml").write_text("task: b_bad\ndoc_to_text: [unclosed\n")
    misspelt = EXAMPLE.read_text().replace("tag: mine", "tagz: mine").replace("_terse", "_c")
    (tmp_path / "ifteval_sst2_c.yaml").write_text(misspelt)
    shutil.copy(EXAMPLE, tmp_path / "ifteval_sst2_terse.yaml")
    assert main(["tasks", "validate", str(tmp_path)]) == 2
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == "3 issue(s) in 3 file(s)"
    llm = "metric_list[0].metric: !function ifteval.judges.lm_eval_metric.gpt4_judge"
    assert lines[0].startswith(f"{tmp_path / 'a_llm.yaml'}:6: {llm}")
    assert "judge 'gpt4' (kind 'llm') reads the prompt" in lines[0]
    assert re.match(rf"{re.escape(str(tmp_path / 'b_bad.yaml'))}:\d+: \(yaml\): malformed YAML", lines[1])
    assert lines[2].startswith(f"{tmp_path / 'ifteval_sst2_c.yaml'}:3: tagz: unknown key.")


def test_the_relative_template_include_works_from_any_folder(tmp_path: Path) -> None:
    from ifteval.tasks import resolve_task_names, task_manager

    folder = tmp_path / "deep" / "my_tasks"
    folder.mkdir(parents=True)
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    manager = task_manager([folder])
    assert resolve_task_names("mine", manager) == ["ifteval_sst2_terse"]
    loaded = manager.load(["ifteval_sst2_terse"])["tasks"]["ifteval_sst2_terse"]
    assert loaded.config.output_type == "generate_until"  # from ifteval_tasks/_template_yaml
    assert main(["tasks", "validate", str(folder)]) == 0


def test_the_docs_show_the_shipped_example_task() -> None:
    text = (ROOT / "docs" / "tasks.md").read_text()
    assert f"```yaml\n{EXAMPLE.read_text()}```" in text
