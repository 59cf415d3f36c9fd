"""The shared call runtime: a disk cache and an OpenAI-compatible client (concurrency, retries, usage).

Judges and the OpenAI-compatible generation backend both go through here, so every model call in
ifteval is cached, retried and counted the same way.
"""

from ifteval.runtime.cache import DiskCache, cache_key
from ifteval.runtime.chat import ChatClient, ChatResult, endpoint_id
from ifteval.runtime.retry import backoff_s, retry_after_s
from ifteval.runtime.usage import PRICES_PER_1K, Usage, price_for

__all__ = [
    "PRICES_PER_1K",
    "ChatClient",
    "ChatResult",
    "DiskCache",
    "Usage",
    "backoff_s",
    "cache_key",
    "endpoint_id",
    "price_for",
    "retry_after_s",
]
