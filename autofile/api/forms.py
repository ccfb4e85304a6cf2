from __future__ import annotations

from typing import Any

from django import forms

from autofile.api.models import ApiToken
from autofile.core.forms import Form


class ApiTokenForm(Form):
    name = forms.CharField(
        max_length=100, label="Name", help_text="What will use it, e.g. “Filing robot”"
    )
    scope = forms.ChoiceField(
        choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ, label="Scope"
    )

    def clean_name(self) -> Any:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the token a name.")
        return name
