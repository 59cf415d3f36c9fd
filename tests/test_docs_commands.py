"""Every shell command in README.md and docs/*.md runs as written (issue 14 item 8).

Commands in unmarked ```bash blocks run, in document order, from one scratch folder that links to the
repository's files (so `ifteval_tasks/`, `judges/`, `tests/...` resolve and outputs stay out of the
repo): `ifteval` commands in this process (one import of torch and lm-eval for all of them), anything
with shell syntax through bash. Blocks marked `<!-- doc-test: parse-only -->` are parsed only: their
`ifteval` (also `python -m ifteval`, `accelerate launch ... -m ifteval`) and `lm_eval` flags must exist.
A failure names the document and line.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.doc_commands import (
    ROOT,
    Command,
    all_commands,
    env_and_argv,
    ifteval_argv,
    needs_shell,
    split_words,
)

COMMANDS = all_commands()
SHELL_TIMEOUT_S = 300


def _model_path() -> str:
    from ifteval.generation.embedded import embedded_model_path

    return str(embedded_model_path())


def _expand_model_path(text: str) -> str:
    """`$(ifteval model path)` -> the folder, so the command needs no shell (and no second process)."""
    token = "$(ifteval model path)"
    return text.replace(token, _model_path()) if token in text else text


# -- parse-only ---------------------------------------------------------------------------------------
def _subparser(parser: argparse.ArgumentParser, args: list[str]) -> argparse.ArgumentParser:
    """The (sub)parser that the leading words of `args` select."""
    for word in args:
        sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        if sub is None or word not in sub.choices:
            break
        parser = sub.choices[word]
    return parser


def _parse_error(parser: argparse.ArgumentParser, args: list[str]) -> str | None:
    """None when `args` parse; the argparse message otherwise. A command with `...` (an elision in
    the doc) is checked flag by flag: every `--flag` must belong to its subcommand."""
    if "..." in args:
        target = _subparser(parser, args)
        unknown = [a.split("=")[0] for a in args if a.startswith("-") and a.split("=")[0] not in
                   target._option_string_actions]
        return f"unknown flag(s) {', '.join(unknown)} for '{target.prog}'" if unknown else None
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            parser.parse_args(args)
    except SystemExit as exc:
        if exc.code not in (0, None):
            return stderr.getvalue().strip().splitlines()[-1] if stderr.getvalue().strip() else str(exc)
    return None


def _lm_eval_parser() -> argparse.ArgumentParser:
    from lm_eval._cli import HarnessCLI

    return HarnessCLI()._parser


def check_parses(command: Command) -> str | None:
    from ifteval.cli import build_parser

    _, argv = env_and_argv(split_words(_expand_model_path(command.text)))
    args = ifteval_argv(argv)
    if args is not None:
        return _parse_error(build_parser(), args)
    if argv and Path(argv[0]).name == "lm_eval":
        return _parse_error(_lm_eval_parser(), argv[1:])
    return None  # another program (make, vllm, transformers serve, ...): not ours to parse


def test_the_docs_have_commands_and_the_marker_is_read() -> None:
    assert len(COMMANDS) >= 20
    assert any(c.parse_only for c in COMMANDS) and any(not c.parse_only for c in COMMANDS)


def test_parse_only_commands_parse() -> None:
    failures = [f"{c.where}: {error}\n    {c.text}" for c in COMMANDS if c.parse_only
                for error in [check_parses(c)] if error]
    assert not failures, "documented commands that do not parse:\n" + "\n".join(failures)


def test_a_bad_flag_fails_the_parse_check() -> None:
    """The check can fail: a misspelt flag, in ifteval and in lm_eval, is caught."""
    bad = Command("doc.md", 1, "ifteval run --tasks x --output-path o --limitt 3", True)
    assert "--limitt" in (check_parses(bad) or "")
    elided = Command("doc.md", 1, "ifteval run ... --judgez gpt4", True)
    assert "--judgez" in (check_parses(elided) or "")
    assert check_parses(Command("doc.md", 1, "lm_eval run --tasks x --model_argz a=b", True))


# -- running ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder that links to the repository's tracked top-level entries (and .venv)."""
    folder = tmp_path_factory.mktemp("docs-cwd")
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False)
    names = {line.split("/")[0] for line in listed.stdout.splitlines()} if listed.returncode == 0 else set()
    names = names or {p.name for p in ROOT.iterdir() if p.name != ".git"}
    for name in sorted(names | {".venv"}):
        if (ROOT / name).exists():
            (folder / name).symlink_to(ROOT / name)
    return folder


