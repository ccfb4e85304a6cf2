"""Forms of the filing pages: they parse what people type; services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from autofile.core.forms import Form
from autofile.filing.models import DateFormat, SheetField
from autofile.packets.models import RebateProgram
from autofile.review.forms import PacketIdsField


class BatchCreateForm(Form):
    """The queue's selection, posted by the bulk bar's "Create submission batch"."""

    packet_ids = PacketIdsField()
    confirmation_number = forms.CharField(required=False, max_length=100)
    note = forms.CharField(required=False, max_length=1000)


class SheetColumnForm(Form):
    """One column of a bulk sheet: its header and what it holds."""

    header = forms.CharField(max_length=100, required=False)
    field = forms.ChoiceField(choices=[("", "—"), *SheetField.choices], required=False)
    unit = forms.IntegerField(min_value=1, max_value=20, required=False)
    value = forms.CharField(max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("header") and not data.get("field"):
            self.add_error("field", "Choose what the column holds.")
        if data.get("field") and not (data.get("header") or "").strip():
            self.add_error("header", "Give the column a header.")
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("header") and not data.get("field")


SheetColumnFormSet = forms.formset_factory(SheetColumnForm, extra=3, can_delete=True)


class SheetSettingsForm(Form):
    date_format = forms.ChoiceField(choices=DateFormat.choices, label="Dates as")


class ReconciliationUploadForm(Form):
    """The decisions file a program sent back, and optionally the program it is from."""

    file = forms.FileField(label="Decisions file (CSV or XLSX)")
    program = forms.ModelChoiceField(
        queryset=RebateProgram.objects.none(),
        required=False,
        empty_label="Any program",
        help_text="Rows match packets of this program only",
    )

    def __init__(self, *args: Any, programs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if programs is not None:
            self.fields["program"].queryset = programs  # type: ignore[attr-defined]
