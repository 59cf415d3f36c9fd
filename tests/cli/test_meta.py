"""`ifteval meta` end to end on fixtures: tables, JSON keys, plots, errors as one line with exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from scipy import stats as sps

from ifteval.cli import main
from tests.metameter.helpers import FIXTURES

SCORES = str(FIXTURES / "scores.csv")


def test_meta_end_to_end(tmp_path, capsys):
    out = tmp_path / "meta.json"
    rc = main(["meta", SCORES, "--human", "human", "--task", "task", "--judges", "gpt4,rouge,bertscore",
               "--system", "system", "--tfa", "regime:zero_shot:trained_1000", "--bootstrap", "200",
               "--seed", "3", "--output", str(out), "--plot", str(tmp_path / "plots")])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "CIT (per task, averaged)" in printed and "TFA zero_shot->trained_1000" in printed
    assert "nan" not in printed.lower()
    report = json.loads(out.read_text())
    frame = pd.read_csv(SCORES)
    ok = frame[["gpt4", "human"]].notna().all(axis=1)
    assert report["cat"]["gpt4"] == pytest.approx(sps.spearmanr(frame.gpt4[ok], frame.human[ok]).statistic)
    assert set(report["cit"]) == set(report["cat"]) == {"gpt4", "rouge", "bertscore"}
    assert set(report["tfa"]) == {"gpt4", "rouge", "bertscore", "human"}
    before = frame[frame.regime == "zero_shot"].groupby("task").human.mean()
    after = frame[frame.regime == "trained_1000"].groupby("task").human.mean()
    assert report["tfa"]["human"] == pytest.approx(((after - before) / before).mean())
    assert len(report["cat_detail"]["gpt4"]["ci"]) == 2
    assert len(report["paired_tests"]) == 3
    # two systems only: the system level is a documented null with a reason, not NaN
    assert report["system_level"]["gpt4"]["value"] is None
    assert "only 2 system(s)" in report["reasons"]["system_level"]["gpt4"]
    assert (tmp_path / "plots" / "correlation_matrix.png").stat().st_size > 1000
    assert (tmp_path / "plots" / "cit_cat.png").stat().st_size > 1000
    # the same seed gives the same intervals
    out2 = tmp_path / "again.json"
    main(["meta", SCORES, "--human", "human", "--judges", "gpt4,rouge,bertscore", "--system", "system",
          "--tfa", "regime:zero_shot:trained_1000", "--bootstrap", "200", "--seed", "3",
          "--output", str(out2)])
    assert json.loads(out2.read_text())["cat_detail"] == report["cat_detail"]


def test_meta_with_annotator_columns(tmp_path, capsys):
    out = tmp_path / "m.json"
    rc = main(["meta", SCORES, "--human", "annotator_1,annotator_2", "--judges", "gpt4", "--bootstrap", "0",
               "--output", str(out)])
    assert rc == 0
    assert json.loads(out.read_text())["agreement"]["krippendorff_alpha"] is not None
    assert "Inter-annotator ceiling" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    (["--judges", "gpt5"], "unknown judge column 'gpt5'"),
    (["--judges", "gpt4", "--tfa", "regime:zero"], "--tfa expects COL:BEFORE:AFTER"),
    (["--judges", "gpt4", "--tfa", "regime:zero:trained_1000"], "regime 'zero' does not occur"),
    (["--judges", "prediction"], "non-numeric score"),
])
def test_meta_errors_are_one_line_exit_2(args, message, capsys):
    rc = main(["meta", SCORES, "--human", "human", "--bootstrap", "0", *args])
    err = capsys.readouterr().err
    assert rc == 2
    assert message in err and err.count("\n") == 1


def test_meta_module_imports_no_heavy_libraries():
    code = "import sys, ifteval.cli.meta; print(any(m in sys.modules for m in ('pandas', 'scipy', 'numpy')))"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "False"


def test_meta_on_real_source_fixtures(tmp_path):
    out = tmp_path / "sff.json"
    judged = tmp_path / "sff_scored.parquet"
    from ifteval.metameter import load_summarize_from_feedback

    frame = load_summarize_from_feedback(path=FIXTURES / "summarize_from_feedback_axis.jsonl")
    frame["length_judge"] = frame["prediction"].str.len()
    frame.to_parquet(judged)
    rc = main(["meta", str(judged), "--human", "annotator_1,annotator_2", "--judges", "length_judge",
               "--item", "item", "--system", "system", "--bootstrap", "100", "--output", str(out)])
    assert rc == 0
    report = json.loads(out.read_text())
    assert report["summary_level"]["length_judge"]["n_documents"] == 5
    assert report["system_level"]["length_judge"]["n_systems"] == 4
    out = tmp_path / "rs.json"
    rc = main(["meta", str(FIXTURES / "realsumm.jsonl"), "--source", "realsumm",
               "--judges", "rouge_1_f_score", "--bootstrap", "100", "--output", str(out)])
    assert rc == 0
    report = json.loads(out.read_text())
    frame = pd.read_json(FIXTURES / "realsumm.jsonl", lines=True)
    expected = sps.spearmanr(frame.rouge_1_f_score, frame.litepyramid_recall).statistic
    assert report["cat"]["rouge_1_f_score"] == pytest.approx(expected)
    assert report["summary_level"]["rouge_1_f_score"]["value"] is not None


def test_degenerate_input_gives_documented_nulls_not_nan(tmp_path, capsys):
    path = tmp_path / "degenerate.csv"
    pd.DataFrame({
        "task": ["a"] * 6 + ["tiny"] * 2,
        "human": [1, 2, 3, 4, 5, 6, 1, 2],
        "flat": [0.5] * 8,
        "ok": [0.1, 0.3, 0.2, 0.5, 0.4, 0.9, 0.2, 0.1],
    }).to_csv(path, index=False)
    out = tmp_path / "d.json"
    rc = main(["meta", str(path), "--human", "human", "--judges", "flat,ok", "--bootstrap", "50",
               "--output", str(out), "--plot", str(tmp_path / "p")])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "nan" not in printed.lower() and "n/a[" in printed
    report = json.loads(out.read_text())  # a stray NaN would be null too: the reasons show intent
    assert report["cat"]["flat"] is None and "judge 'flat' is constant" in report["reasons"]["cat"]["flat"]
    assert report["cit"]["flat"] is None
    tiny = report["cit_detail"]["ok"]["per_task"]["tiny"]
    assert tiny["value"] is None and "only 2 paired row(s) in task 'tiny'" in tiny["reason"]
    assert report["cit"]["ok"] == pytest.approx(sps.spearmanr([0.1, 0.3, 0.2, 0.5, 0.4, 0.9],
                                                              [1, 2, 3, 4, 5, 6]).statistic)
    assert report["paired_tests"][0]["cat"]["diff"] is None


def _judge_of(text: str) -> float:
    """A stand-in judge's score of a summary: deterministic, not a function of the human scores."""
    return float(sum(map(ord, text)) % 11)


