"""`ifteval estimate`: its numbers are ppi-python's on the same arrays, end to end through the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from ppi_py import (
    classical_mean_ci,
    crossppi_mean_ci,
    crossppi_mean_pointestimate,
    ppi_mean_ci,
    ppi_mean_pointestimate,
)
from sklearn.isotonic import IsotonicRegression

from ifteval.cli import main
from ifteval.metameter.folds import item_folds
from tests.trust.helpers import systems_frame, write_jsonl


def _run(tmp_path, *extra):
    data = write_jsonl(systems_frame(), tmp_path / "scored.jsonl")
    out = tmp_path / "est.json"
    assert main(["estimate", data, "--judge", "judge", "--output", str(out), *extra]) == 0
    return json.loads(out.read_text())


def test_estimates_equal_ppi_python_on_the_same_arrays(tmp_path):
    result = _run(tmp_path)
    frame = systems_frame()
    assert [g["system"] for g in result["groups"]] == ["base", "tuned"]
    for group in result["groups"]:
        rows = frame[frame.system == group["system"]]
        lab, unl = rows[rows.human.notna()], rows[rows.human.isna()]
        y, yhat, yhat_unl = lab.human.to_numpy(), lab.judge.to_numpy(), unl.judge.to_numpy()
        lo, hi = ppi_mean_ci(y, yhat, yhat_unl, alpha=0.05)
        assert group["ppi"]["ci"] == pytest.approx([float(lo[0]), float(hi[0])], abs=1e-12)
        assert group["ppi"]["estimate"] == pytest.approx(float(ppi_mean_pointestimate(y, yhat, yhat_unl)[0]),
                                                         abs=1e-12)
        assert group["classical"]["ci"] == pytest.approx(list(classical_mean_ci(y, alpha=0.05)), abs=1e-12)
        assert group["judge_mean"] == pytest.approx(rows.judge.mean())
        assert (group["n_labelled"], group["n_unlabelled"]) == (25, 55)
        # a judge that tracks the humans is worth more labels than were spent
        ratio = (group["classical"]["width"] / group["ppi"]["width"]) ** 2
        assert group["effective_labels"] == pytest.approx(25 * ratio) and ratio > 1.2
    truth = frame.groupby("system").hidden_human.mean()
    for group in result["groups"]:  # the estimate lands near the hidden truth; the judge mean does not
        assert abs(group["ppi"]["estimate"] - truth[group["system"]]) < 0.4
        assert abs(group["judge_mean"] - truth[group["system"]]) > 2


def test_paired_difference_is_ppi_on_per_item_differences(tmp_path):
    result = _run(tmp_path)
    frame = systems_frame()
    (diff,) = result["differences"]
    assert (diff["a"], diff["b"], diff["method"]) == ("base", "tuned", "paired")
    a = frame[frame.system == "base"].set_index("id")
    b = frame[frame.system == "tuned"].set_index("id")
    d = (a.human - b.human).to_numpy()
    dhat = (a.judge - b.judge).to_numpy()
    lab = np.isfinite(d)
    lo, hi = ppi_mean_ci(d[lab], dhat[lab], dhat[~lab], alpha=0.05)
    assert diff["ci"] == pytest.approx([float(lo[0]), float(hi[0])], abs=1e-12)
    assert diff["ci"][1] < 0  # tuned is better by 0.4 on the human scale; the interval says so


def test_calibrated_estimate_is_cross_prediction_with_out_of_fold_maps(tmp_path):
    result = _run(tmp_path, "--calibrate", "--folds", "4", "--seed", "3")
    frame = systems_frame()
    folds = item_folds(frame.id.to_numpy(dtype=object), 4, 3)
    labelled = frame.human.notna().to_numpy()
    by_fold = np.column_stack([
        IsotonicRegression(out_of_bounds="clip", increasing="auto")
        .fit(frame.judge[labelled & (folds != k)], frame.human[labelled & (folds != k)])
        .predict(frame.judge) for k in range(4)])
    oof = by_fold[np.arange(len(frame)), folds]
    for group in result["groups"]:
        rows = (frame.system == group["system"]).to_numpy()
        y = frame.human[rows & labelled].to_numpy()
        lo, hi = crossppi_mean_ci(y, oof[rows & labelled], by_fold[rows & ~labelled], alpha=0.05)
        assert group["ppi"]["ci"] == pytest.approx(np.ravel([lo, hi]).tolist(), abs=1e-12)
        point = crossppi_mean_pointestimate(y, oof[rows & labelled], by_fold[rows & ~labelled])
        assert group["ppi"]["estimate"] == pytest.approx(np.ravel(point)[0], abs=1e-12)


def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    data = write_jsonl(systems_frame(), tmp_path / "scored.jsonl")
    assert main(["estimate", data, "--judge", "judg"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "unknown judge column 'judg' (--judge)" in err and "'judge'" in err
    assert main(["estimate", data, "--judge", "judge", "--output", data]) == 2
    assert "is an input of this command" in capsys.readouterr().err
    assert main(["estimate", data, "--judge", "judge", "--confidence", "95"]) == 2
    assert "--confidence" in capsys.readouterr().err


def test_constant_judge_in_a_group_gives_the_classical_interval_with_a_reason(tmp_path):
    frame = systems_frame()
    frame.loc[frame.system == "base", "judge"] = 0.5
    data = write_jsonl(frame, tmp_path / "flat.jsonl")
    out = tmp_path / "est.json"
    assert main(["estimate", data, "--judge", "judge", "--output", str(out)]) == 0
    base = json.loads(out.read_text())["groups"][0]
    assert base["ppi"]["ci"] == pytest.approx(base["classical"]["ci"], abs=1e-12)
    assert "constant" in base["reason"]
