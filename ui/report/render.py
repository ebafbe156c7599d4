"""Render an after-action report with Jinja2: `aar.md.j2` (for code hosts) and
`aar.html.j2` (one self-contained file: inline CSS and SVG charts, no script, no
network), both from the same `engine.aar` data.
"""

from __future__ import annotations

import re
from itertools import groupby
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from engine.aar import POETE, AfterActionReport
from ui.report.charts import layout
from ui.tui.widgets.sparkline import sparkline

TEMPLATES = Path(__file__).resolve().parent / "templates"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md(text: object) -> str:
    """Text made safe inside Markdown (also inside a table cell): specials escaped,
    line breaks kept as <br>."""
    if text is None:
        return ""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text).strip())
    return "<br>".join(line.strip() for line in escaped.splitlines())


def _number(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}"


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      autoescape=lambda name: bool(name and name.endswith(".html.j2")),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["md"] = md
    env.filters["number"] = _number
    env.globals["sparkline"] = sparkline
    return env


def context(report: AfterActionReport) -> dict[str, Any]:
    """What both templates get: the report, and views of it grouped for display."""
    return {
        "r": report,
        "o": report.overview,
        "s": report.summary,
        "e": report.engine,
        "ending": report.overview.ending,
        "layouts": [layout(c) for c in report.charts],
        "turns": [(turn, list(entries)) for turn, entries in
                  groupby(report.timeline, key=lambda e: (e.turn, e.turn_label))],
        "poete": POETE,
    }


def render(report: AfterActionReport, fmt: str) -> str:
    template = _environment().get_template("aar.html.j2" if fmt == "html" else "aar.md.j2")
    return template.render(**context(report))
