"""`ifteval report`: one self-contained HTML page for runs, sweeps, judged samples, meta-evaluations, curves.

- `inputs`: recognise and read each PATH with its output's reader;
- `sections`: what each part of the page shows (numbers, intervals, provenance);
- `figures`: matplotlib figures as inline PNG data URIs;
- `samples`: the sample browser's rows, capped and safely embedded;
- `render`: Jinja2 templates (package data in `templates/`) to one HTML string.
"""

from __future__ import annotations

from ifteval.report.render import build_report, render_report

__all__ = ["build_report", "render_report"]
