"""LLM judges end to end against a scripted OpenAI-compatible server on loopback (and, slow, the local
backend): the paper's prompt verbatim, scaling, nulls for bad replies, swap/position bias, single mode,
presets and custom templates, usage, no repeated call on rerun, and the API key never written."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ifteval.cli import main
from ifteval.errors import ConfigError, JudgeError
from ifteval.judges import load_judge, load_preset, run_judges
from ifteval.judges.llm import LLMJudge
from ifteval.registry import plugin_root
from ifteval.types import Sample
from tests.fake_openai_server import FakeOpenAIServer, Reply, Request

# Paper A.3, copied verbatim from the paper text (ifteval-paper.txt); the template is held to this string
# without reading the paper at test time, so the check runs everywhere (CI has no paper).
PAPER_A3_PROMPT = (
    "You are a helpful assistant that helps evaluate the quality of two responses to a prompt.\n"
    "\n"
    "Answer by awarding a score between 0 and 10 to each response, where 0 means the response is "
    "completely inappropriate and 10 means the response is very good. A response that is acceptable "
    "should never be awarded less than 6 out of 10.\n"
    "\n"
    "Answer base on the following criteria:\n"
    "\n"
    "- 1. Is the response grammatically correct?\n"
    "- 2. Is the response semantically correct?\n"
    "- 3. Is the response coherent?\n"
    "- 4. Is the response relevant to the prompt?\n"
    "\n"
    "Output format (csv):\n"
    "\n"
    "<score1 from 0 to 10>,<score2 from 0 to 10>\n"
    "\n"
    "Rate the responses to the following instruction.\n"
    "\n"
    "{prompt}\n"
    "\n"
    "Response 1: {response1}\n"
    "Response 2: {response2}\n"
    "\n"
    "Output:"
)
SECRET = "sk-test-NEVER-ON-DISK-9876543210"


def responses(request: Request) -> tuple[str, str]:
    """The two responses inside a rendered paired prompt."""
    match = re.search(r"Response 1: (.*)\nResponse 2: (.*)\n\nOutput:", request.content, re.DOTALL)
    assert match, request.content
    return match.group(1), match.group(2)


def test_paired_template_is_the_papers_prompt_verbatim() -> None:
    judge = load_judge("gpt4")
    rendered = judge.render(prompt="{prompt}", response1="{response1}", response2="{response2}")
    assert rendered == PAPER_A3_PROMPT  # the paper's wording, typo ("Answer base on") included


def test_presets_are_registered_llm_judges() -> None:
    expected = {"gpt4": ("gpt-4", "paired"), "gpt35": ("gpt-3.5-turbo", "paired"),
                "gpt4_single": ("gpt-4", "single"), "local": (None, "paired")}
    for name, (model, mode) in expected.items():
        spec = load_preset(plugin_root() / "judges" / f"{name}.yaml")
        judge = load_judge(name)
        assert isinstance(judge, LLMJudge) and spec.kind == "llm"
        assert (judge.model, judge.mode) == (model, mode)
        assert judge.requires_reference == (mode == "paired")
    assert load_judge("local").backend == "local"


SCRIPT = {
    "good": Reply("8,9"),
    "decimal": Reply("7.5,9"),
    "labelled": Reply("Score 1: 6\nScore 2: 9"),
    "out-of-range": Reply("11,9"),
    "chatty": Reply("Both responses look fine to me."),
}


def scripted(request: Request) -> Reply:
    prediction, _ = responses(request)
    if prediction == "rate-limited" and request.attempt == 1:
        return Reply(status=429, headers={"Retry-After": "0.2"})
    if prediction == "flaky" and request.attempt <= 2:
        return Reply(status=500)
    if prediction == "garbage":
        return Reply(raw_body=b"<html>502 Bad Gateway</html>")
    return SCRIPT.get(prediction, Reply("6,10"))


def samples(*predictions: str) -> list[Sample]:
    return [Sample(str(i), "Classify: great movie", p, "positive", "ifteval_sst2")
            for i, p in enumerate(predictions)]


def test_fault_run_scales_scores_nulls_bad_replies_and_never_repeats_a_call() -> None:
    predictions = ["good", "decimal", "labelled", "out-of-range", "chatty", "rate-limited", "flaky",
                   "garbage"]
    fast = {"max_retries": 2, "backoff_base_s": 0.01, "progress": False}
    with FakeOpenAIServer(scripted) as server:
        judge = load_judge("gpt4", {"base_url": server.base_url, **fast})
        verdicts = judge.score(samples(*predictions))
        by_name = dict(zip(predictions, verdicts, strict=True))
        assert [by_name[p].value for p in ["good", "decimal", "labelled", "rate-limited", "flaky"]] == [
            0.8, 0.75, 0.6, 0.6, 0.6]
        assert by_name["good"].extras == {"score_reference": 0.9}
        assert by_name["good"].raw == "8,9"
        for name, status, reason in [("out-of-range", "unparsed", "outside 0-10"),
                                     ("chatty", "unparsed", "found 0 score"),
                                     ("garbage", "error", "malformed response body")]:
            assert by_name[name].value is None and by_name[name].status == status
            assert reason in by_name[name].reason
        assert server.attempts.total() == len(predictions) + 1 + 2 + 2  # 429 once, 500 twice, garbage x3
        usage = judge.usage()
        assert usage["invalid"] == 3 and usage["judged"] == 8
        assert usage["retries"] == 5 and usage["errors"] == 1 and usage["calls"] == 7
        assert usage["est_cost_usd"] > 0

        server.reset_counts()
        rerun = load_judge("gpt4", {"base_url": server.base_url, **fast})
        again = rerun.score(samples(*predictions))
        assert set(server.attempts) == {c for c in server.attempts if "garbage" in c}  # only the error
        assert [v.value for v in again] == [v.value for v in verdicts]
        assert rerun.usage()["calls"] == 0 and rerun.usage()["cached"] == 7


def test_swap_averages_both_orders_and_reports_position_bias() -> None:
    with FakeOpenAIServer(lambda r: Reply("9,6")) as server:  # a judge that favours whatever comes first
        judge = load_judge("gpt4", {"base_url": server.base_url, "swap": True, "progress": False})
        [verdict] = judge.score([Sample("0", "Say hi", "hello", "hi")])
        prompts = [responses(r) for r in server.requests]
    assert sorted(prompts) == [("hello", "hi"), ("hi", "hello")]
    assert verdict.value == pytest.approx(0.75)
    assert verdict.extras["position_bias"] == pytest.approx(0.3)
    assert verdict.extras["score_reference"] == pytest.approx(0.75)
    assert judge.usage()["position_bias"] == pytest.approx(0.3)


def test_paired_prompt_shows_structured_references_as_text() -> None:
    """Regression: SQuAD references reached the judge raw, as `Response 2: ["Paris"]` and `Response 2: []`."""
    rows = [Sample("0", "Where?", "Paris", '["Paris", "Paris, France"]', "ifteval_squad"),
            Sample("1", "When?", "1999", "[]", "ifteval_squad"),
            Sample("2", "Say [hi]", "hi", "[hi] there", "ifteval_xsum")]
    with FakeOpenAIServer(lambda r: Reply("8,9")) as server:
        judge = load_judge("gpt4", {"base_url": server.base_url, "progress": False})
        judge.score(rows)
        seen = dict(responses(r) for r in server.requests)
    assert seen == {"Paris": "Paris / Paris, France",
                    "1999": "(no answer: the question cannot be answered from the context)",
                    "hi": "[hi] there"}


def test_swap_with_one_unreadable_order_is_invalid() -> None:
    def responder(request: Request) -> Reply:
        return Reply("8,7") if responses(request)[0] == "pred" else Reply("no idea")

    with FakeOpenAIServer(responder) as server:
        judge = load_judge("gpt4", {"base_url": server.base_url, "swap": True, "progress": False})
        [verdict] = judge.score([Sample("0", "p", "pred", "ref")])
    assert verdict.value is None and verdict.status == "unparsed"
    assert verdict.reason.startswith("reference first:")


def test_single_mode_is_reference_free() -> None:
    with FakeOpenAIServer(lambda r: Reply("Score: 7/10")) as server:
        judge = load_judge("gpt4_single", {"base_url": server.base_url, "progress": False})
        rows = [Sample("0", "Write a haiku", "Leaves fall softly", None), Sample("1", "Add 2+2", "4", "4")]
        result = run_judges([judge], rows)["gpt4_single"]
        seen = [r.content for r in server.requests]
    assert [v.value for v in result] == [0.7, 0.7]
    # calls run concurrently, so the server may see them in either order (a flaky seen[0] check in CI)
    haiku = [content for content in seen if "Leaves fall softly" in content]
    assert len(haiku) == 1 and "Response: Leaves fall softly" in haiku[0]
    assert not any("Response 2" in content for content in seen)


def test_paired_judge_without_reference_is_an_error_verdict_not_a_call() -> None:
    with FakeOpenAIServer() as server:
        judge = load_judge("gpt4", {"base_url": server.base_url, "progress": False})
        [verdict] = judge.score([Sample("0", "p", "pred", None)])
    assert verdict.status == "error" and verdict.value is None and not server.requests


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"api_key": "sk-x"}, "may not be set"),
        ({"mode": "single", "parse": "single_score", "swap": True}, "needs mode 'paired'"),
        ({"parse": "single_score"}, "reads 1 score"),
        ({"mode": "triple"}, r"gpt4.mode=triple: .* expects 'mode' to be one of paired, single"),
        ({"backend": "vllm"}, r"gpt4.backend=vllm: .* expects 'backend' to be one of openai, local"),
        ({"parse": "paired_cvs"}, "Did you mean 'paired_csv'"),
        ({"temprature": 0.5}, "has no argument 'temprature'. Did you mean 'temperature'"),
    ],
)
def test_bad_arguments_are_config_errors(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_judge("gpt4", overrides)


def test_a_new_judge_is_a_preset_plus_a_template(tmp_path: Path) -> None:
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "strict.j2").write_text(
        "Grade strictly.\nQ: {{ prompt }}\nA: {{ response1 }}\nGold: {{ response2 }}\nAnswer as a,b:"
    )
    preset = tmp_path / "strict_judge.yaml"
    preset.write_text(
        "name: strict_judge\nkind: llm\nversion: 2\nargs:\n  model: my-model\n"
        "  template: prompts/strict.j2\n  max_tokens: 8\n"
    )
    with FakeOpenAIServer(lambda r: Reply("3,10")) as server:
        judge = load_judge(str(preset), {"base_url": server.base_url, "progress": False})
        [verdict] = judge.score([Sample("0", "2+2?", "5", "4")])
        body = server.requests[0].body
    assert verdict.value == 0.3
    assert body["model"] == "my-model" and body["max_tokens"] == 8 and body["temperature"] == 0.0
    content = "Grade strictly.\nQ: 2+2?\nA: 5\nGold: 4\nAnswer as a,b:"
    assert body["messages"] == [{"role": "user", "content": content}]
    assert judge.usage()["est_cost_usd"] is None  # unknown model, no price given: no made-up cost

    (tmp_path / "prompts" / "broken.j2").write_text("{{ prompt }} {{ respnse }}")
    broken = load_judge(str(preset), {"base_url": server.base_url, "template": "prompts/broken.j2"})
    # StrictUndefined: a typo is a one-line ConfigError naming the template, not "" and not a traceback
    with pytest.raises(ConfigError, match=r"'prompts/broken.j2': 'respnse' is undefined; it may use"):
        broken.score([Sample("0", "q", "a", "b")])
    missing = load_judge(str(preset), {"template": "prompts/nope.j2"})
    with pytest.raises(ConfigError, match="nope.j2"):
        missing.score([Sample("0", "q", "a", "b")])


def test_judge_cli_never_writes_the_key_and_a_dead_endpoint_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = tmp_path / "samples_ifteval_sst2.jsonl"
    rows.write_text("".join(
        json.dumps({"doc_id": i, "prompt": f"Review {i}", "prediction": "pos", "reference": "neg"}) + "\n"
        for i in range(5)
    ))
    out = tmp_path / "judged.jsonl"
    with FakeOpenAIServer(lambda r: Reply("4,9")) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", SECRET)
        assert main(["judge", str(rows), "--judges", "gpt4", "-o", str(out)]) == 0
        assert server.authorizations == {f"Bearer {SECRET}"}
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["scores"]["gpt4"] for r in written] == [0.4] * 5
    captured = capsys.readouterr()
    cache_root = Path(__import__("os").environ["IFTEVAL_CACHE_DIR"])
    for file in [out, *cache_root.rglob("*"), *tmp_path.rglob("*")]:
        if file.is_file():
            assert SECRET.encode() not in file.read_bytes(), file
    assert SECRET not in captured.out + captured.err

    # the server is gone now: a new prompt fails after its retries with one line, exit 2
    rows.write_text(json.dumps({"prompt": "new", "prediction": "p", "reference": "r"}) + "\n")
    code = main(["judge", str(rows), "--judges", "gpt4", "-o", str(out), "--judge-arg", "gpt4.max_retries=1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith("ifteval: error: ") and "connection error" in err[-1] and "127.0.0.1" in err[-1]
    assert SECRET not in "\n".join(err)


@pytest.fixture
def one_torch_thread() -> Iterator[None]:
    """One intra-op thread: on a busy 2-core box, spinning torch threads make generation far slower."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.slow
