"""What AutoFile files: the filing PDF built for each packet."""

from __future__ import annotations

from django.db import models

from autofile.core.models import OrganizationOwned


def filing_document_path(instance: FilingDocument, filename: str) -> str:
    return f"filing/{instance.organization_id}/{instance.packet_id}/{filename}"


class FilingDocument(OrganizationOwned):
    """A packet's filing-ready PDF: cover sheet, itemized invoice, equipment table, form
    answers, photos and the attached PDFs, built by a worker and stored through Django's
    default storage (MEDIA_ROOT, never under static paths).

    `inputs_hash` is a SHA-256 of everything the PDF shows; `checked_at` is when the inputs
    were last compared with it (at a build, or when a rebuild found nothing changed). The
    PDF is out of date while the packet, its program or the organization changed after
    `checked_at`; `requested_at` after `checked_at` means a rebuild is queued.
    """

    packet = models.OneToOneField(
        "packets.Packet", on_delete=models.CASCADE, related_name="filing_document"
    )
    file = models.FileField(upload_to=filing_document_path, max_length=500, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    inputs_hash = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    build_seconds = models.FloatField(null=True, blank=True)
    #: Files that could not be included as they are: [{"name", "problem"}].
    problems = models.JSONField(default=list, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "checked_at"])]

    def __str__(self) -> str:
        return f"Filing PDF of packet {self.packet_id}"

    @property
    def is_queued(self) -> bool:
        return self.requested_at is not None and (
            self.checked_at is None or self.requested_at > self.checked_at
        )
