"""Judges fail fast and say so (issue 14 item 4): what a judge needs is checked before any generation
or any other judge's work; a judge whose every call fails exits 2 with the status and the fix; usage
counts every request sent; `--judge-arg` reaches a judge loaded by path through its stem or `name:`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ifteval.cli import main
from ifteval.errors import JudgeError
from ifteval.judges import load_judge, load_spec
from ifteval.judges.preflight import check_judges, parse_judge_args
from ifteval.tables import format_usage
from ifteval.types import Sample
from tests.fake_openai_server import FakeOpenAIServer, Reply

ROOT = Path(__file__).resolve().parents[2]
FAST = {"max_retries": 0, "progress": False}


def _rows(tmp_path: Path, n: int = 3) -> Path:
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps({"prompt": f"q{i}", "prediction": "p", "reference": "r"}) + "\n"
                            for i in range(n)))
    return path


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1, err
    return err[0]


def test_a_model_the_server_does_not_serve_stops_the_run_before_generation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: against a server without 'gpt-4' every call got HTTP 400 and the run exited 0."""
    import ifteval.runner

    monkeypatch.setattr(ifteval.runner, "build_lm", lambda *a, **k: pytest.fail("generation started"))
    with FakeOpenAIServer(models=["SmolLM2"]) as server:
        code = main(["run", "--tasks", "ifteval_sst2", "--output-path", str(tmp_path / "o"),
                     "--judges", "gpt4", "--judge-arg", f"gpt4.base_url={server.base_url}"])
        assert code == 2 and not server.requests  # no chat request either
    line = _one_error_line(capsys)
    assert f"the server at {server.base_url} serves models [SmolLM2], not 'gpt-4'" in line
    assert "set `--judge-arg gpt4.model=SmolLM2`" in line
    assert not (tmp_path / "o").exists()


def test_a_missing_key_stops_ifteval_judge_before_any_other_judge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ifteval.judges import reference

    monkeypatch.setattr(reference.RougeJudge, "score", lambda *a: pytest.fail("rouge1 scored first"))
    code = main(["judge", str(_rows(tmp_path)), "--judges", "rouge1,gpt4", "-o", str(tmp_path / "j.jsonl")])
    assert code == 2
    assert "no API key for https://api.openai.com/v1: set OPENAI_API_KEY" in _one_error_line(capsys)


def test_model_files_missing_offline_are_named_before_work() -> None:
    judge = load_judge("sbert", {"model": "nobody/not-a-cached-model"})
    with pytest.raises(JudgeError, match=r"judge 'sbert': model 'nobody/not-a-cached-model' is not on disk"):
        check_judges([judge])
    with pytest.raises(JudgeError, match="model folder '/no/such/dir' does not exist"):
        check_judges([load_judge("sbert", {"model": "/no/such/dir"})])
    check_judges([load_judge("sbert"), load_judge("rouge1")])  # the shipped MiniLM, a metric: fine


def test_a_judge_whose_every_call_fails_exits_2_with_status_and_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A server without a model list answers 400 to every call: one line, exit 2, no file of nulls."""
    with FakeOpenAIServer(lambda request: Reply(status=400)) as server:
        out = tmp_path / "j.jsonl"
        code = main(["judge", str(_rows(tmp_path)), "--judges", "gpt4", "-o", str(out),
                     "--judge-arg", f"gpt4.base_url={server.base_url}"])
        assert len(server.requests) == 3
    assert code == 2 and not out.exists()
    line = _one_error_line(capsys)
    assert f"judge 'gpt4': all 3 requests to {server.base_url} (model 'gpt-4') failed" in line
    assert "first: HTTP 400" in line
    assert "--judge-arg gpt4.model=NAME" in line


def test_usage_counts_every_request_sent() -> None:
    """Regression: 6 failed requests printed as '0 calls'."""
    def responder(request):  # noqa: ANN001, ANN202
        return Reply(status=400) if "bad" in request.content else Reply("7,8")

    with FakeOpenAIServer(responder) as server:
        judge = load_judge("gpt4", {"base_url": server.base_url, **FAST})
        verdicts = judge.score([Sample(str(i), "q", p, "r") for i, p in enumerate(["ok", "bad", "ok2"])])
        sent = len(server.requests)
    assert [v.status for v in verdicts] == ["ok", "error", "ok"] and sent == 3
    usage = judge.usage()
    assert (usage["requests"], usage["calls"], usage["errors"]) == (3, 2, 1)
    assert format_usage({"gpt4": usage}).startswith("gpt4: 3 requests sent, 2 answered, 1 failed, 0 cached")


def test_judge_arg_reaches_a_judge_loaded_by_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "my_judges"
    folder.mkdir()
    preset = (ROOT / "ifteval_judges" / "gpt4.yaml").read_text()
    preset = preset.replace("template: prompts/", f"template: {ROOT}/ifteval_judges/prompts/")
    (folder / "strict_gpt4o.yaml").write_text(preset)
    entry = str(folder / "strict_gpt4o.yaml")
    specs = [load_spec(entry)]
    by_stem = parse_judge_args(["strict_gpt4o.max_tokens=8", "strict_gpt4o.temperature=0.5"], [entry], specs)
    assert by_stem == {entry: {"max_tokens": 8, "temperature": 0.5}}
    assert parse_judge_args([f"{entry}.max_tokens=9"], [entry], specs) == {entry: {"max_tokens": 9}}
    with FakeOpenAIServer() as server:
        code = main(["judge", str(_rows(tmp_path, 2)), "--judges", entry, "-o", str(tmp_path / "j.jsonl"),
                     "--judge-arg", f"strict_gpt4o.base_url={server.base_url}",
                     "--judge-arg", "strict_gpt4o.max_retries=0"])
        assert code == 0 and len(server.requests) == 2
    assert "strict_gpt4o: 2 requests sent, 2 answered" in capsys.readouterr().out
