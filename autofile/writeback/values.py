"""The values a write touches, in one comparable form, whether read from a mirror row or from
what ServiceTitan answers.

A correction stores the fields it writes as the person saw them (`base_values`) and as written
(`new_values`); delivery reads the record from ServiceTitan and compares the same fields to
decide between "write", "already written" and "conflict"; the round trip compares the mirror
row the next sync stores. All three go through these functions, so a value means the same
thing wherever it came from: money is a string with cents ("9500.00"), quantities a plain
decimal ("2", "1.5"), dates ISO ("2024-06-27"), phone numbers ten digits, e-mail lower case.

Functions named `*_values` take mirror columns (a row, or a mapper's output for a raw
ServiceTitan record), so the mapping from ServiceTitan's JSON is written once, in mappers.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone

from autofile.core.normalize import normalize_email, normalize_phone
from autofile.mirror import mappers

Values = dict[str, Any]

INVOICE_FIELDS = ("summary", "number", "invoiced_on", "due_date", "review_status")
INVOICE_ITEM_FIELDS = ("description", "quantity", "unit_price", "cost", "sku_id")
CONTACT_FIELDS = ("type", "value", "memo")
ADDRESS_FIELDS = ("street", "unit", "city", "state", "zip", "country")
PHONE_TYPES = frozenset({"Phone", "MobilePhone", "Fax"})


def money_text(value: Decimal | int | str | None) -> str | None:
    number = mappers.money(value)
    return None if number is None else format(number, "f")


def quantity_text(value: Decimal | int | str | None) -> str | None:
    number = mappers.decimal(value)
    if number is None:
        return None
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def contact_value(kind: str, value: str) -> str:
    """A contact's value as stored and compared: phones as digits, e-mail lower case."""
    value = (value or "").strip()
    if kind in PHONE_TYPES:
        return normalize_phone(value) or value
    if kind == "Email":
        return normalize_email(value)
    return value


def _local_day(moment: dt.datetime | None) -> str | None:
    return None if moment is None else timezone.localtime(moment).date().isoformat()


def _utc_day(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(dt.UTC).date().isoformat()


def _get(columns: Any, name: str) -> Any:
    return columns.get(name) if isinstance(columns, Mapping) else getattr(columns, name)


def invoice_values(columns: Any) -> Values:
    return {
        "summary": _get(columns, "summary") or "",
        "number": _get(columns, "reference_number") or "",
        "invoiced_on": _local_day(_get(columns, "invoice_date")),
        "due_date": _utc_day(_get(columns, "due_date")),
        "review_status": _get(columns, "review_status") or "",
    }


def invoice_item_values(columns: Any) -> Values:
    return {
        "description": _get(columns, "description") or "",
        "quantity": quantity_text(_get(columns, "quantity")),
        "unit_price": money_text(_get(columns, "unit_price")),
        "cost": money_text(_get(columns, "cost")),
        "sku_id": _get(columns, "sku_st_id"),
    }


def contact_values(columns: Any) -> Values:
    kind = _get(columns, "contact_type") or ""
    return {
        "type": kind,
        "value": contact_value(kind, _get(columns, "value") or ""),
        "memo": _get(columns, "memo") or "",
    }


def address_values(columns: Any) -> Values:
    return {name: (_get(columns, name) or "").strip() for name in ADDRESS_FIELDS}


CUSTOM_FIELD_PREFIX = "custom_field:"


def custom_field_key(name: str) -> str:
    """The key a custom field's value has in write and snapshot values."""
    return f"{CUSTOM_FIELD_PREFIX}{name.strip().casefold()}"


def custom_field_values(raw: Any) -> Values:
    """A record's custom fields (`customFields: [{typeId, name, value}]`) by key."""
    fields = raw.get("customFields") if isinstance(raw, Mapping) else None
    values: Values = {}
    for entry in fields or ():
        if isinstance(entry, Mapping) and entry.get("name"):
            value = entry.get("value")
            values[custom_field_key(str(entry["name"]))] = (
                "" if value is None else str(value).strip()
            )
    return values


def location_values(row: Any) -> Values:
    """A location row's address and custom fields (what location corrections write)."""
    return {**address_values(row), **custom_field_values(getattr(row, "raw", None))}


def pick(values: Mapping[str, Any], fields: Iterable[str]) -> Values:
    return {name: values.get(name) for name in fields}


# --- from ServiceTitan's JSON --------------------------------------------------------------------


def invoice_raw_values(raw: Mapping[str, Any]) -> Values:
    return invoice_values(mappers.invoice(dict(raw)))


def invoice_item_raw_values(raw: Mapping[str, Any]) -> Values:
    return invoice_item_values(mappers.invoice_item(dict(raw)))


def contact_raw_values(raw: Mapping[str, Any]) -> Values:
    return contact_values(mappers.customer_contact(dict(raw)))


def customer_address_raw_values(raw: Mapping[str, Any]) -> Values:
    return address_values(mappers.customer(dict(raw)))


def location_address_raw_values(raw: Mapping[str, Any]) -> Values:
    return address_values(mappers.location(dict(raw)))
