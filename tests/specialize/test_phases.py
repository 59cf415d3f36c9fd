"""The phase rule on hand-made curves, and the summary against numpy."""

from __future__ import annotations

import numpy as np
import pytest

from ifteval.specialize.phases import find_phases, summarise_points

# exact match jumps at N=25 (format); the LLM judge dips, then rises beyond the spread at N=100 (task)
CURVES = {
    "exact_match": {0: [0.0, 0.0], 10: [0.05, 0.1], 25: [0.6, 0.7], 100: [0.8, 0.9]},
    "gold": {0: [0.5, 0.5], 10: [0.5, 0.52], 25: [0.55, 0.6], 100: [0.8, 0.85]},
    "gpt4": {0: [0.6, 0.6], 10: [0.55, 0.6], 25: [0.58, 0.66], 100: [0.75, 0.8]},
}


def _points(curves: dict, repeats: int | None = None) -> list[dict]:
    return [
        {"task": "t", "judge": judge, "n": n, "repeat": r, "value": v}
        for judge, by_n in curves.items()
        for n, values in by_n.items()
        for r, v in enumerate(values[:repeats])
    ]


def test_summary_matches_numpy() -> None:
    summary = summarise_points(_points(CURVES))
    row = next(r for r in summary if r["judge"] == "gpt4" and r["n"] == 25)
    assert row["mean"] == pytest.approx(np.mean([0.58, 0.66]))
    assert row["spread"] == pytest.approx(np.std([0.58, 0.66], ddof=1))
    assert (row["min"], row["max"], row["repeats"]) == (0.58, 0.66, 2)
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
