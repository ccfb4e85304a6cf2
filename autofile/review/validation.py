"""Reading and checking what a person typed into a correction form.

Services call these with the submitted values (strings from a form, or typed values from
code) and collect every problem before raising, so a form shows all of its errors at once,
each next to its field, with the input kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email

from autofile.core.normalize import normalize_phone

US_STATES = frozenset(
    (
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "PR",
        "VI",
        "GU",
        "AS",
        "MP",
    )
)
CONTACT_TYPES = ("Email", "Phone", "MobilePhone", "Fax")


class CorrectionInvalid(ValidationError):
    """A correction's input did not pass; `errors` maps each field (or "__all__") to messages.

    A Django ValidationError with a field dict, so a view can hand it to
    `form.add_error(None, exc)` and the messages land on their fields.
    """

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__({field: list(messages) for field, messages in errors.items()})

    @property
    def errors(self) -> dict[str, list[str]]:
        return self.message_dict


class Errors:
    """Collects messages per field; `raise_if_any` raises them together."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str | None, message: str) -> None:
        self.by_field.setdefault(field or NON_FIELD_ERRORS, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise CorrectionInvalid(self.by_field)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_text(
    data: Mapping[str, Any],
    field: str,
    errors: Errors,
    *,
    required: bool = False,
    max_length: int | None = None,
    label: str = "this field",
) -> str | None:
    """The stripped text, or None when absent (or blank and required: an error)."""
    if field not in data:
        return None
    value = data[field]
    if _blank(value):
        if required:
            errors.add(field, f"Enter {label}.")
            return None
        return ""
    text = str(value).strip()
    if max_length is not None and len(text) > max_length:
        errors.add(field, f"Use at most {max_length} characters (this has {len(text)}).")
        return None
    return text


def read_decimal(
    data: Mapping[str, Any],
    field: str,
    errors: Errors,
    *,
    places: int,
    digits: int = 12,
    required: bool = False,
    label: str = "a number",
) -> Decimal | None:
    """A non-negative number with at most `places` decimals that fits `digits` digits."""
    if field not in data or _blank(data[field]):
        if required:
            errors.add(field, f"Enter {label}.")
        return None
    raw = data[field]
    try:
        number = Decimal(str(raw).strip().replace(",", "").replace("$", ""))
    except (InvalidOperation, ValueError):
        errors.add(field, "Enter a number.")
        return None
    if not number.is_finite():
        errors.add(field, "Enter a number.")
        return None
    if number < 0:
        errors.add(field, "Must not be negative.")
        return None
    if number >= Decimal(10) ** (digits - places):
        errors.add(field, "This number is too large.")
        return None
    step = Decimal(1).scaleb(-places)
    if number != number.quantize(step):
        errors.add(field, f"Use at most {places} decimal places.")
        return None
    number = number.quantize(step)
    return number


def read_date(data: Mapping[str, Any], field: str, errors: Errors) -> dt.date | None | str:
    """A date (`YYYY-MM-DD` or a date object); "" when cleared; None when absent or wrong."""
    if field not in data:
        return None
    value = data[field]
    if _blank(value):
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(field, "Enter a date as YYYY-MM-DD.")
        return None


def read_contact(data: Mapping[str, Any], errors: Errors) -> tuple[str, str, str] | None:
    """(type, value, memo) of a customer contact, the value normalized for its type.

    E-mail must be a valid address; phone, mobile and fax a ten-digit North American number
    written any usual way, stored as digits.
    """
    kind = str(data.get("type") or "").strip()
    if kind not in CONTACT_TYPES:
        errors.add("type", "Choose e-mail, phone, mobile or fax.")
        return None
    raw_value = str(data.get("value") or "").strip()
    memo = str(data.get("memo") or "").strip()
    if len(memo) > 300:
        errors.add("memo", "Use at most 300 characters.")
    if not raw_value:
        errors.add("value", "Enter an e-mail address." if kind == "Email" else "Enter a number.")
        return None
    if kind == "Email":
        try:
            validate_email(raw_value)
        except ValidationError:
            errors.add("value", "Enter a valid e-mail address, like name@example.com.")
            return None
        if len(raw_value) > 254:
            errors.add("value", "Use at most 254 characters.")
            return None
        value = raw_value.lower()
    else:
        phone = normalize_phone(raw_value)
        if phone is None:
            errors.add("value", "Enter a 10-digit US phone number, like (214) 555-0134.")
            return None
        value = phone
    if errors:
        return None
    return kind, value, memo


def read_address(data: Mapping[str, Any], errors: Errors) -> dict[str, str] | None:
    """A US street address: street, city, state (two letters) and ZIP required."""
    street = read_text(data, "street", errors, required=True, max_length=300, label="the street")
    unit = read_text(data, "unit", errors, max_length=100) or ""
    city = read_text(data, "city", errors, required=True, max_length=100, label="the city")
    state = read_text(data, "state", errors, required=True, max_length=50, label="the state")
    zip_code = read_text(data, "zip", errors, required=True, max_length=20, label="the ZIP code")
    country = read_text(data, "country", errors, max_length=50) or "USA"
    for name in ("street", "city", "state", "zip"):
        if name not in data:
            errors.add(name, "This field is required.")
    if state:
        state = state.upper()
        if country in ("USA", "US", "United States") and state not in US_STATES:
            errors.add("state", "Enter a two-letter US state code, like TX.")
    if zip_code and country in ("USA", "US", "United States"):
        digits = zip_code.replace("-", "")
        if not digits.isdigit() or len(digits) not in (5, 9):
            errors.add("zip", "Enter a 5-digit ZIP code (or ZIP+4).")
        elif len(digits) == 9:
            zip_code = f"{digits[:5]}-{digits[5:]}"
    if errors:
        return None
    assert street is not None and city is not None and state is not None
    assert zip_code is not None
    return {
        "street": street,
        "unit": unit,
        "city": city,
        "state": state,
        "zip": zip_code,
        "country": country,
    }


def read_reason(reason: str, errors: Errors) -> str:
    reason = (reason or "").strip()
    if len(reason) > 1000:
        errors.add("reason", "Use at most 1000 characters.")
    return reason
