"""Real human labels (the vendored REALSumm slice, tests/data/realsumm/scores.csv, CC-BY 4.0): hide most
labels, answer with `estimate` and `calibrate`, and check the answers against the hidden labels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import pearsonr

from ifteval.cli import main
from ifteval.trust.calibrate import apply_maps, load_maps
from ifteval.trust.estimate import estimate
from ifteval.trust.inputs import resolve

SCORES = Path(__file__).parents[1] / "data" / "realsumm" / "scores.csv"


def _realsumm() -> pd.DataFrame:
    frame = pd.read_csv(SCORES)
    return frame.rename(columns={"kind": "task", "litepyramid_recall": "truth"}).assign(
        item=lambda f: f.doc_id.astype(str), id=lambda f: f.doc_id.astype(str) + ":" + f.system)


def test_ppi_intervals_cover_the_hidden_system_means():
    frame = _realsumm()
    true_mean = frame.groupby(["task", "system"]).truth.mean()
    rng = np.random.default_rng(0)
    covered, ppi_width, classical_width = [], [], []
    for _ in range(12):  # 12 draws of 20 labelled documents out of 100, 25 systems each
        keep = rng.choice(100, 20, replace=False)
        table = resolve(frame.assign(human=frame.truth.where(frame.doc_id.isin(keep))), "human",
                        ["rouge_2_recall"], "realsumm")
        for g in estimate(table, "rouge_2_recall", compare="none")["groups"]:
            t = true_mean[(g["task"], g["system"])]
            covered.append(g["ppi"]["ci"][0] <= t <= g["ppi"]["ci"][1])
            ppi_width.append(g["ppi"]["width"])
            classical_width.append(g["classical"]["width"])
    assert len(covered) == 300
    assert np.mean(covered) >= 0.9
    assert np.mean(ppi_width) < 0.92 * np.mean(classical_width)  # ROUGE-2 is worth more labels than it costs


def test_per_task_calibration_helps_on_the_hidden_rows(tmp_path):
    frame = _realsumm()
    keep = np.random.default_rng(1).choice(100, 20, replace=False)
    hidden = ~frame.doc_id.isin(keep).to_numpy()
    data = tmp_path / "few.csv"
    frame.assign(human=frame.truth.where(~hidden)).to_csv(data, index=False)
    maps = tmp_path / "maps.json"
    assert main(["calibrate", str(data), "--judges", "rouge_2_recall,mover_score", "--per-task",
                 "-o", str(maps)]) == 0
    report = json.loads(maps.read_text())["report"]
    loaded = load_maps(maps)
    truth = frame.truth.to_numpy()[hidden]
    for judge in ("rouge_2_recall", "mover_score"):
        raw = frame[judge].to_numpy()
        calibrated = apply_maps(loaded[judge], raw, frame.task.to_numpy(dtype=object), str(maps))[hidden]
        raw = raw[hidden]
        # on rows no map saw: the absolute error falls by a quarter and the pooled correlation (CAT) rises,
        # as the cross-validated report said it would
        assert np.mean(np.abs(calibrated - truth)) < 0.75 * np.mean(np.abs(raw - truth))
        assert pearsonr(calibrated, truth).statistic > pearsonr(raw, truth).statistic
        assert report[judge]["after"]["mae"] < report[judge]["before"]["mae"]
