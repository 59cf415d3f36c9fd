"""Render the report: inputs -> sections -> one HTML file with its styles, script, figures and data inline.

Templates are package data (`ifteval/report/templates/`), loaded through Jinja2's PackageLoader so they
work from a wheel as from a checkout. Autoescape is on: every string from an input is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ifteval import __version__
from ifteval.errors import DataError
from ifteval.report import sections
from ifteval.report.inputs import ReportInput, read_inputs
from ifteval.report.samples import SampleGroup, browser_data, group_rows, script_json

DEFAULT_SAMPLES_PER_TASK = 100


def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ifteval.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _num
    env.filters["pct"] = _pct
    env.filters["spct"] = _signed_pct
    return env


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value * 100:.{digits}f} %"


def _signed_pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:+.1f} %"


WRITER = {"run": "ifteval run", "sweep": "ifteval run --adapters", "judged": "ifteval judge",
          "meta": "ifteval meta", "curve": "ifteval curve"}


def _section(item: ReportInput, anchor: str) -> dict[str, Any]:
    if item.kind == "run":
        return sections.run_section(item, anchor)
    if item.kind == "sweep":
        return sections.sweep_section(item, anchor)
    if item.kind == "judged":
        return sections.judged_section(item, anchor)
    if item.kind == "meta":
        return sections.meta_section(item, anchor)
    return sections.curve_section(item, anchor)


def _sections(inputs: Sequence[ReportInput]) -> tuple[list[dict[str, Any]], list[SampleGroup]]:
    parts: list[dict[str, Any]] = []
    groups: list[SampleGroup] = []
    for k, item in enumerate(inputs, 1):
        try:
            parts.append(_section(item, f"part{k}"))
        except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
            # the file passed the reader's checks but a field deeper down has another shape: say which
            # file and what, as one line (--debug shows where)
            raise DataError(f"{item.path}: not laid out as '{WRITER[item.kind]}' writes it "
                            f"({type(exc).__name__}: {exc})") from exc
        if item.kind in ("run", "judged"):
            groups.extend(group_rows(str(item.path), item.rows))
        elif item.kind == "sweep":
            for name, run in item.runs.items():
                groups.extend(group_rows(f"{item.path}/{name}", run.rows))
    return parts, groups


def render_report(inputs: Sequence[ReportInput], samples_per_task: int = DEFAULT_SAMPLES_PER_TASK) -> str:
    """The whole page as a string."""
    parts, groups = _sections(inputs)
    browser = browser_data(groups, samples_per_task)
    template = _environment().get_template("report.html.j2")
    return template.render(
        version=__version__,
        inputs=[str(i.path) for i in inputs],
        parts=parts,
        browser=browser,
        browser_json=Markup(script_json(browser)),
    )


def build_report(paths: Sequence[Path], samples_per_task: int = DEFAULT_SAMPLES_PER_TASK) -> str:
    """Read every PATH and render the page."""
    return render_report(read_inputs(list(paths)), samples_per_task)
