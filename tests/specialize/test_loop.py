"""mix, finetune, curve end to end on a tiny random Llama: real commands, each reading the previous files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ifteval.cli import main
from tests.specialize.helpers import make_tiny_model

pytestmark = pytest.mark.slow

TRAIN = [
    "--max-steps",
    "2",
    "--epochs",
    "4",
    "--warmup-steps",
    "0",
    "--eval-steps",
    "2",
    "--max-length",
    "96",
    "--lora-r",
    "2",
    "--no-progress",
]


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IFTEVAL_CACHE_DIR", str(tmp_path / "cache"))


def test_mix_finetune_resume_and_curve(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ifteval.generation.embedded import embedded_model_path

    model = make_tiny_model(embedded_model_path(), tmp_path / "tiny")
    mixes, adapters, curve_dir = tmp_path / "mixes", tmp_path / "adapters", tmp_path / "curve"
    assert (
        main(
            [
                "mix",
                "--target",
                "ifteval_sst2",
                "--sizes",
                "4",
                "--repeats",
                "1",
                "--base-size",
                "4",
                "--validation-size",
                "4",
                "--output",
                str(mixes),
            ]
        )
        == 0
    )
    args = ["finetune", str(mixes), "--model-args", f"pretrained={model}", "--output", str(adapters), *TRAIN]
    assert main([*args, "--keep-checkpoints"]) == 0

    folder = adapters / "ifteval_sst2-human-n00004-r0"
    meta = json.loads((folder / "ifteval_adapter.json").read_text())
    manifest = json.loads((mixes / folder.name / "manifest.json").read_text())
    assert (meta["n"], meta["repeat"], meta["seed"], meta["target"]) == (4, 0, 0, "ifteval_sst2")
    assert meta["mixture"] == manifest and meta["steps"] == 2 and meta["planned_steps"] == 2
    assert meta["training"]["batch_size"] == 8  # A.5: fewer than 128 rows -> batch 8
    assert meta["training"]["learning_rate"] == 5e-4
    assert isinstance(meta["best_validation_loss"], float) and meta["best_validation_loss"] > 0
    assert (folder / "adapter_config.json").is_file() and (folder / "checkpoints" / "checkpoint-2").is_dir()

    # finished adapters are skipped: nothing is rewritten
    weights = folder / "adapter_model.safetensors"
    stamp = weights.stat().st_mtime_ns
    assert main([*args]) == 0
    assert weights.stat().st_mtime_ns == stamp

    # a job killed after step 2 (no ifteval_adapter.json yet) resumes from its last checkpoint
    (folder / "ifteval_adapter.json").unlink()
    assert main([*args[: -len(TRAIN)], *TRAIN[2:], "--max-steps", "3"]) == 0
    resumed = json.loads((folder / "ifteval_adapter.json").read_text())
    assert resumed["resumed_from"] == "checkpoint-2" and resumed["steps"] == 3
    assert not (folder / "checkpoints").exists()  # cleaned once finished
    capsys.readouterr()

    assert (
        main(
            [
                "curve",
                str(adapters),
                "--judges",
                "gold,exact_match",
                "--limit",
                "2",
                "--output",
                str(curve_dir),
                "--no-progress",
            ]
        )
        == 0
    )
    curve = json.loads((curve_dir / "curve.json").read_text())
    keys = {(p["task"], p["judge"], p["n"], p["repeat"]) for p in curve["points"]}
    assert keys == {("ifteval_sst2", j, n, 0) for j in ("gold", "exact_match") for n in (0, 4)}
    assert all(set(p) == {"task", "judge", "n", "repeat", "value", "n_samples"} for p in curve["points"])
    assert {(r["judge"], r["n"]) for r in curve["summary"]} == {
        (j, n) for j in ("gold", "exact_match") for n in (0, 4)
    }
    phases = curve["phases"]["ifteval_sst2"]
    assert set(phases) >= {"format_point", "task_point"} and phases["task_point"] is None
    # --limit 2: two samples a point can never place a phase, whatever the scores did
    assert phases["format_point"] is None
    assert {p["n_samples"] for p in curve["points"] if p["value"] is not None} <= {1, 2}
    assert curve["zero_point"] == "the base model"  # no adapter has N=0: the base is the N=0 point
    assert (curve_dir / curve["plots"]["ifteval_sst2"]).read_bytes()[:4] == b"\x89PNG"
    # each point is the score its adapter's own run (or the base model's) recorded
    for row, n in ((folder.name, 4), ("base", 0)):
        run = json.loads((curve_dir / "runs" / row / "results.json").read_text())
        point = next(p for p in curve["points"] if p["judge"] == "exact_match" and p["n"] == n)
        assert point["value"] == run["results"]["ifteval_sst2"]["exact_match,judge"]
    assert "| N | " in (curve_dir / "curve.md").read_text()
    # the joint to `ifteval report`: the curve folder becomes a page with its plot and phases
    assert main(["report", str(curve_dir), "--output", str(tmp_path / "curve.html")]) == 0
    page = (tmp_path / "curve.html").read_text()
    assert "<th>task point</th><td>null: the data cannot say" in page
    assert page.count('<img src="data:image/png;base64,') == 1
