"""`ifteval mix`: the paper's training mixtures (C.1.1): the base instruction set plus N target-task rows.

Every row is rendered by lm-eval from the task's own YAML (``doc_to_text`` / ``doc_to_target``, the A.1
prompts), from the task's *train* split only; validation rows (for early stopping) come from the
validation splits, and test rows never enter a mixture. A guard checks each training prompt against every
held-out prompt of the tasks involved and refuses a leak, except on the bundled smoke sets (every split
is the whole set there), where it warns instead.

Sampling is nested and seeded: within one repeat, the N=25 rows contain the N=10 rows (a fixed
permutation of the train split, first N), so a curve over N compares like with like. The same seed
gives byte-identical folders. The row order in ``train.jsonl`` is the training order (``finetune``
reads it sequentially): shuffled for ``human``/``synthetic``/``random``, and for ``synthetic+human``
the base and synthetic rows (shuffled together) come first, then the N human rows.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ifteval.errors import DataError, IftevalError
from ifteval.jsonl import read_jsonl
from ifteval.outputs import check_output_folder
from ifteval.tasks import (
    ALPACA_CATEGORIES,
    content_key,
    data_origins,
    get_source,
    resolve_task_names,
    task_manager,
    task_source,
)
from ifteval.tasks.data import data_dir_in_env, read_rows
from ifteval.writers import atomic_write_text

Variant = Literal["human", "synthetic", "random", "synthetic+human"]
VARIANTS: tuple[Variant, ...] = ("human", "synthetic", "random", "synthetic+human")
PAPER_SIZES = (0, 10, 25, 50, 100, 200, 500, 1000)
BASE_TAG = "ifteval_alpaca"  # the 13 Alpaca-GPT4 category tasks (paper A.1)
MANIFEST = "manifest.json"
TRAIN_FILE = "train.jsonl"
VALIDATION_FILE = "validation.jsonl"
FORMAT = "ifteval-mixture/1"


@dataclass(frozen=True)
class MixSpec:
    """What `ifteval mix` takes.

    target: the task whose train rows are added; sizes: the N values; repeats: samples per N.
    variant: where the N rows' answers come from (human labels, a synthetic file, random labels, or
        ``synthetic_size`` synthetic rows followed by N human rows).
    leave_out: Alpaca categories dropped from the base set; base_size: cap on base training rows
        (None: all, 0: no base set, the paper's S2 setting); validation_size: cap on validation rows.
    """

    target: str
    sizes: tuple[int, ...] = PAPER_SIZES
    repeats: int = 4
    seed: int = 0
    variant: Variant = "human"
    synthetic: Path | None = None
    synthetic_size: int = 100
    leave_out: tuple[str, ...] = ()
    base_size: int | None = None
    validation_size: int | None = 1000
    data_dir: Path | None = None
    include_paths: tuple[Path, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Row:
    """One instruction/answer pair: ``kind`` is base, target, synthetic or validation; ``task`` its task."""

    task: str
    kind: str
    prompt: str
    completion: str

    def as_json(self) -> str:
        return json.dumps(
            {"task": self.task, "kind": self.kind, "prompt": self.prompt, "completion": self.completion},
            ensure_ascii=False,
            sort_keys=True,
        )


def mixture_name(target: str, variant: str, n: int, repeat: int) -> str:
    """``ifteval_sst2-human-n00010-r0``: sorts by N, one folder per (variant, N, repeat)."""
    return f"{target}-{variant.replace('+', '_')}-n{n:05d}-r{repeat}"


def check_spec(spec: MixSpec) -> None:
    """Flag problems before any data loads: one line naming the flag."""
    if spec.variant not in VARIANTS:
        raise IftevalError(f"--variant {spec.variant}: valid variants are {', '.join(VARIANTS)}")
    if not spec.sizes:
        raise IftevalError("--sizes is empty; give comma-separated counts such as 0,10,25")
    if any(n < 0 for n in spec.sizes) or len(set(spec.sizes)) != len(spec.sizes):
        raise IftevalError(f"--sizes {','.join(map(str, spec.sizes))}: need distinct counts >= 0")
    if spec.repeats < 1:
        raise IftevalError(f"--repeats {spec.repeats}: need at least 1")
    needs_file = spec.variant in ("synthetic", "synthetic+human")
    if needs_file and spec.synthetic is None:
        raise IftevalError(f"--variant {spec.variant} needs --synthetic FILE (a JSONL of generated rows)")
    if not needs_file and spec.synthetic is not None:
        raise IftevalError(
            f"--synthetic is only read by --variant synthetic or synthetic+human, not {spec.variant}"
        )
    if spec.synthetic is not None and not spec.synthetic.is_file():
        raise IftevalError(f"--synthetic {spec.synthetic}: no such file")
    if spec.synthetic_size < 0:
        raise IftevalError(f"--synthetic-size {spec.synthetic_size}: need a count >= 0")
    for name, value in (("--base-size", spec.base_size), ("--validation-size", spec.validation_size)):
        if value is not None and value < 0:
            raise IftevalError(f"{name} {value}: need a count >= 0")

    for category in spec.leave_out:
        if category not in ALPACA_CATEGORIES:
            raise IftevalError(
                f"--leave-out {category}: not an Alpaca category; valid: {', '.join(ALPACA_CATEGORIES)}"
            )


def check_output(output: Path) -> None:
    """The output must be a writable folder (or a path where one can be made); checked before work."""
    check_output_folder(output, "--output")


# ----------------------------------------------------------------------------- loading and rendering
@dataclass
class _Loaded:
    target: Any
    base: dict[str, Any]
    origins: dict[str, dict[str, Any]]
    smoke: list[str]


def _load(spec: MixSpec) -> _Loaded:
    """Build the target and base tasks through lm-eval (datasets loaded and split by ifteval.tasks)."""
    with data_dir_in_env(spec.data_dir):  # as `run` does: the task hooks read it
        return _load_in_env(spec)


def _load_in_env(spec: MixSpec) -> _Loaded:
    # lazy: `ifteval --help` imports this module for PAPER_SIZES and VARIANTS (cli/mix.py); the runner's
    # judges and backends (~60 ms) wait for a mix
    from ifteval.runner import _load_tasks, _quiet_lm_eval_noise

    _quiet_lm_eval_noise()
    manager = task_manager(spec.include_paths)
    targets = resolve_task_names(spec.target, manager)
    if len(targets) != 1:
        raise IftevalError(f"--target {spec.target}: names {len(targets)} tasks; give exactly one task")
    target = targets[0]
    base_names: list[str] = []
    if spec.base_size != 0:
        dropped = {f"{BASE_TAG}_{c}" for c in spec.leave_out}
        base_names = [n for n in resolve_task_names(BASE_TAG, manager) if n not in dropped and n != target]
    tasks = _load_tasks(manager, [target, *base_names])["tasks"]
    origins = data_origins()
    sources = {task_source(t) for t in tasks.values()}
    smoke = sorted(s for s in sources if s and origins.get(s, {}).get("origin") == "smoke")
    return _Loaded(tasks[target], {n: tasks[n] for n in base_names}, origins, smoke)


def render(task: Any, doc: Mapping[str, Any]) -> tuple[str, str]:
    """(prompt, answer) exactly as lm-eval builds them for this task (its YAML's A.1 prompt)."""
    prompt = task.doc_to_text(doc)
    target = task.doc_to_target(doc)
    if isinstance(target, list):  # a task with several references: the first is the answer
        target = target[0]
    if isinstance(target, int) and task.config.doc_to_choice is not None:
        target = task.doc_to_choice(doc)[target]
    return str(prompt), str(target)


def _docs(task: Any, split: str) -> list[dict[str, Any]]:
    docs = {"train": task.training_docs, "validation": task.validation_docs, "test": task.test_docs}[split]()
    return [dict(d) for d in docs] if docs is not None else []


def _rows(task: Any, docs: Sequence[Mapping[str, Any]], kind: str) -> list[Row]:
    return [Row(task.config.task, kind, *render(task, doc)) for doc in docs]


def _random_labels(task: Any, docs: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """The docs with each ``label`` drawn uniformly from the labels of the task's train split."""
    train = _docs(task, "train")
    if not train or "label" not in train[0]:
        raise IftevalError(
            f"--variant random: task '{task.config.task}' has no 'label' field to draw from "
            "(random labels need a classification or scoring task: sst2, mnli, qnli, stsb)"
        )
    labels = sorted({d["label"] for d in train})
    return [{**d, "label": rng.choice(labels)} for d in docs]


def _read_synthetic(path: Path, task: Any) -> list[dict[str, Any]]:
    """Synthetic rows in the target source's own schema (the fields its --data-dir file has)."""
    source = task_source(task)
    if source is None:
        raise IftevalError(f"--synthetic: task '{task.config.task}' reads no ifteval source to take rows for")
    rows = read_rows(path, get_source(source))
    if not rows:
        raise DataError(f"{path}: no rows")
    return rows


def _rng(spec: MixSpec, repeat: int, purpose: str) -> random.Random:
    """A generator per (seed, target, repeat, purpose): str seeds hash with SHA-512, stable across runs."""
    return random.Random(f"ifteval-mix|{spec.seed}|{spec.target}|{repeat}|{purpose}")


def _permuted(items: Sequence[Any], rng: random.Random) -> list[Any]:
    return rng.sample(list(items), len(items))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _jsonl(rows: Sequence[Row]) -> str:
    return "".join(r.as_json() + "\n" for r in rows)


# ----------------------------------------------------------------------------- building
class _Renderer:
    """Renders each (task, doc) once: lm-eval compiles the Jinja prompt on every call (~2-4 ms a doc)."""

    def __init__(self) -> None:
        self._done: dict[tuple[str, str], tuple[str, str]] = {}

    def rows(self, pairs: Sequence[tuple[Any, str, dict[str, Any]]], kind: str) -> list[Row]:
        out = []
        for task, index, doc in pairs:
            key = (task.config.task, index)
            if key not in self._done:
                self._done[key] = render(task, doc)
            out.append(Row(task.config.task, kind, *self._done[key]))
        return out


def _pairs(tasks: Mapping[str, Any], split: str) -> list[tuple[Any, str, dict[str, Any]]]:
    """(task, "split:index", doc) for every doc of `split` of the tasks, in task-name order."""
    return [
        (tasks[name], f"{split}:{i}", doc)
        for name in sorted(tasks)
        for i, doc in enumerate(_docs(tasks[name], split))
    ]


def build_mixtures(spec: MixSpec, output: Path) -> list[Path]:
    """Write one folder per (N, repeat) under `output`; returns the folders in (repeat, N) order."""
    check_spec(spec)
    check_output(output)
    loaded = _load(spec)
    target = loaded.target
    train_docs = _docs(target, "train")
    needed = max(spec.sizes)
    if needed > len(train_docs):
        raise IftevalError(
            f"--sizes {needed}: the train split of {spec.target} has only {len(train_docs)} rows "
            "(give smaller sizes, or point --data-dir at the full data)"
        )
    synthetic_docs = _read_synthetic(spec.synthetic, target) if spec.synthetic is not None else []
    synthetic_needed = needed if spec.variant == "synthetic" else spec.synthetic_size
    if spec.synthetic is not None and synthetic_needed > len(synthetic_docs):
        raise IftevalError(
            f"--synthetic {spec.synthetic}: has {len(synthetic_docs)} rows, "
            f"the mixtures need {synthetic_needed}"
        )
    base_train = _pairs(loaded.base, "train")
    if loaded.smoke:
        print(
            f"ifteval: warning: {', '.join(loaded.smoke)} come from the bundled smoke sets, where train, "
            "validation and test are the same rows: these mixtures overlap the test split and any curve "
            "trained on them measures memorisation. Use --data-dir for real data.",
            file=sys.stderr,
        )
    else:
        heldout = _heldout_keys([target, *loaded.base.values()])
        _check_no_leak([(t, d) for t, _, d in base_train], heldout, "the base set")
        _check_no_leak([(target, d) for d in train_docs], heldout, f"the train split of {spec.target}")
        _check_no_leak([(target, d) for d in synthetic_docs], heldout, f"--synthetic {spec.synthetic}")
    renderer = _Renderer()
    validation = _cap(
        renderer.rows(_pairs({target.config.task: target}, "validation"), "validation")
        + renderer.rows(_pairs(loaded.base, "validation"), "validation"),
        spec.validation_size,
        random.Random(f"ifteval-mix|{spec.seed}|validation"),
    )
    validation_text = _jsonl(validation)
    folders = []
    for repeat in range(spec.repeats):
        base = renderer.rows(_cap(base_train, spec.base_size, _rng(spec, repeat, "base")), "base")
        target_order = _permuted(train_docs, _rng(spec, repeat, "target"))
        synthetic_order = _permuted(synthetic_docs, _rng(spec, repeat, "synthetic"))
        for n in spec.sizes:
            added, counts = _added_rows(spec, target, n, target_order, synthetic_order, repeat)
            rows = _ordered(spec, base, added, repeat, n)
            if not rows:
                raise IftevalError(f"mixture N={n} would have no training rows (--base-size 0 with N=0)")
            folder = output / mixture_name(target.config.task, spec.variant, n, repeat)
            manifest = _manifest(spec, loaded, n, repeat, rows, counts, validation_text)
            _write_mixture(folder, _jsonl(rows), validation_text, manifest)
            folders.append(folder)
    return folders


def _added_rows(
    spec: MixSpec,
    target: Any,
    n: int,
    target_order: list[dict[str, Any]],
    synthetic_order: list[dict[str, Any]],
    repeat: int,
) -> tuple[list[Row], dict[str, int]]:
    """The rows this variant adds to the base set, and their counts by kind."""
    if spec.variant == "human":
        return _rows(target, target_order[:n], "target"), {"target": n}
    if spec.variant == "random":
        relabelled = _random_labels(target, target_order[:n], _rng(spec, repeat, "labels"))
        return _rows(target, relabelled, "target"), {"target": n}
    if spec.variant == "synthetic":
        return _rows(target, synthetic_order[:n], "synthetic"), {"synthetic": n}
    synthetic = _rows(target, synthetic_order[: spec.synthetic_size], "synthetic")
    return synthetic + _rows(target, target_order[:n], "target"), {"synthetic": len(synthetic), "target": n}


def _ordered(spec: MixSpec, base: list[Row], added: list[Row], repeat: int, n: int) -> list[Row]:
    """The training order: all rows shuffled, or (synthetic+human) base+synthetic shuffled, then human."""
    rng = _rng(spec, repeat, f"order-{n}")
    if spec.variant != "synthetic+human":
        return _permuted(base + added, rng)
    first = [r for r in added if r.kind == "synthetic"]
    human = [r for r in added if r.kind == "target"]
    return _permuted(base + first, rng) + human


def _cap(items: list[Any], size: int | None, rng: random.Random) -> list[Any]:
    """At most `size` items, a seeded sample in the original order (None keeps all)."""
    if size is None or size >= len(items):
        return list(items)
    keep = sorted(rng.sample(range(len(items)), size))
    return [items[i] for i in keep]


def _key(task: Any, doc: Mapping[str, Any]) -> tuple[str, str] | None:
    """(source, content key): what places a doc in its split (ifteval.tasks.splits)."""
    source = task_source(task)
    if source is None:
        return None
    return source, content_key(doc, get_source(source).key_fields)


def _heldout_keys(tasks: Sequence[Any]) -> dict[tuple[str, str], str]:
    """The content key of every validation and test doc of the tasks involved -> where it is held out."""
    out: dict[tuple[str, str], str] = {}
    for task in tasks:
        for split in ("validation", "test"):
            for doc in _docs(task, split):
                key = _key(task, doc)
                if key is not None:
                    out.setdefault(key, f"{task.config.task} {split}")
    return out


def _check_no_leak(
    docs: Sequence[tuple[Any, Mapping[str, Any]]], heldout: Mapping[tuple[str, str], str], what: str
) -> None:
    """A training doc whose content is held out anywhere (validation or test of any task) is refused."""
    for task, doc in docs:
        key = _key(task, doc)
        if key is not None and key in heldout:
            raise DataError(
                f"{what}: a training row of {task.config.task} is also in {heldout[key]} "
                f"({key[1][:80]}); remove it (no held-out row may enter a training mixture)"
            )


def _manifest(
    spec: MixSpec,
    loaded: _Loaded,
    n: int,
    repeat: int,
    rows: list[Row],
    counts: dict[str, int],
    validation_text: str,
) -> dict[str, Any]:
    train_text = _jsonl(rows)
    target = loaded.target
    source = task_source(target)
    sources: dict[str, Any] = {
        "target": {"task": target.config.task, "source": source, **loaded.origins.get(source, {})},
        "base": {
            "tasks": sorted(loaded.base),
            "leave_out": list(spec.leave_out),
            **(loaded.origins.get("alpaca_gpt4", {}) if loaded.base else {}),
        },
    }
    if spec.synthetic is not None:
        sources["synthetic"] = {
            "file": str(spec.synthetic),
            "sha256": _sha256(spec.synthetic.read_text("utf-8")),
        }
    by_kind = {kind: sum(r.kind == kind for r in rows) for kind in ("base", "target", "synthetic")}
    return {
        "format": FORMAT,
        "target": target.config.task,
        "variant": spec.variant,
        "n": n,
        "repeat": repeat,
        "seed": spec.seed,
        "ordered": spec.variant == "synthetic+human",
        "sources": sources,
        "rows": {
            "train": len(rows),
            "validation": validation_text.count("\n"),
            **by_kind,
            **{f"added_{k}": v for k, v in counts.items()},
        },
        "options": {
            "synthetic_size": spec.synthetic_size if spec.variant == "synthetic+human" else None,
            "base_size": spec.base_size,
            "validation_size": spec.validation_size,
        },
        "smoke": loaded.smoke,
        "hashes": {TRAIN_FILE: _sha256(train_text), VALIDATION_FILE: _sha256(validation_text)},
    }


def _write_mixture(folder: Path, train: str, validation: str, manifest: dict[str, Any]) -> None:
    """Write the folder; an existing mixture with other content is refused, never overwritten."""
    manifest_text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    path = folder / MANIFEST
    if path.is_file() and path.read_text("utf-8") != manifest_text:
        raise IftevalError(
            f"{folder}: a different mixture is already there (another seed, variant or data); "
            "choose another --output or delete that folder"
        )
    atomic_write_text(folder / TRAIN_FILE, train)
    atomic_write_text(folder / VALIDATION_FILE, validation)
    atomic_write_text(path, manifest_text)


def read_manifest(folder: Path) -> dict[str, Any]:
    """A mixture's manifest, checked against its files' hashes (a hand-edited mixture is refused)."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise DataError(
            f"{folder}: not a mixture folder (no {MANIFEST}; make one with 'ifteval mix')"
        ) from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DataError(f"{path}: field 'format': expected {FORMAT!r}")
    for name, digest in manifest.get("hashes", {}).items():
        file = folder / name
        if not file.is_file():
            raise DataError(f"{file}: missing (listed in {path})")
        if _sha256(file.read_text("utf-8")) != digest:
            raise DataError(
                f"{file}: content differs from the sha256 in {path} (edited after 'ifteval mix'?)"
            )
    return manifest


def read_mixture_rows(folder: Path, name: str) -> list[dict[str, Any]]:
    """The rows of ``train.jsonl`` or ``validation.jsonl`` (fields task, kind, prompt, completion)."""
    return [row for _, row in read_jsonl(folder / name)]


def find_mixtures(root: Path) -> list[Path]:
    """The mixture folders under `root` (or `root` itself), sorted by name."""
    if not root.is_dir():
        raise IftevalError(f"{root}: no such folder (make mixtures with 'ifteval mix')")
    if (root / MANIFEST).is_file():
        return [root]
    found = sorted(p.parent for p in root.glob(f"*/{MANIFEST}"))
    if not found:
        raise IftevalError(f"{root}: holds no mixture folder (no */{MANIFEST}; make them with 'ifteval mix')")
    return found
