"""Checking judge arguments against the factory's signature before the judge is built.

`--judge-arg sbert.batch_size=abc` used to reach the factory as the string "abc" and fail deep inside it
(`TypeError: '<=' not supported`). `check_arguments` compares each override with the factory's parameter
annotations (or, without one, the type of its default) and raises one ConfigError line naming the judge,
the key, the value and the type expected.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from ifteval.errors import ConfigError, did_you_mean

_NO_HINT = object()
# counts and sizes that make no sense below 1 (a library deep inside fails on them with a traceback)
POSITIVE = frozenset({"batch_size", "max_length", "max_tokens", "max_concurrency", "num_layers"})


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def factory_hints(factory: Callable[..., Any]) -> tuple[dict[str, Any], bool]:
    """{parameter: expected type} for the factory's keyword parameters (except `name` and `spec`, which
    `build_judge` passes), and whether it takes `**kwargs` (then any key is accepted)."""
    target = factory.__init__ if inspect.isclass(factory) else factory  # type: ignore[misc]
    signature = inspect.signature(target)
    try:
        hints = typing.get_type_hints(target)
    except Exception:  # noqa: BLE001 - an unresolvable annotation only loses the type check
        hints = {}
    expected: dict[str, Any] = {}
    open_ended = False
    for param in signature.parameters.values():
        if param.kind is param.VAR_KEYWORD:
            open_ended = True
        if param.name in ("self", "name", "spec") or param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
            continue
        if param.name in hints:
            expected[param.name] = hints[param.name]
        elif param.default is not param.empty and param.default is not None:
            expected[param.name] = type(param.default)
        else:
            expected[param.name] = _NO_HINT
    return expected, open_ended


def check_arguments(judge: str, kind: str, factory: Callable[..., Any], overrides: Mapping[str, Any],
                    source: str = "--judge-arg") -> None:
    """Raise a one-line ConfigError for an unknown key or a value of the wrong type."""
    expected, open_ended = factory_hints(factory)
    for key, value in overrides.items():
        shown = f"{source} {judge}.{key}={_yaml(value)}"
        if key not in expected:
            if open_ended:
                continue
            raise ConfigError(
                f"{shown}: judge '{judge}' (kind '{kind}') has no argument '{key}'."
                f"{did_you_mean(key, expected)} Valid: {', '.join(sorted(expected))}."
            )
        hint = expected[key]
        if key in POSITIVE and _is_number(value) and not value >= 1:
            raise ConfigError(f"{shown}: judge '{judge}' (kind '{kind}') expects '{key}' to be at least 1")
        if hint is _NO_HINT or hint is type(None) or _fits(value, hint):
            continue  # a None-only parameter (a forbidden secret) is refused by the factory itself
        raise ConfigError(
            f"{shown}: judge '{judge}' (kind '{kind}') expects '{key}' to be {describe(hint)}, got "
            f"{_yaml(value)!r} ({_type_name(value)})"
        )


def describe(hint: Any) -> str:
    """An annotation in words: 'an integer', 'true or false', 'one of f1, precision, recall', ..."""
    origin = typing.get_origin(hint)
    if origin is Literal:
        return "one of " + ", ".join("null" if a is None else str(a) for a in typing.get_args(hint))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(dict.fromkeys(describe(a) for a in typing.get_args(hint)))
    names = {bool: "true or false", int: "an integer", float: "a number", str: "text", Path: "a path",
             type(None): "null"}
    return names.get(hint, getattr(hint, "__name__", str(hint)))


def _fits(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if hint is Any:
        return True
    if origin is Literal:
        return value in typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint in (str, Path):
        return isinstance(value, str)
    return True  # a type we do not model: the factory checks it


def _yaml(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _type_name(value: Any) -> str:
    return {bool: "true/false", int: "an integer", float: "a number", str: "text",
            type(None): "null"}.get(type(value), type(value).__name__)
