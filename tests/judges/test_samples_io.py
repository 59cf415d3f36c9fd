"""Reading ifteval rows, `ifteval run` folders and lm-eval --log_samples rows; atomic JSONL output."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ifteval.errors import DataError
from ifteval.judges.samples_io import (
    output_row,
    read_samples,
    task_from_filename,
)
from ifteval.results import write_jsonl
from ifteval.types import Verdict

# the layout lm-eval's EvaluationTracker.save_results_samples writes for a generate_until task
LM_EVAL_GENERATE_ROW = {
    "doc_id": 7,
    "doc": {"sentence": "a gorgeous film", "label": 1},
    "target": "positive",
    "arguments": {"gen_args_0": {"arg_0": "Review: a gorgeous film\nSentiment:", "arg_1": {"until": ["\n"]}}},
    "resps": [["  positive, clearly"]],
    "filtered_resps": ["positive, clearly"],
    "filter": "none",
    "metrics": ["exact_match"],
    "doc_hash": "x",
    "prompt_hash": "y",
    "target_hash": "z",
    "exact_match": 0.0,
}
# ... and for a multiple-choice (loglikelihood) task: one request per choice, target an index
LM_EVAL_CHOICE_ROW = {
    "doc_id": 3,
    "doc": {"q": "2+2?"},
    "target": "1",
    "arguments": {
        "gen_args_0": {"arg_0": "Question: 2+2?\nAnswer:", "arg_1": " three"},
        "gen_args_1": {"arg_0": "Question: 2+2?\nAnswer:", "arg_1": " four"},
        "gen_args_2": {"arg_0": "Question: 2+2?\nAnswer:", "arg_1": " five"},
    },
    "resps": [[["-5.1", "False"]], [["-0.7", "True"]], [["-3.0", "False"]]],
    "filtered_resps": [["-5.1", "False"], ["-0.7", "True"], ["-3.0", "False"]],
    "filter": "none",
    "acc": 1.0,
}


def write_lines(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_ifteval_rows(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "mine.jsonl",
        [
            {
                "id": "q1",
                "task": "ifteval_sst2",
                "prompt": "P",
                "prediction": "positive",
                "reference": "positive",
            },
            {"prompt": "P2", "prediction": "A"},
            {"doc_id": 4, "prompt": "P3", "prediction": "B", "reference": ["x", "y"]},
        ],
    )
    (first, second, third) = read_samples([path])
    assert first.sample.id == "q1" and first.sample.task == "ifteval_sst2" and first.line == 1
    assert second.sample.id == "2" and second.sample.reference is None and second.sample.task is None
    assert (
        third.sample.id == "4" and third.sample.reference == '["x", "y"]'
    )  # structured references stay JSON


def test_ifteval_run_folder_takes_task_from_file_name(tmp_path: Path) -> None:
    write_lines(tmp_path / "samples_ifteval_xsum.jsonl", [{"doc_id": 0, "prompt": "p", "prediction": "s"}])
    write_lines(
        tmp_path / "samples_ifteval_sst2.jsonl",
        [{"doc_id": 0, "task": "ifteval_sst2", "prompt": "p", "prediction": "x"}],
    )
    (tmp_path / "results.json").write_text("{}")
    rows = read_samples([tmp_path])
    assert [r.sample.task for r in rows] == ["ifteval_sst2", "ifteval_xsum"]


def test_lm_eval_generate_until_row(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "samples_glue_sst2_2024-05-01T12-30-00.123456.jsonl", [LM_EVAL_GENERATE_ROW]
    )
    (row,) = read_samples([path])
    assert row.sample.prompt == "Review: a gorgeous film\nSentiment:"
    assert row.sample.prediction == "positive, clearly"
    assert row.sample.reference == "positive"
    assert row.sample.task == "glue_sst2" and row.sample.id == "7"


def test_lm_eval_multiple_choice_row(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "samples_arith_2024-05-01T12-30-00.123456.jsonl", [LM_EVAL_CHOICE_ROW])
    (row,) = read_samples([path])
    assert row.sample.prediction == "four"  # highest log-likelihood
    assert row.sample.reference == "four"  # index 1 mapped to its choice
    assert row.sample.prompt == "Question: 2+2?\nAnswer:"


def test_task_from_filename() -> None:
    assert (
        task_from_filename(Path("samples_mmlu_high_school_2025-01-02T03-04-05.678.jsonl"))
        == "mmlu_high_school"
    )
    assert task_from_filename(Path("samples_ifteval_squadv2.jsonl")) == "ifteval_squadv2"
    assert task_from_filename(Path("data.jsonl")) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"prompt": "p", "prediction": "x"}\n{not json\n', "bad.jsonl:2: not valid JSON"),
        ('["a list"]\n', "bad.jsonl:1: expected a JSON object"),
        ('{"question": "q", "answer": "a"}\n', "bad.jsonl:1: unknown row layout"),
        ('{"prediction": "x"}\n', "bad.jsonl:1: missing field 'prompt'"),
        ('{"prompt": "p", "prediction": 3}\n', "bad.jsonl:1: field 'prediction' must be a string"),
        ("\n\n", "bad.jsonl: no samples"),
    ],
)
def test_errors_name_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(DataError, match=message):
        read_samples([path])


def test_missing_input_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        read_samples([tmp_path / "nope.jsonl"])
    with pytest.raises(DataError, match="no samples_"):
        read_samples([tmp_path])


def test_output_row_keeps_input_and_merges_scores(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "samples_t.jsonl",
        [{"doc_id": 1, "prompt": "p", "prediction": "x", "scores": {"old": 0.5}, "acc": 1.0}],
    )
    (item,) = read_samples([path])
    row = output_row(
        item,
        {
            "rouge1": Verdict(0.25, extras={"precision": 0.5}),
            "gpt4": Verdict(None, status="unparsed", reason="no score", raw="I think..."),
            "f1": Verdict(float("nan")),
        },
    )
    assert row["scores"] == {"old": 0.5, "rouge1": 0.25, "gpt4": None, "f1": None}
    assert row["acc"] == 1.0 and row["task"] == "t"
    assert row["judge_details"]["gpt4"] == {
        "status": "unparsed",
        "reason": "no score",
        "raw": "I think...",
        "extras": {},
    }
    assert row["judge_details"]["rouge1"]["extras"] == {"precision": 0.5}
    assert "f1" not in row["judge_details"]


def test_atomic_write_leaves_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text('{"old": 1}\n')

    def rows():
        yield {"a": 1}
        raise RuntimeError("judge crashed mid-way")

    with pytest.raises(RuntimeError):
        write_jsonl(target, rows())
    assert target.read_text() == '{"old": 1}\n'
    assert os.listdir(tmp_path) == ["out.jsonl"]  # no temporary file left behind
    write_jsonl(target, [{"a": 1}, {"b": "é"}])
    assert [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()] == [
        {"a": 1},
        {"b": "é"},
    ]
