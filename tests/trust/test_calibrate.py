"""`ifteval calibrate` and `ifteval judge --calibration`: maps fitted, reported out of fold, and applied."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from scipy.stats import pearsonr
from sklearn.isotonic import IsotonicRegression

from ifteval.cli import main
from ifteval.metameter.folds import item_folds
from ifteval.trust.calibrate import IsotonicMap, fit_map
from ifteval.trust.simulate import two_task_frame
from tests.trust.helpers import write_jsonl

WORDS = ["the", "cat", "sat", "on", "a", "mat", "while", "dog", "ran", "far", "away", "from", "house",
         "under", "blue", "sky"]


def test_map_equals_sklearn_predict_inside_and_outside_the_fitted_range():
    rng = np.random.default_rng(1)
    x = rng.normal(size=50)
    y = 2 * x + rng.normal(size=50)
    fitted = fit_map(x, y)
    probe = np.linspace(-4, 4, 101)
    expected = IsotonicRegression(out_of_bounds="clip", increasing="auto").fit(x, y).predict(probe)
    assert fitted.apply(probe) == pytest.approx(expected, abs=1e-12)
    assert np.isnan(IsotonicMap((0.0, 1.0), (0.0, 1.0), 2).apply(np.array([np.nan])))[0]


def test_per_task_calibration_raises_cat_cross_validated(tmp_path):
    frame = two_task_frame(300, 100, np.random.default_rng(0))
    data = write_jsonl(frame, tmp_path / "two_tasks.jsonl")
    pooled, per_task = tmp_path / "pooled.json", tmp_path / "per_task.json"
    assert main(["calibrate", data, "--judges", "judge", "--item", "id", "-o", str(pooled)]) == 0
    assert main(["calibrate", data, "--judges", "judge", "--item", "id", "--per-task",
                 "-o", str(per_task)]) == 0
    before = json.loads(per_task.read_text())["report"]["judge"]["before"]
    after = json.loads(per_task.read_text())["report"]["judge"]["after"]
    assert after["cat"] > before["cat"] + 0.2 and after["mae"] < before["mae"] / 2
    # "after" is out of fold: recompute it with scikit-learn on the same item folds
    labelled = frame.human.notna().to_numpy()
    folds = item_folds(frame.id.to_numpy(dtype=object), 5, 0)
    oof = np.full(len(frame), np.nan)
    for k in range(5):
        for task in ("a", "b"):
            fit = labelled & (folds != k) & (frame.task == task).to_numpy()
            score = labelled & (folds == k) & (frame.task == task).to_numpy()
            model = IsotonicRegression(out_of_bounds="clip", increasing="auto")
            oof[score] = model.fit(frame.judge[fit], frame.human[fit]).predict(frame.judge[score])
    assert after["cat"] == pytest.approx(pearsonr(oof[labelled], frame.human[labelled]).statistic, abs=1e-9)
    assert after["n"] == 200
    pooled_after = json.loads(pooled.read_text())["report"]["judge"]["after"]
    assert pooled_after["cat"] < after["cat"] - 0.1  # one pooled map cannot undo a task-specific scale


def _samples(n: int, seed: int) -> tuple[list[dict], list[dict]]:
    rnd = random.Random(seed)
    rows, labels = [], []
    for i in range(n):
        reference = " ".join(rnd.sample(WORDS, 8))
        keep = rnd.randint(0, 8)
        prediction = " ".join(reference.split()[:keep] + rnd.sample(WORDS, 8 - keep))
        rows.append({"id": f"s{i}", "task": "ifteval_xsum", "prompt": "Summarise.", "prediction": prediction,
                     "reference": reference})
        if i < 40:
            labels.append({"id": f"s{i}", "task": "ifteval_xsum", "label": 1 + keep / 2 + rnd.gauss(0, 0.5)})
    return rows, labels


def test_judge_writes_calibrated_scores_from_calibrate_maps(tmp_path, capsys):
    rows, labels = _samples(60, 0)
    samples = tmp_path / "samples.jsonl"
    samples.write_text("".join(json.dumps(r) + "\n" for r in rows))
    label_file = tmp_path / "labels.jsonl"
    label_file.write_text("".join(json.dumps(r) + "\n" for r in labels))
    judged, maps, recal = tmp_path / "judged.jsonl", tmp_path / "maps.json", tmp_path / "calibrated.jsonl"
    assert main(["judge", str(samples), "--judges", "rouge1", "-o", str(judged)]) == 0
    assert main(["calibrate", str(judged), "--labels", str(label_file), "--human", "label",
                 "--judges", "rouge1", "-o", str(maps)]) == 0
    assert main(["judge", str(samples), "--judges", "rouge1", "--calibration", str(maps),
                 "-o", str(recal)]) == 0
    out = [json.loads(line) for line in recal.read_text().splitlines()]
    raw = np.array([r["scores"]["rouge1"] for r in out])
    human = np.array([lab["label"] for lab in labels])
    expected = IsotonicRegression(out_of_bounds="clip", increasing="auto").fit(raw[:40], human).predict(raw)
    assert [r["scores"]["rouge1.calibrated"] for r in out] == pytest.approx(expected.tolist(), abs=1e-12)
    # the calibrated judge is on the human scale (1-5), the raw one is not
    assert abs(np.mean(expected[:40]) - human.mean()) < 1e-9 < abs(raw[:40].mean() - human.mean()) - 1
    capsys.readouterr()
    assert main(["judge", str(samples), "--judges", "rouge2", "--calibration", str(maps), "-o",
                 str(tmp_path / "x.jsonl")]) == 2
    assert "none of the judges given (rouge2)" in capsys.readouterr().err
    assert not (tmp_path / "x.jsonl").exists()
