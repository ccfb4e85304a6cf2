"""Form helpers shared by the apps' pages."""

from __future__ import annotations

import html
import re
from typing import Any, cast

import nh3
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: each message on the field it names, the
    rest (and an error naming no field) on top, so the form shows again with its input."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


# --- input every form refuses ---------------------------------------------------------

#: Characters no person types into a field: C0/C1 controls (tab and, in text areas, line
#: breaks excepted), DEL, bidirectional overrides, zero-width and byte-order marks. NUL also
#: breaks PostgreSQL; the rest garble what ServiceTitan shows.
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
LINE_BREAKS = re.compile("[\r\n]")
#: The longest value a text field accepts when it sets no max_length of its own: one line,
#: a text area (hidden fields, such as a drawn signature, are left to their form).
MAX_LINE_LENGTH = 1000
MAX_TEXT_LENGTH = 10_000
#: PostgreSQL's integer: the widest an IntegerField without bounds of its own accepts.
INTEGER_LIMIT = 2**31 - 1


def control_character_error(value: str, *, multiline: bool) -> str | None:
    """Why `value` is refused, or None."""
    if CONTROL_CHARACTERS.search(value):
        return "Remove the invisible control characters (pasted from another program?)."
    if not multiline and LINE_BREAKS.search(value):
        return "Keep this on one line."
    return None


class CleanInputMixin:
    """What every AutoFile form refuses, with a field error rather than a crash further on:
    control characters in any text, overlong text (MAX_LINE_LENGTH), integers outside
    PostgreSQL's range. Forms inherit it through `Form` / `ModelForm` below."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField):
                if field.max_value is None:
                    field.max_value = INTEGER_LIMIT
                    field.validators.append(MaxValueValidator(INTEGER_LIMIT))
                if field.min_value is None:
                    field.min_value = -INTEGER_LIMIT
                    field.validators.append(MinValueValidator(-INTEGER_LIMIT))

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        form = cast(forms.BaseForm, self)
        if form.is_bound and hasattr(form, "cleaned_data"):
            for name, problem in input_problems(form).items():
                if name not in form.errors:
                    form.add_error(name, problem)

    def refuse_unreadable_input(self) -> bool:
        """For views that hand the raw values to a service without `is_valid()`: put the
        control-character and length errors on the form; True when there were any."""
        form = cast(forms.BaseForm, self)
        problems = input_problems(form)
        for name, problem in problems.items():
            form.add_error(name, problem)
        return bool(problems)


def input_problems(form: forms.BaseForm) -> dict[str, str]:
    """{field name: why its submitted value is refused} for a bound form."""
    problems: dict[str, str] = {}
    if not form.is_bound:
        return problems
    for name, field in form.fields.items():
        if field.disabled:
            continue
        raw = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        values = raw if isinstance(raw, list | tuple) else [raw]
        multiline = isinstance(field.widget, forms.Textarea)
        longest = _longest(field)
        for value in values:
            if not isinstance(value, str):
                continue
            problem = control_character_error(value, multiline=multiline)
            if problem is None and longest is not None and len(value) > longest:
                problem = f"At most {longest} characters."
            if problem:
                problems[name] = problem
                break
    return problems


def _longest(field: forms.Field) -> int | None:
    if getattr(field, "max_length", None) or isinstance(field.widget, forms.HiddenInput):
        return None  # the field's own limit (its error), or the form's business
    return MAX_TEXT_LENGTH if isinstance(field.widget, forms.Textarea) else MAX_LINE_LENGTH


class Form(CleanInputMixin, forms.Form):
    """The base of AutoFile's forms (CleanInputMixin)."""


class ModelForm(CleanInputMixin, forms.ModelForm):
    """The base of AutoFile's model forms (CleanInputMixin)."""


def management_form_error(formset: Any) -> bool:
    """True when a bound formset's management form is missing or not numbers (Django then
    treats it as empty and puts the error in `non_form_errors()`)."""
    return bool(formset.is_bound and not formset.management_form.is_valid())


def safe_int(value: Any, default: int = 0, *, limit: int = 1000) -> int:
    """A number from a POST value that may be anything: `default` unless a plain integer
    in 0..limit."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return number if 0 <= number <= limit else default


def plain_text(value: str) -> str:
    """`value` without markup, for text that leaves AutoFile (ServiceTitan shows it to office
    staff and technicians): tags dropped (script and style with their content), entities
    read back, so "A&B <b>bold</b>" becomes "A&B bold" and "a < b" stays."""
    text = value
    for _ in range(3):  # "&lt;b&gt;" reads back as "<b>": clean until nothing changes
        cleaned = html.unescape(nh3.clean(text, tags=set()))
        if cleaned == text:
            break
        text = cleaned
    return text
