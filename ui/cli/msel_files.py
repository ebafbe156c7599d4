"""MSEL spreadsheets on disk: .xlsx workbooks (openpyxl) and .csv files, read into
plain rows and written from them. Values are read, formulas never evaluated or
written; a file that is not a spreadsheet is a message, not a traceback."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine.msel import Sheet, Where

WIDTHS = {"Inject #": 18, "Turn": 6, "Turn label": 12, "From": 24, "To": 24, "Channel": 14,
          "Title": 36, "Text": 64, "Expected action": 48, "Objectives": 22,
          "Capabilities": 30, "Trigger": 32, "Follow-up of": 26, "Notes": 44,
          "id": 18, "name": 36, "role": 48, "title": 60, "capability": 36, "weight": 8}
_OLE = b"\xd0\xcf\x11\xe0"  # an encrypted .xlsx, or an old .xls, is an OLE container
# Text a spreadsheet would read as a formula gets a leading apostrophe (OWASP, "CSV
# Injection"), and so does text that already starts with one, so reading undoes it
# exactly: what was written is what comes back.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


class SheetError(Exception):
    """The file cannot be read as a spreadsheet; the message is for users."""


def is_csv(path: Path) -> bool:
    return path.suffix.lower() in (".csv", ".txt")


def where_for(path: Path) -> Where:
    if is_csv(path):
        return lambda sheet, row, col: f"{path}:{row}:{col}"

    def cell(sheet: str, row: int, col: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"{path}:{sheet}!{get_column_letter(col)}{row}"

    return cell


# ------------------------------------------------------------------ reading


def read_sheets(path: Path) -> tuple[list[Sheet], list[str]]:
    """The sheets of `path`, and problems found while reading cells (formulas with no
    computed value), already located."""
    try:
        head = path.open("rb").read(8)
    except OSError as exc:
        raise SheetError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if is_csv(path):
        return [_read_csv(path)], []
    if head.startswith(_OLE):
        raise SheetError(f"{path}: an encrypted workbook or an old .xls file: save it as "
                         ".xlsx without a password, or as .csv")
    if not head.startswith(b"PK"):
        raise SheetError(f"{path}: not a spreadsheet (expected an .xlsx workbook or a .csv "
                         "file)")
    return _read_xlsx(path)


def _read_csv(path: Path) -> Sheet:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(f"{path}: not UTF-8 text (byte {exc.start + 1}): save the CSV as "
                         "UTF-8") from None
    if "\x00" in text:
        raise SheetError(f"{path}: not a CSV file (it holds binary data)")
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)  # the header line says how cells are split
    try:
        rows = [[_unquote(c) if c != "" else None for c in row]
                for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise SheetError(f"{path}: not a CSV file ({exc})") from None
    return Sheet(path.stem, rows)


def _unquote(value: str) -> str:
    """Undo the apostrophe that keeps exported text from reading as a formula."""
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) \
        else value


def _quote(value: Any) -> Any:
    if value is None:
        return ""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) \
        else value


def _read_xlsx(path: Path) -> tuple[list[Sheet], list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        values = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise SheetError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    except Exception as exc:  # openpyxl's own errors for damaged parts
        raise SheetError(f"{path}: not a readable .xlsx workbook "
                         f"({type(exc).__name__}: {exc})") from None
    sheets, problems = [], []
    try:
        for name in values.sheetnames:
            rows: list[list[Any]] = []
            for value_row, formula_row in zip(values[name].iter_rows(),
                                              formulas[name].iter_rows(), strict=False):
                row: list[Any] = []
                for value_cell, formula_cell in zip(value_row, formula_row, strict=False):
                    value = getattr(value_cell, "value", None)
                    if getattr(formula_cell, "data_type", None) == "f" and value is None:
                        column = getattr(formula_cell, "column", len(row) + 1)
                        problems.append(f"{path}:{name}!{get_column_letter(column)}"
                                        f"{len(rows) + 1}: a formula with no computed "
                                        "value (never evaluated here): type the value instead")
                    row.append(value)
                rows.append(row)
            sheets.append(Sheet(name, rows))
    finally:
        values.close()
        formulas.close()
    if not sheets:
        raise SheetError(f"{path}: the workbook has no sheets")
    return sheets, problems


# ------------------------------------------------------------------ writing


def write_xlsx(path: Path, sheets: Sequence[tuple[str, list[list[Any]]]]) -> None:
    """Each sheet with a bold, frozen header row, wrapped text and sensible widths;
    text that starts with `=` stays text, never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    wrap = Alignment(wrap_text=True, vertical="top")
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # `=...` in a script is text, not a formula
                cell.alignment = wrap
                if r == 1:
                    cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for c, header in enumerate(rows[0], start=1):
            sheet.column_dimensions[get_column_letter(c)].width = WIDTHS.get(str(header), 20)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def write_csv(path: Path, rows: list[list[Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        for row in rows:
            writer.writerow([_quote(v) for v in row])