def test_local_backend_answers_with_the_embedded_model(one_torch_thread: None) -> None:
    judge = load_judge("local", {"max_tokens": 6, "progress": False})
    rows = [Sample("0", "What is 2+2?", "5", "4")]
    verdicts = judge.score(rows)
    for verdict in verdicts:  # a 135M model may not follow the format: null + unparsed, never an error
        assert verdict.status in ("ok", "unparsed") and verdict.raw is not None
        assert (verdict.value is None) == (verdict.status == "unparsed")
    assert judge.usage()["calls"] == 1 and judge.usage()["invalid"] == sum(v.value is None for v in verdicts)
    again = load_judge("local", {"max_tokens": 6, "progress": False})
    assert [v.raw for v in again.score(rows)] == [v.raw for v in verdicts]
    assert again.usage()["calls"] == 0 and again.usage()["cached"] == 1
    assert not again.client._generator.model_loaded  # a fully cached rerun never loads the weights


def test_endpoint_down_raises_judge_error_from_score() -> None:
    with FakeOpenAIServer(lambda r: Reply(status=500)) as server:
        judge = load_judge("gpt35", {"base_url": server.base_url, "max_retries": 1, "progress": False})
        with pytest.raises(JudgeError, match="HTTP 500"):
            judge.score(samples("x"))
