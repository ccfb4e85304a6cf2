"""Forms: form definitions, submissions, and job attachments (photos, documents)."""

from __future__ import annotations

from collections.abc import Iterator

from integrations.servicetitan.endpoints import (
    ACTIVE,
    CREATED,
    IDS,
    MODIFIED,
    PAGED,
    SORT,
    QueryValue,
    define,
)
from integrations.servicetitan.models.forms import Form, FormSubmission, JobAttachmentUpload
from integrations.servicetitan.models.undocumented import JobAttachment
from integrations.servicetitan.paging import Page
from integrations.servicetitan.session import FileContent

from .base import Listable, Resource

__all__ = ["FormSubmissions", "Forms", "JobAttachments"]

FORMS_LIST = define(
    "forms.list",
    "forms",
    "GET",
    "/forms",
    "Form_GetForms",
    query=(
        *PAGED,
        *IDS,
        *ACTIVE,
        *CREATED,
        *MODIFIED,
        *SORT,
        "hasConditionalLogic",
        "hasTriggers",
        "name",
        "status",
    ),
)
SUBMISSIONS_LIST = define(
    "form_submissions.list",
    "forms",
    "GET",
    "/submissions",
    "FormSubmission_GetFormSubmissions",
    query=(
        *PAGED,
        *ACTIVE,
        *SORT,
        "formIds",
        "createdById",
        "status",
        "submittedOnOrAfter",
        "submittedBefore",
        "ownerType",
        "owners",
    ),
)
JOB_ATTACHMENTS_LIST = define(
    "job_attachments.list",
    "forms",
    "GET",
    "/jobs/{jobId}/attachments",
    "Jobs_GetJobAttachments",
    query=(*PAGED, *CREATED, *SORT),
)
JOB_ATTACHMENTS_DOWNLOAD = define(
    "job_attachments.download", "forms", "GET", "/jobs/attachment/{id}", "Jobs_Get"
)
JOB_ATTACHMENTS_UPLOAD = define(
    "job_attachments.upload", "forms", "POST", "/jobs/{id}/attachments", "Jobs_CreateAttachment"
)


class Forms(Listable[Form]):
    """``client.forms``: form definitions (no export feed; sync by ``modifiedOnOrAfter``)."""

    model = Form
    list_endpoint = FORMS_LIST


class FormSubmissions(Listable[FormSubmission]):
    """``client.form_submissions``: incremental by ``submitted_on_or_after`` (UTC ``Z``)."""

    model = FormSubmission
    list_endpoint = SUBMISSIONS_LIST


class JobAttachments(Resource):
    """``client.job_attachments``: files on a job (list, download bytes, upload)."""

    def list(
        self, job_id: int, *, page: int = 1, page_size: int = 50, **filters: QueryValue
    ) -> Page[JobAttachment]:
        return self._page(
            JOB_ATTACHMENTS_LIST,
            JobAttachment,
            path={"jobId": job_id},
            page=page,
            page_size=page_size,
            filters=filters,
        )

    def iter_all(self, job_id: int, **filters: QueryValue) -> Iterator[JobAttachment]:
        for page in self._pages(
            JOB_ATTACHMENTS_LIST, JobAttachment, path={"jobId": job_id}, filters=filters
        ):
            yield from page.items

    def download(self, attachment_id: int) -> bytes:
        """The attachment's bytes (a redirect to storage is followed)."""
        return self._download(JOB_ATTACHMENTS_DOWNLOAD, path={"id": attachment_id})

    def upload(
        self,
        job_id: int,
        content: FileContent,
        *,
        filename: str,
        content_type: str = "application/octet-stream",
    ) -> str:
        """Attach a file (multipart field ``file``); returns the stored file name."""
        payload = self._request(
            JOB_ATTACHMENTS_UPLOAD,
            path={"id": job_id},
            files={"file": (filename, content, content_type)},
        )
        return str(JobAttachmentUpload.from_raw(payload).file_name or "")
