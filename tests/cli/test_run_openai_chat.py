"""`ifteval run --model openai-chat` end to end against a loopback server: failed requests are counted
in results.json and noted under the table, never silently scored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ifteval.cli import main
from tests.fake_openai_server import FakeOpenAIServer, Reply


def test_failed_generation_requests_are_recorded_and_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def responder(request):  # noqa: ANN001, ANN202 - the fake server's callback contract
        # the first smoke sentence gets an HTTP 400 (e.g. "maximum context length"), the rest an answer
        sentence = request.content.split("Sentence:")[-1]
        return Reply(status=400) if "engaging film" in sentence else Reply("positive")

    out = tmp_path / "out"
    with FakeOpenAIServer(responder) as server:
        code = main(
            ["run", "--model", "openai-chat", "--model-args",
             f"model=served,base_url={server.base_url},max_retries=0", "--tasks", "ifteval_sst2",
             "--limit", "4", "--no-cache", "--no-progress", "--output-path", str(out)]
        )
    assert code == 0
    results = json.loads((out / "results.json").read_text())
    usage = results["config"]["generation_usage"]
    rows = [json.loads(line) for line in (out / "samples_ifteval_sst2.jsonl").read_text().splitlines()]
    failed = [row for row in rows if row["prediction"] == ""]
    assert usage["errors"] == len(failed) >= 1 and "HTTP 400" in usage["first_error"]
    assert all(row["acc"] == 0.0 for row in failed)
    # the signature names the served model, not the embedded default (regression)
    assert "|served|" in results["signatures"]["ifteval_sst2"]
    assert f"note: {len(failed)} generation request(s) failed" in capsys.readouterr().out
