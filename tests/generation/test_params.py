"""Task `generation_kwargs` reach transformers' `generate` and the cache key, or fail by name."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_generate_kwargs_are_kept_in_params_and_cache_key() -> None:
    """Regression: top_p, top_k, num_beams, max_new_tokens, ... were silently dropped."""
    from ifteval.generation.params import params_from_gen_kwargs

    params = params_from_gen_kwargs({"until": ["\n"], "max_new_tokens": 7, "num_beams": 2, "top_k": 5})
    assert params.max_gen_toks == 7
    assert dict(params.generate_kwargs) == {"num_beams": 2, "top_k": 5}
    assert params.as_dict()["generate"] == {"num_beams": 2, "top_k": 5}
    plain = params_from_gen_kwargs({"until": ["\n"], "max_gen_toks": 7})
    assert "generate" not in plain.as_dict()  # keys of tasks without extras are unchanged
    assert plain.as_dict() != params.as_dict()


def test_unknown_generation_kwargs_are_named() -> None:
    from ifteval.errors import IftevalError
    from ifteval.generation.params import params_from_gen_kwargs

    with pytest.raises(IftevalError, match="generation_kwargs key 'top_q' is not supported"):
        params_from_gen_kwargs({"until": [], "top_q": 0.9})
    with pytest.raises(IftevalError, match="both max_gen_toks and max_new_tokens"):
        params_from_gen_kwargs({"max_gen_toks": 5, "max_new_tokens": 6})


def test_generate_kwargs_reach_generate(base_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """num_beams arrives at transformers' generate (and max_new_tokens bounds the completion)."""
    from transformers import GenerationMixin

    from ifteval.generation.hf import HFGenerator
    from ifteval.generation.params import params_from_gen_kwargs

    seen: list[dict] = []
    original = GenerationMixin.generate

    def spy(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        seen.append(kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(GenerationMixin, "generate", spy)
    generator = HFGenerator(pretrained=str(base_model), dtype="float32", device="cpu")
    params = params_from_gen_kwargs({"max_new_tokens": 3, "num_beams": 2})
    generator.generate(["Say hi"], params)
    assert seen[0]["num_beams"] == 2
    assert seen[0]["max_new_tokens"] == 3
