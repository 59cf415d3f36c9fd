"""The run record's reader and writer on the inputs a user brings (their own rows, lm-eval --log_samples
layouts, malformed files); the files ifteval itself writes are read back in tests/test_round_trip.py."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ifteval.errors import DataError
from ifteval.record import Record, parse_row, read_records, task_from_filename, write_records
from ifteval.types import Sample, Verdict
from ifteval.writers import write_jsonl

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
    (first, second, third) = read_records([path])
    assert first.sample.id == "q1" and first.sample.task == "ifteval_sst2" and first.line == 1
    assert second.sample.id == "2" and second.sample.reference is None and second.sample.task is None
    assert (
        third.sample.id == "4" and third.sample.reference == '["x", "y"]'
    )  # structured references stay JSON


def test_lm_eval_output_folder_is_read_recursively_with_dated_names(tmp_path: Path) -> None:
    """Regression (issue 8): meta named a dated lm-eval file's task `x_2024-...` and did not recurse."""
    model_folder = tmp_path / "lm_eval_out" / "__models__SmolLM2"
    model_folder.mkdir(parents=True)
    write_lines(model_folder / "samples_glue_sst2_2024-05-01T12-30-00.123456.jsonl", [LM_EVAL_GENERATE_ROW])
    (record,) = read_records([tmp_path / "lm_eval_out"])
    assert record.sample.task == "glue_sst2" and record.system is None  # one model folder: no sweep
    assert record.columns()["task"] == "glue_sst2" and record.columns()["exact_match"] == 0.0


def test_folders_in_several_subfolders_name_their_system(tmp_path: Path) -> None:
    for system in ("base", "lora1"):
        (tmp_path / system).mkdir()
        row = {"doc_id": 0, "prompt": "p", "prediction": system}
        write_lines(tmp_path / system / "samples_t.jsonl", [row])
    records = read_records([tmp_path])
    assert [(r.system, r.sample.prediction, r.sample.task) for r in records] == [
        ("base", "base", "t"), ("lora1", "lora1", "t")]
    assert records[0].to_row()["system"] == "base"


def test_lm_eval_generate_until_row(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "samples_glue_sst2_2024-05-01T12-30-00.123456.jsonl", [LM_EVAL_GENERATE_ROW]
    )
    (row,) = read_records([path])
    assert row.sample.prompt == "Review: a gorgeous film\nSentiment:"
    assert row.sample.prediction == "positive, clearly"
    assert row.sample.reference == "positive"
    assert row.sample.task == "glue_sst2" and row.sample.id == "7"


def test_lm_eval_multiple_choice_row(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "samples_arith_2024-05-01T12-30-00.123456.jsonl", [LM_EVAL_CHOICE_ROW])
    (row,) = read_records([path])
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
        read_records([path])


def test_missing_input_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        read_records([tmp_path / "nope.jsonl"])
    with pytest.raises(DataError, match="no samples_"):
        read_records([tmp_path])


def test_written_verdicts_read_back_equal(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "samples_t.jsonl",
        [{"doc_id": 1, "prompt": "p", "prediction": "x", "scores": {"old": 0.5}, "acc": 1.0}],
    )
    (record,) = read_records([path])
    verdicts = {
        "rouge1": Verdict(0.25, extras={"precision": 0.5}),
        "gpt4": Verdict(None, status="unparsed", reason="no score", raw="I think..."),
        "f1": Verdict(float("nan")),
    }
    row = record.with_verdicts(verdicts).to_row()
    assert row["scores"] == {"old": 0.5, "rouge1": 0.25, "gpt4": None, "f1": None}
    assert row["acc"] == 1.0 and row["task"] == "t"
    assert row["judge_details"]["gpt4"] == {"status": "unparsed", "reason": "no score", "raw": "I think...",
                                            "extras": {}}
    assert row["judge_details"]["rouge1"]["extras"] == {"precision": 0.5}
    assert "f1" not in row["judge_details"]
    out = tmp_path / "judged.jsonl"
    write_records(out, [record.with_verdicts(verdicts)])
    (again,) = read_records([out])
    assert again.verdicts["rouge1"] == verdicts["rouge1"] and again.verdicts["gpt4"] == verdicts["gpt4"]
    assert again.verdicts["f1"].value is None
    assert again.columns()["rouge1.precision"] == 0.5 and again.columns()["old"] == 0.5


def test_record_built_in_memory_writes_its_task_and_system() -> None:
    record = Record(Sample("7", "p", "x", None, "t"), row={"doc_id": 7, "prompt": "p", "prediction": "x"},
                    system="lora1")
    assert record.to_row() == {"doc_id": 7, "prompt": "p", "prediction": "x", "task": "t", "system": "lora1"}
    assert parse_row(record.to_row(), "mem").system == "lora1"


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ('"high"', "field 'scores' must map judge name"),
        ('{"j": "high"}', "scores.j must be a number or null"),
        ('{"j": true}', "scores.j must be a number or null"),
    ],
)
def test_malformed_scores_name_file_and_line(tmp_path: Path, scores: str, message: str) -> None:
    path = tmp_path / "judged.jsonl"
    row = '{"prompt": "p", "prediction": "x"'
    path.write_text(f"{row}}}\n{row}, \"scores\": {scores}}}\n")
    with pytest.raises(DataError, match=f"judged.jsonl:2: {message}"):
        read_records([path])


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


def test_a_rows_own_system_wins_and_must_be_a_name() -> None:
    assert parse_row({"prompt": "p", "prediction": "x", "system": 3}, "mem", system="lora1").system == "3"
    with pytest.raises(DataError, match="mem: field 'system' must be a string, got dict"):
        parse_row({"prompt": "p", "prediction": "x", "system": {"name": "a"}}, "mem")


def test_a_folder_named_like_a_samples_file_is_one_error_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "samples_x.jsonl"
    folder.mkdir()
    with pytest.raises(DataError, match=r"samples_x\.jsonl: cannot read \(Is a directory\)"):
        read_records([folder.parent])
