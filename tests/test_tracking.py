"""Offline experiment logging (issue 14 item 9): one real `ifteval run` with `--wandb-args` and
`--hf-hub-log-args`, then W&B's own record format and `datasets` read back what the run wrote."""

from __future__ import annotations

import glob
import json
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from ifteval.cli import main


def wandb_records(path: Path) -> Iterator[bytes]:
    """The records of a `.wandb` file: W&B writes LevelDB's log format (32 KiB blocks, 7-byte record
    headers: crc32, length, type FULL=1/FIRST=2/MIDDLE=3/LAST=4) after a 7-byte file header."""
    raw, pos, block, pending = path.read_bytes(), 7, 32768, b""
    while pos + 7 <= len(raw):
        if block - pos % block < 7:
            pos += block - pos % block
            continue
        _, length, kind = struct.unpack("<IHB", raw[pos:pos + 7])
        data, pos = raw[pos + 7:pos + 7 + length], pos + 7 + length
        if kind == 1:
            yield data
        elif kind in (2, 3):
            pending = data if kind == 2 else pending + data
        elif kind == 4:
            yield pending + data


@pytest.mark.slow
def test_wandb_offline_and_hub_layout_hold_the_runs_numbers_and_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import datasets
    from wandb.proto import wandb_internal_pb2

    monkeypatch.delenv("WANDB_MODE", raising=False)  # offline must be ifteval's default, not the env's
    monkeypatch.setenv("WANDB_SILENT", "true")
    out, hub = tmp_path / "out", tmp_path / "hub"
    assert main(["run", "--tasks", "ifteval_sst2", "--limit", "2", "--gen-kwargs", "max_gen_toks=8",
                 "--output-path", str(out), "--no-progress", "--wandb_args", "project=ifteval-test",
                 "--hf_hub_log_args", f"local_dir={hub}"]) == 0
    printed = capsys.readouterr().out
    results = json.loads((out / "results.json").read_text())
    rows = [json.loads(line) for line in (out / "samples_ifteval_sst2.jsonl").read_text().splitlines()]

    [run_file] = glob.glob(str(out / "wandb" / "offline-run-*" / "run-*.wandb"))
    assert "wandb sync " + str(Path(run_file).parent) in printed
    history: dict[str, str] = {}
    for data in wandb_records(Path(run_file)):
        record = wandb_internal_pb2.Record()
        record.ParseFromString(data)
        if record.WhichOneof("record_type") == "history":
            for item in record.history.item:
                history[item.key or "/".join(item.nested_key)] = item.value_json
    assert json.loads(history["ifteval_sst2/acc"]) == results["results"]["ifteval_sst2"]["acc,none"]
    [table] = glob.glob(str(out / "wandb" / "offline-run-*" / "files" / "media" / "table" / "*.table.json"))
    logged = json.loads(Path(table).read_text())
    column = logged["columns"].index("prediction")
    assert [row[column] for row in logged["data"]] == [row["prediction"] for row in rows]

    loaded = datasets.load_dataset(str(hub), "ifteval_sst2", split="latest")
    assert loaded["prediction"] == [row["prediction"] for row in rows]
    assert loaded["acc"] == [row["acc"] for row in rows]
    summary = datasets.load_dataset(str(hub), "results", split="latest")
    assert summary[0]["results"]["ifteval_sst2"]["acc,none"] == results["results"]["ifteval_sst2"]["acc,none"]


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--hf-hub-log-args", "push_results_to_hub=True", "exports the Hub layout to a local folder"),
        ("--hf-hub-log-args", "hub_reults_org=me", "key 'hub_reults_org' is unknown"),
        ("--wandb-args", "project=p,api_key=abc", "put the W&B key in WANDB_API_KEY"),
    ],
)
def test_bad_logging_flags_are_one_line_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str, message: str
) -> None:
    assert main(["run", "--tasks", "ifteval_sst2", "--output-path", str(tmp_path / "o"), flag, value]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err
    assert "abc" not in err[0]
    assert not (tmp_path / "o").exists()
