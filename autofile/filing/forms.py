"""Forms of the filing pages: they parse what people type; services decide."""

from __future__ import annotations

from django import forms

from autofile.review.forms import PacketIdsField


class BatchCreateForm(forms.Form):
    """The queue's selection, posted by the bulk bar's "Create submission batch"."""

    packet_ids = PacketIdsField()
    confirmation_number = forms.CharField(required=False, max_length=100)
    note = forms.CharField(required=False, max_length=1000)
