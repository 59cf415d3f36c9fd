"""finetune and curve refuse bad input with one line and exit 2, before any model loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from ifteval.cli import main


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    return err


def test_finetune_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["finetune", str(tmp_path / "nowhere"), "--output", str(tmp_path / "a")]) == 2
    assert "nowhere: no such folder" in _one_line(capsys)
    (tmp_path / "empty").mkdir()
    assert main(["finetune", str(tmp_path / "empty"), "--output", str(tmp_path / "a")]) == 2
    assert "holds no mixture folder" in _one_line(capsys)
    bad = tmp_path / "mixes" / "m"
    bad.mkdir(parents=True)
    (bad / "manifest.json").write_text("{not json")
    assert main(["finetune", str(tmp_path / "mixes"), "--output", str(tmp_path / "a")]) == 2
    assert f"{bad / 'manifest.json'}:1: invalid JSON" in _one_line(capsys)
    assert main(["finetune", str(tmp_path / "mixes"), "--output", str(tmp_path / "a"), "--lr", "5"]) == 2
    assert "--lr 5: need a learning rate in (0, 1)" in _one_line(capsys)


def test_curve_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "adapters" / "half").mkdir(parents=True)
    (tmp_path / "adapters" / "half" / "adapter_config.json").write_text("{}")
    assert (
        main(["curve", str(tmp_path / "adapters"), "--judges", "gold", "--output", str(tmp_path / "c")]) == 2
    )
    assert "no ifteval_adapter.json (unfinished" in _one_line(capsys)
    (tmp_path / "file").write_text("x")
    assert (
        main(["curve", str(tmp_path / "adapters"), "--judges", "gold", "--output", str(tmp_path / "file")])
        == 2
    )
    err = _one_line(capsys)
    assert "--output" in err and "not a folder" in err
