"""The Python entry points: `evaluate`, `judge` and `meta`, the three commands as functions.

`evaluate` is ifteval's `lm_eval.simple_evaluate`: it builds the same `RunConfig` as `ifteval run` and
returns the results dict. `judge` and `meta` take rows or tables in memory (or a path, as the CLI
does). `import ifteval` loads this module on first use, and the metameter's pandas and scipy wait for
`meta`, so `import ifteval` stays cheap.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ifteval.config import RunConfig, parse_model_args
from ifteval.errors import ConfigError, DataError
from ifteval.jsonl import read_jsonl
from ifteval.judges import build_judge, load_spec, score_in_batches
from ifteval.judges.preflight import check_judges
from ifteval.record import parse_row, read_records
from ifteval.run_options import parse_gen_kwargs
from ifteval.runner import run


def _names(value: str | Sequence[str] | None) -> list[str]:
    """`"a,b"` or `["a", "b"]` -> `["a", "b"]`, as the CLI splits its comma lists."""
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(item).strip() for item in items if str(item).strip()]


def evaluate(
    model_args: str | Mapping[str, Any] | None = None,
    tasks: str | Sequence[str] = (),
    judges: str | Sequence[str] = (),
    limit: float | None = None,
    output_path: str | Path | None = None,
    *,
    model: str = "hf",
    log_samples: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """Run tasks as `ifteval run` does and return the results dict (lm-eval's layout).

    `model_args` is `"pretrained=PATH,dtype=float32"` as on the command line, or a dict; left out, the
    embedded model runs. `output_path=None` writes nowhere the caller sees (a temporary folder).
    `log_samples=True` adds `results["samples"][task]`: the rows of `samples_<task>.jsonl`. Any other
    `RunConfig` field is a keyword: `num_fewshot`, `batch_size`, `gen_kwargs` (str or dict),
    `system_instruction`, `fewshot_as_multiturn`, `predict_only`, `apply_chat_template`, `seed`, ...
    """
    from dataclasses import fields

    task_names = _names(tasks)
    if not task_names:
        raise ConfigError("evaluate(tasks=...) is empty; name at least one task (see 'ifteval tasks list')")
    known = {f.name for f in fields(RunConfig)} - {"tasks", "output_path", "model", "model_args", "limit"}
    unknown = sorted(set(options) - known)
    if unknown:
        valid = ", ".join(sorted(known))
        raise ConfigError(f"evaluate() got an unknown option '{unknown[0]}'; valid: {valid}")
    if "gen_kwargs" in options:
        options["gen_kwargs"] = parse_gen_kwargs(options["gen_kwargs"])
    if limit is not None and limit <= 0:
        raise ConfigError(f"evaluate(limit={limit}) must be a positive count or a fraction in (0, 1)")
    text_args = isinstance(model_args, str) or model_args is None
    args = parse_model_args(model_args) if text_args else dict(model_args)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory(prefix="ifteval-evaluate-") as scratch:
        out = Path(output_path) if output_path is not None else Path(scratch)
        config = RunConfig(
            tasks=task_names, output_path=out, model=model, model_args=args,
            limit=int(limit) if limit is not None and limit >= 1 else limit,
            judges=_names(judges), **{"progress": False, **options},
        )
        results = run(config)
        if results is not None and log_samples:
            results["samples"] = {
                task: [row for _, row in read_jsonl(out / f"samples_{task}.jsonl")]
                for task in sorted(results.get("signatures", {}))
            }
    return results or {}


def judge(
    rows: Iterable[Mapping[str, Any]] | str | Path,
    judges: str | Sequence[str],
    judge_args: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Score sample rows with judges, as `ifteval judge` does; returns the rows with `scores` added.

    `rows` are dicts in the samples layout (`prediction`, and `reference`/`prompt`/`task` when a judge
    needs them) or a path to a samples JSONL / `ifteval run` folder. `judge_args` is
    `{judge: {key: value}}`, the CLI's `--judge-arg judge.key=value`.
    """
    names = _names(judges)
    if not names:
        raise ConfigError("judge(judges=...) is empty; name at least one judge (see 'ifteval judges list')")
    overrides = dict(judge_args or {})
    stray = sorted(set(overrides) - set(names))
    if stray:
        raise ConfigError(f"judge_args names '{stray[0]}', not one of the judges ({', '.join(names)})")
    built = [build_judge(load_spec(n), overrides.get(n), overrides_source="judge_args") for n in names]

    check_judges(built)  # key, endpoint, model files: before any judge's work, as the command does
    if isinstance(rows, (str, Path)):
        records = read_records([Path(rows)])
    else:
        rows = list(rows)
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):  # else `row.get` fails below with an AttributeError
                raise DataError(f"rows[{i}] must be a dict (a samples row), got {type(row).__name__}")
        records = [parse_row(row, f"rows[{i}]", row.get("task")) for i, row in enumerate(rows)]
    if not records:
        raise DataError("judge(rows=...) has no rows to score")
    verdicts = score_in_batches(built, [record.sample for record in records], progress=False)
    return [
        record.with_verdicts({name: verdicts[name][i] for name in verdicts}).to_row()
        for i, record in enumerate(records)
    ]


