"""The joints, end to end with real commands: `ifteval run` (embedded SmolLM2, an adapter sweep) writes the
run record, `ifteval judge` extends it, `ifteval meta` reads both. Every number is checked against an
independent computation (sacrebleu, scipy) on the files the commands wrote.

One session-scoped sweep (`sweep_run` in tests/conftest.py) serves every test here.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest
import sacrebleu
from scipy import stats as sps

from ifteval.cli import main
from tests.fake_openai_server import FakeOpenAIServer, Reply

pytestmark = pytest.mark.slow  # the shared sweep loads the embedded model
SYSTEMS = ("base", "lora1", "lora2")
SAMPLES = "samples_ifteval_sst2.jsonl"
# a human's ratings of each system's three outputs (made up, deliberately not a function of any judge)
RATINGS = {"base": [3.0, 1.0, 2.0], "lora1": [4.0, 5.0, 2.0], "lora2": [1.0, 2.0, 5.0]}


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def write_rows(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def meta_report(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "meta.json"
    assert main(["meta", *args, "--bootstrap", "0", "--output", str(out)]) == 0
    return json.loads(out.read_text())


def sweep_labels(path: Path, skip: tuple[str, int] | None = None, with_system: bool = True) -> Path:
    rows = [{"system": system, "task": "ifteval_sst2", "doc_id": doc, "label": label}
            for system, labels in RATINGS.items()
            for doc, label in enumerate(labels) if (system, doc) != skip]
    if not with_system:
        rows = [{k: v for k, v in row.items() if k != "system"} for row in rows]
    return write_rows(path, rows)


def test_run_then_judge_then_meta(sweep_run: Path, tmp_path: Path) -> None:
    """The before-stop hook's round trip: run (rouge1) -> judge (chrf) -> meta --human chrf."""
    run_rows = read_rows(sweep_run / "base" / SAMPLES)
    judged = tmp_path / "judged.jsonl"
    assert main(["judge", str(sweep_run / "base"), "--judges", "chrf", "--output", str(judged)]) == 0
    rows = read_rows(judged)
    assert len(rows) == len(run_rows) == 3
    for before, after in zip(run_rows, rows, strict=True):
        # judge extends the run's row: every field kept, its rouge1 verdict (with extras) kept, chrf added
        kept = [k for k in before if k != "scores"]
        assert {k: after[k] for k in kept} == {k: before[k] for k in kept}
        assert after["scores"]["rouge1"] == before["scores"]["rouge1"]
        chrf = sacrebleu.sentence_chrf(before["prediction"], [before["reference"]]).score / 100
        assert after["scores"]["chrf"] == pytest.approx(chrf, abs=1e-12)
    report = meta_report(tmp_path, str(judged), "--human", "chrf", "--judges", "rouge1")
    expected = sps.spearmanr([r["scores"]["rouge1"] for r in rows], [r["scores"]["chrf"] for r in rows])
    assert report["cat"]["rouge1"] == pytest.approx(expected.statistic)


def test_sweep_meta_is_system_level_over_adapters(sweep_run: Path, tmp_path: Path) -> None:
    """`meta SWEEP/ --labels` joins on system and doc_id and ranks the adapters without --system; the same
    holds after `judge SWEEP/` wrote one JSONL (the system column survives the judge)."""
    labels = sweep_labels(tmp_path / "human.jsonl", skip=("lora2", 1))  # one output left unlabelled
    rows = {s: read_rows(sweep_run / s / SAMPLES) for s in SYSTEMS}
    report = meta_report(tmp_path, str(sweep_run), "--labels", str(labels), "--human", "label",
                         "--judges", "rouge1,rouge1.precision")
    assert report["meta"]["columns"]["system"] == "system"
    level = report["system_level"]["rouge1"]
    assert level["n_systems"] == 3
    labelled = {s: [i for i in range(3) if (s, i) != ("lora2", 1)] for s in SYSTEMS}  # means: paired rows
    human_means = [statistics.fmean(RATINGS[s][i] for i in labelled[s]) for s in SYSTEMS]
    judge_means = [statistics.fmean(rows[s][i]["scores"]["rouge1"] for i in labelled[s]) for s in SYSTEMS]
    assert level["value"] == pytest.approx(sps.spearmanr(judge_means, human_means).statistic)
    # a judge's secondary number is a column like any other: rouge1's precision, pooled over 8 labels
    pairs = [(r["judge_details"]["rouge1"]["extras"]["precision"], RATINGS[s][i])
             for s in SYSTEMS for i, r in enumerate(rows[s]) if (s, i) != ("lora2", 1)]
    precision, human = zip(*pairs, strict=True)
    assert report["cat"]["rouge1.precision"] == pytest.approx(sps.spearmanr(precision, human).statistic)
    assert (report["meta"]["n_rows"], report["meta"]["n_human_labelled"]) == (9, 8)

    judged = tmp_path / "sweep_judged.jsonl"
    assert main(["judge", str(sweep_run), "--judges", "chrf", "--output", str(judged)]) == 0
    assert sorted({r["system"] for r in read_rows(judged)}) == list(SYSTEMS)
    again = meta_report(tmp_path, str(judged), "--labels", str(labels), "--human", "label",
                        "--judges", "rouge1")
    assert again["system_level"]["rouge1"]["value"] == pytest.approx(level["value"])


