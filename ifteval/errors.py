"""Errors that the CLI prints as one line (exit code 2); anything else is a bug and shows a traceback."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class IftevalError(Exception):
    """A user-facing error: the message says what went wrong, where, and how to fix it."""


class ConfigError(IftevalError):
    """A YAML file, preset or registry entry is malformed (names the file and field)."""


class DataError(IftevalError):
    """Input data is missing or malformed (names the file, line or field)."""


class UnknownNameError(IftevalError):
    """A task, judge or column name does not exist; the message suggests the closest ones."""


class OutputPathError(IftevalError):
    """An output path would replace an input, is the wrong kind (folder/file) or cannot be written."""


class JudgeError(IftevalError):
    """A judge could not run at all (endpoint down after retries, model missing)."""


def did_you_mean(name: str, choices: Iterable[str], n: int = 3) -> str:
    """Return ' Did you mean 'x' or 'y'?' or '' when nothing is close, for error messages."""
    close = difflib.get_close_matches(name, list(choices), n=n, cutoff=0.6)
    if not close:
        return ""
    return " Did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
