"""Judges: load a preset by name, build its judge, score batches of samples.

A preset (`ifteval_judges/<name>.yaml`, named by its file stem) names a `kind` registered in
`registry.yaml` and the arguments its factory takes; the factory gets the spec too (`spec=`), so every
judge carries what built it and results can say exactly what scored them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ifteval.errors import ConfigError, did_you_mean
from ifteval.judges.arguments import check_arguments
from ifteval.registry import Registry, load_registry, preset_files
from ifteval.types import Judge, JudgeSpec, Sample, Verdict

PRESET_KEYS = {"name", "kind", "version", "description", "args"}


def load_preset(path: Path) -> JudgeSpec:
    """Parse and validate one judge preset YAML; errors name the file and field.

    The judge's name is the file stem (declared once); an optional `name:` field must repeat it."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text())
    except FileNotFoundError as exc:
        raise ConfigError(f"judge preset not found: {path}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a judge preset must be a mapping with keys {sorted(PRESET_KEYS)}")
    for key in data:
        if key not in PRESET_KEYS:
            raise ConfigError(f"{path}: unknown field '{key}'.{did_you_mean(str(key), PRESET_KEYS)}")
    if not isinstance(data.get("kind"), str):
        raise ConfigError(f"{path}: field 'kind' is required and must be a string")
    if "name" in data and data["name"] != path.stem:
        raise ConfigError(f"{path}: field 'name' is {data['name']!r}, but a preset's name is its file stem"
                          f" '{path.stem}'; drop the field or rename the file")
    args = data.get("args") or {}
    if not isinstance(args, dict):
        raise ConfigError(f"{path}: field 'args' must be a mapping")
    version = data.get("version", 1)
    if not isinstance(version, int):
        raise ConfigError(f"{path}: field 'version' must be an integer")
    return JudgeSpec(
        name=path.stem,
        kind=data["kind"],
        version=version,
        description=str(data.get("description", "")),
        args=args,
        path=path,
    )


def judge_kinds() -> Registry[Any]:
    registry: Registry[Any] = Registry("judge kind")
    index = load_registry()
    for kind, target in index.judge_kinds.items():
        registry.register(kind, target, origin=f"{index.path} (judge_kinds.{kind})")
    return registry


def judge_presets(extra_paths: Sequence[Path] = ()) -> dict[str, Path]:
    """Registered presets plus any `*.yaml` in `extra_paths`, each named by its file stem; a name
    defined twice is an error."""
    return preset_files([*load_registry().judge_paths, *map(Path, extra_paths)])


def load_spec(name_or_path: str, extra_paths: Sequence[Path] = ()) -> JudgeSpec:
    """A judge spec from a registered name or a path to a preset YAML."""
    if name_or_path.endswith((".yaml", ".yml")):
        return load_preset(Path(name_or_path))
    presets = judge_presets(extra_paths)
    if name_or_path not in presets:
        raise ConfigError(
            f"unknown judge '{name_or_path}'.{did_you_mean(name_or_path, presets)} See 'ifteval judges list'."
        )
    return load_preset(presets[name_or_path])


def build_judge(
    spec: JudgeSpec, overrides: Mapping[str, Any] | None = None, overrides_source: str = "override"
) -> Judge:
    """Instantiate the judge a spec describes (its factory gets `spec=`); `overrides` replace preset args.

    Preset arguments and overrides are both checked against the factory's signature first, so a
    wrong key or type is one line naming where it came from, not an error deep inside the judge.
    """
    factory = judge_kinds().get(spec.kind)
    check_arguments(spec.name, spec.kind, factory, spec.args, source=str(spec.path or spec.name))
    check_arguments(spec.name, spec.kind, factory, overrides or {}, source=overrides_source)
    args = {**spec.args, **(overrides or {})}
    try:
        judge: Judge = factory(name=spec.name, spec=spec, **args)
    except TypeError as exc:
        where = spec.path or spec.name
        raise ConfigError(f"{where}: bad arguments for judge kind '{spec.kind}': {exc}") from exc
    return judge


def load_judge(
    name_or_path: str, overrides: Mapping[str, Any] | None = None, extra_paths: Sequence[Path] = ()
) -> Judge:
    return build_judge(load_spec(name_or_path, extra_paths), overrides)


def score_in_batches(
    judges: Sequence[Judge], samples: Sequence[Sample], batch_size: int = 256, progress: bool = True
) -> dict[str, list[Verdict]]:
    """`run_judges` in batches with a progress bar per judge (stderr, only on a terminal).

    A judge with `min_samples_per_call` gets at least that many samples a call: the encoder judges sort
    a call's texts by length and encode each distinct one once, so small calls pad more and encode
    repeats again (1,400 REALSumm rows in calls of 256 cost BERTScore 12% more CPU than one call).
    """
    import sys

    from tqdm import tqdm

    results: dict[str, list[Verdict]] = {}
    for judge in judges:
        collected: list[Verdict] = []
        disable = None if progress else True
        size = max(batch_size, int(getattr(judge, "min_samples_per_call", 1)))
        with tqdm(
            total=len(samples), desc=judge.name, unit="sample", file=sys.stderr, disable=disable
        ) as bar:
            for start in range(0, len(samples), size):
                batch = samples[start : start + size]
                collected.extend(run_judges([judge], batch)[judge.name])
                bar.update(len(batch))
        results[judge.name] = collected
    return results


def run_judges(judges: Sequence[Judge], samples: Sequence[Sample]) -> dict[str, list[Verdict]]:
    """Score every sample with every judge; a judge that needs references skips rows without one."""
    results: dict[str, list[Verdict]] = {}
    for judge in judges:
        if judge.requires_reference:
            usable = [i for i, s in enumerate(samples) if s.references]
            verdicts: list[Verdict] = [
                Verdict(None, status="error", reason="no reference for a reference-based judge")
            ] * len(samples)
            for i, verdict in zip(usable, judge.score([samples[i] for i in usable]), strict=True):
                verdicts[i] = verdict
        else:
            verdicts = list(judge.score(samples))
        if len(verdicts) != len(samples):
            raise ConfigError(
                f"judge '{judge.name}' returned {len(verdicts)} verdicts for {len(samples)} samples"
            )
        results[judge.name] = verdicts
    return results