def test_labels_keyed_by_doc_id_alone_are_refused_for_a_sweep(
    sweep_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A label judges one output: doc_id alone names three outputs in a sweep, so it is not attached."""
    labels = sweep_labels(tmp_path / "by_doc.jsonl", with_system=False)
    write_rows(labels, read_rows(labels)[:3])  # one label per doc_id
    code = main(["meta", str(sweep_run), "--labels", str(labels), "--human", "label", "--bootstrap", "0"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert f"label file {labels} is keyed by doc_id, task alone" in err
    assert "add a 'system' column" in err and "base, lora1, lora2" in err


def test_swapped_judge_position_bias_reaches_meta(
    sweep_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression (issue 8): judge wrote judge_details.<j>.extras.position_bias, meta read extras.<j>."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-secret")
    judged = tmp_path / "judged.jsonl"
    with FakeOpenAIServer(lambda request: Reply("9,6")) as server:  # favours whatever is shown first
        assert main(["judge", str(sweep_run / "base"), "--judges", "gpt4", "--output", str(judged),
                     "--judge-arg", f"gpt4.base_url={server.base_url}", "--judge-arg", "gpt4.swap=true"]) == 0
    biases = [r["judge_details"]["gpt4"]["extras"]["position_bias"] for r in read_rows(judged)]
    # "9,6" in both orders: the prediction gets 9 shown first and 6 shown second, so the bias is (9 - 6) / 10
    assert biases == [pytest.approx(0.3, abs=1e-12)] * 3
    assert [r["scores"]["gpt4"] for r in read_rows(judged)] == [pytest.approx(0.75, abs=1e-12)] * 3
    capsys.readouterr()
    report = meta_report(tmp_path, str(judged), "--human", "rouge1", "--judges", "gpt4")
    bias = report["diagnostics"]["position_bias"]["gpt4"]
    assert bias["n"] == 3 and bias["mean"] == pytest.approx(statistics.fmean(biases))
    text = capsys.readouterr().out
    assert "Position bias reported by swapped judges" in text
    assert any(line.split()[:2] == ["gpt4", f"{bias['mean']:.3f}"] for line in text.splitlines())


def test_explain_reads_the_run_record(sweep_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """explain (error analysis) picks the lowest-scored rows of a real run folder by a judge's score."""
    rows = read_rows(sweep_run / "lora1" / SAMPLES)
    code = main(["explain", str(sweep_run / "lora1"), "--judge", "local", "--score-key", "rouge1",
                 "--below", "1.01", "--n", "2", "--dry-run"])
    assert code == 0
    prompt = capsys.readouterr().out
    lowest = sorted(rows, key=lambda r: r["scores"]["rouge1"])
    for row in lowest[:2]:
        assert " ".join(row["prediction"].split()) in prompt
    assert " ".join(lowest[2]["prediction"].split()) not in prompt or lowest[2]["prediction"] in (
        lowest[0]["prediction"], lowest[1]["prediction"])


def test_sweep_meta_without_judges_uses_every_score_column(
    sweep_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 8's exact command, no --judges: every numeric score column the record has is meta-evaluated
    (the judge's rouge1 and the run's own per-sample metrics), and one printed line names them."""
    labels = sweep_labels(tmp_path / "human.jsonl")
    rows = {s: read_rows(sweep_run / s / SAMPLES) for s in SYSTEMS}
    metrics = sorted(k for k, v in rows["base"][0].items()
                     if k not in ("doc_id", "id") and isinstance(v, (int, float)) and not isinstance(v, bool))
    report = meta_report(tmp_path, str(sweep_run), "--labels", str(labels), "--human", "label")
    used = sorted(report["cat"])
    assert used == sorted({"rouge1", *metrics})
    out = capsys.readouterr().out
    assert f"judges: no --judges given, using every score column: {', '.join(['rouge1', *metrics])}" in out
    human = [rating for s in SYSTEMS for rating in RATINGS[s]]
    rouge1 = [r["scores"]["rouge1"] for s in SYSTEMS for r in rows[s]]
    assert report["cat"]["rouge1"] == pytest.approx(sps.spearmanr(rouge1, human).statistic)
    assert report["system_level"]["rouge1"]["n_systems"] == 3  # the adapters, without --system
    import pandas as pd

    import ifteval
    from ifteval.metameter import loaders

    frame = loaders.read_input(sweep_run).frame  # the Python API mirrors the CLI's default
    joined = loaders.join_labels(frame, pd.read_json(labels, lines=True), str(labels), on=["task", "system"])
    joined.attrs.update(frame.attrs)
    api = ifteval.meta(joined, human="label", system="system", bootstrap=0)
    assert sorted(api["cat"]) == used and api["cat"]["rouge1"] == pytest.approx(report["cat"]["rouge1"])
