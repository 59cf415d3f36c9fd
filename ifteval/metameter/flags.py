"""Checking `ifteval meta` flags against the data they describe (issue 9: no silent nonsense).

`--bootstrap` is bounded: every resample keeps one number per statistic (each judge's correlation and
each judge pair's difference, per task and pooled) plus a row of resample counts, so memory grows
linearly with N; a billion resamples used to grow memory at ~85 MB/s until the machine gave out.
`--permutations` is bounded the same way: each permutation draws one swap flag per document and per
system (float64 draws, then booleans) and keeps one difference; a billion ate 22 GB before it was killed.
"""

from __future__ import annotations

from ifteval.errors import DataError
from ifteval.metameter.data import MetaData

MAX_BOOTSTRAP = 100_000  # far beyond what a 95% interval needs (1,000-10,000)
MAX_BOOTSTRAP_BYTES = 4 * 1024**3
MAX_PERMUTATIONS = 100_000  # p-values to 1e-5; 1,000-10,000 is usual
MAX_PERMUTATIONS_BYTES = 4 * 1024**3


def bootstrap_bytes(n_boot: int, data: MetaData) -> int:
    """About how much memory N resamples hold for this data (float64 statistics and resample counts)."""
    judges = len(data.judges)
    statistics = (len(data.task_slices) + 1) * (judges + judges * (judges - 1) // 2)
    return 8 * n_boot * (statistics + data.n_rows)


def human_bytes(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"  # unreachable; keeps type checkers content


def check_bootstrap(n_boot: int, data: MetaData) -> None:
    """Refuse a resample count whose memory would be unreasonable, saying how much it would take."""
    need = bootstrap_bytes(n_boot, data)
    if n_boot > MAX_BOOTSTRAP or need > MAX_BOOTSTRAP_BYTES:
        shape = f"{data.n_rows} rows, {len(data.judges)} judges, {len(data.task_slices)} task(s)"
        raise DataError(
            f"--bootstrap {n_boot} would hold about {human_bytes(need)} of resamples for {data.source} "
            f"({shape}); the limit is {MAX_BOOTSTRAP} resamples and {human_bytes(MAX_BOOTSTRAP_BYTES)}. "
            "1000 (the default) to 10000 is enough for a 95% interval"
        )


def permutation_bytes(n_perm: int, data: MetaData) -> int:
    """About how much memory N permutations hold: float64 swap draws and their flags per document and
    system, and one float64 difference each."""
    n_docs = 1
    if data.item is not None:
        n_docs = len(set(zip(data.task.tolist(), data.item.tolist(), strict=True)))
    n_sys = len(set(data.system.tolist())) if data.system is not None else 1
    return n_perm * (9 * (n_docs + n_sys) + 8)


def check_permutations(n_perm: int, data: MetaData) -> None:
    """Refuse a permutation count whose memory would be unreasonable, saying how much it would take."""
    need = permutation_bytes(n_perm, data)
    if n_perm > MAX_PERMUTATIONS or need > MAX_PERMUTATIONS_BYTES:
        raise DataError(
            f"--permutations {n_perm} would hold about {human_bytes(need)} of permutations for "
            f"{data.source} ({data.n_rows} rows); the limit is {MAX_PERMUTATIONS} permutations and "
            f"{human_bytes(MAX_PERMUTATIONS_BYTES)}. 1000 to 10000 is enough for a p-value"
        )


def check_tfa(tfa: tuple[str, str], column: str) -> None:
    """TFA compares two different regimes (whether both occur is checked where TFA is computed)."""
    before, after = tfa
    if before == after:
        raise DataError(
            f"--tfa {column}:{before}:{after} compares regime '{before}' with itself; give two different "
            f"values of column '{column}' (COL:BEFORE:AFTER, e.g. regime:zero_shot:trained)"
        )
