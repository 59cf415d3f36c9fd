"""The generation cache: a rerun generates nothing; a killed run resumes with only what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.generation.helpers import (
    TASK,
    GenerateCounter,
    SimulatedKill,
    read_rows,
    run_config,
    stable_results,
)


def test_cache_key_separates_models_prompts_and_params(tmp_path: Path) -> None:
    from ifteval.generation.cache import GenerationCache, generate_cached
    from ifteval.generation.params import GenerationParams

    cache = GenerationCache(root=tmp_path)
    calls: list[list[str]] = []

    def generate(prompts: list[str], on_batch):  # noqa: ANN001 - the backend's callback contract
        calls.append(prompts)
        out = [p.upper() for p in prompts]
        on_batch(list(range(len(prompts))), out)
        return out

    a, b = {"model": "a", "adapter": None}, {"model": "a", "adapter": "x"}
    short, long = GenerationParams(max_gen_toks=8), GenerationParams(max_gen_toks=9)
    assert generate_cached(["p", "q"], short, a, cache, generate) == ["P", "Q"]
    assert generate_cached(["p", "q"], short, a, cache, generate) == ["P", "Q"]
    assert calls == [["p", "q"]]  # second call fully cached
    generate_cached(["p"], short, b, cache, generate)  # another adapter
    generate_cached(["p"], long, a, cache, generate)  # other parameters
    generate_cached(["p", "r"], short, a, cache, generate)  # one new prompt
    assert calls == [["p", "q"], ["p"], ["p"], ["r"]]
    assert cache.stats() == {"hits": 3, "misses": 5}


def test_cache_refuses_secret_in_key(tmp_path: Path) -> None:
    from ifteval.errors import ConfigError
    from ifteval.generation.cache import GenerationCache
    from ifteval.generation.params import GenerationParams

    with pytest.raises(ConfigError, match="secret"):
        GenerationCache(root=tmp_path).disk.get({"api_key": "sk-x", "p": GenerationParams().as_dict()})


@pytest.mark.slow
def test_rerun_generates_nothing_and_writes_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ifteval.runner import run

    first = GenerateCounter(monkeypatch)
    run(run_config(tmp_path / "a"))
    assert len(first.prompts) >= 2
    second = GenerateCounter(monkeypatch)
    run(run_config(tmp_path / "b"))
    assert second.prompts == []
    name = f"samples_{TASK}.jsonl"
    assert read_rows(tmp_path / "a" / name) == read_rows(tmp_path / "b" / name)
    assert stable_results(tmp_path / "a" / "results.json") == stable_results(tmp_path / "b" / "results.json")


@pytest.mark.slow
def test_killed_run_resumes_with_only_the_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ifteval.runner import run

    killed = GenerateCounter(monkeypatch, fail_after_batches=1)  # one prompt done, then "killed"
    with pytest.raises(SimulatedKill):
        run(run_config(tmp_path / "killed", batch_size=1))
    assert len(killed.prompts) == 1
    assert not (tmp_path / "killed" / "results.json").exists()

    resumed = GenerateCounter(monkeypatch)
    run(run_config(tmp_path / "resumed", batch_size=1))
    n = len(read_rows(tmp_path / "resumed" / f"samples_{TASK}.jsonl"))
    assert n >= 2
    assert len(resumed.prompts) == n - 1
    assert killed.prompts[0] not in resumed.prompts

    # --no-cache regenerates everything, and the resumed outputs equal an uncached run's
    fresh = GenerateCounter(monkeypatch)
    run(run_config(tmp_path / "fresh", use_cache=False, batch_size=1))
    assert len(fresh.prompts) == n
    name = f"samples_{TASK}.jsonl"
    assert read_rows(tmp_path / "resumed" / name) == read_rows(tmp_path / "fresh" / name)
