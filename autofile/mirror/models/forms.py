"""The paperwork of a job: ServiceTitan's `forms` module (forms, submissions, job attachments).

Submissions and attachments are read only for jobs that became packets. An attachment row
is its metadata; the file itself is fetched separately and kept through Django's storage API.
"""

from __future__ import annotations

from django.db import models

from autofile.mirror.models.base import MirrorRecord
from autofile.mirror.models.jpm import Job


class Form(MirrorRecord):
    name = models.CharField(max_length=300, blank=True)
    published = models.BooleanField(default=False)

    class Meta(MirrorRecord.Meta):
        ordering = ["name", "st_id"]

    def __str__(self) -> str:
        return self.name or f"Form {self.st_id}"


class FormSubmission(MirrorRecord):
    """A filled-in form. `job_st_id` is its owner of type Job, when it has one."""

    form_st_id = models.BigIntegerField(null=True)
    form = models.ForeignKey(
        Form, null=True, on_delete=models.SET_NULL, related_name="submissions", db_constraint=False
    )
    form_name = models.CharField(max_length=300, blank=True)
    job_st_id = models.BigIntegerField(null=True)
    job = models.ForeignKey(
        Job,
        null=True,
        on_delete=models.SET_NULL,
        related_name="form_submissions",
        db_constraint=False,
    )
    submitted_on = models.DateTimeField(null=True)
    status = models.CharField(max_length=20, blank=True)  # Started, Completed
    created_by_st_id = models.BigIntegerField(null=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["-submitted_on", "-st_id"]
        indexes = [
            models.Index(fields=["connection", "form_st_id"]),
            models.Index(fields=["connection", "job_st_id"]),
        ]

    def __str__(self) -> str:
        return self.form_name or f"Form submission {self.st_id}"


def job_attachment_path(instance: JobAttachment, filename: str) -> str:
    return (
        f"mirror/{instance.organization_id}/{instance.connection_id}/job-attachments/"
        f"{instance.st_id}/{filename}"
    )


class JobAttachment(MirrorRecord):
    """A file attached to a job (photos, permits, AHRI certificates).

    The sync writes the metadata; `file`, `size`, `text` (and a better `content_type`) are
    filled when the file is downloaded, so the sync leaves them alone (`file` has a database
    default because the sync's INSERT does not name it).
    """

    job_st_id = models.BigIntegerField(null=True)
    job = models.ForeignKey(
        Job, null=True, on_delete=models.SET_NULL, related_name="attachments", db_constraint=False
    )
    file_name = models.CharField(max_length=255, blank=True)
    created_on = models.DateTimeField(null=True)
    created_by_st_id = models.BigIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True)
    file = models.FileField(
        upload_to=job_attachment_path, max_length=500, blank=True, db_default=""
    )
    #: The words of a PDF attachment, read when the file is downloaded (an AHRI certificate
    #: names its reference number and models); empty for photos and unreadable files.
    text = models.TextField(blank=True, db_default="")

    class Meta(MirrorRecord.Meta):
        ordering = ["created_on", "st_id"]
        indexes = [models.Index(fields=["connection", "job_st_id"])]

    def __str__(self) -> str:
        return self.file_name or f"Attachment {self.st_id}"
