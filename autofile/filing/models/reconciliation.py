"""Reconciliation: the decisions file a program sends back, and what each row did."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from autofile.core.models import OrganizationOwned


class ReconciliationImport(OrganizationOwned):
    """One decisions file (CSV or XLSX), previewed, then applied once."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        APPLIED = "applied", "Applied"
        MALFORMED = "malformed", "Malformed (cannot be applied)"

    program = models.ForeignKey(
        "packets.RebateProgram",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Rows match packets of this program only; empty: any program",
    )
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    #: Why the whole file cannot be read (no header row, not a spreadsheet, no key column).
    error = models.TextField(blank=True)
    #: Which column of the file each field was read from: {"job_number": "Project ID", ...}.
    columns = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


class ReconciliationRow(OrganizationOwned):
    """One row of the file: what it says, the packet it matched, what it would do (preview)
    and what it did (apply)."""

    class Outcome(models.TextChoices):
        WILL_CHANGE = "will_change", "Will change"
        CHANGED = "changed", "Changed"
        UNCHANGED = "unchanged", "Nothing to change"
        UNMATCHED = "unmatched", "No matching packet"
        ILLEGAL = "illegal", "Not a move the packet can make"
        INVALID = "invalid", "Row cannot be read"

    reconciliation = models.ForeignKey(
        ReconciliationImport, on_delete=models.CASCADE, related_name="rows"
    )
    line = models.PositiveIntegerField(help_text="Row number in the file (the header is row 1)")
    #: The row's values as read: packet_id, job_number, confirmation_number, decision,
    #: reason, approved_amount, paid_amount, paid_on (text, amounts as strings, ISO dates).
    values = models.JSONField(default=dict)
    packet = models.ForeignKey(
        "packets.Packet", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    #: The moves, as actions in order: ["approve", "pay"].
    actions = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["reconciliation", "line"]
        indexes = [models.Index(fields=["packet", "outcome"])]

    def __str__(self) -> str:
        return f"Row {self.line}: {self.get_outcome_display()}"
