"""`ifteval judge` and `ifteval judges`: real files in, scored rows and a summary out."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rouge_score import rouge_scorer

from ifteval.aggregate import summarise
from ifteval.cli import main
from tests.conftest import REPO, subprocess_env

ROWS = [
    {
        "id": "a",
        "task": "ifteval_sst2",
        "prompt": "Is it positive?",
        "prediction": "positive",
        "reference": "positive",
    },
    {
        "id": "b",
        "task": "ifteval_sst2",
        "prompt": "Is it positive?",
        "prediction": "It is negative.",
        "reference": "positive",
    },
    {
        "id": "c",
        "task": "ifteval_xsum",
        "prompt": "Summarise.",
        "prediction": "A cat sat on a mat.",
        "reference": "The cat sat on the mat.",
    },
    {"id": "d", "prompt": "Free text", "prediction": "no reference here"},
]


def write_rows(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_judge_scores_rows_and_prints_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_rows(tmp_path / "in.jsonl", ROWS)
    out = tmp_path / "out" / "scored.jsonl"
    assert (
        main(["judge", str(source), "--judges", "gold,rouge1", "--output", str(out), "--batch-size", "2"])
        == 0
    )
    rows = read_rows(out)
    assert len(rows) == 4
    for before, after in zip(ROWS, rows, strict=True):
        assert {k: after[k] for k in before} == before  # the input row, untouched
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    expected_rouge = [scorer.score(r["reference"], r["prediction"])["rouge1"].fmeasure for r in ROWS[:3]]
    assert [r["scores"]["rouge1"] for r in rows] == pytest.approx([*expected_rouge, None])
    assert [r["scores"]["gold"] for r in rows[:2]] == [1.0, 0.0]
    assert rows[2]["judge_details"]["gold"]["extras"]["rouge1"] == pytest.approx(expected_rouge[2])
    assert rows[3]["scores"] == {"gold": None, "rouge1": None}
    assert rows[3]["judge_details"]["rouge1"]["status"] == "error"

    printed = capsys.readouterr().out
    gold_line = next(line for line in printed.splitlines() if line.startswith("gold"))
    mean_gold = statistics.fmean([1.0, 0.0, rows[2]["scores"]["gold"]])
    assert gold_line.split()[1:5] == [
        f"{mean_gold:.4f}",
        f"{summarise([1.0, 0.0, rows[2]['scores']['gold']])['stderr']:.4f}",
        "3",
        "1",
    ]
    # some rows failed: the table names the commonest reason and how many rows it explains
    assert gold_line.endswith("no reference for a reference-based judge (1 of 1)")
    assert "commonest failure" in printed.splitlines()[0]
    assert "wrote 4 rows" in printed


def test_judge_failing_on_every_row_for_one_reason_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression (issue 8): every row null with one reason printed `valid 0` and exited 0."""
    source = write_rows(tmp_path / "in.jsonl", [ROWS[3], {**ROWS[3], "id": "e"}])
    before = source.read_bytes()
    out = tmp_path / "judged.jsonl"
    assert main(["judge", str(source), "--judges", "rouge1", "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == (f"ifteval: error: judge 'rouge1' failed on all 2 rows: no reference for a reference-based"
                   f" judge (nothing written to {out})\n")
    assert not out.exists() and source.read_bytes() == before


def test_squad_references_as_people_write_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Regression (issue 8): a plain-string squadv2 reference gave null with "must be a JSON list"."""
    answers = [("Broncos", "Denver Broncos"), ("Broncos", ["Denver Broncos"]),
               ("Broncos", '["Denver Broncos"]'), ("It is not answerable.", ""), ("Broncos", "")]
    rows = [{"task": "ifteval_squadv2", "prompt": "q", "prediction": p, "reference": r} for p, r in answers]
    out = tmp_path / "judged.jsonl"
    assert main(["judge", str(write_rows(tmp_path / "in.jsonl", rows)), "--judges", "gold,f1",
                 "--output", str(out)]) == 0
    judged = read_rows(out)
    assert [r["scores"]["gold"] for r in judged] == pytest.approx([2 / 3, 2 / 3, 2 / 3, 1.0, 0.0])
    assert [r["scores"]["f1"] for r in judged][:3] == pytest.approx([2 / 3] * 3)
    assert [r["reference"] for r in judged] == [r["reference"] for r in rows]  # echoed as written
    assert "commonest failure" not in capsys.readouterr().out


def test_judge_arg_and_include_path(tmp_path: Path) -> None:
    presets = tmp_path / "presets"
    presets.mkdir()
    (presets / "rouge1_nostem.yaml").write_text(
        "name: rouge1_nostem\nkind: rouge\nversion: 2\ndescription: no stemming\n"
        "args:\n  rouge_type: rouge1\n  use_stemmer: false\n"
    )
    source = write_rows(
        tmp_path / "in.jsonl", [{"prompt": "p", "prediction": "running", "reference": "runs"}]
    )
    out = tmp_path / "out.jsonl"
    argv = [
        "judge",
        str(source),
        "--judges",
        "rouge1,rouge1_nostem",
        "--include-path",
        str(presets),
        "--output",
        str(out),
    ]
    assert main(argv) == 0
    assert read_rows(out)[0]["scores"] == {"rouge1": 1.0, "rouge1_nostem": 0.0}
    assert main([*argv[:-2], "--judge-arg", "rouge1.use_stemmer=false", "--output", str(out)]) == 0
    assert read_rows(out)[0]["scores"] == {"rouge1": 0.0, "rouge1_nostem": 0.0}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--judges", "rogue1"], "unknown judge 'rogue1'. Did you mean 'rouge1'"),
        (
            ["--judges", "rouge1", "--judge-arg", "sbert.batch_size=2"],
            "names judge 'sbert', which is not in --judges",
        ),
        (["--judges", "rouge1", "--judge-arg", "batch_size=2"], "must look like JUDGE.KEY=VALUE"),
        (["--judges", "rouge1", "--judge-arg", "rouge1.stem=true"],
         "--judge-arg rouge1.stem=true: judge 'rouge1' (kind 'rouge') has no argument 'stem'. "
         "Valid: rouge_type, use_stemmer."),
        # regression: a value of the wrong type crashed inside the factory with
        # "TypeError: '<=' not supported between instances of 'str' and 'int'"
        (["--judges", "sbert", "--judge-arg", "sbert.batch_size=abc"],
         "--judge-arg sbert.batch_size=abc: judge 'sbert' (kind 'sbert') expects 'batch_size' to be an "
         "integer, got 'abc' (text)"),
        (["--judges", "sbert", "--judge-arg", "sbert.batch_size=1.5"], "'batch_size' to be an integer"),
        (["--judges", "rouge1", "--judge-arg", "rouge1.use_stemmer=yes please"],
         "expects 'use_stemmer' to be true or false, got 'yes please' (text)"),
        (["--judges", "gpt4", "--judge-arg", "gpt4.temperature=hot"],
         "judge 'gpt4' (kind 'llm') expects 'temperature' to be a number"),
        (["--judges", "bertscore", "--judge-arg", "bertscore.output=f2"],
         "expects 'output' to be one of f1, precision, recall, got 'f2'"),
        (["--judges", "bertscore", "--judge-arg", "bertscore.num_layers=six"],
         "expects 'num_layers' to be an integer or null, got 'six'"),
    ],
)
def test_errors_are_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    source = write_rows(tmp_path / "in.jsonl", ROWS[:1])
    out = tmp_path / "out.jsonl"
    assert main(["judge", str(source), *extra, "--output", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and err.startswith("ifteval: error:")
    assert not out.exists()


def test_good_judge_args_pass_the_check() -> None:
    from ifteval.judges import judge_kinds
    from ifteval.judges.arguments import check_arguments

    llm = judge_kinds().get("llm")
    check_arguments("gpt4", "llm", llm, {"temperature": 1, "max_tokens": 8, "swap": True, "mode": "single",
                                         "base_url": "http://x", "batch_size": "auto", "model": None})
    check_arguments("bertscore", "bertscore", judge_kinds().get("bertscore"), {"num_layers": None})


def test_bad_input_line_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(ROWS[0]) + "\n{oops\n")
    assert main(["judge", str(source), "--judges", "rouge1", "--output", str(tmp_path / "o.jsonl")]) == 2
    assert f"{source}:2: not valid JSON" in capsys.readouterr().err


def test_judges_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["judges", "list"]) == 0
    lines = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[1:]}
    assert lines["rouge1"][1:4] == ["rouge", "-", "yes"]
    assert lines["sbert"][1:4] == ["sbert", "sentence-transformers/all-MiniLM-L6-v2", "yes"]
    assert lines["bertscore"][2] == "microsoft/deberta-base-mnli"
    assert lines["reward_model"][1:4] == [  # was "no": the preset is reference-relative (paper A.3)
        "reward_model",
        "OpenAssistant/reward-model-deberta-v3-large-v2",
        "yes",
    ]
    assert lines["gpt4_single"][3] == "no" and lines["gpt4"][3] == "yes"
    assert lines["gold"][3] == "yes"
    assert main(["judges", "show", "bertscore_minilm"]) == 0
    shown = capsys.readouterr().out
    assert "kind: bertscore" in shown and "num_layers: 6" in shown


def test_cli_starts_fast() -> None:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "ifteval", "judge", "--help"],
        cwd=REPO,
        env=subprocess_env(),
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and "--judge-arg" in proc.stdout
    assert time.perf_counter() - start < 3.0


@pytest.mark.slow
def test_judge_lm_eval_log_samples_folder(lm_eval_run: dict, tmp_path: Path) -> None:
    out = tmp_path / "judged.jsonl"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ifteval",
            "judge",
            str(lm_eval_run["out"]),
            "--judges",
            "rouge1,sbert",
            "--output",
            str(out),
        ],
        cwd=REPO,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    rows = read_rows(out)
    assert [r["doc_id"] for r in rows] == [s["doc_id"] for s in lm_eval_run["samples"]]
    assert all(r["task"] == "judge_hook_demo" for r in rows)
    # the same numbers lm-eval's aggregation hook reported, now per row
    results = lm_eval_run["results"]["results"]["judge_hook_demo"]
    assert statistics.fmean(r["scores"]["rouge1"] for r in rows) == pytest.approx(
        results["rouge1_judge,none"], abs=1e-9
    )
    assert statistics.fmean(r["scores"]["sbert"] for r in rows) == pytest.approx(
        results["sbert_judge,none"], abs=1e-5
    )
    assert "rouge1" in proc.stdout and "sbert" in proc.stdout
