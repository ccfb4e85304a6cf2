"""Writing a bulk sheet as CSV or XLSX from its columns and typed rows.

Dates follow the sheet's format (real dates in XLSX, shown in that format); amounts stay
numbers. Text a spreadsheet would run as a formula is written as text (a leading
apostrophe in CSV, an explicit string cell in XLSX). XLSX uses openpyxl's write-only mode,
which streams rows to the file instead of building the workbook in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from autofile.filing.models import DateFormat
from autofile.filing.selectors.sheets import Sheet, Value

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_PATTERNS: dict[str, str] = {DateFormat.ISO: "%Y-%m-%d", DateFormat.US: "%m/%d/%Y"}
XLSX_DATE_FORMATS: dict[str, str] = {DateFormat.ISO: "yyyy-mm-dd", DateFormat.US: "mm/dd/yyyy"}


def csv_cell(value: Value, date_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime(DATE_PATTERNS.get(date_format, "%Y-%m-%d"))
    if isinstance(value, Decimal | int):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def write_csv(sheet: Sheet, rows: Iterable[list[Value]], out: IO[str]) -> int:
    """Write the sheet to a text stream; the number of rows written."""
    writer = csv.writer(out)
    writer.writerow([csv_cell(h, sheet.date_format) for h in sheet.headers])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(v, sheet.date_format) for v in row])
        count += 1
    return count


def write_xlsx(sheet: Sheet, rows: Iterable[list[Value]], out: IO[bytes], title: str = "") -> int:
    """Write the sheet as an XLSX workbook to a binary stream; the number of rows written."""
    book = Workbook(write_only=True)
    ws: Any = book.create_sheet(title=(title or "Claims")[:31])
    date_style = XLSX_DATE_FORMATS.get(sheet.date_format, "yyyy-mm-dd")
    bold = Font(bold=True)
    header = []
    for text in sheet.headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = date_style
                cells.append(cell)
            elif isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # text, not a formula
                cells.append(cell)
            else:
                cells.append(value)
        ws.append(cells)
        count += 1
    book.save(out)
    return count
