"""Small formatting filters of the QA workspace pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from autofile.review.forms import CONTACT_TYPE_LABELS

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value: Any) -> str:
    """12345.5 → "$12,345.50"; nothing → "—"."""
    number = _decimal(value)
    if number is None:
        return "—"
    sign = "-" if number < 0 else ""
    return f"{sign}${abs(number):,.2f}"


@register.filter
def qty(value: Any) -> str:
    """1.0000 → "1", 1.5000 → "1.5"."""
    number = _decimal(value)
    if number is None:
        return "—"
    text = f"{number.normalize():f}"
    return "0" if text in ("-0", "") else text


@register.filter
def phone(value: Any) -> str:
    """ "2145550134" → "(214) 555-0134"; anything else as it is."""
    text = str(value or "")
    if len(text) == 10 and text.isdigit():
        return f"({text[:3]}) {text[3:6]}-{text[6:]}"
    return text


@register.filter
def contact_value(contact: Any) -> str:
    """A contact's value as people read it (phone numbers formatted)."""
    kind = getattr(contact, "contact_type", "")
    value = getattr(contact, "value", "")
    return str(value) if kind == "Email" else phone(value)


@register.filter
def contact_label(kind: str) -> str:
    return CONTACT_TYPE_LABELS.get(kind, kind or "—")


@register.filter
def flag(record: Any, field: str) -> str:
    """ "flag-error" / "flag-warning" when a finding is about this field of the record."""
    flagged = getattr(record, "flagged", None) or {}
    severity = flagged.get(field)
    return f"flag-{severity}" if severity else ""


@register.filter
def dom(prefix: str, pk: Any) -> str:
    """ "item"|dom:12 → "item-12" (the DOM id of a record's element)."""
    return f"{prefix}-{pk}"


@register.filter
def poll_seconds(corrections: Any) -> int:
    """How often a page asks for delivery statuses: every 2 s while a worker is about to
    send something, every 10 s while only the next sync's confirmation is awaited."""
    queued = any(getattr(c, "delivery_status", "") == "queued" for c in corrections or ())
    return 2 if queued else 10
