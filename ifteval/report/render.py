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


def _sections(inputs: Sequence[ReportInput]) -> tuple[list[dict[str, Any]], list[SampleGroup]]:
    parts: list[dict[str, Any]] = []
    groups: list[SampleGroup] = []
    for k, item in enumerate(inputs, 1):
        anchor = f"part{k}"
        if item.kind == "run":
            parts.append(sections.run_section(item, anchor))
            groups.extend(group_rows(str(item.path), item.rows))
        elif item.kind == "sweep":
            parts.append(sections.sweep_section(item, anchor))
            for name, run in item.runs.items():
                groups.extend(group_rows(f"{item.path}/{name}", run.rows))
        elif item.kind == "judged":
            parts.append(sections.judged_section(item, anchor))
            groups.extend(group_rows(str(item.path), item.rows))
        elif item.kind == "meta":
            parts.append(sections.meta_section(item, anchor))
        else:
            parts.append(sections.curve_section(item, anchor))
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
