"""Token usage and an estimated cost per client, from a small price table (USD per 1,000 tokens).

Prices are list prices at the time of writing and only an estimate; a preset's `price_per_1k_input` /
`price_per_1k_output` override them, and an unknown model reports `est_cost_usd: None`, not 0.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

# model-name prefix -> (input, output) USD per 1k tokens; the longest matching prefix wins
PRICES_PER_1K: dict[str, tuple[float, float]] = {
    "gpt-4": (0.03, 0.06),
    "gpt-4-32k": (0.06, 0.12),
    "gpt-4-turbo": (0.01, 0.03),
    "gpt-4-1106": (0.01, 0.03),
    "gpt-4-0125": (0.01, 0.03),
    "gpt-4o": (0.0025, 0.01),
    "gpt-4o-mini": (0.00015, 0.0006),
    "gpt-4.1": (0.002, 0.008),
    "gpt-4.1-mini": (0.0004, 0.0016),
    "gpt-4.1-nano": (0.0001, 0.0004),
    "gpt-3.5-turbo": (0.0005, 0.0015),
}


def price_for(model: str) -> tuple[float, float] | None:
    """(input, output) USD per 1k tokens for the longest known prefix of `model`, or None."""
    matches = [prefix for prefix in PRICES_PER_1K if model.startswith(prefix)]
    return PRICES_PER_1K[max(matches, key=len)] if matches else None


@dataclass
class Usage:
    """Thread-safe counters: requests sent (every attempt, failed ones too), calls answered, answers
    from cache, retries, errors, tokens spent."""

    price: tuple[float, float] | None = None
    requests: int = 0
    calls: int = 0
    cached: int = 0
    retries: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def for_model(cls, model: str, price_in: float | None = None, price_out: float | None = None) -> Usage:
        table = price_for(model)
        if price_in is None and price_out is None:
            return cls(price=table)
        return cls(price=(price_in or 0.0, price_out or 0.0))

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + int(value))

    def est_cost_usd(self) -> float | None:
        if self.price is None:
            return None
        cost = self.prompt_tokens / 1000 * self.price[0] + self.completion_tokens / 1000 * self.price[1]
        return round(cost, 6)

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            counts = {
                "requests": self.requests,
                "calls": self.calls,
                "cached": self.cached,
                "retries": self.retries,
                "errors": self.errors,
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
            }
        return {**counts, "est_cost_usd": self.est_cost_usd()}
