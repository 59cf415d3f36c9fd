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
    from ifteval.tasks.smoke.make_smoke import write_all

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
