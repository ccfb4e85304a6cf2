"""Forms of the QA workspace: the queue's filters, correction forms, status actions.

Correction forms only carry what a person typed: the correction services check every value
(formats, non-negative amounts, invoice totals) and raise `CorrectionInvalid` with messages
per field, which `autofile.core.forms.add_errors` puts on the form so it is shown again with
its input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from autofile.core.forms import Form, plain_text
from autofile.packets.models import IncomeTier, PacketStatus
from autofile.packets.transitions import MOVES
from autofile.review.validation import CONTACT_TYPES

# --- the queue ------------------------------------------------------------------------------------

#: ?status=: the open packets (default), every packet, or one status.
STATUS_OPEN = ""
STATUS_ALL = "all"
#: ?age=: how long ago the packet was imported (the days are in selectors.AGE_DAYS).
AGE_LABELS = {
    "week": "Up to 7 days",
    "month": "8 to 30 days",
    "quarter": "31 to 90 days",
    "older": "Over 90 days",
}
#: ?sort=: the column and its natural direction; "-" in front reverses it.
SORTS: dict[str, str] = {
    "age": "Age",
    "customer": "Customer",
    "job": "Job",
    "status": "Status",
    "errors": "Errors",
    "amount": "Amount",
}
DEFAULT_SORT = "-age"  # oldest first: the packets waiting longest


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _sort_choices() -> list[tuple[str, str]]:
    choices = []
    for key, label in SORTS.items():
        choices += [(key, f"{label} ↑"), (f"-{key}", f"{label} ↓")]
    return choices


class QueueFilterForm(Form):
    """The queue's state, read from the query string; anything unknown falls back to the
    default, so every URL (shared, bookmarked, hand-edited) shows a page."""

    q = forms.CharField(required=False, max_length=100, label="Search")
    status = forms.CharField(required=False)
    program = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    business_unit = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Business unit"
    )
    assignee = forms.ChoiceField(required=False)
    age = forms.ChoiceField(
        required=False,
        choices=[("", "Any age"), *AGE_LABELS.items()],
    )
    has_errors = forms.BooleanField(required=False, label="Has errors")
    kicked_back = forms.BooleanField(required=False, label="Kicked back")
    sort = forms.ChoiceField(required=False, choices=_sort_choices())
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        programs: Iterable[Any],
        business_units: Iterable[Any],
        assignees: Iterable[Any],
    ) -> None:
        super().__init__(data)
        _choices(self, "program", [("", "All programs")] + [(p.pk, p.name) for p in programs])
        _choices(
            self,
            "business_unit",
            [("", "All business units")] + [(b.pk, b.name) for b in business_units],
        )
        _choices(
            self,
            "assignee",
            [
                ("", "Anyone"),
                ("me", "Me"),
                ("none", "Unassigned"),
                *((str(u.pk), str(u)) for u in assignees),
            ],
        )

    def state(self) -> dict[str, Any]:
        """The cleaned filters; invalid values are dropped (treated as not given)."""
        self.is_valid()
        data = dict(getattr(self, "cleaned_data", {}))
        for name in self.errors:
            data[name] = None
        status = (self.data.get("status") or "").strip()
        valid_status = status in PacketStatus.values or status == STATUS_ALL
        data["status"] = status if valid_status else STATUS_OPEN
        data["q"] = (data.get("q") or "").strip()
        data["sort"] = data.get("sort") or DEFAULT_SORT
        data["page"] = data.get("page") or 1
        return data


# --- corrections ----------------------------------------------------------------------------------


class CorrectionForm(Form):
    """A correction's values, plus why it was made; the service validates them."""

    reason = forms.CharField(
        required=False,
        max_length=1000,
        label="Why (optional)",
        widget=forms.TextInput(attrs={"placeholder": "e.g. price from the signed estimate"}),
    )
    #: the fields whose value goes to the service only when given (blank = unchanged)
    optional_blank: tuple[str, ...] = ()

    def changes(self) -> dict[str, str]:
        """The submitted values for the service, as plain text: every field but `reason`; a
        field left blank that was blank before is not sent (the service would read blank as
        "clear it")."""
        values: dict[str, str] = {}
        for name in self.fields:
            if name == "reason":
                continue
            # What goes to ServiceTitan carries no markup (control characters are refused).
            value = plain_text(str(self.data.get(self.add_prefix(name), "") or "")).strip()
            before = str(self.initial.get(name) or "").strip()
            if not value and not before and name in self.optional_blank:
                continue
            values[name] = value
        return values

    @property
    def reason_text(self) -> str:
        return str(self.data.get(self.add_prefix("reason"), "") or "").strip()


