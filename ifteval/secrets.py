"""Masking credentials in everything ifteval writes or prints (issue 9: no secret on disk or screen).

The credentials a run is configured with (an API key, the `user:password` of an endpoint URL, a token
in the environment) are registered here once; `mask(text)` then replaces each of them, in every form a
server or library might echo it (as is, base64 `user:password` for Basic auth, URL-quoted, JSON-escaped),
with `***`. Tokens that look like credentials but were never registered (`Bearer ...`, `Basic ...`,
`sk-...`, `user:password@` in a URL) are masked by pattern. Writers (`results.atomic_write_text`), the
judge-call cache, chat replies and the CLI's error line all pass through `mask`, so a reply from a
proxy that echoes the Authorization header never reaches results, caches or the terminal.
"""

from __future__ import annotations

import base64
import json
import os
import re
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, unquote, urlsplit

MASK = "***"
MIN_SECRET_LENGTH = 6  # shorter values ("1", "true", "EMPTY"...) would mask ordinary text
SECRET_ENV_SUFFIXES = ("_API_KEY", "_TOKEN", "_SECRET", "_PASSWORD", "_ACCESS_KEY")
_PLACEHOLDERS = {"EMPTY", "none", "null", "dummy", "sk-no-key-required"}

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None

_GENERIC = re.compile(
    # Authorization header values; the digit or =, + or / keeps "Basic understanding" as it is
    r"(?P<scheme>\b(?:Bearer|Basic)\s+)(?=[A-Za-z._~\-]*[0-9+/=])[A-Za-z0-9._~+/\-]{8,}=*"
    r"|\bsk-[A-Za-z0-9_\-]{6,}"  # OpenAI-style keys
    r"|(?P<url>[a-z][a-z0-9+.\-]*://)[^/\s:@]+:[^/\s@]+@"  # user:password@ in a URL
    , re.IGNORECASE,
)


def register_secret(value: str | None) -> None:
    """Mask `value` (and its base64, URL-quoted and JSON-escaped forms) from now on."""
    if not value or len(value) < MIN_SECRET_LENGTH or value in _PLACEHOLDERS:
        return
    forms = {value, quote(value, safe=""), json.dumps(value)[1:-1]}
    global _pattern
    with _lock:
        before = len(_secrets)
        _secrets.update(f for f in forms if len(f) >= MIN_SECRET_LENGTH)
        if len(_secrets) != before:
            _pattern = None


def register_url(url: str | None) -> None:
    """Mask the `user:password` of an endpoint URL, also as the base64 of HTTP Basic auth."""
    if not url or "@" not in url:
        return
    try:
        parts = urlsplit(url)
    except ValueError:
        return
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    if password:
        register_secret(password)
        pair = f"{user}:{password}"
        register_secret(pair)
        register_secret(base64.b64encode(pair.encode()).decode())
    elif user:
        register_secret(user)  # a token passed as the user name


def register_environment(names: Iterable[str] | None = None) -> None:
    """Register the values of credential-looking environment variables (`*_API_KEY`, `*_TOKEN`...)."""
    for name in names if names is not None else os.environ:
        if name.upper().endswith(SECRET_ENV_SUFFIXES):
            register_secret(os.environ.get(name))


def _compiled() -> re.Pattern[str] | None:
    global _pattern
    with _lock:
        if _pattern is None and _secrets:
            ordered = sorted(_secrets, key=len, reverse=True)  # the longest form first
            _pattern = re.compile("|".join(re.escape(s) for s in ordered))
        return _pattern


def mask(text: str) -> str:
    """`text` with every registered secret and every credential-looking token replaced by ***."""
    if not text:
        return text
    pattern = _compiled()
    if pattern is not None:
        text = pattern.sub(MASK, text)
    return _GENERIC.sub(_generic_mask, text)


def _generic_mask(match: re.Match[str]) -> str:
    if match.group("scheme"):
        return match.group("scheme") + MASK
    if match.group("url"):
        return match.group("url") + MASK + "@"
    return "sk-" + MASK


def mask_value(value: Any) -> Any:
    """Strings inside JSON-like data (dicts, lists) masked; other values unchanged."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v) for v in value]
    return value


def endpoint_id(base_url: str) -> str:
    """scheme://host[:port]/path, without credentials or query: safe to log and to put in cache keys."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path.rstrip('/')}"


_SECRET_WORDS = ("key", "token", "secret", "password", "auth")


def public_model_args(model_args: dict[str, Any]) -> dict[str, str]:
    """Model args as results may show them: URLs lose their credentials and query, secret-looking keys
    are redacted (a key must never reach results.json, even when typed on the command line)."""
    public = {}
    for key, value in model_args.items():
        text = str(value)
        if any(word in key.lower() for word in _SECRET_WORDS) and not key.lower().endswith("_env"):
            text = "<redacted>"
        elif "://" in text:
            text = endpoint_id(text)
        public[key] = text
    return public
