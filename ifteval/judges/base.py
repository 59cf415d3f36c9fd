"""`BaseJudge`: what every judge kind shares, so callers use the `Judge` protocol and never probe.

A kind subclasses it and takes `spec` from its factory call (`build_judge` passes the preset's spec);
it inherits an empty `usage()` (no calls made) and the default `aggregate` (mean and stderr of the
valid values). A kind that calls an API overrides `usage`; a corpus-level metric overrides `aggregate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ifteval.aggregate import summarise
from ifteval.types import JudgeSpec, Sample, Verdict


class BaseJudge:
    """Name, spec and the default `usage` and `aggregate` of the `Judge` protocol."""

    name: str
    spec: JudgeSpec
    requires_reference: bool

    def __init__(self, name: str, spec: JudgeSpec | None = None) -> None:
        self.name = name
        # built directly (tests, benchmarks) rather than from a preset: its class, as registry.yaml would
        # name it, is its kind
        kind = f"{type(self).__module__}:{type(self).__qualname__}"
        self.spec = spec if spec is not None else JudgeSpec(name, kind)

    def score(self, samples: Sequence[Sample]) -> list[Verdict]:
        raise NotImplementedError

    def usage(self) -> dict[str, Any]:
        """Requests, tokens and cost so far: none for a judge that calls no API."""
        return {}

    def aggregate(self, verdicts: Sequence[Verdict]) -> dict[str, Any]:
        """Mean and standard error of the valid values, with valid and invalid counts (`summarise`)."""
        return summarise([verdict.value for verdict in verdicts])
