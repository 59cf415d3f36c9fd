"""The Judge protocol as callers use it: `spec` from the factory, `usage()` and `aggregate()` on every
judge, and a judge's own aggregate reaching `ifteval judge` and the run summary (issue 13 item 4)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import pytest
import sacrebleu
from scipy import stats

import ifteval.judges
from ifteval.cli import main
from ifteval.errors import ConfigError
from ifteval.judges import build_judge, judge_kinds, judge_presets, load_judge, load_spec
from ifteval.judges.reference import PairJudge
from ifteval.record import Record
from ifteval.runner import _apply_judges
from ifteval.types import Judge, Sample, Verdict

PAIRS = [  # corpus BLEU is not the mean of sentence BLEU on these (lengths and matches differ)
    ("the cat sat on the mat", "the cat sat on the mat"),
    ("a dog", "the dog ran across the big green park"),
    ("it rained all day in the north", "rain fell all day in the north of the country"),
]
COUNTS = [f"correct_{n}" for n in range(1, 5)] + [f"total_{n}" for n in range(1, 5)]


class CorpusBleuJudge(PairJudge):
    """sacrebleu's way: per-item statistics in each verdict, corpus BLEU computed from their sums."""

    def score_pairs(self, predictions: Sequence[str], references: Sequence[str]) -> list[Verdict]:
        verdicts = []
        for prediction, reference in zip(predictions, references, strict=True):
            bleu = sacrebleu.sentence_bleu(prediction, [reference])
            counts = dict(zip(COUNTS, [*bleu.counts, *bleu.totals], strict=True))
            extras = {"sys_len": bleu.sys_len, "ref_len": bleu.ref_len, **counts}
            verdicts.append(Verdict(bleu.score / 100, extras=extras))
        return verdicts

    def aggregate(self, verdicts: Sequence[Verdict]) -> dict[str, object]:
        keys = ["sys_len", "ref_len", *COUNTS]
        sums = {key: int(sum(v.extras[key] or 0 for v in verdicts)) for key in keys}
        corpus = sacrebleu.BLEU.compute_bleu(
            [sums[f"correct_{n}"] for n in range(1, 5)], [sums[f"total_{n}"] for n in range(1, 5)],
            sums["sys_len"], sums["ref_len"], smooth_method="exp",
        )
        return {"mean": corpus.score / 100, "stderr": None, "n_valid": len(verdicts), "n_invalid": 0}


def corpus_bleu() -> float:
    return sacrebleu.corpus_bleu([p for p, _ in PAIRS], [[r for _, r in PAIRS]]).score / 100


@pytest.fixture
def corpus_kind(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A preset of kind `corpus_bleu`, registered beside the shipped kinds for this test."""
    registry = judge_kinds()
    registry.register("corpus_bleu", CorpusBleuJudge)
    monkeypatch.setattr(ifteval.judges, "judge_kinds", lambda: registry)
    preset = tmp_path / "corpus_bleu.yaml"
    preset.write_text("name: corpus_bleu\nkind: corpus_bleu\n")
    return preset


def test_every_preset_builds_a_judge_that_carries_its_spec() -> None:
    """`spec` is given to the factory (no attribute patched on later), and every judge has `usage` and
    `aggregate`, so callers never probe with hasattr."""
    for name in judge_presets():
        judge = build_judge(load_spec(name))
        assert isinstance(judge, Judge)
        assert judge.spec == load_spec(name) and judge.spec.path == judge_presets()[name]
        assert isinstance(judge.usage(), dict)
        assert (judge.usage() != {}) == (judge.spec.kind == "llm"), name  # only API judges count calls


def test_default_aggregate_is_mean_and_standard_error() -> None:
    values = [0.25, 0.5, 1.0, 0.0]
    summary = load_judge("rouge1").aggregate([Verdict(v) for v in values] + [Verdict(None, status="error")])
    assert summary["mean"] == pytest.approx(sum(values) / 4, abs=1e-12)
    assert summary["stderr"] == pytest.approx(stats.sem(values), abs=1e-12)
    assert (summary["n_valid"], summary["n_invalid"]) == (4, 1)


def test_a_directly_built_judge_names_its_class_as_kind() -> None:
    judge = CorpusBleuJudge("direct")
    assert judge.spec.name == "direct" and judge.spec.kind == f"{__name__}:CorpusBleuJudge"


def test_a_preset_cannot_set_the_spec(tmp_path: Path) -> None:
    preset = tmp_path / "sneaky.yaml"
    preset.write_text("name: sneaky\nkind: rouge\nargs: {spec: x}\n")
    with pytest.raises(ConfigError, match="has no argument 'spec'"):
        load_judge(str(preset))


def test_a_judges_own_aggregate_reaches_ifteval_judge(
    corpus_kind: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(json.dumps({"id": str(i), "prompt": "p", "prediction": p, "reference": r}) + "\n"
                            for i, (p, r) in enumerate(PAIRS)))
    assert main(["judge", str(rows), "--judges", str(corpus_kind), "-o", str(tmp_path / "out.jsonl")]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("corpus_bleu"))
    sentence_mean = sum(sacrebleu.sentence_bleu(p, [r]).score for p, r in PAIRS) / 300
    assert not math.isclose(corpus_bleu(), sentence_mean, abs_tol=1e-3)  # the two really differ here
    assert line.split()[1] == f"{corpus_bleu():.4f}"


def test_a_judges_own_aggregate_reaches_the_run_summary(corpus_kind: Path) -> None:
    judge = load_judge(str(corpus_kind))
    records = {"t": [Record(Sample(str(i), "p", p, r, "t")) for i, (p, r) in enumerate(PAIRS)]}
    results: dict = {"results": {}}
    _apply_judges([judge, load_judge("rouge1")], records, results)
    assert results["results"]["t"]["corpus_bleu,judge"] == pytest.approx(corpus_bleu(), abs=1e-12)
    assert results["results"]["t"]["corpus_bleu_stderr,judge"] == "N/A"
    assert results["judges"]["specs"]["corpus_bleu"]["kind"] == "corpus_bleu"
    assert results["judges"]["usage"] == {}  # judges that made no calls add no usage lines
