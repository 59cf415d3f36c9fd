"""Adapter sweeps: one base model load, per-adapter folders equal to separate `peft=` runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.generation.helpers import TASK, read_rows, run_config


def test_expand_adapters_globs_and_names(tmp_path: Path) -> None:
    from ifteval.errors import ConfigError
    from ifteval.sweep import expand_adapters, row_names

    for name in ("b", "a", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "adapter_config.json").write_text("{}")
    (tmp_path / "not_an_adapter").mkdir()
    found = expand_adapters([str(tmp_path / "*")])
    assert [Path(p).name for p in found] == ["a", "b", "c"]
    assert row_names([None, str(tmp_path / "a"), "x/a", "hub/org-model"]) == ["base", "a", "a-2", "org-model"]
    with pytest.raises(ConfigError, match="adapter_config.json"):
        expand_adapters([str(tmp_path / "not_an_adapter")])
    with pytest.raises(ConfigError, match="matched no folder"):
        expand_adapters([str(tmp_path / "zz*")])
    with pytest.raises(ConfigError, match="more than once"):
        expand_adapters([str(tmp_path / "a"), str(tmp_path / "a")])


def test_missing_local_adapters_fail_before_anything_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a missing adapter path was taken for a hub id and failed only after earlier rows ran."""
    import ifteval.sweep
    from ifteval.errors import ConfigError
    from ifteval.sweep import expand_adapters, run_sweep

    (tmp_path / "runs" / "a1").mkdir(parents=True)
    (tmp_path / "runs" / "a1" / "adapter_config.json").write_text("{}")
    (tmp_path / "runs" / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    for missing in ("runs/a3", "./a3", "/nonexistent/a3", "~/nonexistent-a3", "a/b/c", "a3"):
        with pytest.raises(ConfigError, match=f"--adapters {missing}: no such folder"):
            expand_adapters(["runs/a1", missing])
    with pytest.raises(ConfigError, match="runs/empty: no adapter_config.json"):
        expand_adapters(["runs/a1", "runs/empty"])
    assert expand_adapters(["runs/a1", "some-org/lora"]) == ["runs/a1", "some-org/lora"]  # a hub id

    def no_load(*args: object) -> None:
        raise AssertionError("the base model was loaded before the adapters were checked")

    monkeypatch.setattr(ifteval.sweep, "build_lm", no_load)
    with pytest.raises(ConfigError, match="runs/a3: no such folder"):
        run_sweep(run_config(tmp_path / "out"), ["runs/a1", "runs/a3"])


def test_sweep_files_are_written_after_every_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: sweep.json/sweep.md were written only at the end, so a failure mid-sweep lost every row."""
    from types import SimpleNamespace

    import ifteval.sweep
    from ifteval.sweep import run_sweep

    for name in ("a1", "a2"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "adapter_config.json").write_text("{}")
    lm = SimpleNamespace(rank=0, generator=SimpleNamespace(set_adapter=lambda adapter: None))
    monkeypatch.setattr(ifteval.sweep, "build_lm", lambda config, accelerator=None: lm)

    def run(config, lm):  # noqa: ANN001, ANN202 - a scripted runner: the second adapter crashes
        if config.model_args["peft"].endswith("a2"):
            raise RuntimeError("simulated crash in the second row")
        return {"results": {"t": {"acc,none": 0.5, "acc_stderr,none": 0.1}}}

    monkeypatch.setattr(ifteval.sweep, "run", run)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="simulated crash"):
        run_sweep(run_config(out), [str(tmp_path / "a1"), str(tmp_path / "a2")])
    rows = json.loads((out / "sweep.json").read_text())["rows"]
    assert [(r["row"], r["value"]) for r in rows] == [("a1", 0.5)]
    assert "| a1 | 0.5000 ± 0.1000 |" in (out / "sweep.md").read_text()


def test_format_table() -> None:
    from ifteval.sweep import format_table

    rows = [
        {"row": "base", "task": "t", "metric": "acc", "value": 0.5, "stderr": 0.25},
        {"row": "a", "task": "t", "metric": "acc", "value": 1.0, "stderr": None},
    ]
    assert format_table(rows).splitlines() == [
        "| adapter | t/acc |",
        "|---|---|",
        "| base | 0.5000 ± 0.2500 |",
        "| a | 1.0000 |",
    ]


@pytest.mark.slow
def test_sweep_equals_separate_peft_runs(
    tmp_path: Path, base_model: Path, adapters: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ifteval.generation.hf import HFGenerator
    from ifteval.runner import run
    from ifteval.sweep import run_sweep

    loads: list[str] = []
    original = HFGenerator._load_model

    def counting(generator: HFGenerator):  # noqa: ANN202
        loads.append(str(generator.pretrained))
        return original(generator)

    monkeypatch.setattr(HFGenerator, "_load_model", counting)
    out = tmp_path / "sweep"
    base_args = {"pretrained": str(base_model)}
    summary = run_sweep(run_config(out, model_args=base_args), [str(a) for a in adapters], include_base=True)
    assert loads == [str(base_model)]  # the base model was loaded once for three rows
    assert summary is not None
    # one row per (adapter, task, metric); sst2 reports acc and score (the ifteval_gold group's metric)
    assert [r["row"] for r in summary["rows"] if r["metric"] == "acc"] == ["base", "lora1", "lora2"]
    assert json.loads((out / "sweep.json").read_text())["rows"] == summary["rows"]
    assert "| lora1 |" in (out / "sweep.md").read_text()
    # the joint to `ifteval report`: the sweep folder becomes one page, the best row per column marked
    from ifteval.cli import main

    assert main(["report", str(out), "--output", str(tmp_path / "sweep.html")]) == 0
    page = (tmp_path / "sweep.html").read_text()
    assert all(f">{row}</th>" in page for row in ("base", "lora1", "lora2")) and "★" in page

    name = f"samples_{TASK}.jsonl"
    predictions = {}
    for row, adapter in (("base", None), ("lora1", adapters[0]), ("lora2", adapters[1])):
        args = dict(base_args) if adapter is None else {**base_args, "peft": str(adapter)}
        separate = tmp_path / f"separate_{row}"
        run(run_config(separate, model_args=args, use_cache=False))  # a fresh model, nothing cached
        swept_rows, separate_rows = read_rows(out / row / name), read_rows(separate / name)
        assert swept_rows == separate_rows
        swept = json.loads((out / row / "results.json").read_text())
        alone = json.loads((separate / "results.json").read_text())
        assert swept["results"] == alone["results"]
        assert swept["config"]["model_args"] == alone["config"]["model_args"]
        assert swept["config"]["model_identity"] == alone["config"]["model_identity"]
        predictions[row] = [r["prediction"] for r in swept_rows]
    assert predictions["lora1"] != predictions["base"]  # the adapters really change the outputs
    assert predictions["lora2"] != predictions["lora1"]