def meta(
    table: Any,
    human: str | Sequence[str] = "human",
    judges: str | Sequence[str] | None = None,
    task: str | None = None,
    *,
    system: str | None = None,
    item: str | None = None,
    tfa: tuple[str, str, str] | None = None,
    method: str = "spearman",
    bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    resample: str = "both",
    permutations: int | None = None,
) -> dict[str, Any]:
    """Score the judges against human labels, as `ifteval meta` does; returns the report dict (what
    `--output meta.json` holds: `cit`, `cat`, `tfa`, levels, intervals, comparisons, diagnostics).
    `resample` and `permutations` are `--resample docs|systems|both` and `--permutations N`.

    `table` is a pandas DataFrame, a list of row dicts, or a path (table file or `ifteval run` folder).
    `tfa=(regime column, before, after)`, e.g. `("regime", "zero_shot", "trained_1000")`.
    """
    import pandas as pd

    # lazy: the metameter brings pandas and scipy (~2 s); evaluate and judge never need them
    from ifteval.metameter import loaders
    from ifteval.metameter.bootstrap import Bootstrap
    from ifteval.metameter.data import prepare
    from ifteval.metameter.flags import check_bootstrap, check_permutations
    from ifteval.metameter.report import MetaConfig, meta_evaluate

    source = "table"
    if isinstance(table, (str, Path)):
        source = str(table)
        frame = loaders.read_input(table).frame
    elif isinstance(table, pd.DataFrame):
        frame = table
    else:
        frame = pd.DataFrame(list(table))
    humans = _names(human)
    # as `ifteval meta`: a run record's every numeric score column (judges, then per-sample metrics)
    recorded = dict.fromkeys([*frame.attrs.get("judges", []), *frame.attrs.get("metrics", [])])
    judge_names = _names(judges) or [j for j in recorded if j not in humans and j in frame.columns]
    if not judge_names:
        raise DataError(f"no judges given for {source}; pass judges=['a', 'b']")
    task = task or ("task" if "task" in frame.columns else None)
    text = "prediction" if "prediction" in frame.columns else None
    regime, before_after = (tfa[0], (tfa[1], tfa[2])) if tfa else (None, None)
    data = prepare(frame, humans if len(humans) > 1 else humans[0], judge_names, task, system=system,
                   item=item, regime=regime, text=text, source=source)
    if resample not in ("docs", "systems", "both"):
        raise ConfigError(f"resample={resample!r}: expected 'docs', 'systems' or 'both'")
    check_bootstrap(bootstrap, data)  # the CLI's memory bounds hold for the Python API too
    check_permutations(bootstrap if permutations is None else permutations, data)
    config = MetaConfig(method=method, bootstrap=Bootstrap(bootstrap, seed, confidence, resample),
                        tfa=before_after, permutations=permutations)
    return meta_evaluate(data, config)
