"""Write `engine.export` tables as files: one CSV (or JSON list of records) per table.

CSV is what spreadsheets open (UTF-8 with a header row; empty cell for no value);
JSON lists of records are what `pandas.read_json(path)` reads as they are.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from engine.export import DECISION_COLUMNS, METRIC_COLUMNS, NOTE_COLUMNS, RATING_COLUMNS

COLUMNS = {"decisions": DECISION_COLUMNS, "ratings": RATING_COLUMNS, "metrics": METRIC_COLUMNS,
           "notes": NOTE_COLUMNS}

# A cell a spreadsheet would read as a formula (OWASP, "CSV Injection"): `=`, `+`, `-`,
# `@`, tab or carriage return first. Prefixed with `'`, it shows as the text it is.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A value as a CSV cell: numbers as they are, text never as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(data: dict[str, list[dict[str, Any]]], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in data.items():
        path = directory / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(COLUMNS[name]))
            writer.writeheader()
            writer.writerows({k: cell(v) for k, v in row.items()} for row in rows)
        written.append(path)
    return written


def write_json(data: dict[str, list[dict[str, Any]]], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in data.items():
        path = directory / f"{name}.json"
        path.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
