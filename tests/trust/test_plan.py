"""`ifteval plan`: label counts checked by simulation, and `--next` rows that `estimate` then uses."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from ppi_py import ppi_mean_power

from ifteval.cli import main
from ifteval.metameter.stats import williams_test
from ifteval.trust.estimate import ppi_interval
from ifteval.trust.inputs import resolve
from ifteval.trust.plan import labels_for_power, width_plan
from tests.trust.helpers import systems_frame, write_jsonl


def _williams_rejections(n: int, cov: np.ndarray, rng: np.random.Generator, runs: int) -> float:
    hits = 0
    for _ in range(runs):
        h, a, b = rng.multivariate_normal(np.zeros(3), cov, size=n).T
        r = np.corrcoef([h, a, b])
        hits += williams_test(r[0, 1], r[0, 2], r[1, 2], n)["p_value"] < 0.05
    return hits / runs


def test_labels_for_power_gives_80_percent_power_in_simulation():
    r_ah, r_bh, r_ab = 0.6, 0.45, 0.6
    n = labels_for_power(r_ah, r_bh, r_ab, alpha=0.05)
    assert 50 < n < 1000
    cov = np.array([[1, r_ah, r_bh], [r_ah, 1, r_ab], [r_bh, r_ab, 1]])
    rng = np.random.default_rng(0)
    assert 0.72 <= _williams_rejections(n, cov, rng, 400) <= 0.88
    assert _williams_rejections(n // 3, cov, rng, 400) < 0.55  # a third of the labels is clearly not enough


def test_width_plan_is_ppi_python_power_and_reaches_the_width():
    rng = np.random.default_rng(5)
    total, labelled, rho, target = 3000, 200, 0.8, 0.12
    z = rng.standard_normal(total)
    frame = systems_frame(n_items=1, labelled=0).iloc[:0]  # columns only
    human = 3 + z
    judge = 0.1 + rho * z + np.sqrt(1 - rho**2) * rng.standard_normal(total)
    frame = frame.reindex(range(total)).assign(
        id=[f"r{i}" for i in range(total)], task="qa", system="s",
        human=np.where(np.arange(total) < labelled, human, np.nan), judge=judge)
    table = resolve(frame, "human", ["judge"], "simulated")
    (plan,) = width_plan(table, "judge", target, 0.95)
    y, yhat = human[:labelled], judge[:labelled]
    classical_n = (2 * 1.959963984540054 * y.std() / target) ** 2
    expected = ppi_mean_power(y, yhat, cost_Y=1.0, cost_Yhat=0.001, effective_n=classical_n, n_max=total)
    assert plan["labels_needed"] == expected["n"] and plan["more_labels"] == expected["n"] - labelled
    assert plan["labels_needed"] < 0.6 * plan["classical_labels_needed"]
    assert plan["labels_needed_with_clip"] == pytest.approx(plan["labels_needed"], rel=0.1)  # lam < 1 here
    widths = []  # with that many labels, PPI++ intervals on fresh data are about W wide
    for _ in range(100):
        z = rng.standard_normal(total)
        h = 3 + z
        j = 0.1 + rho * z + np.sqrt(1 - rho**2) * rng.standard_normal(total)
        n = plan["labels_needed"]
        widths.append(ppi_interval(h[:n], j[:n], j[n:], 0.95).width)
    assert np.mean(widths) == pytest.approx(target, rel=0.1)


def test_next_rows_come_from_the_widest_group_and_estimate_uses_them(tmp_path):
    frame = systems_frame(n_items=120, labelled=10)
    frame.loc[(frame.system == "tuned") & frame.id.isin([f"q{i}" for i in range(10, 40)]), "human"] = \
        frame.hidden_human  # "tuned" already has 40 labels, "base" only 10
    data = write_jsonl(frame, tmp_path / "scored.jsonl")
    lines = Path(data).read_text().splitlines(keepends=True)
    Path(data).write_text("".join(lines[:5]) + "\n" + "".join(lines[5:]))  # a blank line shifts line numbers
    nxt, report = tmp_path / "next.jsonl", tmp_path / "plan.json"
    assert main(["plan", data, "--judges", "judge", "--width", "0.3", "--next", "20", "-o", str(nxt),
                 "--report", str(report)]) == 0
    chosen = [json.loads(line) for line in nxt.read_text().splitlines()]
    rows = [json.loads(line) for line in Path(data).read_text().splitlines() if line.strip()]
    originals = {(r["id"], r["system"]): r for r in rows}
    assert len(chosen) == 20 and all(r == originals[(r["id"], r["system"])] for r in chosen)
    assert all(r["human"] is None for r in chosen)
    # the widest group gets labels until its projected width meets the other's, then they alternate
    base, tuned = json.loads(report.read_text())["next"]["groups"]
    assert base["width_now"] > tuned["width_now"] and base["added"] > tuned["added"] > 0
    assert base["added"] + tuned["added"] == 20
    assert base["width_after"] == pytest.approx(tuned["width_after"], abs=0.01)
    # label the chosen rows (from the hidden truth) and re-estimate: the labels land where planned
    before = tmp_path / "before.json"
    after = tmp_path / "after.json"
    assert main(["estimate", data, "--judge", "judge", "--compare", "none", "-o", str(before)]) == 0
    estimated = {g["system"]: g["ppi"]["width"] for g in json.loads(before.read_text())["groups"]}
    # the plan's projection at today's labels is exactly the interval estimate reports
    assert base["width_now"] == pytest.approx(estimated["base"], rel=1e-9)
    assert tuned["width_now"] == pytest.approx(estimated["tuned"], rel=1e-9)
    picked = {(r["id"], r["system"]) for r in chosen}
    mask = [(i, s) in picked for i, s in zip(frame.id, frame.system, strict=True)]
    frame.loc[mask, "human"] = frame.loc[mask, "hidden_human"]
    relabelled = write_jsonl(frame, tmp_path / "relabelled.jsonl")
    assert main(["estimate", relabelled, "--judge", "judge", "--compare", "none", "-o", str(after)]) == 0
    n = {name: {g["system"]: g["n_labelled"] for g in json.loads(p.read_text())["groups"]}
         for name, p in (("before", before), ("after", after))}
    assert n["after"] == {"base": n["before"]["base"] + base["added"],
                          "tuned": n["before"]["tuned"] + tuned["added"]}
