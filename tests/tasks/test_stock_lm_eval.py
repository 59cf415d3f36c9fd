"""The stock `lm_eval` CLI runs an ifteval task (the embedded SmolLM2 model, smoke data) with gold metrics."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
def test_stock_lm_eval_runs_ifteval_sst2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ifteval.generation.embedded import embedded_model_path

    model = embedded_model_path()
    lm_eval = Path(sys.executable).with_name("lm_eval")
    cmd = [
        str(lm_eval), "run", "--include_path", "ifteval_tasks", "--tasks", "ifteval_sst2",
        "--model", "hf", "--model_args", f"pretrained={model}", "--limit", "3",
        "--apply_chat_template", "--output_path", str(tmp_path), "--log_samples",
    ]  # fmt: skip
    # one OpenMP thread: torch on a shared 2-core box otherwise oversubscribes and runs many times slower
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "SMOKE set for 'sst2'" in proc.stderr
    (results_file,) = tmp_path.glob("*/results_*.json")
    results = json.loads(results_file.read_text())["results"]["ifteval_sst2"]
    assert 0.0 <= results["acc,none"] <= 1.0
    (samples_file,) = tmp_path.glob("*/samples_ifteval_sst2_*.jsonl")
    samples = [json.loads(line) for line in samples_file.read_text().splitlines()]
    assert len(samples) == 3
    from ifteval.scoring.gold import score_gold

    for s in samples:  # lm-eval's per-sample metric is exactly the B.2 rule on the generated text
        assert s["target"] in ("negative", "positive")
        assert s["acc"] == score_gold("ifteval_sst2", s["filtered_resps"][0], s["target"])["acc"]
    assert results["acc,none"] == pytest.approx(sum(s["acc"] for s in samples) / 3)

    # the run record reads lm-eval's dated output folder as it is (issue 8: meta named the task
    # `ifteval_sst2_2025-...`): `ifteval judge` on it, then `ifteval meta` with labels joined on task
    from ifteval.cli import main

    judged = tmp_path / "judged.jsonl"
    assert main(["judge", str(tmp_path), "--judges", "gold", "--output", str(judged)]) == 0
    rows = [json.loads(line) for line in judged.read_text().splitlines()]
    assert [(r["task"], r["scores"]["gold"]) for r in rows] == [("ifteval_sst2", s["acc"]) for s in samples]
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(
        json.dumps({"doc_id": s["doc_id"], "task": "ifteval_sst2", "label": float(i)}) + "\n"
        for i, s in enumerate(samples)
    ))
    report_file = tmp_path / "meta.json"
    assert main(["meta", str(tmp_path), "--labels", str(labels), "--human", "label", "--judges", "acc",
                 "--bootstrap", "0", "--output", str(report_file)]) == 0
    meta = json.loads(report_file.read_text())["meta"]
    assert meta["tasks"] == {"ifteval_sst2": 3} and meta["n_human_labelled"] == 3

    # every command sees lm-eval's doc/resps/target under the record's fields: explain's prompt holds each
    # sentence, prediction and target (it printed `Sentence:  Model prediction: `), and report reads the
    # --output_path folder through the record's folder reading (it refused it)
    capsys.readouterr()
    assert main(["explain", str(tmp_path), "--judge", "local", "--score-key", "acc", "--below", "1.01",
                 "--n", "3", "--dry-run"]) == 0
    prompt = capsys.readouterr().out
    for s in samples:
        assert f"Sentence: {s['doc']['sentence']} Model prediction: " in prompt
        assert f"{' '.join(s['filtered_resps'][0].split())} Ground truth: {s['target']}" in prompt
    assert "<|im_start|>" not in prompt  # the user turn, not the chat markup
    page = tmp_path / "report.html"
    assert main(["report", str(tmp_path), "--output", str(page)]) == 0
    html = page.read_text()
    for s in samples:  # a plain stretch of each prediction (the page escapes markup characters)
        plain = re.match(r"[\w ,.]*", s["filtered_resps"][0]).group()[:40]
        assert len(plain) >= 10 and plain in html
