from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from autofile.accounts.models import Organization, User
from autofile.core import queues
from autofile.mirror import hooks
from autofile.mirror.client import client_for
from autofile.mirror.models import Connection, Job, JobAttachment, SyncRequest, SyncState
from autofile.mirror.registry import RESOURCES, TENANT_WIDE
from autofile.mirror.sync import AfterPage, Outcome, sync_for_jobs, sync_resource
from integrations.servicetitan import ServiceTitanClient, ServiceTitanError

logger = logging.getLogger(__name__)

ENVIRONMENT_NAMES = {choice.value for choice in Connection.Environment}


@transaction.atomic
def connection_upsert(
    *,
    organization: Organization,
    tenant_id: int,
    client_id: str,
    client_secret: str,
    app_key: str,
    environment: str = Connection.Environment.PRODUCTION,
    base_url: str = "",
    auth_url: str = "",
    name: str = "ServiceTitan",
) -> Connection:
    """Create the organization's connection to a tenant, or update its credentials."""
    if base_url and environment != Connection.Environment.CUSTOM:
        raise ValueError("a base URL goes with the custom environment")
    if environment == Connection.Environment.CUSTOM and not base_url:
        raise ValueError("the custom environment needs a base URL")
    connection, _ = Connection.objects.update_or_create(
        organization=organization,
        environment=environment,
        tenant_id=tenant_id,
        defaults={
            "name": name,
            "base_url": base_url.rstrip("/"),
            "auth_url": auth_url,
            "client_id": client_id,
            "client_secret": client_secret,
            "app_key": app_key,
            "is_active": True,
        },
    )
    return connection


def connection_sync(
    *,
    connection_id: int,
    resources: list[str] | None = None,
    full: bool = False,
    full_key: str = "",
    progress: Callable[[str], Callable[[int], None]] | None = None,
    should_pause: Callable[[], bool] | None = None,
    resume: tuple[str, int] | None = None,
) -> dict[str, Outcome]:
    """Sync the connection's resources (all, or the named ones) in dependency order.

    `full` reads them again from the beginning; with a `full_key` (the task's id) a
    redelivered task resumes the full resync it was doing instead of starting over.

    `should_pause` is asked after each page that leaves more to read; when it says so, the
    sync stops there and its last outcome is `paused`: a continuation passes the resources
    from that one on, and `resume` (its lease owner and run) for the first of them.

    Each page that changed rows is announced to the reactions higher apps registered
    (`hooks`) in the page's transaction: a tagged job becomes a packet exactly once,
    whatever runs twice.
    """
    connection = Connection.objects.get(pk=connection_id, is_active=True)
    wanted = set(resources) if resources else None
    outcomes: dict[str, Outcome] = {}
    failed: dict[str, str] = {}
    with client_for(connection) as client:
        for resource in TENANT_WIDE:
            if wanted is not None and resource.name not in wanted:
                continue
            try:
                outcomes[resource.name] = sync_resource(
                    connection=connection,
                    resource=resource,
                    client=client,
                    full=full,
                    full_key=full_key,
                    after_page=_after_page(resource.name),
                    progress=progress(resource.name) if progress else None,
                    should_pause=should_pause,
                    resume=resume,
                )
            except ServiceTitanError as error:
                # Recorded on the run and the sync state; the other resources go on, and the
                # next beat tick tries this one again.
                failed[resource.name] = " ".join(f"{type(error).__name__}: {error}".split())
            resume = None  # only ever for the first resource
            if outcomes.get(resource.name) and outcomes[resource.name].paused:
                break
    if failed:
        raise SyncFailed(
            f"sync of {', '.join(failed)} failed for connection {connection.pk}",
            outcomes=outcomes,
            failed=failed,
        )
    return outcomes


class SyncFailed(RuntimeError):
    """Some resources could not be read; each run records why.

    `failed` holds one line per failed resource, `outcomes` what the others did."""

    def __init__(
        self, message: str, *, outcomes: dict[str, Outcome], failed: dict[str, str]
    ) -> None:
        super().__init__(message)
        self.outcomes = outcomes
        self.failed = failed


def _after_page(resource: str) -> AfterPage | None:
    """What the sync calls after each page of `resource` that changed rows: the reactions
    higher apps registered (`autofile/mirror/hooks.py`), if any follows the resource."""
    if not hooks.followed(resource):
        return None

    def after_page(connection: Connection, ids: list[int]) -> None:
        hooks.page_synced(connection, resource, ids)

    return after_page


def sync_due(*, now: dt.datetime | None = None) -> dict[int, list[str]]:
    """Per active connection, the resources whose cadence says an incremental sync is due,
    and those whose last sync failed (the next tick tries them again)."""
    now = now or timezone.now()
    states = {
        (state.connection_id, state.resource): state
        for state in SyncState.objects.filter(connection__is_active=True)
    }
    due: dict[int, list[str]] = {}
    for connection_id in Connection.objects.filter(is_active=True).values_list("pk", flat=True):
        for resource in TENANT_WIDE:
            state = states.get((connection_id, resource.name))
            leased = state is not None and state.lease_expires_at and state.lease_expires_at > now
            last = state.last_started_at if state else None
            failed = state is not None and bool(state.last_error)  # tried again at once
            if not leased and (last is None or failed or now - last >= resource.cadence):
                due.setdefault(connection_id, []).append(resource.name)
    return due


