"""The shell commands of README.md and docs/*.md, as the docs test runs them.

Convention (announced to every doc author): commands go in ```bash (or ```sh / ```shell) blocks and are
RUN from a scratch copy of the repository root, offline. A block preceded (on the line before its
fence) by `<!-- doc-test: parse-only -->` needs a GPU, a remote service, ../shared data or minutes: its
commands are only checked to parse. Output examples use ```text or ```console and are not read.
A ```python block preceded by `<!-- doc-test: run -->` is run as one script (docs/python-api.md).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARSE_ONLY_MARK = "<!-- doc-test: parse-only -->"
RUN_MARK = "<!-- doc-test: run -->"
SHELL_FENCES = ("bash", "sh", "shell")
ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
SHELL_SYNTAX = re.compile(r"[|;&<>`]|\$\(|\$\{?[A-Za-z_]")  # anything beyond words needs bash


@dataclass(frozen=True)
class Command:
    """One logical command line (continuations joined) and where it is documented."""

    file: str
    line: int
    text: str
    parse_only: bool
    python: bool = False  # a whole ```python block, run as a script

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Block:
    file: str
    line: int
    parse_only: bool
    commands: list[Command] = field(default_factory=list)


def doc_files(root: Path = ROOT) -> list[Path]:
    """README.md, then docs/*.md in name order (the README's outputs may be reused by later docs)."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def blocks(path: Path, root: Path = ROOT) -> list[Block]:
    """The shell blocks of one Markdown file, with their commands."""
    name = str(path.relative_to(root))
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    current: Block | None = None
    pending: list[str] = []
    script: list[str] | None = None
    start = 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if script is not None:  # inside a ```python block marked to run
            if stripped.startswith("```"):
                command = Command(name, start, "\n".join(script), parse_only=False, python=True)
                found.append(Block(name, start, False, [command]))
                script = None
            else:
                script.append(line)
            continue
        if current is None:
            language = stripped[3:].strip().lower() if stripped.startswith("```") else ""
            before = next((p.strip() for p in reversed(lines[: number - 1]) if p.strip()), "")
            if language in SHELL_FENCES:
                current = Block(name, number, parse_only=before == PARSE_ONLY_MARK)
            elif language == "python" and before == RUN_MARK:
                script, start = [], number + 1
            continue
        if stripped.startswith("```"):
            found.append(current)
            current = None
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1])
            continue
        pending.append(stripped)
        text = " ".join(p.strip() for p in pending).strip()
        pending = []
        if text and not text.startswith("#"):
            current.commands.append(Command(name, start, text, current.parse_only))
    return found


def all_commands(root: Path = ROOT) -> list[Command]:
    return [c for path in doc_files(root) for block in blocks(path, root) for c in block.commands]


def split_words(text: str) -> list[str]:
    """The words of a command, comments dropped (shlex's POSIX rules)."""
    return shlex.split(text, comments=True)


def needs_shell(text: str) -> bool:
    """True when a command uses pipes, redirections, substitutions or variables: run it with bash."""
    code = text.split(" #", 1)[0]
    return bool(SHELL_SYNTAX.search(code))


def env_and_argv(words: list[str]) -> tuple[dict[str, str], list[str]]:
    """`A=1 B=2 prog args` -> ({A: 1, B: 2}, [prog, args])."""
    env: dict[str, str] = {}
    while words and ENV_ASSIGNMENT.match(words[0]):
        key, _, value = words[0].partition("=")
        env[key] = value
        words = words[1:]
    return env, words


def ifteval_argv(argv: list[str]) -> list[str] | None:
    """The arguments `ifteval` gets from a command, also through `python -m ifteval` or
    `accelerate launch ... -m ifteval`; None when the command does not run ifteval."""
    if not argv:
        return None
    program = Path(argv[0]).name
    if program == "ifteval":
        return argv[1:]
    if "-m" in argv and program in ("python", "python3", "accelerate"):
        index = argv.index("-m")
        if index + 1 < len(argv) and argv[index + 1] == "ifteval":
            return argv[index + 2 :]
    return None
