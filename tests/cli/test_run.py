"""`ifteval run` end to end on the embedded model (real lm-eval, real generation, real gold metrics)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ifteval.cli import main

PAPER_TASKS = [
    "ifteval_mnli",
    "ifteval_qnli",
    "ifteval_sst2",
    "ifteval_stsb",
    "ifteval_conll2003",
    "ifteval_squadv2",
    "ifteval_xsum",
]
PRIMARY = {
    "ifteval_mnli": "acc",
    "ifteval_qnli": "acc",
    "ifteval_sst2": "acc",
    "ifteval_stsb": "acc",
    "ifteval_conll2003": "acc",
    "ifteval_squadv2": "f1",
    "ifteval_xsum": "rouge2",
}


@pytest.mark.slow
def test_run_all_paper_tasks_on_the_embedded_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(
        [
            "run",
            "--tasks",
            "ifteval_gold",
            "--limit",
            "2",
            "--output-path",
            str(out),
            "--judges",
            "gold",
            "--no-progress",
        ]
    )
    assert code == 0
    table = capsys.readouterr().out
    results = json.loads((out / "results.json").read_text())
    assert sorted(results["results"]) == sorted([*PAPER_TASKS, "ifteval_gold"])  # + the group row
    assert results["config"]["world_size"] == 1
    assert results["config"]["model_identity"]["model"].endswith("smollm2-135m-instruct")
    assert results["config"]["model_args"]["pretrained"] == results["config"]["model_identity"]["model"]
    for task in PAPER_TASKS:
        metrics = results["results"][task]
        value = metrics[f"{PRIMARY[task]},none"]
        assert 0.0 <= value <= 1.0
        assert f"{PRIMARY[task]}_stderr,none" in metrics
        assert results["n-samples"][task]["effective"] == 2
        assert task in table
        rows = [json.loads(line) for line in (out / f"samples_{task}.jsonl").read_text().splitlines()]
        assert [row["doc_id"] for row in rows] == [0, 1]
        for row in rows:
            assert row["task"] == task and row["prompt"] and isinstance(row["prediction"], str)
            assert row["reference"] is not None
            # the gold judge outside lm-eval gives the very number lm-eval's metric gave
            assert row["scores"]["gold"] == pytest.approx(row[PRIMARY[task]])
        assert results["signatures"][task].startswith(f"{task}@")
    assert "seed:0" in results["signatures"]["ifteval_sst2"]
    assert "|data:smoke|" in results["signatures"]["ifteval_sst2"]  # offline: the bundled smoke sets
    assert results["data"]["ifteval_sst2"]["origin"] == "smoke"
    assert results["data"]["ifteval_sst2"]["location"].endswith("sst2.jsonl")
    assert "ran on the bundled smoke sets" in table
    # greedy decoding of the embedded model is deterministic: pin what it says on the first two SST-2
    # smoke rows and how B.2 scores it (row 0 names both labels, so it is wrong)
    sst2 = [json.loads(line) for line in (out / "samples_ifteval_sst2.jsonl").read_text().splitlines()]
    assert [row["prediction"].startswith("The sentence is negative.") for row in sst2] == [True, True]
    assert [row["acc"] for row in sst2] == [0.0, 1.0]
    assert results["results"]["ifteval_sst2"]["acc,none"] == 0.5
    assert results["package_versions"]["lm_eval"]


def test_unknown_task_is_one_line_with_a_suggestion(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ifteval",
            "run",
            "--tasks",
            "ifteval_sst3",
            "--output-path",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("ifteval: error:") and "ifteval_sst2" in lines[-1]
    assert not (tmp_path / "o").exists()  # nothing half-written


def test_unknown_judge_fails_before_any_generation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["run", "--tasks", "ifteval_sst2", "--judges", "rogue1", "--output-path", str(tmp_path / "o")]
    )
    assert code == 2
    assert "Did you mean 'rouge1'" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_bad_model_args_key_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "run",
            "--tasks",
            "ifteval_sst2",
            "--model-args",
            "pretrained=x,peeft=y",
            "--output-path",
            str(tmp_path / "o"),
        ]
    )
    assert code == 2
    assert "peeft" in capsys.readouterr().err


def test_non_positive_limit_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--tasks", "ifteval_sst2", "--limit", "-3", "--output-path", str(tmp_path / "o")])
    assert code == 2
    assert "--limit must be a positive count" in capsys.readouterr().err


def test_folder_without_a_model_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "not_a_model").mkdir()
    args = ["run", "--tasks", "ifteval_sst2", "--limit", "1", "--output-path", str(tmp_path / "o")]
    code = main([*args, "--model-args", f"pretrained={tmp_path / 'not_a_model'}"])
    assert code == 2
    assert "has no config.json" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_task_with_a_broken_hook_names_its_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "tasks"
    folder.mkdir()
    (folder / "my_task.yaml").write_text(
        "task: my_task\ndataset_path: json\noutput_type: generate_until\ntest_split: train\n"
        "doc_to_text: !function nosuchmodule.fn\ndoc_to_target: x\n"
    )
    args = ["run", "--tasks", "my_task", "--include-path", str(folder), "--output-path", str(tmp_path / "o")]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(folder / "my_task.yaml") in err[0] and "nosuchmodule" in err[0]
