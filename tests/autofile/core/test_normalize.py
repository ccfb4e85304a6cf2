from __future__ import annotations

import pytest

from autofile.core.normalize import normalize_email, normalize_phone


@pytest.mark.parametrize(
    ("written", "digits"),
    [
        ("(214) 555-0100", "2145550100"),
        ("214.555.0100", "2145550100"),
        ("+1 214 555 0100", "2145550100"),
        ("12145550100", "2145550100"),
        ("555-0100", None),
        ("(014) 555-0100", None),
        ("(214) 155-0100", None),
        ("", None),
    ],
)
def test_phone_numbers_become_ten_digits_or_none(written: str, digits: str | None) -> None:
    assert normalize_phone(written) == digits


def test_email_addresses_compare_trimmed_and_lower_case() -> None:
    assert normalize_email("  Pat.Doe@Example.COM ") == "pat.doe@example.com"
    assert normalize_email("") == ""