def packet_documents_fetch(*, connection_id: int, job_ids: list[int]) -> None:
    """Mirror the form submissions and attachments of these jobs, and download the files.

    Only jobs that became packets need them, so the tenant-wide sync skips them.
    """
    connection = Connection.objects.get(pk=connection_id, is_active=True)
    job_st_ids = list(
        Job.objects.filter(connection=connection, pk__in=job_ids).values_list("st_id", flat=True)
    )
    if not job_st_ids:
        return
    with client_for(connection) as client:
        for resource in RESOURCES:
            if not resource.tenant_wide:
                sync_for_jobs(
                    connection=connection,
                    resource=resource,
                    client=client,
                    job_st_ids=job_st_ids,
                    after_page=_after_page(resource.name),
                )
        pending = JobAttachment.objects.filter(
            connection=connection, job_st_id__in=job_st_ids, file=""
        )
        downloaded = []
        for attachment in pending:
            attachment_download(attachment=attachment, client=client)
            downloaded.append(attachment.pk)
    # A file's type, known once downloaded, can decide whether it counts as a photo.
    with transaction.atomic():
        hooks.page_synced(connection, "job-attachments", downloaded)
        hooks.documents_fetched(connection, sorted(job_ids))


def attachment_download(*, attachment: JobAttachment, client: ServiceTitanClient) -> None:
    """Store an attachment's file through Django's storage, with its size and type."""
    response = client.request(
        "GET", f"/jobs/attachment/{attachment.st_id}", module="forms", response="response"
    )
    content_type = response.headers.get("content-type", "").split(";")[0].strip()
    name = attachment.file_name or f"attachment-{attachment.st_id}"
    attachment.file.save(name, ContentFile(response.content), save=False)
    attachment.size = len(response.content)
    attachment.content_type = content_type or attachment.content_type
    attachment.text = pdf_text(response.content) if _is_pdf(name, content_type) else ""
    attachment.save(update_fields=["file", "size", "content_type", "text"])


def _is_pdf(name: str, content_type: str) -> bool:
    return content_type == "application/pdf" or name.casefold().endswith(".pdf")


#: Pages and characters of a PDF's text kept (a certificate says what matters on page one).
PDF_TEXT_PAGES = 3
PDF_TEXT_CHARS = 20_000


def pdf_text(data: bytes) -> str:
    """The text of a PDF's first pages, or "" when it has none or cannot be read (a scan,
    a damaged file): the file itself is kept either way."""
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = reader.pages[:PDF_TEXT_PAGES]
        text = "\n".join(page.extract_text() or "" for page in pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        logger.warning("unreadable PDF attachment", exc_info=True)
        return ""
    return text.replace("\x00", "")[:PDF_TEXT_CHARS]


def connection_sync_request(
    *,
    connection: Connection,
    resource: str | None = None,
    full: bool = False,
    queue: str = queues.INTERACTIVE,
    requested_by: User | None = None,
) -> SyncRequest:
    """Queue a sync of the connection, of every resource or of one, once the current
    transaction commits; `full` resyncs from the beginning instead of from the cursors.

    A person's request goes to the interactive queue (it starts at once, whatever bulk
    work waits); set-up and schedules queue theirs with the bulk syncs. The returned
    request says queued, running, done, with counts, as the worker goes.
    Per-job resources are not synced on their own: they follow the jobs of packets.
    """
    from autofile.mirror.tasks import sync_connection  # tasks import this module

    if resource is not None and resource not in SYNCABLE:
        raise ValueError(f"{resource!r} is not a resource AutoFile syncs on its own")
    if not connection.is_active:
        raise ValueError("the connection is switched off")
    resources = [resource] if resource else None
    request = SyncRequest.objects.create(
        organization_id=connection.organization_id,
        connection=connection,
        requested_by=requested_by,
        resource=resource or "",
        full=full,
        resources_total=1 if resource else len(TENANT_WIDE),
    )
    connection_id, request_id = connection.pk, request.pk
    transaction.on_commit(
        lambda: sync_connection.apply_async(
            (connection_id, resources, full), {"request_id": request_id}, queue=queue
        )
    )
    return request


def sync_request_started(*, request_id: int) -> None:
    SyncRequest.objects.filter(pk=request_id, status=SyncRequest.Status.QUEUED).update(
        status=SyncRequest.Status.RUNNING, started_at=timezone.now()
    )


def sync_request_counter(*, request_id: int) -> Callable[[str], Callable[[int], None]]:
    """A `progress` for `connection_sync` that counts each stored page on the request."""

    def resource(name: str) -> Callable[[int], None]:
        def page(rows: int) -> None:
            SyncRequest.objects.filter(pk=request_id).update(
                pages=F("pages") + 1, rows=F("rows") + rows
            )

        return page

    return resource


def sync_request_slice_done(
    *, request_id: int, outcomes: dict[str, Outcome], failed: dict[str, str], paused: bool
) -> None:
    """Count the resources a slice finished; the last slice ends the request."""
    finished = sum(1 for outcome in outcomes.values() if not outcome.paused) + len(failed)
    changes: dict[str, Any] = {"resources_done": F("resources_done") + finished}
    if failed:
        lines = "\n".join(f"{name}: {line}" for name, line in failed.items())
        changes["errors"] = Concat(F("errors"), Value(lines + "\n"))
    if not paused:
        request = SyncRequest.objects.filter(pk=request_id).only("errors").first()
        errors = bool(failed) or bool(request and request.errors)
        changes["status"] = SyncRequest.Status.FAILED if errors else SyncRequest.Status.DONE
        changes["finished_at"] = timezone.now()
    SyncRequest.objects.filter(pk=request_id).update(**changes)


SYNCABLE = frozenset(r.name for r in TENANT_WIDE)
