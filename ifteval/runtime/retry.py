"""How long to wait before asking again: the server's `Retry-After` when it sends one, else backoff."""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

MAX_RETRY_AFTER_S = 600.0  # a server asking for longer is treated as asking for ten minutes


def retry_after_s(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds from `retry-after-ms`, or `Retry-After` as seconds or an HTTP date; None when absent/bad."""
    lowered = {k.lower(): v for k, v in headers.items()}
    value = lowered.get("retry-after-ms")
    if value is not None:
        try:
            return _clamp(float(value) / 1000.0)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return _clamp(float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return _clamp(when.timestamp() - (time.time() if now is None else now))


def backoff_s(attempt: int, base_s: float = 0.5, max_s: float = 60.0) -> float:
    """Exponential backoff with jitter: uniform in [d/2, d] where d = min(max_s, base_s * 2**attempt)."""
    delay = min(max_s, base_s * (2.0**attempt))
    return random.uniform(delay / 2.0, delay)


def _clamp(seconds: float) -> float:
    if seconds != seconds:  # NaN
        return 0.0
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)
