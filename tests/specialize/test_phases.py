"""The phase rule on hand-made curves, and the summary against numpy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2_contingency

from ifteval.specialize.phases import find_phases, sampling_margin, summarise_points

# exact match jumps at N=25 (format); the LLM judge dips, then rises beyond the spread at N=100 (task)
CURVES = {
    "exact_match": {0: [0.0, 0.0], 10: [0.05, 0.1], 25: [0.6, 0.7], 100: [0.8, 0.9]},
    "gold": {0: [0.5, 0.5], 10: [0.5, 0.52], 25: [0.55, 0.6], 100: [0.8, 0.85]},
    "gpt4": {0: [0.6, 0.6], 10: [0.55, 0.6], 25: [0.58, 0.66], 100: [0.75, 0.8]},
}


def _points(curves: dict, repeats: int | None = None, samples: int = 200) -> list[dict]:
    return [
        {"task": "t", "judge": judge, "n": n, "repeat": r, "value": v, "n_samples": samples}
        for judge, by_n in curves.items()
        for n, values in by_n.items()
        for r, v in enumerate(values[:repeats])
    ]


def test_summary_matches_numpy() -> None:
    summary = summarise_points(_points(CURVES))
    row = next(r for r in summary if r["judge"] == "gpt4" and r["n"] == 25)
    assert row["mean"] == pytest.approx(np.mean([0.58, 0.66]))
    assert row["spread"] == pytest.approx(np.std([0.58, 0.66], ddof=1))
    assert (row["min"], row["max"], row["repeats"], row["n_samples"]) == (0.58, 0.66, 2, 200)
    assert len(summary) == 12


def test_format_then_task_point() -> None:
    phases = find_phases(summarise_points(_points(CURVES)), "t", ("exact_match", "gold"), "gpt4")
    # N=25: +0.65 exact match (gold +0.075 is below the 0.2 jump); gpt4 at 25: +0.02 < spread 0.057
    assert phases["format_point"] == 25
    assert phases["task_point"] == 100
    assert phases["format_judges"] == ["exact_match", "gold"] and phases["agnostic_judge"] == "gpt4"


def test_a_larger_jump_moves_the_format_point() -> None:
    phases = find_phases(summarise_points(_points(CURVES)), "t", ("exact_match",), "gpt4", jump=0.7)
    assert phases["format_point"] == 100


def test_one_repeat_cannot_place_the_task_point() -> None:
    phases = find_phases(summarise_points(_points(CURVES, repeats=1)), "t", ("exact_match",), "gpt4")
    assert phases["format_point"] == 25  # a jump needs no spread
    assert phases["task_point"] is None
    assert any("one repeat per N" in r for r in phases["reasons"])


def test_null_when_the_data_cannot_say() -> None:
    no_zero = {j: {n: v for n, v in c.items() if n} for j, c in CURVES.items()}
    phases = find_phases(summarise_points(_points(no_zero)), "t", ("exact_match",), "gpt4")
    assert phases["format_point"] is None and phases["task_point"] is None
    flat = find_phases(
        summarise_points(_points({"exact_match": {0: [0.1], 10: [0.15]}})), "t", ("exact_match",), None
    )
    assert flat["format_point"] is None and flat["task_point"] is None
    assert any("no format-agnostic judge" in r for r in flat["reasons"])


def test_two_samples_never_place_a_phase() -> None:
    """The reviewer's case: one repeat, --limit 2, gold 0 -> 0.5 placed the format point at N=4."""
    for zero, four in ((0.0, 0.5), (0.0, 1.0), (0.5, 1.0)):
        points = _points({"gold": {0: [zero], 4: [four]}, "exact_match": {0: [zero], 4: [four]}}, samples=2)
        phases = find_phases(summarise_points(points), "t", ("exact_match", "gold"), None)
        assert phases["format_point"] is None, phases["reasons"]
        assert any("sampling margin" in r for r in phases["reasons"])


def test_the_demo_jump_still_places_the_format_point() -> None:
    """docs/specialization.md's demo: exact match 1/30 -> 14/30 at N=4, one repeat, 30 samples."""
    points = _points({"exact_match": {0: [1 / 30], 4: [14 / 30]}}, samples=30)
    phases = find_phases(summarise_points(points), "t", ("exact_match",), None)
    assert phases["format_point"] == 4
    assert sampling_margin(1 / 30, 30, 14 / 30, 30) == pytest.approx(0.2525, abs=1e-3)


def test_no_sample_count_cannot_place_a_point() -> None:
    points = [{k: v for k, v in p.items() if k != "n_samples"} for p in _points(CURVES)]
    phases = find_phases(summarise_points(points), "t", ("exact_match",), "gpt4")
    assert phases["format_point"] is None and phases["task_point"] is None
    assert any("no sample count" in r for r in phases["reasons"])


@pytest.mark.parametrize(
    ("k0", "n0", "k1", "n1"),
    [(1, 30, 14, 30), (3, 30, 9, 30), (5, 40, 12, 40), (0, 10, 4, 12), (2, 5, 5, 5), (10, 100, 21, 100),
     (10, 100, 22, 100)],
)
def test_margin_agrees_with_scipy_chi2_with_yates(k0: int, n0: int, k1: int, n1: int) -> None:
    """A rise beyond the margin is exactly a significant 2x2 chi-square test (Yates) at 0.05."""
    rise = k1 / n1 - k0 / n0
    _, p_value, _, _ = chi2_contingency([[k0, n0 - k0], [k1, n1 - k1]], correction=True)
    assert (rise > sampling_margin(k0 / n0, n0, k1 / n1, n1)) == (p_value < 0.05)
