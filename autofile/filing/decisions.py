"""Reading the decisions file a program sends back (CSV or XLSX), without the database.

Headers vary between programs ("Claim #", "Application Number", "Status", "Amount Paid"),
so each field is found by the header variants programs use. Each row becomes typed text
values or a row error saying what could not be read; a file that is not a spreadsheet,
has no header row, or names no packet at all is refused as a whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024

#: Field → the header variants that name it (compared lower-case, letters and digits only).
HEADERS: dict[str, tuple[str, ...]] = {
    "packet_id": ("packet id", "packet", "autofile id", "autofile packet", "packet number"),
    "job_number": (
        "job number",
        "job",
        "job no",
        "job id",
        "contractor project id",
        "project id",
        "project number",
        "contractor job number",
        "work order",
    ),
    "confirmation_number": (
        "confirmation number",
        "confirmation",
        "confirmation no",
        "claim number",
        "claim id",
        "claim",
        "application number",
        "application id",
        "application",
        "reference number",
        "rebate id",
    ),
    "decision": (
        "decision",
        "status",
        "claim status",
        "application status",
        "result",
        "outcome",
        "disposition",
    ),
    "reason": (
        "reason",
        "kickback reason",
        "reason code",
        "decline reason",
        "rejection reason",
        "denial reason",
        "comments",
        "comment",
        "notes",
        "note",
    ),
    "approved_amount": (
        "approved amount",
        "amount approved",
        "approved",
        "approved incentive",
        "incentive approved",
        "rebate amount approved",
    ),
    "paid_amount": (
        "paid amount",
        "amount paid",
        "payment amount",
        "paid",
        "incentive paid",
        "rebate paid",
    ),
    "paid_on": ("paid date", "payment date", "date paid", "paid on", "check date", "paid at"),
}
KEY_FIELDS = ("packet_id", "job_number", "confirmation_number")

APPROVED, PAID, REJECTED, KICKED_BACK = "approved", "paid", "rejected", "kicked_back"
DECISIONS: dict[str, str] = {
    **dict.fromkeys(("approved", "approve", "accepted", "complete", "completed"), APPROVED),
    **dict.fromkeys(("paid", "payment issued", "check issued", "paid in full"), PAID),
    **dict.fromkeys(
        ("rejected", "reject", "denied", "declined", "ineligible", "not approved"), REJECTED
    ),
    **dict.fromkeys(
        (
            "kicked back",
            "kickback",
            "kick back",
            "returned",
            "sent back",
            "pending user input",
            "needs information",
            "incomplete",
            "on hold",
            "resubmit",
        ),
        KICKED_BACK,
    ),
}
DECISION_LABELS = {
    APPROVED: "approved",
    PAID: "paid",
    REJECTED: "rejected",
    KICKED_BACK: "kicked back",
}
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%d-%b-%Y", "%b %d, %Y", "%Y/%m/%d")


class FileRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class DecisionRow:
    line: int
    values: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass
class DecisionFile:
    columns: dict[str, str]
    rows: list[DecisionRow]


def _norm(text: Any) -> str:
    text = str(text or "").lower().replace("#", " number ").replace("no.", "no ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _table(file_name: str, data: bytes) -> list[list[Any]]:
    if len(data) > MAX_BYTES:
        raise FileRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if data[:4] == b"PK\x03\x04" or file_name.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise FileRefused(f"The file cannot be read as an XLSX workbook ({error}).") from None
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise FileRefused("The workbook has no sheet.")
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    if b"\x00" in data[:4096]:
        raise FileRefused("The file is neither a CSV file nor an XLSX workbook.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:
        raise FileRefused(f"The file cannot be read as CSV ({error}).") from None


def _columns(header: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    names = [_norm(h) for h in header]
    for name, variants in HEADERS.items():
        for variant in variants:  # the most specific variant first
            if variant in names and names.index(variant) not in found.values():
                found[name] = names.index(variant)
                break
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def parse_amount(value: Any) -> Decimal:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        amount = Decimal(str(value))
    else:
        text = _text(value).replace("$", "").replace(",", "").replace(" ", "")
        negative = text.startswith("(") and text.endswith(")")
        try:
            amount = Decimal(text.strip("()"))
        except InvalidOperation:
            raise ValueError from None
        if negative:
            amount = -amount
    if not amount.is_finite() or amount < 0:
        raise ValueError
    return amount.quantize(Decimal("0.01"))


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError from None


def _row(line: int, cells: list[Any], columns: dict[str, int]) -> DecisionRow:
    row = DecisionRow(line=line)
    raw = {name: cells[i] if i < len(cells) else None for name, i in columns.items()}
    values = row.values
    for name in ("job_number", "confirmation_number", "reason"):
        if text := _text(raw.get(name)):
            values[name] = text[:300]
    packet = _text(raw.get("packet_id")).lstrip("#")
    if packet:
        if packet.isdigit():
            values["packet_id"] = packet
        else:
            row.errors.append(f"the packet id “{packet}” is not a number")
    labels = {"approved_amount": "approved amount", "paid_amount": "paid amount"}
    for name, label in labels.items():
        if _text(raw.get(name)) == "":
            continue
        try:
            values[name] = str(parse_amount(raw[name]))
        except ValueError:
            row.errors.append(f"the {label} “{_text(raw[name])}” is not an amount")
    if _text(raw.get("paid_on")):
        try:
            values["paid_on"] = parse_date(raw["paid_on"]).isoformat()
        except ValueError:
            row.errors.append(f"the payment date “{_text(raw['paid_on'])}” is not a date")
    decision_text = _text(raw.get("decision"))
    decision = DECISIONS.get(_norm(decision_text), "")
    if decision_text and not decision:
        row.errors.append(
            f"the decision “{decision_text}” is not approved, paid, rejected or kicked back"
        )
    elif not decision_text and "paid_amount" in values:
        decision = PAID
    elif not decision_text:
        row.errors.append("the row gives no decision")
    if decision:
        values["decision"] = decision
    if decision in (APPROVED, PAID) and not (
        "approved_amount" in values or "paid_amount" in values
    ):
        row.errors.append("an approval needs the approved amount")
    if decision == PAID and "paid_amount" not in values:
        row.errors.append("a payment needs the amount paid")
    if decision == KICKED_BACK and "reason" not in values:
        row.errors.append("a kickback needs its reason")
    if not any(values.get(k) for k in KEY_FIELDS) and not any("packet id" in e for e in row.errors):
        row.errors.append("the row names no packet (no packet id, job or confirmation number)")
    return row


def read_decisions(file_name: str, data: bytes) -> DecisionFile:
    """The file's rows as typed values, or FileRefused when the file as a whole cannot be
    read. Blank rows are skipped; line numbers count the header as row 1."""
    table = _table(file_name, data)
    start = next((i for i, r in enumerate(table) if any(_text(c) for c in r)), None)
    if start is None:
        raise FileRefused("The file is empty.")
    header = table[start]
    columns = _columns(header)
    if not any(k in columns for k in KEY_FIELDS):
        raise FileRefused(
            "No column names the packet: the header row needs a packet id, job number or "
            "confirmation number column (found: "
            + ", ".join(_text(h) for h in header if _text(h))
            + ")."
        )
    if "decision" not in columns and "paid_amount" not in columns:
        raise FileRefused("No column gives the decision (approved, rejected, kicked back).")
    rows: list[DecisionRow] = []
    for offset, cells in enumerate(table[start + 1 :], start + 2):
        if not any(_text(c) for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise FileRefused(f"The file has more than {MAX_ROWS} rows; split it.")
        rows.append(_row(offset, list(cells), columns))
    if not rows:
        raise FileRefused("The file has a header row but no rows.")
    return DecisionFile(columns={k: _text(header[i]) for k, i in columns.items()}, rows=rows)
