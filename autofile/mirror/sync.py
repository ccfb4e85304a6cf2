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
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.conf import settings
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
from autofile.mirror.readers import prefetched, read_job_rows, read_pages
from autofile.mirror.registry import Page, Resource, links_into
from autofile.mirror.upsert import Upserted, upsert_rows
from integrations.servicetitan import ServiceTitanError

logger = logging.getLogger(__name__)


def _lease_seconds() -> int:
    return int(settings.SYNC_LEASE_SECONDS)


AfterPage = Callable[[Connection, list[int]], None]


@dataclass
class Outcome:
    run: SyncRun | None
    changed_ids: list[int] = field(default_factory=list)
    # Paused after a page with more to read, because other syncs wait for the worker: the
    # lease stays with `owner` and the run stays open, for the continuation to resume.
    paused: bool = False
    owner: str = ""

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
        lease_expires_at=now + dt.timedelta(seconds=_lease_seconds()),
        last_started_at=now,
    )
    return taken == 1


def _lease_release(state: SyncState, owner: str, error: str) -> None:
    # A sync that read to the end without error has finished any full resync it was doing.
    finished: dict[str, Any] = {} if error else {"resyncing": False}
    SyncState.objects.filter(pk=state.pk, lease_owner=owner).update(
        lease_owner="",
        lease_expires_at=None,
        last_finished_at=timezone.now(),
        last_error=error,
        **finished,
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


def _link_referrers(resource: Resource, connection_id: int, ids: list[int]) -> None:
    """Point rows that reference these new rows (and arrived before them) at them.

    Driven from the new rows: for each, one probe of the referrer's (connection,
    ServiceTitan id) index. `OFFSET 0` keeps the planner from turning that around into a
    scan of every referrer still unlinked (e.g. the estimate items that never say their
    estimate), which table statistics lagging behind a backfill would invite. Referrer
    tables holding no row of the connection yet (a first backfill) are skipped.
    """
    if not ids:
        return
    table = resource.model._meta.db_table
    with db.cursor() as cursor:
        for source, link in links_into(resource.model):
            referrers = source._meta.db_table
            cursor.execute(
                f'SELECT EXISTS (SELECT 1 FROM "{referrers}" WHERE connection_id = %s)',  # noqa: S608
                [connection_id],
            )
            if not cursor.fetchone()[0]:
                continue
            cursor.execute(
                f'UPDATE "{referrers}" AS r SET "{link.fk_column}" = m.target_id '  # noqa: S608
                f"FROM (SELECT t.id AS target_id, s.id AS source_id "
                f'FROM "{table}" AS t CROSS JOIN LATERAL ('
                f'SELECT s.id FROM "{referrers}" AS s WHERE s.connection_id = t.connection_id '
                f'AND s."{link.st_column}" = t.st_id AND s."{link.fk_column}" IS NULL OFFSET 0'
                f") AS s WHERE t.id = ANY(%s)) AS m WHERE r.id = m.source_id",
                [ids],
            )


def sync_resource(
    *,
    connection: Connection,
    resource: Resource,
    client: Any,
    full: bool = False,
    full_key: str = "",
    after_page: AfterPage | None = None,
    progress: Callable[[int], None] | None = None,
    should_pause: Callable[[], bool] | None = None,
    resume: tuple[str, int] | None = None,
) -> Outcome:
    """Mirror one resource of one connection, resuming from its stored cursor.

    `full` reads the resource again from the beginning. `full_key` names that request (a
    task's id): if the sync of the same request was interrupted, it resumes where it got to
    instead of starting over; without a key, every call starts over.

    After each page that leaves more to read, `should_pause()` may stop the sync there (a
    long backfill yields the worker to other organizations' syncs); the outcome is then
    `paused`, and `resume=(outcome.owner, outcome.run.pk)` goes on with the same lease and run.
    """
    state, _ = SyncState.objects.get_or_create(
        connection=connection,
        resource=resource.name,
        defaults={"organization_id": connection.organization_id},
    )
    owner = resume[0] if resume else uuid.uuid4().hex
    if not _lease_acquire(state, owner):
        logger.info("sync of %s for connection %s is already running", resource.name, connection.pk)
        return Outcome(run=None)
    state.refresh_from_db()
    run = None
    if resume is not None:
        run = SyncRun.objects.filter(pk=resume[1], status=SyncRun.Status.RUNNING).first()
    # Holding the lease, any (other) run of this resource still marked running lost its worker.
    stale = SyncRun.objects.filter(
        connection=connection, resource=resource.name, status=SyncRun.Status.RUNNING
    )
    if run is not None:
        stale = stale.exclude(pk=run.pk)
    stale.update(
        status=SyncRun.Status.FAILED,
        finished_at=timezone.now(),
        error="Abandoned: its worker stopped before finishing; this sync resumed from its cursor.",
    )
    if run is None and full and (not full_key or state.full_key != full_key):
        state.cursor, state.full_key, state.resyncing = "", full_key, True
        state.save(update_fields=["cursor", "full_key", "resyncing"])
    if run is None:
        run = SyncRun.objects.create(
            organization_id=connection.organization_id,
            connection=connection,
            resource=resource.name,
            full=state.resyncing,  # a full resync, or what an interrupted one left to read
        )
    outcome = Outcome(run=run, owner=owner)
    error = ""
    names = (resource.name, connection.pk)
    try:
        cursor = state.cursor or None
        # A reader thread reads and maps the next page while this one is written.
        pages = _mapped_pages(connection, resource, read_pages(client, resource, cursor))
        with closing(prefetched(pages, name=f"read {resource.name}")) as ready:
            while True:
                started = time.perf_counter()
                mapped = next(ready, None)
                stored = time.perf_counter()
                run.wait_seconds += stored - started
                if mapped is None:
                    break
                outcome.changed_ids.extend(
                    _commit_page(connection, resource, state, run, owner, mapped, after_page)
                )
                run.store_seconds += time.perf_counter() - stored
                if progress is not None:
                    progress(mapped.rows)
                if mapped.more and should_pause is not None and should_pause():
                    outcome.paused = True
                    return outcome
                del mapped
        run.status = SyncRun.Status.SUCCEEDED
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        run.status = SyncRun.Status.FAILED
        run.error = error
        if isinstance(exc, ServiceTitanError):  # ServiceTitan's trouble, not a bug here
            logger.warning("sync of %s for connection %s failed: %s", *names, error)
        else:
            logger.exception("sync of %s for connection %s failed", *names)
        raise
    finally:
        if outcome.paused:  # the lease and the run wait for the continuation
            run.save(update_fields=["wait_seconds", "store_seconds"])
        else:
            run.finished_at = timezone.now()
            run.save(
                update_fields=["status", "error", "finished_at", "wait_seconds", "store_seconds"]
            )
            _lease_release(state, owner, error)
    return outcome


@dataclass
class Mapped:
    """A page turned into mirror columns (the newest copy of each id), the rows that could
    not be mapped (ServiceTitan id, reason, payload), and the cursor after the page."""

    rows: int
    columns: list[dict[str, Any]]
    bad: list[tuple[str, str, Any]]
    cursor: str = ""
    more: bool = False


def _map(connection: Connection, resource: Resource, page: Page) -> Mapped:
    """Map a page's rows. Pure Python, no database: it runs in the reader thread."""
    now = timezone.now()
    mapped: list[dict[str, Any]] = []
    bad: list[tuple[str, str, Any]] = []
    extra = {
        "organization_id": connection.organization_id,
        "connection_id": connection.pk,
        "synced_at": now,
    }
    rows = page.rows
    for index, raw in enumerate(rows):
        rows[index] = None  # freed as it goes: the page shrinks while its JSON grows
        try:
            columns = resource.mapper(raw)
        except mappers.MappingError as exc:
            st_id = str(raw.get("id", ""))[:64] if isinstance(raw, dict) else ""
            bad.append((st_id, str(exc), raw))
            continue
        columns.update(extra)
        # Kept as JSON (a third of the memory of the parsed row) until COPY sends it; copied
        # to its exact size, as orjson's buffer is about three times larger.
        columns["raw"] = bytes(memoryview(orjson.dumps(raw)))
        mapped.append(columns)
    return Mapped(
        rows=len(rows),
        columns=_latest_per_id(mapped),
        bad=bad,
        cursor=page.cursor,
        more=page.more,
    )


def _mapped_pages(
    connection: Connection, resource: Resource, pages: Iterator[Page]
) -> Iterator[Mapped]:
    for page in pages:
        mapped = _map(connection, resource, page)
        del page  # its rows live on as JSON bytes only
        yield mapped


def _write(connection: Connection, resource: Resource, run: SyncRun, mapped: Mapped) -> Upserted:
    """Upsert and link a mapped page, quarantine what could not be mapped, count them on
    the run. Runs inside the caller's transaction."""
    upserted = upsert_rows(resource.model, mapped.columns, resource.links)
    # Rows already mirrored were linked to when they arrived; only new ones may have
    # referrers that came first.
    _link_referrers(resource, connection.pk, upserted.inserted)
    if mapped.bad:
        QuarantinedRecord.objects.bulk_create(
            QuarantinedRecord(
                organization_id=connection.organization_id,
                connection=connection,
                run=run,
                resource=resource.name,
                st_id=st_id,
                reason=reason,
                payload=payload,
            )
            for st_id, reason, payload in mapped.bad
        )
    SyncRun.objects.filter(pk=run.pk).update(
        pages=F("pages") + 1,
        rows=F("rows") + mapped.rows,
        quarantined=F("quarantined") + len(mapped.bad),
    )
    return upserted


def _commit_page(
    connection: Connection,
    resource: Resource,
    state: SyncState,
    run: SyncRun,
    owner: str,
    mapped: Mapped,
    after_page: AfterPage | None,
) -> list[int]:
    """Store a page and advance the cursor past it, in one transaction."""
    with transaction.atomic():
        upserted = _write(connection, resource, run, mapped)
        renewed = SyncState.objects.filter(pk=state.pk, lease_owner=owner).update(
            cursor=mapped.cursor,
            rows=F("rows") + len(upserted.inserted),
            lease_expires_at=timezone.now() + dt.timedelta(seconds=_lease_seconds()),
        )
        if renewed != 1:
            raise LeaseLost(f"lost the lease on {resource.name} for connection {connection.pk}")
        if after_page is not None and upserted.changed:
            after_page(connection, upserted.changed)
    return upserted.changed


def sync_for_jobs(
    *,
    connection: Connection,
    resource: Resource,
    client: Any,
    job_st_ids: list[int],
    after_page: AfterPage | None = None,
) -> SyncRun:
    """Mirror a per-job resource (attachments, form submissions) for the given jobs only.

    Each job's rows commit on their own (with `after_page` called in that transaction
    when they changed); a job whose read fails is recorded on the run and the others go on.
    """
    run = SyncRun.objects.create(
        organization_id=connection.organization_id, connection=connection, resource=resource.name
    )
    errors: list[str] = []
    for job_st_id in job_st_ids:
        try:
            rows = list(read_job_rows(client, resource.feed, job_st_id))
            mapped = _map(connection, resource, Page(rows=rows, cursor=""))
            with transaction.atomic():
                upserted = _write(connection, resource, run, mapped)
                if after_page is not None and upserted.changed:
                    after_page(connection, upserted.changed)
        except ServiceTitanError as exc:  # ServiceTitan's trouble: the next sync tries again
            logger.warning("reading %s of job %s failed: %s", resource.name, job_st_id, exc)
            errors.append(f"job {job_st_id}: {type(exc).__name__}: {exc}")
        except Exception as exc:  # a bug in AutoFile: the traceback goes to the log
            logger.exception(
                "reading %s of job %s hit an error in AutoFile", resource.name, job_st_id
            )
            errors.append(f"job {job_st_id}: error in AutoFile: {type(exc).__name__}: {exc}")
    run.status = SyncRun.Status.FAILED if errors else SyncRun.Status.SUCCEEDED
    run.error = "\n".join(errors)[:4000]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    return run