def _meta_on_rows(path, rows, *flags):
    """Write rows to the JSONL file `path`, run `ifteval meta` on it (no bootstrap), return its report."""
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    out = path.with_name("m.json")
    assert main(["meta", str(path), *flags, "--bootstrap", "0", "--output", str(out)]) == 0
    return json.loads(out.read_text())


def test_summarize_from_feedback_keeps_the_users_columns(tmp_path):
    """Issue 14: `meta FILE --source summarize_from_feedback --judges J` (meta --help) could never work."""
    source = FIXTURES / "summarize_from_feedback_axis.jsonl"
    rows = [json.loads(line) for line in source.read_text().splitlines()]
    for row in rows:  # the user's judge scored each summary; the score repeats on each of its rating rows
        row["my_judge"] = _judge_of(row["summary"]["text"])
        row["note"] = "kept"
    path = tmp_path / "axis_judged.jsonl"
    report = _meta_on_rows(path, rows, "--source", "summarize_from_feedback", "--judges", "my_judge")
    from ifteval.metameter import load_summarize_from_feedback

    frame = load_summarize_from_feedback(path=path)
    assert (frame["note"] == "kept").all() and len(frame) == 4 * 4 + 3
    assert frame["my_judge"].tolist() == [_judge_of(text) for text in frame["prediction"]]
    expected = sps.spearmanr(frame["my_judge"], frame["human"]).statistic
    assert report["cat"]["my_judge"] == pytest.approx(expected)


def test_realsumm_keeps_the_users_columns_and_judged_scores(tmp_path):
    """A REALSumm file that went through `ifteval judge` (nested `scores`) and has a user column."""
    rows = [json.loads(line) for line in (FIXTURES / "realsumm.jsonl").read_text().splitlines()]
    for row in rows:
        row["my_judge"] = _judge_of(row["summary"])
        row["scores"] = {"j": _judge_of(row["summary"] + "x")}
        row["judge_details"] = {"j": {"status": "ok", "reason": "", "raw": None,
                                      "extras": {"precision": _judge_of(row["summary"] + "y")}}}
    cat = _meta_on_rows(tmp_path / "realsumm_judged.jsonl", rows, "--source", "realsumm",
                        "--judges", "my_judge,j,j.precision")["cat"]
    human = [row["litepyramid_recall"] for row in rows]
    for judge, suffix in (("my_judge", ""), ("j", "x"), ("j.precision", "y")):
        expected = sps.spearmanr([_judge_of(row["summary"] + suffix) for row in rows], human).statistic
        assert cat[judge] == pytest.approx(expected)
