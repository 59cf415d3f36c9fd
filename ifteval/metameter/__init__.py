"""The metameter: score the judges against human labels (CIT, CAT, TFA, SUM levels), with intervals.

Typical use::

    from ifteval.metameter import load_table, prepare, meta_evaluate, MetaConfig, Bootstrap
    data = prepare(load_table("scores.csv"), human="human", judges=["gpt4", "rouge"], task="task")
    report = meta_evaluate(data, MetaConfig(bootstrap=Bootstrap(n=1000, seed=0)))
    report["cat"]["gpt4"]
"""

from __future__ import annotations

from ifteval.metameter.bootstrap import Bootstrap
from ifteval.metameter.data import MetaData, prepare, to_numeric
from ifteval.metameter.diagnostics import annotator_agreement, coverage, length_bias, position_bias
from ifteval.metameter.item_level import ItemLevel, cat, cit, compare_judges, item_level
from ifteval.metameter.levels import summary_level, system_level
from ifteval.metameter.loaders import (
    REALSUMM,
    SUMMARIZE_FROM_FEEDBACK,
    join_labels,
    load_realsumm,
    load_run_output,
    load_summarize_from_feedback,
    load_table,
)
from ifteval.metameter.matrix import judge_matrix
from ifteval.metameter.report import MetaConfig, meta_evaluate, render_text
from ifteval.metameter.stats import Estimate, Method, correlate, williams_test
from ifteval.metameter.tfa import tfa

__all__ = [
    "REALSUMM", "SUMMARIZE_FROM_FEEDBACK", "Bootstrap", "Estimate", "ItemLevel", "MetaConfig", "MetaData",
    "Method", "annotator_agreement", "cat", "cit", "compare_judges", "correlate", "coverage", "item_level",
    "join_labels", "judge_matrix", "length_bias", "load_realsumm", "load_run_output",
    "load_summarize_from_feedback", "load_table", "meta_evaluate", "position_bias", "prepare",
    "render_text", "summary_level", "system_level", "tfa", "to_numeric", "williams_test",
]
