"""Encoder judges equal bert-score and sentence-transformers on the same pairs, batched or not."""

from __future__ import annotations

import pytest

from ifteval.errors import JudgeError
from ifteval.judges import load_judge
from ifteval.judges.encoder import MINILM_ID, BertScoreJudge, SbertJudge, resolve_model
from ifteval.types import Sample, Verdict

PAIRS = [
    ("The cat sat on the mat.", "A cat was sitting on the mat."),
    ("Paris is the capital of France.", "The capital of France is Paris."),
    ("I love my cat.", "quantum chromodynamics"),
    ("!!!", "The stock market fell sharply today."),  # a negative MiniLM cosine
    ("positive", "positive"),
]

pytestmark = pytest.mark.slow


def samples(pairs: list[tuple[str, str]]) -> list[Sample]:
    return [Sample(id=str(i), prompt="p", prediction=p, reference=r) for i, (p, r) in enumerate(pairs)]


def test_minilm_resolves_to_the_offline_package(minilm_path: str) -> None:
    assert resolve_model(MINILM_ID) == minilm_path
    assert resolve_model("some/other-model") == "some/other-model"


def test_bertscore_minilm_equals_bert_score(minilm_path: str) -> None:
    from bert_score import score

    precision, recall, f1 = score(
        [p for p, _ in PAIRS], [r for _, r in PAIRS], model_type=minilm_path, num_layers=6, batch_size=64
    )
    judge = load_judge("bertscore_minilm")
    verdicts = judge.score(samples(PAIRS))
    for i, verdict in enumerate(verdicts):
        assert verdict.value == pytest.approx(f1[i].item(), abs=1e-5)
        assert verdict.extras["precision"] == pytest.approx(precision[i].item(), abs=1e-5)
        assert verdict.extras["recall"] == pytest.approx(recall[i].item(), abs=1e-5)
    assert verdicts[4].value == pytest.approx(1.0, abs=1e-5)
    assert verdicts[0].value > verdicts[2].value


def test_bertscore_scores_empty_texts_without_crashing(minilm_path: str) -> None:
    """Regression: `make demo` crashed on an unanswerable SQuAD reference ("") because bert-score
    embeds "" through a tokenizer method transformers 5 removed."""
    judge = load_judge("bertscore_minilm")
    rows = samples([("", "Denver Broncos"), ("Denver", ""), ("", ""), PAIRS[0]])
    verdicts = judge.score(rows)
    assert [v.value for v in verdicts[:3]] == [0.0, 0.0, 1.0]
    assert verdicts[3].value == pytest.approx(judge.score(samples([PAIRS[0]]))[0].value, abs=1e-5)
    unanswerable = Sample("u", "p", "", reference="[]")  # SQuAD v2: no answer; the empty answer is right
    assert judge.score([unanswerable])[0].value == 1.0


def test_bertscore_reports_precision_when_asked(minilm_path: str) -> None:
    judge = BertScoreJudge("bs_p", model_type=MINILM_ID, num_layers=6, output="precision")
    verdict = judge.score(samples([PAIRS[0]]))[0]
    assert verdict.value == pytest.approx(verdict.extras["precision"])
    assert verdict.extras["precision"] != pytest.approx(verdict.extras["recall"])


def test_sbert_equals_sentence_transformers_cosine(minilm_path: str) -> None:
    from sentence_transformers import SentenceTransformer, util

    model = SentenceTransformer(minilm_path)
    predictions = model.encode([p for p, _ in PAIRS], convert_to_tensor=True)
    references = model.encode([r for _, r in PAIRS], convert_to_tensor=True)
    expected = util.pairwise_cos_sim(predictions, references).tolist()
    verdicts = load_judge("sbert").score(samples(PAIRS))
    for cosine, verdict in zip(expected, verdicts, strict=True):
        assert verdict.extras["cosine"] == pytest.approx(cosine, abs=1e-5)
        assert verdict.value == pytest.approx(min(max(cosine, 0.0), 1.0), abs=1e-5)
    # cosine can be negative; the value is clipped to 0 and the raw cosine kept
    assert expected[3] < 0 and verdicts[3].value == 0.0 and verdicts[3].extras["cosine"] < 0


def test_sbert_encodes_each_distinct_text_once(minilm_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 9 item 6: REALSumm pairs each reference with 14 summaries; the judge used to encode every
    copy. Now one encode call sees each distinct text once, and the cosines still equal the library's."""
    from sentence_transformers import SentenceTransformer, util

    reference = PAIRS[0][1]
    pairs = [(prediction, reference) for prediction, _ in PAIRS] + [(reference, reference)]
    judge = SbertJudge("sbert")
    encoder = judge._load()
    seen: list[list[str]] = []
    original = encoder.encode

    def counting(texts: list[str], **kwargs: object) -> object:
        seen.append(list(texts))
        return original(texts, **kwargs)

    monkeypatch.setattr(encoder, "encode", counting)
    verdicts = judge.score(samples(pairs))
    assert len(seen) == 1 and len(seen[0]) == len(PAIRS) + 1 == len(set(seen[0]))  # 12 texts, 6 encodes
    model = SentenceTransformer(minilm_path)
    left = model.encode([p for p, _ in pairs], convert_to_tensor=True)
    right = model.encode([r for _, r in pairs], convert_to_tensor=True)
    expected = util.pairwise_cos_sim(left, right).tolist()
    assert [v.extras["cosine"] for v in verdicts] == pytest.approx(expected, abs=1e-5)
    assert verdicts[-1].value == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("judge_class", [BertScoreJudge, SbertJudge])
def test_encoder_judges_get_big_calls_from_score_in_batches(judge_class: type, monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """Issue 9 item 6: in calls of 256 samples BERTScore cost 12% more CPU than the library on REALSumm
    (more padding, repeats encoded again); encoder judges now get 2,048 samples a call."""
    from ifteval.judges import score_in_batches

    calls: list[int] = []

    def fake_pairs(self: object, predictions: list[str], references: list[str]) -> list[Verdict]:
        calls.append(len(predictions))
        return [Verdict(1.0)] * len(predictions)

    monkeypatch.setattr(judge_class, "score_pairs", fake_pairs)
    is_bertscore = judge_class is BertScoreJudge
    judge = judge_class("encoder", model_type=MINILM_ID) if is_bertscore else judge_class("encoder")
    rows = samples([("a", "b")] * 3000)
    verdicts = score_in_batches([judge], rows, batch_size=256, progress=False)[judge.name]
    assert calls == [2048, 952] and len(verdicts) == 3000
    calls.clear()
    score_in_batches([judge], rows, batch_size=4000, progress=False)  # a bigger request is kept
    assert calls == [3000]


def test_encoder_loads_once_and_scores_in_batches(minilm_path: str) -> None:
    judge = SbertJudge("sbert", batch_size=2)
    first = judge.score(samples(PAIRS[:2]))
    encoder = judge._encoder
    second = judge.score(samples(PAIRS[:2]))
    assert judge._encoder is encoder
    assert [v.value for v in first] == pytest.approx([v.value for v in second], abs=1e-6)


def test_deberta_preset_offline_fails_with_one_clear_line() -> None:
    judge = load_judge("bertscore")
    assert judge.model_type == "microsoft/deberta-base-mnli" and judge.num_layers == 9
    with pytest.raises(JudgeError) as info:
        judge.score(samples(PAIRS[:1]))
    message = str(info.value)
    assert "microsoft/deberta-base-mnli" in message and "bertscore_minilm" in message and "\n" not in message
