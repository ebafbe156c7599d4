"""Write `engine.export` tables as files: one CSV (or JSON list of records) per table.

CSV is what spreadsheets open (UTF-8 with a header row; empty cell for no value);
JSON lists of records are what `pandas.read_json(path)` reads as they are.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from engine.export import DECISION_COLUMNS, METRIC_COLUMNS, RATING_COLUMNS

COLUMNS = {"decisions": DECISION_COLUMNS, "ratings": RATING_COLUMNS, "metrics": METRIC_COLUMNS}


def write_csv(data: dict[str, list[dict[str, Any]]], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in data.items():
        path = directory / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(COLUMNS[name]))
            writer.writeheader()
            writer.writerows({k: ("" if v is None else v) for k, v in row.items()}
                             for row in rows)
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
