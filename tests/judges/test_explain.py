"""`ifteval explain` (paper B.4) against a scripted OpenAI-compatible server on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ifteval.cli import main
from ifteval.errors import DataError
from ifteval.judges.error_analysis import strip_shared_instruction, task_kind
from tests.judges.fake_openai_server import FakeOpenAIServer, Reply

INSTRUCTION = "Classify the sentiment of the sentence as positive or negative.\n"
ROWS = [  # (sentence, prediction, reference, gpt4 score)
    ("a gorgeous, witty film", "positive", "positive", 0.9),
    ("but there 's plenty to offend everyone ...", "The sentence is positive.", "negative", 0.1),
    ("profanities", 'The sentence "profanities" is a positive statement.', "negative", 0.2),
    ("the filmmakers ' paws , sad to say ,", "The sentence is positive.", "negative", None),
    ("an utterly charming romp", "negative", "positive", 0.3),
]


def write_rows(path: Path, task: str = "ifteval_sst2") -> Path:
    with open(path, "w") as handle:
        for i, (sentence, prediction, reference, score) in enumerate(ROWS):
            handle.write(json.dumps({
                "doc_id": i, "task": task, "prompt": INSTRUCTION + "Sentence: " + sentence,
                "prediction": prediction, "reference": reference,
                "acc": float(prediction.lower().endswith(reference) or prediction == reference),
                "scores": {"gpt4": score},
            }) + "\n")
    return path


def test_explain_sends_the_lowest_rows_with_the_papers_wording(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_rows(tmp_path / "samples_ifteval_sst2.jsonl")
    analysis = "The model misreads sarcasm and single words as positive."
    with FakeOpenAIServer(lambda r: Reply(analysis)) as server:
        args = ["explain", str(tmp_path), "--judge", "gpt4", "--task", "ifteval_sst2", "--n", "3",
                "--base-url", server.base_url]
        assert main(args) == 0
        [request] = server.requests
        assert main(args) == 0  # cached: no second call
        assert len(server.requests) == 1
    prompt = request.content
    assert prompt.startswith("The following is a series of predictions a sentiment classification ML model "
                             "got wrong. Can you spot any patterns")
    lines = [line for line in prompt.splitlines() if line.startswith("Sentence:")]
    assert lines == [  # lowest gpt4 scores first; the null score is skipped; the shared instruction dropped
        "Sentence: but there 's plenty to offend everyone ... Model prediction: The sentence is positive. "
        "Ground truth: negative",
        'Sentence: profanities Model prediction: The sentence "profanities" is a positive statement. '
        "Ground truth: negative",
        "Sentence: an utterly charming romp Model prediction: negative Ground truth: positive",
    ]
    assert request.body["max_tokens"] == 512 and request.body["temperature"] == 0.0
    out = capsys.readouterr().out
    assert analysis in out and "by 'gpt4', scores 0.1 to 0.3" in out


def test_explain_ranks_by_gold_and_uses_nli_or_generic_wording(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nli = write_rows(tmp_path / "samples_ifteval_mnli.jsonl", task="ifteval_mnli")
    assert main(["explain", str(nli), "--score-key", "acc", "--n", "2", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("The following is a series of predictions a NLI ML model got wrong.")
    assert out.count("Model prediction:") == 2 and "Input: but there" in out

    generic = write_rows(tmp_path / "samples_ifteval_xsum.jsonl", task="ifteval_xsum")
    assert main(["explain", str(generic), "--score-key", "gpt4", "--n", "1", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert 'low-scoring outputs of an ML model on the task "ifteval_xsum"' in out
    assert "Input: Classify the sentiment" in out  # generic wording keeps the whole prompt


def test_gold_key_is_computed_when_rows_carry_no_metric(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps({"prompt": f"Sentence: s{i}", "prediction": p, "reference": "negative",
                                        "task": "ifteval_sst2"}) + "\n"
                            for i, p in enumerate(["negative", "The sentence is positive.", "negative"])))
    assert main(["explain", str(path), "--score-key", "gold", "--n", "5", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.index("s1") < out.index("s0") < out.index("s2")  # the wrong one (acc 0) comes first


def test_explain_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    samples = write_rows(tmp_path / "samples_ifteval_sst2.jsonl")
    assert main(["explain", str(samples), "--score-key", "gtp4", "--dry-run"]) == 2
    assert "Did you mean 'gpt4'" in capsys.readouterr().err
    assert main(["explain", str(samples), "--judge", "rouge1", "--dry-run"]) == 2
    assert "not an LLM judge" in capsys.readouterr().err


def test_helpers() -> None:
    assert [task_kind(t) for t in ["ifteval_sst2", "ifteval_qnli", "glue_mnli", "ifteval_conll", None]] == [
        "sentiment", "nli", "nli", "generic", "generic"]
    shared = ["Do X.\nSentence: a", "Do X.\nSentence: b"]
    assert strip_shared_instruction(shared) == ["Sentence: a", "Sentence: b"]
    assert strip_shared_instruction(["only one"]) == ["only one"]
    with pytest.raises(DataError):
        from ifteval.judges.error_analysis import row_score

        row_score({"scores": {}}, "gold", None)