def _shell_env(extra: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, **extra}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{env.get('PYTHONPATH', '')}".rstrip(os.pathsep)
    return env


def run_command(command: Command, cwd: Path, exported: dict[str, str]) -> str | None:
    """Run one documented command; None on success, else why it failed."""
    if command.python:
        code = compile(command.text, command.where, "exec")
        return _run_in_process(lambda: exec(code, {"__name__": "__main__"}), cwd, exported)
    text = _expand_model_path(command.text)
    if needs_shell(text):
        proc = subprocess.run(["bash", "-c", text], cwd=cwd, env=_shell_env(exported), capture_output=True,
                              text=True, timeout=SHELL_TIMEOUT_S, check=False)
        tail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-3:]
        return None if proc.returncode == 0 else f"exit {proc.returncode}: {' | '.join(tail)}"
    env, argv = env_and_argv(split_words(text))
    if argv and argv[0] == "export":
        exported.update(env_and_argv(argv[1:])[0])
        return None
    args = ifteval_argv(argv)
    if args is not None and Path(argv[0]).name == "ifteval":
        return _run_in_process(lambda: _ifteval_main(args), cwd, {**exported, **env})
    if argv and Path(argv[0]).name == "lm_eval":
        return _run_in_process(lambda: _lm_eval_main(argv[1:]), cwd, {**exported, **env})
    proc = subprocess.run(argv, cwd=cwd, env=_shell_env({**exported, **env}), capture_output=True, text=True,
                          timeout=SHELL_TIMEOUT_S, check=False)
    tail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-3:]
    return None if proc.returncode == 0 else f"exit {proc.returncode}: {' | '.join(tail)}"


def _ifteval_main(args: list[str]) -> int:
    from ifteval.cli import main

    return main(args)


def _lm_eval_main(args: list[str]) -> int:
    from lm_eval._cli import HarnessCLI

    saved = sys.argv
    sys.argv = ["lm_eval", *args]
    try:
        cli = HarnessCLI()
        cli.execute(cli.parse_args())
    finally:
        sys.argv = saved
    return 0


def _run_in_process(call, cwd: Path, env: dict[str, str]) -> str | None:  # noqa: ANN001
    stderr, stdout = io.StringIO(), io.StringIO()
    saved_env = {key: os.environ.get(key) for key in env}
    saved_cwd = Path.cwd()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stdout):
            code = call()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except Exception as exc:  # noqa: BLE001 -- a traceback in a documented command is the failure
        code, stderr = 1, io.StringIO(f"{type(exc).__name__}: {exc}")
    finally:
        os.chdir(saved_cwd)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    tail = (stderr.getvalue().strip() or stdout.getvalue().strip()).splitlines()[-3:]
    return None if code in (0, None) else f"exit {code}: {' | '.join(tail)}"


@pytest.mark.slow
def test_documented_commands_run(workdir: Path) -> None:
    exported: dict[str, str] = {}
    failures, timings = [], []
    for command in (c for c in COMMANDS if not c.parse_only):
        start = time.perf_counter()
        error = run_command(command, workdir, exported)
        timings.append((time.perf_counter() - start, command.where))
        if error:
            failures.append(f"{command.where}: {error}\n    {command.text}")
    print(f"\nran {len(timings)} documented commands; slowest:",
          ", ".join(f"{where} {s:.1f}s" for s, where in sorted(timings, reverse=True)[:5]))
    assert not failures, "documented commands that fail as written:\n" + "\n".join(failures)


def test_ifteval_parse_only_exits_0_after_parsing_and_does_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ifteval.cli import main

    monkeypatch.setenv("IFTEVAL_PARSE_ONLY", "1")
    out = tmp_path / "never"
    assert main(["run", "--tasks", "no_such_task", "--model-args", "pretrained=/gpu/only", "--output-path",
                 str(out)]) == 0
    assert not out.exists()
    with pytest.raises(SystemExit) as bad, contextlib.redirect_stderr(io.StringIO()):
        main(["run", "--tasks", "x", "--output-path", str(out), "--limitt", "2"])
    assert bad.value.code == 2
