"""The sync engine: read a resource page by page, upsert it, advance the cursor.

Each page commits in one transaction with the cursor that follows it, so a worker killed
at any moment resumes from the last committed page: rows are neither lost nor doubled
(upserts are keyed by (connection, ServiceTitan id) and never move a row back in time).
One sync per (connection, resource) runs at a time, under a lease that expires if its
worker dies; the lease is renewed with every page.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection as db
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from autofile.mirror import mappers
from autofile.mirror.models import (
    Connection,
    QuarantinedRecord,
    SyncRun,
    SyncState,
)
from autofile.mirror.readers import read_job_rows, read_pages
from autofile.mirror.registry import Page, Resource, links_into
from autofile.mirror.upsert import upsert

logger = logging.getLogger(__name__)

LEASE_SECONDS = 120


AfterPage = Callable[[Connection, list[int]], None]


@dataclass
class Outcome:
    run: SyncRun | None
    changed_ids: list[int] = field(default_factory=list)

    @property
    def skipped(self) -> bool:
        """Another worker holds the lease: this sync did nothing."""
        return self.run is None


def _lease_acquire(state: SyncState, owner: str) -> bool:
    now = timezone.now()
    taken = SyncState.objects.filter(
        Q(lease_owner="") | Q(lease_expires_at__lt=now) | Q(lease_owner=owner), pk=state.pk
    ).update(
        lease_owner=owner,
        lease_expires_at=now + dt.timedelta(seconds=LEASE_SECONDS),
        last_started_at=now,
    )
    return taken == 1


def _lease_release(state: SyncState, owner: str, error: str) -> None:
    SyncState.objects.filter(pk=state.pk, lease_owner=owner).update(
        lease_owner="", lease_expires_at=None, last_finished_at=timezone.now(), last_error=error
    )


class LeaseLost(RuntimeError):
    """Another worker took the lease (ours expired); this one must stop writing."""


def _latest_per_id(mapped: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Export pages may repeat a record; keep the newest copy of each id."""
    newest: dict[int, dict[str, Any]] = {}
    for row in mapped:
        seen = newest.get(row["st_id"])
        if seen is None or (row["st_modified_on"] or dt.datetime.min.replace(tzinfo=dt.UTC)) >= (
            seen["st_modified_on"] or dt.datetime.min.replace(tzinfo=dt.UTC)
        ):
            newest[row["st_id"]] = row
    return list(newest.values())


def _link_referrers(resource: Resource, ids: list[int]) -> None:
    """Point rows that reference the new rows (and arrived before them) at them."""
    table = resource.model._meta.db_table
    with db.cursor() as cursor:
        for source, link in links_into(resource.model):
            cursor.execute(
                f'UPDATE "{source._meta.db_table}" AS r SET "{link.fk_column}" = t."id" '  # noqa: S608
                f'FROM "{table}" AS t WHERE t."id" = ANY(%s) AND r."{link.fk_column}" IS NULL '
                f'AND r."connection_id" = t."connection_id" AND r."{link.st_column}" = t."st_id"',
                [ids],
            )


def sync_resource(
    *,
    connection: Connection,
    resource: Resource,
    client: Any,
    full: bool = False,
    after_page: AfterPage | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Mirror one resource of one connection, resuming from its stored cursor."""
    state, _ = SyncState.objects.get_or_create(
        connection=connection,
        resource=resource.name,
        defaults={"organization_id": connection.organization_id},
    )
    owner = uuid.uuid4().hex
    if not _lease_acquire(state, owner):
        logger.info("sync of %s for connection %s is already running", resource.name, connection.pk)
        return Outcome(run=None)
    state.refresh_from_db()
    run = SyncRun.objects.create(
        organization_id=connection.organization_id,
        connection=connection,
        resource=resource.name,
        full=full,
    )
    outcome = Outcome(run=run)
    error = ""
    try:
        cursor = None if full else (state.cursor or None)
        for page in read_pages(client, resource, cursor):
            outcome.changed_ids.extend(
                _commit_page(connection, resource, state, run, owner, page, after_page)
            )
            if progress is not None:
                progress(len(page.rows))
        run.status = SyncRun.Status.SUCCEEDED
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        run.status = SyncRun.Status.FAILED
        run.error = error
        logger.exception("sync of %s for connection %s failed", resource.name, connection.pk)
        raise
    finally:
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        _lease_release(state, owner, error)
    return outcome


def _store(connection: Connection, resource: Resource, run: SyncRun, rows: list[Any]) -> list[int]:
    """Map, upsert and link `rows`, quarantining what cannot be mapped; count them on the run.

    Runs inside the caller's transaction; returns the ids of rows inserted or changed.
    """
    now = timezone.now()
    mapped: list[dict[str, Any]] = []
    bad: list[QuarantinedRecord] = []
    for raw in rows:
        try:
            columns = resource.mapper(raw)
        except mappers.MappingError as exc:
            bad.append(
                QuarantinedRecord(
                    organization_id=connection.organization_id,
                    connection=connection,
                    run=run,
                    resource=resource.name,
                    st_id=str(raw.get("id", ""))[:64] if isinstance(raw, dict) else "",
                    reason=str(exc),
                    payload=raw,
                )
            )
            continue
        columns.update(
            organization_id=connection.organization_id,
            connection_id=connection.pk,
            raw=raw,
            synced_at=now,
        )
        mapped.append(columns)
    changed = upsert(resource.model, _latest_per_id(mapped), resource.links)
    if changed:
        _link_referrers(resource, changed)
    if bad:
        QuarantinedRecord.objects.bulk_create(bad)
    SyncRun.objects.filter(pk=run.pk).update(
        pages=F("pages") + 1, rows=F("rows") + len(rows), quarantined=F("quarantined") + len(bad)
    )
    return changed


def _commit_page(
    connection: Connection,
    resource: Resource,
    state: SyncState,
    run: SyncRun,
    owner: str,
    page: Page,
    after_page: AfterPage | None,
) -> list[int]:
    """Store a page and advance the cursor past it, in one transaction."""
    with transaction.atomic():
        changed = _store(connection, resource, run, page.rows)
        renewed = SyncState.objects.filter(pk=state.pk, lease_owner=owner).update(
            cursor=page.cursor,
            lease_expires_at=timezone.now() + dt.timedelta(seconds=LEASE_SECONDS),
        )
        if renewed != 1:
            raise LeaseLost(f"lost the lease on {resource.name} for connection {connection.pk}")
        if after_page is not None and changed:
            after_page(connection, changed)
    return changed


def sync_for_jobs(
    *, connection: Connection, resource: Resource, client: Any, job_st_ids: list[int]
) -> SyncRun:
    """Mirror a per-job resource (attachments, form submissions) for the given jobs only.

    Each job's rows commit on their own; a job whose read fails is recorded on the run
    and the others go on.
    """
    run = SyncRun.objects.create(
        organization_id=connection.organization_id, connection=connection, resource=resource.name
    )
    errors: list[str] = []
    for job_st_id in job_st_ids:
        try:
            rows = list(read_job_rows(client, resource.feed, job_st_id))
            with transaction.atomic():
                _store(connection, resource, run, rows)
        except Exception as exc:
            logger.warning("reading %s of job %s failed: %s", resource.name, job_st_id, exc)
            errors.append(f"job {job_st_id}: {type(exc).__name__}: {exc}")
    run.status = SyncRun.Status.FAILED if errors else SyncRun.Status.SUCCEEDED
    run.error = "\n".join(errors)[:4000]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    return run
