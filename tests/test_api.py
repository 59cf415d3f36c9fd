"""The Python API mirrors the CLI: same numbers from `ifteval.judge`/`ifteval.meta` as from the
commands, cheap `import ifteval`, and bad arguments named (issue 14 item 3). `evaluate` runs in the
docs test (docs/python-api.md), on the embedded model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import ifteval
from ifteval.cli import main
from ifteval.errors import ConfigError, DataError

FIXTURE = Path(__file__).parent / "metameter" / "fixtures" / "scores.jsonl"
ROWS = [
    {"doc_id": 0, "task": "ifteval_xsum", "prompt": "Summarize.", "prediction": "the cat sat on the mat",
     "reference": "a cat was sitting on the mat"},
    {"doc_id": 1, "task": "ifteval_xsum", "prompt": "Summarize.", "prediction": "rain tomorrow",
     "reference": "it will rain tomorrow in the north"},
]


def test_import_is_cheap_and_the_api_is_lazy() -> None:
    code = ("import sys, ifteval; heavy = [m for m in ('torch', 'lm_eval', 'pandas', 'transformers') "
            "if m in sys.modules]; print(heavy, callable(ifteval.evaluate), 'meta' in dir(ifteval))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[] True True"
    with pytest.raises(AttributeError, match="no attribute 'evalute'"):
        ifteval.evalute  # noqa: B018


def test_judge_gives_the_commands_scores_and_rouge_scores_own(tmp_path: Path) -> None:
    from rouge_score import rouge_scorer

    samples = tmp_path / "samples_ifteval_xsum.jsonl"
    samples.write_text("".join(json.dumps(row) + "\n" for row in ROWS))
    output = tmp_path / "j.jsonl"
    assert main(["judge", str(samples), "--judges", "rouge1,exact_match", "--output", str(output)]) == 0
    from_cli = [json.loads(line)["scores"] for line in (tmp_path / "j.jsonl").read_text().splitlines()]
    from_api = [row["scores"] for row in ifteval.judge(ROWS, "rouge1,exact_match")]
    assert from_api == from_cli
    assert [row["scores"] for row in ifteval.judge(samples, ["rouge1", "exact_match"])] == from_cli
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    for row, scores in zip(ROWS, from_api, strict=True):
        want = scorer.score(row["reference"], row["prediction"])["rouge1"].fmeasure
        assert scores["rouge1"] == pytest.approx(want)
        assert scores["exact_match"] == 0.0


def test_meta_gives_the_commands_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "meta.json"
    args = ["meta", str(FIXTURE), "--human", "human", "--task", "task", "--judges", "gpt4,rouge",
            "--bootstrap", "50", "--seed", "3", "--compare", "none", "--output", str(out)]
    assert main(args) == 0
    capsys.readouterr()
    from_cli = json.loads(out.read_text())
    report = ifteval.meta(FIXTURE, human="human", judges=["gpt4", "rouge"], task="task", bootstrap=50, seed=3)
    assert report["cat"] == pytest.approx(from_cli["cat"])
    assert report["cit"] == pytest.approx(from_cli["cit"])
    rows = [json.loads(line) for line in FIXTURE.read_text().splitlines()]
    in_memory = ifteval.meta(rows, judges="gpt4,rouge", bootstrap=50, seed=3)  # list of dicts, 'task' found
    assert in_memory["cat"] == pytest.approx(from_cli["cat"])


def test_bad_api_arguments_are_one_line_errors() -> None:
    with pytest.raises(ConfigError, match="unknown option 'num_fewshots'"):
        ifteval.evaluate(tasks=["ifteval_sst2"], num_fewshots=2)
    with pytest.raises(ConfigError, match="tasks=...\\) is empty"):
        ifteval.evaluate(tasks=[])
    with pytest.raises(ConfigError, match="judge_args names 'rogue1'"):
        ifteval.judge(ROWS, ["rouge1"], judge_args={"rogue1": {"use_stemmer": False}})
    with pytest.raises(DataError, match=r"rows\[0\] must be a dict \(a samples row\), got str"):
        ifteval.judge(["just a prediction"], ["rouge1"])
