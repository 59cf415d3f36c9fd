"""REALSumm, real human labels end to end: the vendored slice, `ifteval data` -> `judge` -> `meta`, and
every correlation checked against scipy computed straight from the files."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rouge_score import rouge_scorer
from scipy import stats as sps

from ifteval.cli import main

DATA = Path(__file__).parents[1] / "data" / "realsumm"
# ../shared beside the checkout (a worktree sits one level deeper); absent on a fresh clone
SHARED = next((p / "shared" / "data" / "realsumm" for p in Path(__file__).parents[3:5]
               if (p / "shared" / "data" / "realsumm").is_dir()), Path("../shared/data/realsumm"))
HUMAN = "litepyramid_recall"
AUTHORS = ["rouge_2_recall", "bert_f_score", "mover_score", "js-2"]


def test_vendored_scores_reproduce_the_published_figure():
    # authors' notebook: per-document Kendall tau over 25 systems, mean over documents with p <= 0.05
    frame = pd.read_csv(DATA / "scores.csv")
    assert frame.shape[0] == 2500 and frame.doc_id.nunique() == 100 and frame.system.nunique() == 25
    published = {"rouge_1_recall": 0.4891, "rouge_2_recall": 0.486, "rouge_l_recall": 0.4871,
                 "bert_recall_score": 0.4684, "mover_score": 0.436, "js-2": 0.4255}
    for metric, figure in published.items():
        taus = [r.statistic for _, g in frame.groupby("doc_id")
                if (r := sps.kendalltau(g[metric], g[HUMAN])).pvalue <= 0.05]
        assert np.mean(taus) == pytest.approx(figure, abs=5e-5), metric


def _scipy_levels(frame: pd.DataFrame, judge: str, method: str) -> dict[str, float]:
    corr = {"kendall": sps.kendalltau, "spearman": sps.spearmanr, "pearson": sps.pearsonr}[method]
    per_doc = [corr(g[judge], g[HUMAN])[0] for _, g in frame.groupby("doc_id")]
    means = frame.groupby("system")[[judge, HUMAN]].mean()
    return {"summary": float(np.nanmean(per_doc)), "system": float(corr(means[judge], means[HUMAN])[0]),
            "pooled": float(corr(frame[judge], frame[HUMAN])[0])}


@pytest.mark.parametrize("method", ["kendall", "pearson"])
def test_meta_on_the_authors_metrics_equals_scipy(tmp_path, method):
    out = tmp_path / "meta.json"
    rc = main(["meta", str(DATA / "scores.csv"), "--source", "realsumm", "--judges", ",".join(AUTHORS),
               "--method", method, "--bootstrap", "0", "--compare", "none", "--output", str(out)])
    assert rc == 0
    report = json.loads(out.read_text())
    frame = pd.read_csv(DATA / "scores.csv")
    for judge in AUTHORS:
        expected = _scipy_levels(frame, judge, method)
        assert report["summary_level"][judge]["value"] == pytest.approx(expected["summary"], abs=1e-12)
        assert report["system_level"][judge]["value"] == pytest.approx(expected["system"], abs=1e-12)
        assert report["cat"][judge] == pytest.approx(expected["pooled"], abs=1e-12)


def _official_pickle(rows: list[dict], path: Path) -> None:
    """The official abs.pkl layout (doc_id -> ref_summ, system_summaries) rebuilt from vendored rows."""
    tag = lambda text: " ".join(f"<t> {s} </t>" for s in text.split("\n"))  # noqa: E731
    docs: dict = {}
    for r in rows:
        doc = docs.setdefault(r["doc_id"], {"doc_id": r["doc_id"], "ref_summ": tag(r["reference"]),
                                            "system_summaries": {}})
        scores = {k: v for k, v in r.items() if k not in ("id", "task", "doc_id", "system", "kind", "prompt",
                                                          "prediction", "reference")}
        doc["system_summaries"][r["system"] + ".txt"] = {"system_summary": tag(r["prediction"]),
                                                        "scores": scores}
    path.write_bytes(pickle.dumps(docs))


def test_data_then_judge_then_meta_on_realsumm_summaries(tmp_path, capsys):
    vendored = [json.loads(line) for line in (DATA / "rows.jsonl").read_text().splitlines()]
    abstractive = [r for r in vendored if r["kind"] == "abstractive" and r["doc_id"] < 6]
    _official_pickle(abstractive, tmp_path / "abs.pkl")
    rows, judged, out = tmp_path / "rows.jsonl", tmp_path / "judged.jsonl", tmp_path / "meta.json"
    assert main(["data", "realsumm", str(tmp_path / "abs.pkl"), "--output", str(rows)]) == 0
    exported = [json.loads(line) for line in rows.read_text().splitlines()]
    assert [(r["doc_id"], r["system"], r["prediction"], r[HUMAN]) for r in exported] == \
        [(r["doc_id"], r["system"], r["prediction"], r[HUMAN]) for r in abstractive]
    assert main(["judge", str(rows), "--judges", "rouge1,rouge2,chrf", "--output", str(judged)]) == 0
    assert main(["meta", str(judged), "--human", HUMAN, "--system", "system", "--item", "doc_id",
                 "--method", "kendall", "--bootstrap", "200", "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "documents and systems resampled" in printed and "PERM-BOTH" in printed
    report = json.loads(out.read_text())
    scored = pd.DataFrame([{**r, **r["scores"]} for r in map(json.loads, judged.read_text().splitlines())])
    # a judge's value is rouge-score's own, and every level equals scipy on the judged file
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    first = scored.iloc[0]
    expected_rouge1 = scorer.score(first["reference"], first["prediction"])["rouge1"].fmeasure
    assert first["rouge1"] == pytest.approx(expected_rouge1)
    for judge in ("rouge1", "rouge2", "chrf"):
        expected = _scipy_levels(scored, judge, "kendall")
        assert report["summary_level"][judge]["value"] == pytest.approx(expected["summary"], abs=1e-12)
        assert report["system_level"][judge]["value"] == pytest.approx(expected["system"], abs=1e-12)
        assert report["cat"][judge] == pytest.approx(expected["pooled"], abs=1e-12)
        assert report["system_level"][judge]["resample"] == "both"
    assert report["meta"]["resample"] == "both"
    assert {p["method"] for p in report["permutation_tests"]} == {"perm-both"}


def test_permutations_flag_sets_or_skips_the_level_tests(tmp_path):
    out = tmp_path / "m.json"
    args = ["meta", str(DATA / "scores.csv"), "--source", "realsumm", "--judges", "rouge_2_recall,js-2",
            "--method", "kendall", "--bootstrap", "50", "--output", str(out)]
    assert main([*args, "--permutations", "30"]) == 0
    report = json.loads(out.read_text())
    assert report["meta"]["permutations"] == 30
    assert report["permutation_tests"][0]["system_level"]["n_permutations"] == 30
    assert main([*args, "--permutations", "0"]) == 0
    report = json.loads(out.read_text())
    assert "permutation_tests" not in report and report["meta"]["permutations"] == 0


def test_python_api_resamples_as_the_command_does(tmp_path):
    import ifteval

    out = tmp_path / "m.json"
    args = ["meta", str(DATA / "scores.csv"), "--source", "realsumm", "--judges", "mover_score",
            "--method", "kendall", "--bootstrap", "100", "--resample", "docs", "--permutations", "0",
            "--output", str(out)]
    assert main(args) == 0
    report = ifteval.meta(DATA / "scores.csv", human=HUMAN, judges=["mover_score"], system="system",
                          item="doc_id", method="kendall", bootstrap=100, resample="docs", permutations=0)
    cli = json.loads(out.read_text())
    assert report["system_level"]["mover_score"]["ci"] == cli["system_level"]["mover_score"]["ci"]
    assert report["meta"]["resample"] == "docs" and "permutation_tests" not in report


def test_data_refuses_a_pickle_that_is_not_an_official_file(tmp_path, capsys):
    evil = tmp_path / "other.pkl"
    evil.write_bytes(b"not read")
    assert main(["data", "realsumm", str(evil), "--output", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "only REALSumm's official abs.pkl or ext.pkl" in err[0]
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/data/realsumm (the official files)")
def test_vendored_files_equal_a_fresh_export(tmp_path):
    assert main(["data", "realsumm", str(SHARED), "--output", str(tmp_path / "s.csv")]) == 0
    assert (tmp_path / "s.csv").read_text() == (DATA / "scores.csv").read_text()
    rows = tmp_path / "r.jsonl"
    assert main(["data", "realsumm", str(SHARED), "--documents", "10", "--output", str(rows)]) == 0
    assert rows.read_text() == (DATA / "rows.jsonl").read_text()
