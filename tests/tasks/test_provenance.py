"""Data provenance: `data_origins()` says where each loaded source came from; `task_source()` which
source a task reads. Regression: results never recorded it, so a smoke-set score could pass for a real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from ifteval.tasks import data, data_origins, load_split_dataset, task_manager, task_source
from tests.tasks.helpers import sst2_rows, write_jsonl


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IFTEVAL_DATA_DIR", raising=False)
    monkeypatch.delenv("IFTEVAL_NO_SMOKE", raising=False)
    data._load_rows_cached.cache_clear()
    monkeypatch.setattr(data, "_ORIGINS", {})


def test_smoke_and_local_loads_are_recorded_with_location_and_rows(tmp_path: Path) -> None:
    load_split_dataset("stsb")
    write_jsonl(tmp_path / "sst2.jsonl", sst2_rows(37))
    load_split_dataset("sst2", data_dir=tmp_path)
    assert data_origins() == {
        "sst2": {"origin": "local", "location": str((tmp_path / "sst2.jsonl").resolve()), "rows": 37},
        "stsb": {"origin": "smoke", "location": str(data.SMOKE_DIR / "stsb.jsonl"), "rows": 24},
    }


def test_a_cached_reload_is_still_recorded_and_the_last_load_wins(tmp_path: Path) -> None:
    load_split_dataset("sst2")
    data._ORIGINS.clear()
    load_split_dataset("sst2")  # served by the row cache: still recorded
    assert data_origins()["sst2"]["origin"] == "smoke"
    write_jsonl(tmp_path / "sst2.jsonl", sst2_rows(5))
    load_split_dataset("sst2", data_dir=tmp_path)
    assert data_origins()["sst2"]["origin"] == "local"


def test_hub_loads_record_the_hub_id_and_revision(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data, "hub_offline", lambda: False)
    monkeypatch.setattr(data, "load_hub_rows", lambda source: sst2_rows(12))
    monkeypatch.setattr(data, "_hub_location", lambda source: "nyu-mll/glue/sst2@0123abc")
    load_split_dataset("sst2")
    assert data_origins() == {"sst2": {"origin": "hub", "location": "nyu-mll/glue/sst2@0123abc", "rows": 12}}


def test_data_origins_returns_a_copy() -> None:
    load_split_dataset("sst2")
    data_origins()["sst2"]["origin"] = "hub"
    assert data_origins()["sst2"]["origin"] == "smoke"


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("ifteval_sst2", "sst2"),
        ("ifteval_mnli", "mnli"),
        ("ifteval_conll2003", "conll2003"),
        ("ifteval_squadv2", "squad_v2"),
        ("ifteval_alpaca_code", "alpaca_gpt4"),
        ("no_such_task", None),
    ],
)
def test_task_source_by_name(name: str, source: str | None) -> None:
    assert task_source(name) == source


def test_task_source_from_configs_and_tasks() -> None:
    manager = task_manager()
    task = manager.load(["ifteval_xsum"])["tasks"]["ifteval_xsum"]
    assert task_source(task) == "xsum"
    assert task_source(task.config) == "xsum"
    assert task_source(task.dump_config()) == "xsum"  # lm-eval's results["configs"][name]
    assert task_source({"task": "x", "dataset_path": "nyu-mll/glue"}) is None
    assert task_source({"dataset_kwargs": {"source": "not_a_source"}}) is None
    assert task_source("ifteval_xsum", manager) == "xsum"
    assert data_origins()["xsum"]["origin"] == "smoke"  # building the task loaded its data
