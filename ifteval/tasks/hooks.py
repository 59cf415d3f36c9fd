"""The ``!function`` targets of ``ifteval_tasks/``: dataset loading, references, and gold metrics.

Prompts stay in the YAML (Jinja), where a reader sees them; Python comes in only for what YAML cannot
say: the hub-schema -> reference-string mapping shared with ``ifteval.scoring`` and the B.2 rules.
References are strings (see docs/tasks.md): labels, a number, a JSON object or list, or the text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ifteval.scoring.gold import RULES
from ifteval.scoring.labels import GLUE_LABELS
from ifteval.scoring.ner import ENTITY_TYPES
from ifteval.tasks.data import load_split_dataset
from ifteval.tasks.sources import CONLL_TAGS

__all__ = ["load_split_dataset"]  # re-exported: the YAML's custom_dataset target

Doc = Mapping[str, Any]



def target_sst2(doc: Doc) -> str:
    return GLUE_LABELS["sst2"][int(doc["label"])]


def target_mnli(doc: Doc) -> str:
    return GLUE_LABELS["mnli"][int(doc["label"])]


def target_qnli(doc: Doc) -> str:
    return GLUE_LABELS["qnli"][int(doc["label"])]


def target_stsb(doc: Doc) -> str:
    """The gold similarity as a short decimal string, e.g. ``"3.8"`` (hub floats are float32-noisy)."""
    return f"{round(float(doc['label']), 3):g}"


def conll_entities(tokens: Sequence[str], tags: Sequence[int | str]) -> dict[str, list[str]]:
    """LOC/PER/ORG entity strings from BIO tags (ids or names), in order; MISC is not asked for."""
    out: dict[str, list[str]] = {t: [] for t in ENTITY_TYPES}
    current: list[str] = []
    kind = ""

    def close() -> None:
        if current and kind in out and " ".join(current) not in out[kind]:
            out[kind].append(" ".join(current))

    for token, tag in zip(tokens, tags, strict=True):
        name = CONLL_TAGS[tag] if isinstance(tag, int) else str(tag)
        prefix, _, ent = name.partition("-")
        if prefix == "I" and ent == kind and current:
            current.append(token)
            continue
        close()
        current, kind = ([token], ent) if prefix in ("B", "I") else ([], "")
    close()
    return out


def target_conll2003(doc: Doc) -> str:
    """``{"LOC": [...], "PER": [...], "ORG": [...]}`` as JSON, built from the row's BIO tags."""
    return json.dumps(conll_entities(doc["tokens"], doc["ner_tags"]), ensure_ascii=False)


def target_squadv2(doc: Doc) -> str:
    """The gold answer texts as a JSON list; ``[]`` means unanswerable."""
    return json.dumps(list(doc["answers"]["text"]), ensure_ascii=False)


def target_xsum(doc: Doc) -> str:
    return str(doc["summary"])


def target_alpaca(doc: Doc) -> str:
    return str(doc["output"])


def _short(task: str) -> str:
    return task.removeprefix("ifteval_")


# The gold tasks are declared once, in `scoring.gold.RULES`; each names its reference hook `target_<short>`
# above (the name its YAML's doc_to_target uses) and gets its `process_results_<short>` hook below.
TARGETS: dict[str, Callable[[Doc], str]] = {task: globals()[f"target_{_short(task)}"] for task in RULES}


def _gold_results(task: str) -> Callable[[Doc, Sequence[str]], dict[str, float]]:
    """lm-eval's ``process_results(doc, results)`` for a benchmark task: its B.2 gold metrics, plus
    ``score``, the paper's headline metric (acc, f1 or rouge2) under one name, so the ``ifteval_gold``
    group can average the seven tasks (lm-eval groups average one metric name across tasks)."""
    target = TARGETS[task]

    # lazy: lm-eval copies this hook's source into results.json (`configs`), so its import stays inside:
    # moving it would change every results file's text, not the scores
    def process_results(doc: Doc, results: Sequence[str]) -> dict[str, float]:
        from ifteval.scoring.gold import primary_metric, score_gold

        scores = score_gold(task, results[0], target(doc))
        return {**scores, "score": scores[primary_metric(task)]}

    process_results.__name__ = f"process_results_{_short(task)}"
    process_results.__qualname__ = process_results.__name__  # the module attribute it is bound to
    return process_results


for _task in RULES:  # process_results_sst2, ..._squadv2: the names the task YAML files give
    globals()[f"process_results_{_short(_task)}"] = _gold_results(_task)


# lazy: as process_results above, lm-eval copies this hook's source into results.json
def process_results_alpaca(doc: Doc, results: Sequence[str]) -> dict[str, float]:
    """ROUGE-1 against the GPT-4 answer: the reference metric; LLM judges come later via ``--judges``."""
    from ifteval.scoring.summary import score_summary

    return {"rouge1": score_summary(results[0], target_alpaca(doc))["rouge1"]}
