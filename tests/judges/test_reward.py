"""The reward-model judge: paper A.3's softmax of prediction vs reference rewards (golden: transformers)."""

from __future__ import annotations

import functools
import math

import pytest
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from ifteval.errors import ConfigError, JudgeError
from ifteval.judges import load_judge, run_judges
from ifteval.judges.reward import RewardModelJudge, sigmoid, softmax_first
from ifteval.types import Sample

pytestmark = pytest.mark.slow

ROWS = [
    Sample("a", "What is the capital of France?", "The capital of France is Paris.", "Paris."),
    Sample("b", "Say hello politely.", "Go away.", "Hello, nice to meet you!"),
    Sample(
        "c",
        "Summarise: the cat sat on the mat all day long.",
        "A cat sat on a mat.",
        "A cat rested on a mat.",
    ),
]


@functools.cache
def reference_model(folder: str) -> tuple[object, object]:
    """The golden side's own copy of the model, loaded once."""
    model = AutoModelForSequenceClassification.from_pretrained(folder).eval()
    return AutoTokenizer.from_pretrained(folder), model


def reward_one(folder: str, prompt: str, response: str) -> float:
    """OpenAssistant's documented usage, one pair at a time (no padding)."""
    tokenizer, model = reference_model(folder)
    with torch.no_grad():
        return model(**tokenizer(prompt, response, return_tensors="pt")).logits[0, 0].item()


def test_softmax_helpers() -> None:
    assert softmax_first(2.0, 2.0) == 0.5
    a, b = 1.3, -0.4
    assert softmax_first(a, b) == pytest.approx(math.exp(a) / (math.exp(a) + math.exp(b)))
    assert sigmoid(-800.0) == pytest.approx(0.0) and sigmoid(800.0) == 1.0


def test_value_is_softmax_of_prediction_and_reference_rewards(tiny_reward_model: str) -> None:
    judge = RewardModelJudge("rm", model=tiny_reward_model, batch_size=2)
    verdicts = judge.score(ROWS)
    for row, verdict in zip(ROWS, verdicts, strict=True):
        r_pred = reward_one(tiny_reward_model, row.prompt, row.prediction)
        r_ref = reward_one(tiny_reward_model, row.prompt, row.reference or "")
        assert verdict.extras["raw_reward"] == pytest.approx(r_pred, abs=1e-4)
        assert verdict.extras["reference_reward"] == pytest.approx(r_ref, abs=1e-4)
        assert verdict.value == pytest.approx(
            math.exp(r_pred) / (math.exp(r_pred) + math.exp(r_ref)), abs=1e-4
        )
        assert 0.0 <= verdict.value <= 1.0
    assert len({round(v.value, 3) for v in verdicts}) == 3  # the head is not degenerate


def test_prediction_equal_to_reference_scores_one_half(tiny_reward_model: str) -> None:
    judge = RewardModelJudge("rm", model=tiny_reward_model)
    verdict = judge.score([Sample("s", "Q?", "same answer", "same answer")])[0]
    assert verdict.value == pytest.approx(0.5, abs=1e-6)


def test_reference_free_modes(tiny_reward_model: str) -> None:
    row = Sample("n", "Say hello politely.", "Hello there!", None)
    r_pred = reward_one(tiny_reward_model, row.prompt, row.prediction)
    sigmoid_judge = load_judge("reward_model", {"model": tiny_reward_model, "reference_free": "sigmoid"})
    sig = sigmoid_judge.score([row])[0]
    assert sig.value == pytest.approx(1 / (1 + math.exp(-r_pred)), abs=1e-4)
    assert "sigmoid" in sig.reason and sig.extras["reference_reward"] is None
    null = RewardModelJudge("rm", model=tiny_reward_model, reference_free=None).score([row])[0]
    assert null.value is None and null.status == "error" and "no reference" in null.reason
    assert null.extras["raw_reward"] == pytest.approx(r_pred, abs=1e-4)


def test_preset_never_mixes_softmax_and_sigmoid_values(tiny_reward_model: str) -> None:
    """Regression: with some rows lacking a reference, sigmoid(raw) and softmax(pred, ref) values were
    averaged into one mean although they are on different scales; the preset now nulls those rows."""
    judge = load_judge("reward_model", {"model": tiny_reward_model})
    assert judge.reference_free is None and judge.requires_reference  # type: ignore[attr-defined]
    rows = [Sample("a", "Say hi.", "Hi!", "Hello!"), Sample("b", "Say hi.", "Hi!", None)]
    with_ref, without = run_judges([judge], rows)["reward_model"]
    assert with_ref.value is not None and without.value is None and "no reference" in without.reason
    assert not RewardModelJudge("rm", model="x", reference_free="sigmoid").requires_reference


def test_squad_style_reference_uses_the_first_answer(tiny_reward_model: str) -> None:
    judge = RewardModelJudge("rm", model=tiny_reward_model)
    listed = judge.score([Sample("q", "Where?", "Paris", '["Paris, France", "Paris"]')])[0]
    plain = judge.score([Sample("q", "Where?", "Paris", "Paris, France")])[0]
    assert listed.value == pytest.approx(plain.value, abs=1e-6)


def test_openassistant_preset_offline_fails_with_one_clear_line() -> None:
    judge = load_judge("reward_model")
    assert judge.model == "OpenAssistant/reward-model-deberta-v3-large-v2"
    with pytest.raises(JudgeError) as info:
        judge.score(ROWS[:1])
    assert "OpenAssistant/reward-model-deberta-v3-large-v2" in str(info.value) and "\n" not in str(info.value)


def test_bad_reference_free_mode_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="reference_free 'zero' is not one of null .* or sigmoid"):
        RewardModelJudge("rm", model="x", reference_free="zero")  # type: ignore[arg-type]
    # the string "null" is not YAML null; the argument check refused it before the factory ever saw it
    with pytest.raises(ConfigError, match="reference_free 'null' is not one of"):
        RewardModelJudge("rm", model="x", reference_free="null")  # type: ignore[arg-type]
