"""Results files: deterministic JSON (no memory addresses, no NaN) written atomically."""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path

import pytest

from ifteval.aggregate import summarise
from ifteval.tasks.hooks import process_results_sst2 as hook
from ifteval.writers import write_json, write_jsonl


def test_function_hooks_are_written_by_name_not_by_address(tmp_path: Path) -> None:
    write_json(tmp_path / "results.json", {"configs": {"t": {"process_results": hook}}, "x": float("nan")})
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["configs"]["t"]["process_results"] == "!function ifteval.tasks.hooks.process_results_sst2"
    assert data["x"] is None


def test_jsonl_rows_round_trip_and_no_temp_file_is_left(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "s.jsonl", [{"a": 1}, {"b": "é", "c": float("inf")}])
    assert [json.loads(line) for line in (tmp_path / "s.jsonl").read_text().splitlines()] == [
        {"a": 1},
        {"b": "é", "c": None},
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["s.jsonl"]
    # mkstemp creates 0600 files; results are meant to be shared like any output file
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "s.jsonl").stat().st_mode & 0o777 == 0o666 & ~umask


def test_summary_ignores_invalid_verdicts_and_counts_them() -> None:
    summary = summarise([0.2, 0.4, None, 0.9, float("nan")])
    assert summary["mean"] == pytest.approx(0.5)
    assert summary["stderr"] == pytest.approx(statistics.stdev([0.2, 0.4, 0.9]) / 3**0.5)
    assert (summary["n_valid"], summary["n_invalid"]) == (3, 2)
    assert summarise([None]) == {"mean": None, "stderr": None, "n_valid": 0, "n_invalid": 1}


def test_model_args_in_results_lose_credentials() -> None:
    from ifteval.runner import public_model_args

    shown = public_model_args(
        {
            "model": "m",
            "base_url": "http://user:s3cret@127.0.0.1:8000/v1?token=abc",
            "api_key_env": "MY_KEY",
            "hf_token": "hf_abc",
            "max_concurrency": 8,
        }
    )
    assert shown == {
        "model": "m",
        "base_url": "http://127.0.0.1:8000/v1",
        "api_key_env": "MY_KEY",
        "hf_token": "<redacted>",
        "max_concurrency": "8",
    }
    assert "s3cret" not in str(shown) and "hf_abc" not in str(shown)
