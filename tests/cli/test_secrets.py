"""No secret on disk or screen (issue 9 item 2): a loopback endpoint that echoes the credentials it was
sent back in its replies and errors, and `ifteval judge` must write none of them: not in the output rows
(`judge_details.<judge>.raw`), not in the judge-call cache, not on stdout or stderr."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from ifteval.cli import main
from ifteval.secrets import mask, register_secret, register_url
from tests.fake_openai_server import FakeOpenAIServer, Reply

API_KEY = "sk-hostile-echo-0123456789abcdef"
USER, PASSWORD = "alice", "pa55-w0rd-hostile"


def _samples(path: Path) -> Path:
    rows = [{"doc_id": i, "task": "t", "prompt": f"question {i}", "prediction": f"answer {i}",
             "reference": f"gold {i}"} for i in range(3)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _echo(request) -> Reply:  # noqa: ANN001 - the fake server's Request
    return Reply(f"8,9\n(you sent {request.authorization}; your key is {API_KEY})")


def _disk_text(*folders: Path) -> str:
    return "".join(p.read_bytes().decode("utf-8", "replace") for f in folders for p in f.rglob("*")
                   if p.is_file())


def _forms() -> list[str]:
    pair = f"{USER}:{PASSWORD}"
    return [PASSWORD, pair, base64.b64encode(pair.encode()).decode()]


@pytest.mark.slow
def test_an_echoed_key_reaches_neither_results_nor_cache_nor_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("IFTEVAL_CACHE_DIR", str(cache))
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    out = tmp_path / "judged.jsonl"
    with FakeOpenAIServer(_echo) as server:
        code = main(["judge", str(_samples(tmp_path / "s.jsonl")), "--judges", "gpt4", "--judge-arg",
                     f"gpt4.base_url={server.base_url}", "--output", str(out)])
        assert server.authorizations == {f"Bearer {API_KEY}"}  # the key was really sent
    printed = capsys.readouterr()
    assert code == 0, printed.err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["scores"]["gpt4"] for row in rows] == [0.8, 0.8, 0.8]  # the replies were read
    assert all("you sent Bearer ***" in row["judge_details"]["gpt4"]["raw"] for row in rows)
    written = _disk_text(tmp_path) + printed.out + printed.err
    assert "chat.sqlite" in " ".join(p.name for p in cache.rglob("*"))  # the cache was written
    assert "your key is ***" in written and API_KEY not in written


@pytest.mark.slow
def test_basic_credentials_of_a_401_are_not_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IFTEVAL_CACHE_DIR", str(tmp_path / "cache"))

    def refuse(request) -> Reply:  # noqa: ANN001
        body = {"error": {"message": f"bad credentials: {request.authorization} for {USER}:{PASSWORD}",
                          "type": "invalid_request_error"}}
        return Reply(status=401, raw_body=json.dumps(body).encode())

    with FakeOpenAIServer(refuse) as server:
        url = server.base_url.replace("http://", f"http://{USER}:{PASSWORD}@")
        code = main(["judge", str(_samples(tmp_path / "s.jsonl")), "--judges", "gpt4", "--judge-arg",
                     f"gpt4.base_url={url}", "--output", str(tmp_path / "o.jsonl")])
        sent = server.authorizations
    err = capsys.readouterr().err
    assert code == 2 and "401" in err and len(err.strip().splitlines()) == 1, err
    assert "bad credentials" in err  # the server's message is shown, its secrets are not
    for secret in _forms():
        assert secret not in err
    for header in sent - {None}:
        assert header.split()[-1] not in err
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer abcDEF1234567890", "Authorization: Bearer ***"),
        ("Basic dXNlcjpwYXNzd29yZA== was sent", "Basic *** was sent"),
        ("a Basic understanding of Bearer markets", "a Basic understanding of Bearer markets"),
        ("see https://bob:hunter22@example.com/v1", "see https://***@example.com/v1"),
        ("key sk-abcdef123456 leaked", "key sk-*** leaked"),
        ("a task-specific answer", "a task-specific answer"),
    ],
)
def test_mask_patterns(text: str, expected: str) -> None:
    assert mask(text) == expected


def test_registered_secrets_are_masked_in_every_form() -> None:
    register_secret("zz-registered-secret-42")
    register_url("http://carol:c4rol-pass!@127.0.0.1:9/v1")
    pair = base64.b64encode(b"carol:c4rol-pass!").decode()
    text = f"zz-registered-secret-42 / c4rol-pass! / c4rol-pass%21 / carol:c4rol-pass! / {pair}"
    assert mask(text) == "*** / *** / *** / *** / ***"
