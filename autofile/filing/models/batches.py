"""Submission batches: ready packets of one program handed to it together."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from autofile.core.models import OrganizationOwned


class SubmissionBatch(OrganizationOwned):
    """Packets of one program submitted together, under a reference such as "B-2026-0007"
    (numbered per organization and year)."""

    program = models.ForeignKey(
        "packets.RebateProgram", on_delete=models.PROTECT, related_name="submission_batches"
    )
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    reference = models.CharField(max_length=30)
    #: What the packets were submitted under: the program's own number for the upload when
    #: the reviewer gave one, else the batch reference.
    confirmation_number = models.CharField(max_length=100)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "submission batches"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "number"], name="one_batch_number_per_org_year"
            ),
            models.UniqueConstraint(
                fields=["organization", "reference"], name="unique_batch_reference"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class BatchPacket(OrganizationOwned):
    """One packet of a batch, in the order the batch lists them."""

    batch = models.ForeignKey(SubmissionBatch, on_delete=models.CASCADE, related_name="entries")
    packet = models.ForeignKey(
        "packets.Packet", on_delete=models.PROTECT, related_name="batch_entries"
    )
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "packet"], name="one_entry_per_batch_packet")
        ]
        indexes = [models.Index(fields=["packet"])]

    def __str__(self) -> str:
        return f"{self.batch} #{self.position}"
