"""Form helpers shared by the apps' pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: each message on the field it names, the
    rest (and an error naming no field) on top, so the form shows again with its input."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)
