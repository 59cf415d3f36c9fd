"""Real outputs for the report tests, made by the real commands once per session: a small `ifteval run` on
the embedded model, `ifteval judge` with an LLM judge on a loopback server, and `ifteval meta`."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from ifteval.cli import main
from tests.fake_openai_server import FakeOpenAIServer, Reply, Request

METAMETER_FIXTURES = Path(__file__).resolve().parents[1] / "metameter" / "fixtures"
RUN_TASKS = ("ifteval_sst2", "ifteval_xsum")
# an LLM judge's raw reply is hostile input too: the page must show it as text and never run it
HOSTILE_TAIL = '\n</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


def scripted_reply(request: Request) -> Reply:
    """Two valid scores that vary with the prompt (judges disagree by varied amounts), then hostile text."""
    digest = int(hashlib.sha256(request.content.encode()).hexdigest(), 16)
    return Reply(f"{digest % 11}, {(digest // 11) % 11}{HOSTILE_TAIL}")


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "run"
    # max_gen_toks keeps generation short: the page, not the model, is under test here
    code = main(["run", "--tasks", ",".join(RUN_TASKS), "--limit", "2", "--judges", "gold,rouge1",
                 "--gen_kwargs", "max_gen_toks=48",
                 "--output-path", str(out), "--no-progress"])
    assert code == 0
    return out


@pytest.fixture(scope="session")
def judged_jsonl(demo_run: Path) -> Path:
    out = demo_run.parent / "judged.jsonl"
    with FakeOpenAIServer(scripted_reply) as server:
        saved = {k: os.environ.get(k) for k in ("OPENAI_BASE_URL", "OPENAI_API_KEY")}
        os.environ.update(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-report-test-secret")
        try:
            assert main(["judge", str(demo_run), "--judges", "gpt4", "--output", str(out)]) == 0
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return out


@pytest.fixture(scope="session")
def meta_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("meta") / "meta.json"
    code = main(["meta", str(METAMETER_FIXTURES / "scores.jsonl"), "--human", "annotator_1,annotator_2",
                 "--task", "task", "--judges", "gpt4,rouge,bertscore", "--system", "system", "--item", "item",
                 "--tfa", "regime:zero_shot:trained_1000", "--bootstrap", "200", "--seed", "0",
                 "--output", str(out)])
    assert code == 0
    return out
