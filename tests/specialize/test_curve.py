"""Paper Table 5 from sweep rows: each judge's mean over the Alpaca categories, per N, against N=0."""

from __future__ import annotations

from pathlib import Path

import pytest

from ifteval.specialize.curve import forgetting_table
from ifteval.sweep import _rows


def _row(adapter: str | None, task: str, judge: str, value: float) -> dict:
    """A row made by the sweep's own writer (ifteval.sweep._rows) from a judge score in results.json."""
    (row,) = _rows(adapter or "base", adapter, {"results": {task: {f"{judge},judge": value}}})
    return row


def test_forgetting_against_the_n0_adapters_and_the_base() -> None:
    found = [
        (Path("a0"), {"n": 0, "repeat": 0}),
        (Path("a1"), {"n": 100, "repeat": 0}),
        (Path("a2"), {"n": 100, "repeat": 1}),
    ]
    scores = {None: (0.9, 0.7), "a0": (0.8, 0.6), "a1": (0.7, 0.6), "a2": (0.8, 0.5)}
    rows = [
        _row(adapter, f"ifteval_alpaca_{cat}", "rouge1", value)
        for adapter, values in scores.items()
        for cat, value in zip(("code", "write"), values, strict=True)
    ] + [_row("a1", "ifteval_sst2", "rouge1", 0.0)]  # the target task is not part of the table
    table = forgetting_table(rows, found, ["rouge1"], has_zero=True)
    assert table["tasks"] == ["ifteval_alpaca_code", "ifteval_alpaca_write"]
    assert table["reference"]["rouge1"] == pytest.approx(0.7)  # the N=0 adapter's mean over categories
    by_n = {r["n"]: r for r in table["rows"]}
    assert by_n["base"]["mean"] == pytest.approx(0.8)
    assert by_n[100]["mean"] == pytest.approx((0.65 + 0.65) / 2) and by_n[100]["repeats"] == 2
    assert by_n[100]["delta"] == pytest.approx(0.65 - 0.7)
    without_zero = forgetting_table([r for r in rows if r["adapter"] != "a0"], found[1:], ["rouge1"], False)
    assert without_zero["reference"]["rouge1"] == pytest.approx(0.8)  # no N=0 adapter: the base model