def _decimal_input(step: str, placeholder: str = "") -> forms.TextInput:
    attrs = {"inputmode": "decimal", "autocomplete": "off", "data-step": step}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.TextInput(attrs=attrs)


class InvoiceItemForm(CorrectionForm):
    description = forms.CharField(required=False, widget=forms.TextInput())
    quantity = forms.CharField(required=False, widget=_decimal_input("any"))
    unit_price = forms.CharField(required=False, label="Unit price", widget=_decimal_input("0.01"))
    cost = forms.CharField(required=False, label="Unit cost", widget=_decimal_input("0.01"))
    sku = forms.CharField(
        required=False,
        label="SKU",
        widget=forms.TextInput(attrs={"placeholder": "pricebook code"}),
    )
    optional_blank: tuple[str, ...] = ("cost", "sku", "unit_price", "description")

    field_order = ["sku", "description", "quantity", "unit_price", "cost", "reason"]


class InvoiceItemAddForm(InvoiceItemForm):
    """A new item: the service requires description, quantity and a price (or a SKU's)."""

    optional_blank: tuple[str, ...] = ("cost", "sku", "unit_price")


class InvoiceForm(CorrectionForm):
    number = forms.CharField(required=False, label="Invoice number")
    invoiced_on = forms.CharField(
        required=False, label="Invoice date", widget=forms.DateInput(attrs={"type": "date"})
    )
    due_date = forms.CharField(
        required=False, label="Due date", widget=forms.DateInput(attrs={"type": "date"})
    )
    review_status = forms.ChoiceField(required=False, label="Review status")
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    optional_blank: tuple[str, ...] = ("invoiced_on", "due_date", "review_status", "summary")

    field_order = ["number", "invoiced_on", "due_date", "review_status", "summary", "reason"]

    def __init__(self, *args: Any, review_statuses: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = str(self.initial.get("review_status") or "")
        statuses = list(review_statuses)
        if current and current not in statuses:
            statuses.insert(0, current)
        _choices(self, "review_status", [("", "—")] + [(s, _spaced(s)) for s in statuses])


def _spaced(camel: str) -> str:
    """ "ReadyForBilling" → "Ready for billing"."""
    words: list[str] = []
    for char in camel:
        if char.isupper() and words:
            words.append(" ")
            char = char.lower()
        words.append(char)
    return "".join(words)


CONTACT_TYPE_LABELS = {"Email": "E-mail", "Phone": "Phone", "MobilePhone": "Mobile", "Fax": "Fax"}


class ContactForm(CorrectionForm):
    type = forms.ChoiceField(
        required=False,
        choices=[(t, CONTACT_TYPE_LABELS[t]) for t in CONTACT_TYPES],
        label="Type",
    )
    value = forms.CharField(required=False, label="E-mail or number")
    memo = forms.CharField(required=False, label="Memo")
    optional_blank: tuple[str, ...] = ("memo",)

    field_order = ["type", "value", "memo", "reason"]


class AddressForm(CorrectionForm):
    street = forms.CharField(required=False)
    unit = forms.CharField(required=False)
    city = forms.CharField(required=False)
    state = forms.CharField(required=False, widget=forms.TextInput(attrs={"size": 3}))
    zip = forms.CharField(required=False, label="ZIP")
    country = forms.CharField(required=False)

    field_order = ["street", "unit", "city", "state", "zip", "country", "reason"]


class UtilityAccountForm(CorrectionForm):
    number = forms.CharField(
        required=False,
        max_length=50,
        label="Utility account number",
        help_text="As printed on the customer's utility bill (ESI ID, account or premise number)",
    )

    field_order = ["number", "reason"]


class RemoveForm(CorrectionForm):
    """Removing a record takes only the reason."""


# --- packet status actions ------------------------------------------------------------------------


class PacketActionForm(Form):
    """One status action with the data it carries; which fields matter depends on it."""

    action = forms.CharField()
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirmation_number = forms.CharField(required=False, max_length=100)
    submitted_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    approved_amount = forms.DecimalField(
        required=False, min_value=0, max_digits=10, decimal_places=2
    )
    paid_amount = forms.DecimalField(required=False, min_value=0, max_digits=10, decimal_places=2)
    paid_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reason_code = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, reasons: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(
            self, "reason_code", [("", "Choose a reason")] + [(r.code, r.label) for r in reasons]
        )


class AssignForm(Form):
    assignee = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, assignees: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "assignee", [("", "Unassigned")] + [(u.pk, str(u)) for u in assignees])


