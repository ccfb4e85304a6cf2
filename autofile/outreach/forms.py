"""Forms of outreach: they parse and show field errors; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from autofile.core.forms import Form
from autofile.core.normalize import normalize_phone
from autofile.outreach.models import ITEM_ORDER, Item
from autofile.outreach.selectors import Recipient, Suggestion
from autofile.review.services import UTILITY_ACCOUNT


class RequestForm(Form):
    """What to ask the homeowner for, and whom (one of the customer's addresses, or
    another one typed in)."""

    items = forms.MultipleChoiceField(
        choices=[(i, Item(i).label) for i in ITEM_ORDER],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one thing to ask for."},
    )
    recipient = forms.ChoiceField(required=False, label="Send to")
    other_email = forms.EmailField(required=False, label="Or another e-mail address")
    message = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note to the homeowner (optional)",
    )

    def __init__(
        self, *args: Any, recipients: list[Recipient], suggestions: list[Suggestion], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.recipients = recipients
        self.suggestions = suggestions
        recipient = self.fields["recipient"]
        items = self.fields["items"]
        assert isinstance(recipient, forms.ChoiceField) and isinstance(items, forms.ChoiceField)
        recipient.choices = [("", "—")] + [(r.email, f"{r.email} ({r.source})") for r in recipients]
        items.choices = [(s.item, s.label) for s in suggestions]
        if not self.is_bound:
            self.initial["items"] = [s.item for s in suggestions if s.ticked]
            if recipients:
                self.initial["recipient"] = recipients[0].email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("other_email") and not data.get("recipient"):
            raise ValidationError(
                "Choose an e-mail address of the customer or type one in."
                if self.recipients
                else "The customer has no e-mail address on record: type one in."
            )
        return data

    @property
    def email(self) -> str:
        return self.cleaned_data.get("other_email") or self.cleaned_data["recipient"]

    @property
    def recipient_name(self) -> str:
        for r in self.recipients:
            if r.email == self.email:
                return r.name
        return ""

    @property
    def requirements(self) -> dict[str, int]:
        return {s.item: s.requirement_id for s in self.suggestions if s.requirement_id}


class UtilityAccountForm(Form):
    account_number = forms.CharField(
        label="Utility account number",
        max_length=50,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "text", "autocapitalize": "characters"}
        ),
        help_text="On your electricity bill, usually near the top: 6 to 20 digits or letters.",
    )
    account_number_again = forms.CharField(
        label="Type it again",
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_account_number(self) -> str:
        value = " ".join(self.cleaned_data["account_number"].split())
        if not UTILITY_ACCOUNT.match(value) or sum(c.isdigit() for c in value) < 4:
            raise ValidationError(
                "That does not look like an account number: use the digits and letters as the "
                "bill prints them (dashes and spaces are fine)."
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, again = data.get("account_number"), data.get("account_number_again")
        if first and again is not None and " ".join(again.split()) != first:
            self.add_error("account_number_again", "The two numbers differ. Check both.")
        return data


class FileForm(Form):
    file = forms.FileField(
        label="Choose a file",
        error_messages={"required": "Choose a file first.", "empty": "The file is empty."},
    )


class ContactForm(Form):
    email = forms.EmailField(label="Your e-mail address", required=False)
    phone = forms.CharField(
        label="Your mobile phone number",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if value and normalize_phone(value) is None:
            raise ValidationError("Enter a 10-digit US phone number, e.g. 214 555 0100.")
        return normalize_phone(value) or "" if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("email") and not data.get("phone"):
            raise ValidationError("Enter your e-mail address or your phone number (or both).")
        return data


class SignatureForm(Form):
    typed_name = forms.CharField(
        label="Type your full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    drawing = forms.CharField(widget=forms.HiddenInput, required=False, max_length=3_000_000)
    consent = forms.BooleanField(
        label="I have read the form and sign it electronically.",
        error_messages={"required": "Tick the box to agree to sign electronically."},
    )

    def clean_typed_name(self) -> str:
        value = " ".join(self.cleaned_data["typed_name"].split())
        if len(value) < 2 or not any(c.isalpha() for c in value):
            raise ValidationError("Type your name as you would sign it.")
        return value


class IncomeForm(Form):
    household = forms.CharField(
        label="Household size (optional)",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    confirmed = forms.BooleanField(
        label=(
            "I confirm that my household's income verification, as given to the program, "
            "is true and current."
        ),
        error_messages={"required": "Tick the box to confirm."},
    )


class SettingsForm(Form):
    reminder_days = forms.CharField(
        label="Remind after (days, comma-separated)",
        max_length=100,
        help_text="An unanswered request is e-mailed again on these days after it was sent.",
    )
    link_days = forms.IntegerField(label="Links expire after (days)", min_value=1, max_value=365)
    show_filing_status = forms.BooleanField(
        required=False, label="Answered links show the homeowner how the filing goes"
    )

    def clean_reminder_days(self) -> list[int]:
        parts = [p.strip() for p in self.cleaned_data["reminder_days"].split(",") if p.strip()]
        try:
            days = sorted({int(p) for p in parts})
        except ValueError:
            raise ValidationError("Whole numbers of days, e.g. 3, 7, 14.") from None
        if any(d < 1 or d > 365 for d in days) or len(days) > 10:
            raise ValidationError("Between 1 and 365 days, at most 10 reminders.")
        return days
