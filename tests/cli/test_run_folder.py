"""A run folder holds one run (issue 9 item 1): `ifteval run` into a folder with another run's files
refuses and names `--overwrite`, which removes them, so `ifteval judge FOLDER` never mixes two runs; the
same run into its own folder is fine. Real commands end to end, generating through a loopback
OpenAI-compatible server (the folder logic is the same for every model, and no weights load)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ifteval.cli import main
from ifteval.errors import IftevalError
from ifteval.run_checks import check_output_folder_for_run
from ifteval.runner import public_model_args
from tests.fake_openai_server import FakeOpenAIServer


def _run(out: Path, task: str, url: str, *extra: str) -> list[str]:
    return ["run", "--tasks", task, "--limit", "1", "--no-progress", "--output-path", str(out),
            "--model", "openai-chat", "--model-args", f"model=fake,base_url={url}", *extra]


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.slow
def test_another_run_into_a_run_folder_needs_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # not a git checkout: lm-eval's commit lookup must stay quiet
    with FakeOpenAIServer() as endpoint:
        _check_run_folder(tmp_path, endpoint.base_url, capfd)


def _check_run_folder(tmp_path: Path, url: str, capfd: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    model_args = public_model_args({"model": "fake", "base_url": url})
    assert main(_run(out, "ifteval_sst2", url)) == 0
    assert "fatal:" not in capfd.readouterr().err  # lm-eval's git lookup wrote it on every run

    # the same run into its own folder is fine (what a rerun after a crash does)
    check_output_folder_for_run(out, ["ifteval_sst2"], "openai-chat", model_args)
    # another model into it is not, nor one that drops an argument the recorded run had (its peft, say)
    with pytest.raises(IftevalError, match="holds a different run"):
        check_output_folder_for_run(out, ["ifteval_sst2"], "openai-chat",
                                    {k: v for k, v in model_args.items() if k != "base_url"})
    with pytest.raises(IftevalError, match="holds a different run"):
        check_output_folder_for_run(out, ["ifteval_sst2"], "openai-chat", {**model_args, "model": "gpt-4"})

    before = _hashes(out)
    assert main(_run(out, "ifteval_qnli", url)) == 2
    err = capfd.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--overwrite" in err[0] and "samples_ifteval_sst2.jsonl" in err[0], err
    assert _hashes(out) == before  # refused before the model loaded: nothing written or removed

    assert main(_run(out, "ifteval_qnli", url, "--overwrite")) == 0
    assert sorted(p.name for p in out.iterdir()) == ["results.json", "samples_ifteval_qnli.jsonl"]
    assert list(json.loads((out / "results.json").read_text())["results"]) == ["ifteval_qnli"]
    judged = out / "judged.jsonl"  # beside the records it reads, and again: not an input of the command
    for _ in range(2):
        assert main(["judge", str(out), "--judges", "exact_match", "--output", str(judged)]) == 0
    assert {json.loads(line)["task"] for line in judged.read_text().splitlines()} == {"ifteval_qnli"}