# --- bulk actions in the queue --------------------------------------------------------------------

#: At most this many packets in one bulk action (the queue shows 50 a page).
BULK_MAX = 500
BULK_ACTIONS = {"assign": "Assign", "claim": "Claim", "status": "Move"}


def bulk_statuses() -> list[tuple[str, str]]:
    """The statuses a selection can be moved to: those some move reaches without data of
    its own (a confirmation number, an amount or a kickback reason is per packet)."""
    reachable = {move.to for move in MOVES.values() if not move.needs}
    return [(s.value, s.label) for s in PacketStatus if s.value in reachable]


class PacketIdsField(forms.Field):
    """The selected packets: one `packet_ids` value per checkbox."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Select at least one packet.",
        "invalid": "The selection holds something that is not a packet number.",
        "too_many": "Select at most %(max)s packets at a time.",
    }

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if not all(str(v).strip().isdigit() for v in values):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        ids = list(dict.fromkeys(int(v) for v in values))
        if len(ids) > BULK_MAX:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": BULK_MAX}
            )
        return ids


class BulkActionForm(Form):
    """A bulk action on the queue's selected rows and what it needs: the teammate (assign),
    the status and an optional note (move)."""

    packet_ids = PacketIdsField()
    action = forms.ChoiceField(choices=list(BULK_ACTIONS.items()))
    assignee = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(required=False)
    note = forms.CharField(required=False, max_length=1000)

    def __init__(self, *args: Any, assignees: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "assignee", [("", "Nobody")] + [(u.pk, str(u)) for u in assignees])
        _choices(self, "status", [("", "Choose a status"), *bulk_statuses()])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "status" and not data.get("status"):
            self.add_error("status", "Choose the status to move the packets to.")
        return data


class ExportForm(Form):
    packet_ids = PacketIdsField()


class PacketFactsForm(Form):
    """What the program needs to know that ServiceTitan does not hold."""

    income_tier = forms.ChoiceField(
        choices=[("", "Not known yet"), *IncomeTier.choices],
        required=False,
        label="Household income tier",
        help_text="Once the program has verified the household's income",
    )
    reservation_number = forms.CharField(
        max_length=100, required=False, label="Reservation / pre-approval number"
    )
    reservation_issued_on = forms.DateField(
        required=False, label="Issued on", widget=forms.DateInput(attrs={"type": "date"})
    )
    reservation_expires_on = forms.DateField(
        required=False, label="Expires on", widget=forms.DateInput(attrs={"type": "date"})
    )
