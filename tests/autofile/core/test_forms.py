"""What every form refuses (autofile/core/forms.py), with a field error."""

from __future__ import annotations

import pytest
from django import forms

from autofile.core.forms import Form, plain_text, safe_int


class Sample(Form):
    name = forms.CharField(required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea)
    count = forms.IntegerField(required=False)
    days = forms.IntegerField(required=False, max_value=30)


@pytest.mark.parametrize(
    "value",
    ["a\x00b", "bell\x07", "esc\x1b[31m", "del\x7f", "rtl\u202eexe", "zw\u200bsp", "bom\ufeff"],
)
def test_control_characters_are_a_field_error(value: str) -> None:
    form = Sample({"name": value, "notes": value})
    assert not form.is_valid()
    # NUL gets Django's own "Null characters are not allowed."; the rest ours.
    for name in ("name", "notes"):
        assert any(("control characters" in e or "Null" in e) for e in form.errors[name])


def test_line_breaks_only_in_text_areas() -> None:
    form = Sample({"name": "one\ntwo", "notes": "one\r\ntwo\tthree"})
    assert form.errors["name"] == ["Keep this on one line."]
    assert "notes" not in form.errors


def test_ordinary_unicode_passes() -> None:
    form = Sample({"name": "Zoë O'Brien \u2013 Café 🙂", "notes": "Línea 1\nLínea 2"})
    assert form.is_valid(), form.errors


def test_text_and_integers_are_bounded() -> None:
    form = Sample({"name": "z" * 10_000, "count": "12345678901234567890", "days": "31"})
    assert form.errors["name"] == ["At most 1000 characters."]
    assert "count" in form.errors
    assert "days" in form.errors
    assert Sample({"count": str(-(2**31) + 1)}).is_valid()


def test_plain_text_drops_markup_and_keeps_text() -> None:
    assert plain_text('A&B <b onmouseover="x">bold</b>') == "A&B bold"
    assert plain_text("a < b and c > d") == "a < b and c > d"
    assert plain_text("<script>alert(1)</script>Hi") == "Hi"
    assert plain_text("&lt;b&gt;x&lt;/b&gt;") == "x"


def test_safe_int() -> None:
    assert safe_int("3") == 3
    assert safe_int("x") == 0
    assert safe_int("99999999999999999999") == 0
    assert safe_int("-1", default=7) == 7
