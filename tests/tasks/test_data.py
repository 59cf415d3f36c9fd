"""The data layer: --data-dir first (no fallback), then hub (skipped offline), then the smoke set."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ifteval.errors import DataError
from ifteval.tasks import data
from ifteval.tasks.data import load_rows, load_split_dataset, read_alpaca_tags
from ifteval.tasks.sources import SOURCES
from ifteval.tasks.splits import content_key, split_of
from tests.tasks.helpers import sst2_rows, write_jsonl


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IFTEVAL_DATA_DIR", raising=False)
    monkeypatch.delenv("IFTEVAL_NO_SMOKE", raising=False)
    data._load_rows_cached.cache_clear()


def test_data_dir_rows_are_split_by_content_hash(tmp_path: Path) -> None:
    rows = sst2_rows(200)
    write_jsonl(tmp_path / "sst2.jsonl", rows)
    dsd = load_split_dataset("sst2", data_dir=tmp_path)
    assert sum(len(dsd[s]) for s in dsd) == 200
    for split in ("train", "validation", "test"):
        for row in dsd[split]:
            assert split_of(content_key(row, ["sentence"])) == split
    assert 140 < len(dsd["train"]) < 180


def test_env_data_dir_and_metadata_kwarg_are_honoured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_jsonl(tmp_path / "sst2.jsonl", sst2_rows(30))
    monkeypatch.setenv("IFTEVAL_DATA_DIR", str(tmp_path))
    rows, origin = load_rows("sst2")
    assert origin == str(tmp_path / "sst2.jsonl") and len(rows) == 30
    monkeypatch.delenv("IFTEVAL_DATA_DIR")
    # lm-eval passes --metadata into custom_dataset: data_dir plus unrelated keys such as version
    dsd = load_split_dataset(source="sst2", data_dir=str(tmp_path), version=1.0, pretrained="x")
    assert sum(len(dsd[s]) for s in dsd) == 30


def test_missing_local_file_names_the_exact_path_and_fields(tmp_path: Path) -> None:
    with pytest.raises(DataError) as err:
        load_rows("mnli", data_dir=tmp_path)
    msg = str(err.value)
    assert str(tmp_path / "mnli.jsonl") in msg
    assert "premise, hypothesis, label" in msg


def test_row_missing_a_field_names_file_line_and_field(tmp_path: Path) -> None:
    rows = sst2_rows(3)
    del rows[2]["label"]
    path = write_jsonl(tmp_path / "sst2.jsonl", rows)
    with pytest.raises(DataError, match=rf"{path}:3: row is missing field 'label'"):
        load_rows("sst2", data_dir=tmp_path)


def test_bad_json_line_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "sst2.jsonl").write_text('{"sentence": "a", "label": 1}\n{"sentence": \n')
    with pytest.raises(DataError, match=r"sst2.jsonl:2: not valid JSON"):
        load_rows("sst2", data_dir=tmp_path)


def test_csv_and_parquet_load_like_jsonl(tmp_path: Path) -> None:
    rows = sst2_rows(12)
    pd.DataFrame(rows).to_csv(tmp_path / "sst2.csv", index=False)
    got, _ = load_rows("sst2", data_dir=tmp_path)
    assert got[3]["sentence"] == rows[3]["sentence"] and int(got[3]["label"]) == rows[3]["label"]
    squad = [{"context": "c d", "question": "q", "answers": {"text": ["c"], "answer_start": [0]}}]
    pd.DataFrame(squad).to_parquet(tmp_path / "squad_v2.parquet")
    got, _ = load_rows("squad_v2", data_dir=tmp_path)
    assert got[0]["answers"] == {"text": ["c"], "answer_start": [0]}


def test_offline_falls_back_to_smoke_with_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    dsd = load_split_dataset("sst2")
    err = capsys.readouterr().err
    assert "SMOKE set for 'sst2'" in err and "HF_DATASETS_OFFLINE" in err and err.count("\n") == 1
    n = len(dsd["test"])
    assert n >= 20 and len(dsd["train"]) == len(dsd["validation"]) == n


def test_no_smoke_error_says_which_file_is_expected_where(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IFTEVAL_NO_SMOKE", "1")
    with pytest.raises(DataError) as err:
        load_rows("xsum")
    msg = str(err.value)
    assert "DIR/xsum.jsonl" in msg and "document, summary" in msg and "--data-dir" in msg


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_every_smoke_set_has_20_rows_in_the_hub_schema(source: str) -> None:
    rows = [json.loads(line) for line in (data.SMOKE_DIR / f"{source}.jsonl").read_text().splitlines()]
    assert len(rows) >= 20
    assert all(set(SOURCES[source].fields) <= set(r) for r in rows)


def test_each_alpaca_category_has_20_smoke_rows() -> None:
    from ifteval.tasks.sources import ALPACA_CATEGORIES

    for category in ALPACA_CATEGORIES:
        dsd = load_split_dataset("alpaca_gpt4", category)
        assert len(dsd["test"]) >= 20, category
        assert set(dsd["test"]["category"]) == {category}


def test_smoke_generator_is_deterministic(tmp_path: Path) -> None:
    from tools.make_smoke import write_all

    write_all(tmp_path)
    for path in tmp_path.glob("*.jsonl"):
        assert path.read_bytes() == (data.SMOKE_DIR / path.name).read_bytes(), path.name


def test_alpaca_tag_file_rejects_unknown_categories(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "tags.jsonl",
        [
            {"instruction": "a", "input": "", "category": "code"},
            {"instruction": "b", "input": "", "category": "poetry"},
        ],
    )
    with pytest.raises(DataError, match=r"tags.jsonl:2: field 'category': unknown category 'poetry'"):
        read_alpaca_tags(path)
    path = write_jsonl(tmp_path / "ok.jsonl", [{"instruction": "a", "input": "", "category": "code"}])
    assert read_alpaca_tags(path) == {("a", ""): "code"}


def test_hub_rows_without_tags_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IFTEVAL_ALPACA_CATEGORIES", str(tmp_path / "missing.jsonl"))
    with pytest.raises(DataError, match="missing.jsonl"):
        data._tag_alpaca([{"instruction": "a", "input": "", "output": "b"}])


def test_unlabelled_glue_rows_are_dropped(tmp_path: Path) -> None:
    rows = sst2_rows(40) + [{"sentence": f"hidden test {i}", "label": -1, "idx": 99} for i in range(40)]
    write_jsonl(tmp_path / "sst2.jsonl", rows)
    dsd = load_split_dataset("sst2", data_dir=tmp_path)
    assert sum(len(dsd[s]) for s in dsd) == 40


# Regression: a --data-dir row with a bad label crashed with "ValueError: could not convert string to
# float" inside sources._labelled; every field conversion is now checked and named, one line.
BAD_ROWS = [
    ("sst2", {"sentence": "fine", "label": "maybe"}, "field 'label': 'maybe' is not a valid label; "
     "valid: 0 (negative), 1 (positive), or -1 (unlabelled, dropped)"),
    ("sst2", {"sentence": "fine", "label": 2}, "field 'label': 2 is not a valid label"),
    ("sst2", {"sentence": "fine", "label": True}, "field 'label': True is not a valid label"),
    ("sst2", {"sentence": 7, "label": 1}, "field 'sentence': must be a string, got int 7"),
    ("mnli", {"premise": "p", "hypothesis": "h", "label": 0.5}, "field 'label': 0.5 is not a valid label; "
     "valid: 0 (entailment), 1 (neutral), 2 (contradiction), or -1"),
    ("qnli", {"question": "q", "sentence": "s", "label": None}, "field 'label': None is not a valid label"),
    ("stsb", {"sentence1": "a", "sentence2": "b", "label": "maybe"},
     "field 'label': 'maybe' is not a valid similarity; valid: a number from 0 to 5, or -1 (unlabelled, "
     "dropped)"),
    ("stsb", {"sentence1": "a", "sentence2": "b", "label": 5.5},
     "field 'label': 5.5 is not a valid similarity"),
    ("conll2003", {"tokens": ["EU", "rejects"], "ner_tags": [3]},
     "field 'ner_tags': has 1 tags for 2 tokens"),
    ("conll2003", {"tokens": ["EU"], "ner_tags": [9]},
     "field 'ner_tags': tag 0 is 9; valid: ids 0-8 (O, B-PER"),
    ("conll2003", {"tokens": ["EU"], "ner_tags": ["B-XYZ"]}, "field 'ner_tags': tag 0 is 'B-XYZ'"),
    ("conll2003", {"tokens": "EU rejects", "ner_tags": [3, 0]}, "field 'tokens': must be a list of strings"),
    ("squad_v2", {"context": "c", "question": "q", "answers": {"answer_start": [0]}},
     "field 'answers': must be an object {\"text\": [strings]"),
    ("squad_v2", {"context": "c", "question": "q", "answers": {"text": "Paris"}},
     "field 'answers.text': must be a list of strings, got 'Paris'"),
    ("squad_v2", {"context": "c", "question": "q", "answers": ["Paris"]},
     "field 'answers': must be an object"),
    ("xsum", {"document": "d", "summary": None}, "field 'summary': must be a string, got NoneType None"),
    ("alpaca_gpt4", {"instruction": "i", "input": "", "output": "o", "category": "poetry"},
     "field 'category': unknown category 'poetry'; valid: classify, code"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "bad", "message"), BAD_ROWS, ids=[m[:40] for _, _, m in BAD_ROWS])
def test_bad_field_value_names_file_line_field_and_valid_values(
    tmp_path: Path, source: str, bad: dict, message: str
) -> None:
    good = json.loads((data.SMOKE_DIR / f"{source}.jsonl").read_text().splitlines()[0])
    path = write_jsonl(tmp_path / f"{source}.jsonl", [good, {**good, **bad}])
    with pytest.raises(DataError) as err:
        load_split_dataset(source, data_dir=tmp_path)
    text = str(err.value)
    assert text.startswith(f"{path}:2: {source} row: {message}"), text
    assert "\n" not in text


def test_numeric_strings_and_tag_names_are_read_as_their_values(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "sst2.jsonl", [{"sentence": "a", "label": "1"}, {"sentence": "b", "label": "-1"}])
    rows, _ = load_rows("sst2", data_dir=tmp_path)
    assert [r["label"] for r in rows] == [1, -1]  # ints: the -1 row is dropped as unlabelled
    dsd = load_split_dataset("sst2", data_dir=tmp_path)
    assert [r["label"] for s in dsd for r in dsd[s]] == [1]  # the kept row, an int, in whichever split
    write_jsonl(tmp_path / "conll2003.jsonl", [{"tokens": ["EU", "x"], "ner_tags": ["B-ORG", "O"]}])
    (row,), _ = load_rows("conll2003", data_dir=tmp_path)
    assert row["ner_tags"] == ["B-ORG", "O"]


def test_bad_label_in_csv_names_the_csv_line(tmp_path: Path) -> None:
    pd.DataFrame({"sentence": ["a", "b", "c"], "label": ["1", "0", "maybe"]}).to_csv(
        tmp_path / "sst2.csv", index=False
    )
    with pytest.raises(DataError, match=r"sst2\.csv:4: sst2 row: field 'label': 'maybe'"):
        load_rows("sst2", data_dir=tmp_path)


def test_bad_label_through_ifteval_run_is_one_line_exit_2(tmp_path: Path) -> None:
    """The CLI path of the regression: the DataError reaches `ifteval run` unwrapped (no server needed:
    tasks are built before the first request)."""
    import subprocess
    import sys

    write_jsonl(tmp_path / "sst2.jsonl", [{"sentence": "a", "label": 1}, {"sentence": "b", "label": "maybe"}])
    proc = subprocess.run(
        [sys.executable, "-m", "ifteval", "run", "--model", "openai-chat",
         "--model-args", "model=x,base_url=http://127.0.0.1:9/v1", "--tasks", "ifteval_sst2",
         "--data-dir", str(tmp_path), "--output-path", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"ifteval: error: {tmp_path / 'sst2.jsonl'}:2: sst2 row: field 'label': 'maybe' is not a valid "
        "label; valid: 0 (negative), 1 (positive), or -1 (unlabelled, dropped)"
    ]


def test_data_dir_is_exposed_only_while_its_run_builds_tasks(tmp_path: Path) -> None:
    """Regression: `run`/`mix --data-dir` set IFTEVAL_DATA_DIR for the whole process, so a second
    `ifteval.evaluate` without a data folder silently read the first one's files."""
    import os

    from ifteval.tasks.data import data_dir_in_env

    os.environ.pop("IFTEVAL_DATA_DIR", None)
    with data_dir_in_env(tmp_path):
        assert os.environ["IFTEVAL_DATA_DIR"] == str(tmp_path)
    assert "IFTEVAL_DATA_DIR" not in os.environ
    os.environ["IFTEVAL_DATA_DIR"] = "/user/choice"
    try:
        with pytest.raises(RuntimeError), data_dir_in_env(tmp_path):
            raise RuntimeError("a failed run")
        assert os.environ["IFTEVAL_DATA_DIR"] == "/user/choice"
    finally:
        os.environ.pop("IFTEVAL_DATA_DIR", None)
