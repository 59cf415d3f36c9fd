"""Gold scoring rules of paper B.2 as pure functions: one module per rule, dispatched by ``gold``."""

from __future__ import annotations

from ifteval.scoring.gold import RULES, GoldRule, gold_rule, primary_metric, score_gold

__all__ = ["RULES", "GoldRule", "gold_rule", "primary_metric", "score_gold"]
