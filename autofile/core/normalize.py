"""How AutoFile compares what people and ServiceTitan write: one copy, used by every app.

Phone numbers become ten digits, e-mail addresses lower case. Names and addresses (for the
consistency checks) follow the same idea: a value is reduced to the form in which two ways of
writing the same thing are equal.
"""

from __future__ import annotations

import re

_NOT_DIGITS = re.compile(r"\D")


def normalize_phone(value: str) -> str | None:
    """Ten digits for a North American number written any usual way, else None.

    "(214) 555-0100", "214.555.0100", "+1 214 555 0100" → "2145550100" (how ServiceTitan
    stores numbers). Area and exchange codes cannot start with 0 or 1.
    """
    digits = _NOT_DIGITS.sub("", value or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return None
    return digits


def normalize_email(value: str) -> str:
    """An e-mail address as compared and stored: trimmed, lower case."""
    return (value or "").strip().lower()
