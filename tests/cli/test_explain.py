"""`ifteval explain` (paper B.4) against a scripted OpenAI-compatible server on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ifteval.cli import main
from ifteval.errors import DataError
from ifteval.judges.error_analysis import (
    strip_instruction,
    strip_shared_instruction,
    task_instruction,
    task_kind,
    wrong_rows,
)
from tests.fake_openai_server import FakeOpenAIServer, Reply

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
    assert analysis in out and "3 lowest-scoring of 4 wrong rows" in out
    assert "by 'gpt4' < 1, scores 0.1 to 0.3" in out


def test_explain_ranks_by_gold_and_uses_nli_or_generic_wording(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nli = write_rows(tmp_path / "samples_ifteval_mnli.jsonl", task="ifteval_mnli")
    assert main(["explain", str(nli), "--score-key", "acc", "--n", "2", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("The following is a series of predictions a NLI ML model got wrong.")
    assert out.count("Model prediction:") == 2 and "Input:" not in out

    generic = write_rows(tmp_path / "samples_ifteval_xsum.jsonl", task="ifteval_xsum")
    assert main(["explain", str(generic), "--score-key", "gpt4", "--n", "1", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert 'low-scoring outputs of an ML model on the task "ifteval_xsum"' in out
    assert "Input: Classify the sentiment" in out  # generic wording keeps the whole prompt


MNLI_INSTRUCTION = ("Classify the following relationship between the Hypothesis sentence and the Premise "
                    "sentence, as either Entailment, Contradiction or Neutral.\n\n")


def test_nli_rows_read_as_the_paper_prints_them_even_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: NLI rows came out as `Input: <instruction> Premise: ...`; with one row the task
    instruction stayed (there was no second prompt to find the shared prefix with)."""
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({
        "prompt": MNLI_INSTRUCTION + "Premise: He's chosen Meg Ryan.\nHypothesis: Jon Doe was chosen.",
        "prediction": "Entailment.", "reference": "contradiction", "task": "ifteval_mnli", "acc": 0.0,
    }) + "\n")
    assert main(["explain", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert ("\nPremise: He's chosen Meg Ryan. Hypothesis: Jon Doe was chosen. Model prediction: Entailment. "
            "Ground truth: contradiction\n") in out
    assert "Classify" not in out and "Input:" not in out


def test_single_sentiment_row_loses_the_task_instruction(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({
        "prompt": "Classify the following sentence as negative or positive.\n\nSentence: profanities",
        "prediction": "positive", "reference": "negative", "task": "ifteval_sst2",
    }) + "\n")
    assert main(["explain", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "\nSentence: profanities Model prediction: positive Ground truth: negative\n" in out
    assert "Classify" not in out.split("\n", 1)[1]


def test_gold_key_is_computed_and_only_wrong_rows_are_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: the N lowest rows were sent with no cut-off, so correct predictions (acc 1) were
    presented to the judge as mistakes."""
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps({"prompt": f"Sentence: s{i}", "prediction": p, "reference": "negative",
                                        "task": "ifteval_sst2"}) + "\n"
                            for i, p in enumerate(["negative", "The sentence is positive.", "negative"])))
    assert main(["explain", str(path), "--score-key", "gold", "--n", "5", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.count("Model prediction:") == 1 and "s1" in out  # the wrong one (acc 0) alone
    assert "s0" not in out and "s2" not in out


def test_no_wrong_rows_says_so_and_sends_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps({"prompt": f"Sentence: s{i}", "prediction": "negative",
                                        "reference": "negative", "task": "ifteval_sst2"}) + "\n"
                            for i in range(3)))
    with FakeOpenAIServer(lambda r: Reply("unused")) as server:
        assert main(["explain", str(path), "--base-url", server.base_url]) == 0
        assert server.requests == []
    out = capsys.readouterr().out
    assert "No wrong predictions to analyse: all 3 scored rows of ifteval_sst2 have 'gold' >= 1" in out


def test_continuous_judge_uses_the_maximum_or_below(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = write_rows(tmp_path / "samples_ifteval_sst2.jsonl")  # gpt4: 0.9, 0.1, 0.2, null, 0.3
    assert main(["explain", str(samples), "--score-key", "gpt4", "--below", "0.25", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.count("Model prediction:") == 2 and "charming romp" not in out
    rows = [({"prompt": "p", "prediction": "x", "bleu": b}, None) for b in (40.0, 80.0, 12.5)]
    selection = wrong_rows(rows, "bleu", 10)
    assert selection.threshold == 80.0 and [r.score for r in selection.rows] == [12.5, 40.0]


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
    assert task_instruction("ifteval_sst2") == "Classify the following sentence as negative or positive."
    assert task_instruction("no_such_task") is None
    assert strip_instruction(["Do X.\n\nSentence: a"], "Do X.") == ["Sentence: a"]
    with pytest.raises(DataError):
        from ifteval.judges.error_analysis import row_score

        row_score({"scores": {}}, "gold", None)
