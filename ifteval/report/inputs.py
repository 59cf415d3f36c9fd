"""What `ifteval report` reads: each PATH is recognised as one kind of output and read by its reader.

Kinds: an `ifteval run` folder (`results.json` + `samples_<task>.jsonl`), an adapter-sweep folder
(`sweep.json` + one run folder per adapter), an `ifteval judge` JSONL, an `ifteval meta` JSON and a
`curve/` folder (`curve.json`), and a folder of lm-eval `--log_samples` files (read by the run record's
reader, `ifteval.record.read_records`, as a judged JSONL is). Anything else is one `DataError` naming
the path and what was expected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ifteval.errors import DataError
from ifteval.record import Record, read_record_file, read_records

Kind = Literal["run", "sweep", "judged", "meta", "curve"]

EXPECTED = (
    "expected an 'ifteval run' folder (results.json), an adapter-sweep folder (sweep.json), an 'ifteval "
    "judge' JSONL, an lm-eval --log_samples folder (samples_*.jsonl), an 'ifteval meta' JSON or a curve "
    "folder (curve.json)"
)


@dataclass(frozen=True)
class RunInput:
    """An `ifteval run` folder: its results.json and the rows of each samples file."""

    path: Path
    results: dict[str, Any]
    rows: list[Record]
    kind: Kind = "run"


@dataclass(frozen=True)
class SweepInput:
    """An adapter sweep: `sweep.json` (base + rows of task/metric values) and each adapter's run folder."""

    path: Path
    summary: dict[str, Any]
    runs: dict[str, RunInput] = field(default_factory=dict)
    kind: Kind = "sweep"


@dataclass(frozen=True)
class JudgedInput:
    """An `ifteval judge` JSONL (or any samples JSONL with `scores`)."""

    path: Path
    rows: list[Record]
    kind: Kind = "judged"


@dataclass(frozen=True)
class MetaInput:
    """An `ifteval meta --output` JSON report."""

    path: Path
    report: dict[str, Any]
    kind: Kind = "meta"


@dataclass(frozen=True)
class CurveInput:
    """An `ifteval curve` folder: `curve.json` with `points`, `summary` and `phases`."""

    path: Path
    curve: dict[str, Any]
    kind: Kind = "curve"


ReportInput = RunInput | SweepInput | JudgedInput | MetaInput | CurveInput


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text; {EXPECTED}") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _require_mapping(value: Any, where: str, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DataError(f"{where}: expected a JSON object, got {type(value).__name__}")
    for key in keys:
        if key not in value:
            raise DataError(f"{where}: missing field '{key}'")
    return value


def read_run(folder: Path) -> RunInput:
    """`results.json` (must have `results`) and every `samples_*.jsonl` directly in the folder."""
    results = _require_mapping(_load_json(folder / "results.json"), str(folder / "results.json"),
                               ("results",))
    if not isinstance(results["results"], dict):
        raise DataError(f"{folder / 'results.json'}: field 'results' must be an object of tasks")
    rows: list[Record] = []
    for path in sorted(folder.glob("samples_*.jsonl")):
        rows.extend(read_record_file(path))
    return RunInput(folder, results, rows)


def read_sweep(folder: Path) -> SweepInput:
    """`sweep.json`; each row's adapter folder is read as a run folder when it is there."""
    where = str(folder / "sweep.json")
    summary = _require_mapping(_load_json(folder / "sweep.json"), where, ("rows",))
    if not isinstance(summary["rows"], list):
        raise DataError(f"{where}: field 'rows' must be a list")
    for i, row in enumerate(summary["rows"]):
        _require_mapping(row, f"{where}: rows[{i}]", ("row", "task", "metric", "value"))
    runs = {}
    for name in dict.fromkeys(r["row"] for r in summary["rows"]):
        sub = folder / str(name)
        if sub.resolve().parent == folder.resolve() and (sub / "results.json").is_file():
            runs[str(name)] = read_run(sub)
    return SweepInput(folder, summary, runs)


def read_meta(path: Path, report: Any) -> MetaInput:
    report = _require_mapping(report, str(path), ("meta", "cit", "cat", "cit_detail", "cat_detail"))
    _require_mapping(report["meta"], f"{path}: meta", ("judges", "method"))
    return MetaInput(path, report)


def read_curve(path: Path, data: Any = None) -> CurveInput:
    """`curve.json`: `points` is required (one row per task, judge, N, repeat); the rest is shown if there.

    `data`: the file's JSON when the caller has already parsed it (to recognise it), so it is read once."""
    file = path / "curve.json" if path.is_dir() else path
    curve = _require_mapping(_load_json(file) if data is None else data, str(file), ("points",))
    if not isinstance(curve["points"], list):
        raise DataError(f"{file}: field 'points' must be a list")
    for i, point in enumerate(curve["points"]):
        point = _require_mapping(point, f"{file}: points[{i}]", ("task", "judge", "n", "value"))
        value = point["value"]
        numeric = isinstance(point["n"], (int, float)) and (value is None or isinstance(value, (int, float)))
        if not numeric:
            raise DataError(f"{file}: points[{i}]: 'n' and 'value' must be numbers (value may be null)")
    return CurveInput(file.parent, curve)


def read_judged(path: Path) -> JudgedInput:
    rows = read_record_file(path)
    return JudgedInput(path, rows)


def read_input(path: Path) -> ReportInput:
    """Recognise one PATH by the files it holds (folders) or its content (files)."""
    if path.is_dir():
        if (path / "sweep.json").is_file():
            return read_sweep(path)
        if (path / "results.json").is_file():
            return read_run(path)
        if (path / "curve.json").is_file():
            return read_curve(path)
        if any(path.rglob("samples_*.jsonl")):  # lm-eval --output_path: the run record's folder reading
            return JudgedInput(path, read_records([path]))
        raise DataError(f"{path}: folder has no results.json, sweep.json or curve.json (nor samples_*.jsonl"
                        f" files); {EXPECTED}")
    if not path.is_file():
        raise DataError(f"{path}: no such file or folder")
    if path.suffix == ".jsonl":
        return read_judged(path)
    if path.suffix == ".json":
        if path.name in ("results.json", "sweep.json"):
            return read_input(path.parent)
        data = _load_json(path)
        if isinstance(data, dict) and "points" in data:
            return read_curve(path, data)
        if isinstance(data, dict) and "meta" in data:
            return read_meta(path, data)
        raise DataError(f"{path}: a JSON file that is neither an 'ifteval meta' report (no 'meta' field) "
                        "nor a curve.json (no 'points' field)")
    raise DataError(f"{path}: unknown input type '{path.suffix or path.name}'; {EXPECTED}")


def read_inputs(paths: list[Path]) -> list[ReportInput]:
    """Every PATH read, in the order given; a path given twice is an error (it would show twice)."""
    seen: dict[Path, str] = {}
    inputs = []
    for path in paths:
        key = path.resolve()
        if key in seen:
            raise DataError(f"{path}: given twice (also as {seen[key]})")
        seen[key] = str(path)
        inputs.append(read_input(path))
    return inputs
