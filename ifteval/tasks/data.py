"""Load a source's rows and split them: ``--data-dir`` first, then the hub, then the bundled smoke set.

Order, and why:

1. ``IFTEVAL_DATA_DIR`` / ``--data-dir DIR`` (or ``data_dir`` in lm-eval's ``--metadata``): when set, the
   user has said where the data is, so ``DIR/<source>.jsonl`` (or ``.json``, ``.csv``, ``.parquet``) must
   exist; if it does not, the error names exactly that path and the fields expected. No fallback.
2. The hub, through ``datasets.load_dataset`` (skipped at once when ``HF_DATASETS_OFFLINE`` or
   ``HF_HUB_OFFLINE`` is set; any failure is reported in one warning line and the next step is tried).
3. The bundled smoke set (``ifteval/tasks/smoke/<source>.jsonl``), with a one-line warning: it exists so
   that the pipeline runs offline, and its scores mean nothing; it is too small to split, so each of
   train/validation/test is the whole set. ``IFTEVAL_NO_SMOKE=1`` turns it off, and
   the error then says which file is expected where.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ifteval.errors import DataError
from ifteval.jsonl import read_jsonl, read_text
from ifteval.paths import cache_dir
from ifteval.tasks.sources import ALPACA_CATEGORIES, FieldProblem, Source, get_source
from ifteval.tasks.splits import SPLITS, split_indices

if TYPE_CHECKING:
    import datasets

log = logging.getLogger(__name__)

SMOKE_DIR = Path(__file__).resolve().parent / "smoke"
LOCAL_SUFFIXES = (".jsonl", ".json", ".csv", ".parquet")
ALPACA_TAGS_FILE = "alpaca_categories.jsonl"
_TRUE = {"1", "true", "yes", "on"}

Row = dict[str, Any]


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def hub_offline() -> bool:
    """True when the user has told the HF libraries not to touch the network."""
    return _env_flag("HF_DATASETS_OFFLINE") or _env_flag("HF_HUB_OFFLINE")


def data_dir_from_env(data_dir: str | Path | None = None) -> Path | None:
    """The explicit argument, else ``IFTEVAL_DATA_DIR``, else None."""
    value = data_dir or os.environ.get("IFTEVAL_DATA_DIR")
    return Path(value).expanduser() if value else None


@contextmanager
def data_dir_in_env(data_dir: str | Path | None) -> Iterator[None]:
    """Expose ``--data-dir`` as ``IFTEVAL_DATA_DIR`` while lm-eval builds tasks, then restore it.

    lm-eval calls our ``custom_dataset`` hook with no way to pass a folder, so the hook reads the
    variable; restoring it keeps a later run in the same process (the Python API, a test) from
    silently reading this run's folder.
    """
    if data_dir is None:
        yield
        return
    before = os.environ.get("IFTEVAL_DATA_DIR")
    os.environ["IFTEVAL_DATA_DIR"] = str(data_dir)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("IFTEVAL_DATA_DIR", None)
        else:
            os.environ["IFTEVAL_DATA_DIR"] = before


def _expected(source: Source, where: str) -> str:
    return f"{where} (one of {', '.join(LOCAL_SUFFIXES)}) with fields {', '.join(source.fields)}"


# ----------------------------------------------------------------------------- local files



def _read_table(path: Path) -> list[tuple[int, Row]]:
    """`.json` (an array of objects), `.csv` or `.parquet`; "line" numbers are 1-based rows."""
    if path.suffix == ".json":
        try:
            data = json.loads(read_text(path))
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise DataError(
                f"{path}: expected a JSON array of objects (or use .jsonl, one object a line)"
            )
        return list(enumerate(data, 1))
    import pandas as pd

    try:
        frame = pd.read_csv(path, keep_default_na=False) if path.suffix == ".csv" else pd.read_parquet(path)
    except UnicodeDecodeError:
        read_text(path)  # pandas counts bytes from its buffer: decode the file again to name the line
        raise
    except pd.errors.EmptyDataError:
        raise DataError(f"{path} is empty; expected a header row and one row per document") from None
    except (pd.errors.ParserError, OSError, ValueError) as exc:  # pyarrow's ArrowInvalid: a ValueError
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"cannot read {path} as {path.suffix[1:].upper()}: {first}") from None
    offset = 2 if path.suffix == ".csv" else 1  # csv: line 1 is the header
    return [
        (i + offset, {k: _plain(v) for k, v in r.items()})
        for i, r in enumerate(frame.to_dict("records"))
    ]


def _plain(value: Any) -> Any:
    """numpy arrays and scalars (from parquet) to lists and Python numbers, so rows are plain JSON."""
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def read_rows(path: Path, source: Source) -> list[Row]:
    """Read a local file of `source`'s schema; a row missing a field, or with a field of the wrong type
    or value (``Source.check``), is an error naming the file, line, field and the valid values."""
    numbered = read_jsonl(path) if path.suffix == ".jsonl" else _read_table(path)
    for lineno, row in numbered:
        missing = [f for f in source.fields if f not in row]
        if missing:
            raise DataError(
                f"{path}:{lineno}: row is missing field '{missing[0]}' "
                f"(a '{source.name}' row needs {', '.join(source.fields)})"
            )
        if source.check is not None:
            try:
                source.check(row)
            except FieldProblem as exc:
                raise DataError(f"{path}:{lineno}: {source.name} row: {exc}") from None
    return [row for _, row in numbered]


def find_local(data_dir: Path, source: Source) -> Path:
    """``DIR/<source>.<suffix>``; the error names the exact path expected and the fields it needs."""
    for suffix in LOCAL_SUFFIXES:
        path = data_dir / f"{source.name}{suffix}"
        if path.is_file():
            return path
    raise DataError(
        f"no local data for '{source.name}': expected "
        f"{_expected(source, str(data_dir / (source.name + '.jsonl')))} "
        "(set by --data-dir / IFTEVAL_DATA_DIR)"
    )


# ----------------------------------------------------------------------------- hub
def alpaca_tags_path() -> Path:
    """Where the hub path looks for the category-tag file: ``IFTEVAL_ALPACA_CATEGORIES`` or the cache."""
    return Path(os.environ.get("IFTEVAL_ALPACA_CATEGORIES") or cache_dir() / ALPACA_TAGS_FILE)


def read_alpaca_tags(path: Path) -> dict[tuple[str, str], str]:
    """The tag file: JSONL rows ``{"instruction", "input", "category"}``, joined on (instruction, input)."""
    tags: dict[tuple[str, str], str] = {}
    for lineno, row in read_jsonl(path):
        for f in ("instruction", "input", "category"):
            if f not in row:
                raise DataError(
                    f"{path}:{lineno}: row is missing field '{f}' (need instruction, input, category)"
                )
        if row["category"] not in ALPACA_CATEGORIES:
            raise DataError(
                f"{path}:{lineno}: field 'category': unknown category {row['category']!r}; "
                f"valid: {', '.join(ALPACA_CATEGORIES)}"
            )
        tags[(row["instruction"], row["input"])] = row["category"]
    return tags


def _tag_alpaca(rows: list[Row]) -> list[Row]:
    """vicgalle/alpaca-gpt4 has no category column: add it from the tag file, dropping untagged rows."""
    path = alpaca_tags_path()
    if not path.is_file():
        raise DataError(
            f"the hub's alpaca-gpt4 rows carry no category: expected the tag file {path} "
            "(JSONL rows {instruction, input, category}; set IFTEVAL_ALPACA_CATEGORIES to move it)"
        )
    tags = read_alpaca_tags(path)
    return [
        {**r, "category": tags[(r["instruction"], r["input"])]}
        for r in rows
        if (r["instruction"], r["input"]) in tags
    ]


def load_hub_rows(source: Source) -> list[Row]:
    """Every labelled row of every hub split, pooled (the paper re-splits 80/10/10 itself)."""
    import datasets

    dsd = datasets.load_dataset(source.hub_path, source.hub_name, revision=source.hub_revision)
    rows: list[Row] = []
    for split in sorted(dsd):
        rows.extend(dsd[split].to_list())
    if source.name == "alpaca_gpt4":
        rows = _tag_alpaca(rows)
    return rows


# ----------------------------------------------------------------------------- fallback chain
def smoke_path(source: Source) -> Path:
    return SMOKE_DIR / f"{source.name}.jsonl"


@lru_cache(maxsize=32)
def _load_rows_cached(
    source_name: str, data_dir: Path | None, offline: bool, no_smoke: bool
) -> tuple[str, tuple]:
    source = get_source(source_name)
    if data_dir is not None:
        path = find_local(data_dir, source)
        return str(path), tuple(read_rows(path, source))
    hub_reason = "HF_DATASETS_OFFLINE/HF_HUB_OFFLINE is set"
    if not offline:
        try:
            return f"hub:{source.hub_id}", tuple(load_hub_rows(source))
        except Exception as exc:  # noqa: BLE001 -- any hub failure falls through, and is reported
            first_line = (str(exc).splitlines() or [""])[0][:200]
            hub_reason = f"hub load of {source.hub_id} failed: {type(exc).__name__}: {first_line}"
    expected = _expected(source, f"DIR/{source.name}.jsonl")
    if no_smoke:
        raise DataError(
            f"no data for '{source.name}': {hub_reason}, and IFTEVAL_NO_SMOKE turns off the bundled "
            "smoke set. "
            f"Point --data-dir (or IFTEVAL_DATA_DIR) at a DIR holding {expected}."
        )
    path = smoke_path(source)
    rows = read_rows(path, source)
    print(
        f"ifteval: warning: using the bundled SMOKE set for '{source.name}' "
        f"({len(rows)} rows, each split the whole set; {hub_reason}); "
        f"its scores mean nothing. For real data use --data-dir DIR with {expected}.",
        file=sys.stderr,
    )
    return str(path), tuple(rows)


# source name -> {"origin", "location", "rows"} of the last load in this process (see data_origins()).
_ORIGINS: dict[str, dict[str, Any]] = {}


def _hub_location(source: Source) -> str:
    """``repo[/config]@<revision>``: the commit the hub resolves the revision to, when it says so."""
    try:
        from huggingface_hub import HfApi

        sha = HfApi().dataset_info(source.hub_path, revision=source.hub_revision).sha
    except Exception:  # noqa: BLE001 -- provenance only; the rows are already loaded
        sha = None
    base = source.hub_path + (f"/{source.hub_name}" if source.hub_name else "")
    return f"{base}@{sha or source.hub_revision or 'unresolved'}"


def _record_origin(source: Source, origin: str, data_dir: Path | None, rows: int) -> None:
    if data_dir is not None:
        kind, location = "local", str(Path(origin).resolve())
    elif origin.startswith("hub:"):
        previous = _ORIGINS.get(source.name, {})
        kind = "hub"
        location = previous["location"] if previous.get("origin") == "hub" else _hub_location(source)
    else:
        kind, location = "smoke", origin
    _ORIGINS[source.name] = {"origin": kind, "location": location, "rows": rows}


def data_origins() -> dict[str, dict[str, Any]]:
    """Where each source loaded in this process came from, for results and run signatures.

    ``{"sst2": {"origin": "smoke" | "hub" | "local", "location": str, "rows": int}, ...}``: location is
    the file read (smoke set or ``--data-dir`` file, resolved) or ``repo[/config]@<commit or revision>``;
    rows is the number of rows read, before unlabelled rows are dropped and before splitting. A source
    loaded twice (another ``--data-dir``) reports its last load. A copy: changing it changes nothing.
    """
    return {name: dict(info) for name, info in sorted(_ORIGINS.items())}


def load_rows(source: str, data_dir: str | Path | None = None) -> tuple[list[Row], str]:
    """(rows, origin) of a source, following the fallback order above; origin is a path or ``hub:<id>``.

    Each call is recorded for ``data_origins()``.
    """
    resolved_dir = data_dir_from_env(data_dir)
    origin, rows = _load_rows_cached(source, resolved_dir, hub_offline(), _env_flag("IFTEVAL_NO_SMOKE"))
    _record_origin(get_source(source), origin, resolved_dir, len(rows))
    return [dict(r) for r in rows], origin


def select_rows(rows: list[Row], source: Source, category: str | None = None) -> list[Row]:
    """Drop unscorable rows; for alpaca keep one category (an unknown category is an error)."""
    if source.keep is not None:
        rows = [r for r in rows if source.keep(r)]
    if category is not None:
        if category not in ALPACA_CATEGORIES:
            raise DataError(
                f"unknown alpaca category '{category}'; valid: {', '.join(ALPACA_CATEGORIES)}"
            )
        rows = [r for r in rows if r.get("category") == category]
    return rows


def load_split_dataset(
    source: str, category: str | None = None, data_dir: str | Path | None = None, **_: object
) -> datasets.DatasetDict:
    """The source's rows as a ``DatasetDict`` of train/validation/test, split by content hash.

    Extra keyword arguments are accepted and ignored: lm-eval passes the task's ``metadata`` (its
    ``version``, and whatever ``--metadata`` adds) into ``custom_dataset``.
    """
    import datasets

    spec = get_source(source)
    rows, origin = load_rows(source, data_dir)
    rows = select_rows(rows, spec, category)
    if not rows:
        what = f"category '{category}' of " if category else ""
        raise DataError(f"no rows for {what}'{source}' in {origin}")
    full = datasets.Dataset.from_list(rows)
    if origin == str(smoke_path(spec)):
        # ~20 rows split 80/10/10 leave 0-2 test rows: the smoke set tests the pipeline, not a model,
        # so each of its splits is the whole set (said in the smoke warning and in docs/tasks.md).
        return datasets.DatasetDict({name: full for name in SPLITS})
    parts = split_indices(rows, spec.key_fields)
    return datasets.DatasetDict({name: full.select(parts[name]) for name in SPLITS})
