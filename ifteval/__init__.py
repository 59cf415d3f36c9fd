"""ifteval: evaluate instruction-fine-tuned models, and the judges that score them.

Python API (docs/python-api.md): ``ifteval.evaluate(...)``, ``ifteval.judge(rows, judges)`` and
``ifteval.meta(table, human=..., judges=...)``. They load on first use, so ``import ifteval`` stays
cheap (no torch, lm-eval or pandas until a function is called).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "evaluate", "judge", "meta"]

_API = frozenset({"evaluate", "judge", "meta"})


def __getattr__(name: str) -> Any:
    if name in _API:
        # lazy: `import ifteval` stays free of torch, lm-eval and pandas until the API is used
        from ifteval import api

        return getattr(api, name)
    raise AttributeError(f"module 'ifteval' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _API)
