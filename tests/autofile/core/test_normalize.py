"""Phone numbers, e-mail addresses, names, addresses and model numbers compare after
normalising what people vary."""

from __future__ import annotations

import pytest

from autofile.core.normalize import (
    compare_values,
    marks,
    normalize_address,
    normalize_email,
    normalize_model,
    normalize_name,
    normalize_phone,
    normalize_street,
    normalize_zip,
)


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


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("123 Main St.", "123 main street"),
        ("123 North Main Street, Apt. #4", "123 N Main St Unit 4"),
        ("77 Elm Ave #12", "77 Elm Avenue, Suite 12"),
        ("9 SW Oak Blvd", "9 Southwest Oak Boulevard"),
        ("1200 Parkway Dr", "1200 Parkway Drive"),
        ("4 Second Ct", "4 2nd Court"),
    ],
)
def test_street_spellings_agree(one: str, other: str) -> None:
    assert normalize_street(one) == normalize_street(other)


def test_the_unit_may_sit_in_its_own_field() -> None:
    assert normalize_street("123 Main St", "Apt 4") == normalize_street("123 Main St Apt #4")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("123 Main St", "132 Main St"),
        ("123 Main St", "123 Main Ave"),
        ("123 Main St Apt 4", "123 Main St Apt 5"),
        ("123 N Main St", "123 S Main St"),
    ],
)
def test_different_streets_differ(one: str, other: str) -> None:
    assert normalize_street(one) != normalize_street(other)


def test_addresses_agree_across_state_names_zip4_and_saint() -> None:
    assert normalize_address(
        "500 W 5th Ave", "Suite 200", "Saint Paul", "Minnesota", "55101-1234"
    ) == normalize_address("500 West Fifth Avenue", "Ste. 200", "St. Paul", "MN", "55101")
    assert normalize_address("1 A St", "", "Austin", "TX", "78701") != normalize_address(
        "1 A St", "", "Austin", "TX", "78702"
    )
    assert normalize_zip("78701 1234") == "78701"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Smith, John", "John Smith"),
        ("Mr. John A. Smith", "john a smith"),
        ("José García", "Jose Garcia"),
        ("Robert Jones Junior", "Robert Jones Jr."),
        ("Acme Heating & Air, Incorporated", "ACME Heating and Air Inc"),
    ],
)
def test_name_spellings_agree(one: str, other: str) -> None:
    assert normalize_name(one) == normalize_name(other)


def test_a_missing_first_name_is_a_different_name() -> None:
    assert normalize_name("Smith") != normalize_name("John Smith")
    assert normalize_name("J. Smith") != normalize_name("John Smith")


def test_models_ignore_case_spaces_and_dashes_but_not_characters() -> None:
    assert normalize_model("sl25xpv-036-230") == normalize_model("SL25XPV 036 230")
    assert normalize_model("25VNA036A003") != normalize_model("25VNA036A008")


def test_marks_show_the_characters_that_differ() -> None:
    assert marks("25VNA036A008", "25VNA036A003") == [("25VNA036A00", False), ("8", True)]
    assert marks("123 Main St", "123 Main St") == [("123 Main St", False)]
    swapped = marks("12 Oak Ln", "21 Oak Ln")
    assert "".join(text for text, _ in swapped) == "12 Oak Ln"
    assert [text for text, differs in swapped if differs] and swapped[-1] == (" Oak Ln", False)
    assert marks("", "x") == []


def test_compare_values_marks_each_value_against_the_majority() -> None:
    values = compare_values(
        [
            ("Installed equipment", "25VNA036A003", "25VNA036A003"),
            ("Invoice item", "25VNA036A008", "25VNA036A008"),
            ("Form", "25vna036a003", "25VNA036A003"),
        ]
    )
    assert [v["source"] for v in values] == ["Installed equipment", "Invoice item", "Form"]
    assert values[1]["marks"] == [["25VNA036A00", False], ["8", True]]
    assert values[0]["marks"] == [["25VNA036A00", False], ["3", True]]
    # every value's marks put its text back together
    for value in values:
        assert "".join(text for text, _differs in value["marks"]) == value["value"]  # type: ignore[attr-defined]
