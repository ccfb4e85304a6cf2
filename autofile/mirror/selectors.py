from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from autofile.accounts.models import Organization
from autofile.mirror.models import (
    Connection,
    QuarantinedRecord,
    SyncRequest,
    SyncRun,
    SyncState,
)
from autofile.mirror.registry import RESOURCES


def connections_for(*, organization: Organization) -> QuerySet[Connection]:
    return Connection.objects.filter(organization=organization).order_by("name", "pk")


def connection_get(*, organization: Organization, connection_id: int) -> Connection | None:
    return connections_for(organization=organization).filter(pk=connection_id).first()


@dataclass
class ResourceStatus:
    name: str
    syncable: bool  # False for per-job resources, fetched only for the jobs of packets
    rows: int
    cursor: str
    running: bool  # a worker holds the lease and renews it
    stalled: bool  # the lease's worker stopped renewing it: the next sync takes over
    last_started_at: Any
    last_finished_at: Any
    last_error: str
    quarantined: int
    last_run: SyncRun | None
    expected_rows: int | None = None  # what the running run should read, when known

    @property
    def progress(self) -> int | None:
        """Percent of `expected_rows` the running run has read (capped at 99 until done)."""
        run = self.last_run
        if not self.running or run is None or not self.expected_rows:
            return None
        return min(99, run.rows * 100 // self.expected_rows)

    def as_json(self) -> dict[str, Any]:
        run = self.last_run
        return {
            "rows": self.rows,
            "cursor": self.cursor,
            "running": self.running,
            "last_started_at": self.last_started_at.isoformat() if self.last_started_at else None,
            "last_finished_at": (
                self.last_finished_at.isoformat() if self.last_finished_at else None
            ),
            "last_error": self.last_error,
            "quarantined": self.quarantined,
            "last_run": None
            if run is None
            else {
                "status": run.status,
                "full": run.full,
                "pages": run.pages,
                "rows": run.rows,
                "quarantined": run.quarantined,
                "started_at": run.started_at.isoformat(),
                "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                "rate": round(run.rate, 1) if run.rate is not None else None,
                "error": run.error,
            },
        }


def _latest_runs(runs: QuerySet[SyncRun]) -> dict[str, SyncRun]:
    return {
        run.resource: run for run in runs.order_by("resource", "-started_at").distinct("resource")
    }


def sync_status(*, connection: Connection) -> list[ResourceStatus]:
    """Per resource: rows mirrored, cursor, last run, errors and quarantined records.

    A fixed number of queries, whatever the size of the mirror: rows are counted on the
    sync states as pages insert them (per-job resources, small, are counted).
    """
    now = timezone.now()
    states = {s.resource: s for s in SyncState.objects.filter(connection=connection)}
    quarantined = dict(
        QuarantinedRecord.objects.filter(connection=connection)
        .values("resource")
        .annotate(n=Count("id"))
        .values_list("resource", "n")
    )
    runs = SyncRun.objects.filter(connection=connection)
    last_runs = _latest_runs(runs)
    last_full = _latest_runs(runs.filter(full=True, status=SyncRun.Status.SUCCEEDED))
    result = []
    for resource in RESOURCES:
        state = states.get(resource.name)
        syncable = resource.tenant_wide
        if syncable:
            rows = state.rows if state else 0
        else:
            rows = resource.model._default_manager.filter(connection=connection).count()
        leased = bool(state and state.lease_owner)
        live = bool(leased and state and state.lease_expires_at and state.lease_expires_at > now)
        last_run = last_runs.get(resource.name)
        expected = None
        if live and last_run is not None and (last_run.full or not rows):
            previous = last_full.get(resource.name)
            expected = previous.rows if previous is not None else None
        result.append(
            ResourceStatus(
                name=resource.name,
                syncable=syncable,
                rows=rows,
                cursor=state.cursor if state else "",
                running=live,
                stalled=leased and not live,
                last_started_at=state.last_started_at if state else None,
                last_finished_at=state.last_finished_at if state else None,
                last_error=state.last_error if state else "",
                quarantined=quarantined.get(resource.name, 0),
                last_run=last_run,
                expected_rows=expected,
            )
        )
    return result


@dataclass
class ConnectionSummary:
    connection: Connection
    rows: int
    running: bool
    errors: int  # resources whose last sync failed
    quarantined: int
    last_finished_at: Any


def connection_summaries(*, organization: Organization) -> list[ConnectionSummary]:
    """The organization's connections, each with its mirror's size and sync health."""
    connections = list(connections_for(organization=organization))
    now = timezone.now()
    states = (
        SyncState.objects.filter(connection__in=connections)
        .values("connection_id")
        .annotate(
            rows=Sum("rows"),
            running=Count("id", filter=Q(lease_owner__gt="", lease_expires_at__gt=now)),
            errors=Count("id", filter=Q(last_error__gt="")),
            last=Max("last_finished_at"),
        )
    )
    by_connection = {s["connection_id"]: s for s in states}
    quarantined = dict(
        QuarantinedRecord.objects.filter(connection__in=connections)
        .values("connection_id")
        .annotate(n=Count("id"))
        .values_list("connection_id", "n")
    )
    summaries = []
    for connection in connections:
        state = by_connection.get(connection.pk, {})
        summaries.append(
            ConnectionSummary(
                connection=connection,
                rows=state.get("rows") or 0,
                running=bool(state.get("running")),
                errors=state.get("errors") or 0,
                quarantined=quarantined.get(connection.pk, 0),
                last_finished_at=state.get("last"),
            )
        )
    return summaries


def sync_history(*, connection: Connection, resource: str = "", limit: int = 50) -> list[SyncRun]:
    runs = SyncRun.objects.filter(connection=connection)
    if resource:
        runs = runs.filter(resource=resource)
    return list(runs.order_by("-started_at", "-pk")[:limit])


def quarantined_records(
    *, connection: Connection, resource: str = ""
) -> QuerySet[QuarantinedRecord]:
    records = QuarantinedRecord.objects.filter(connection=connection)
    if resource:
        records = records.filter(resource=resource)
    return records.order_by("-created_at", "-pk")


def sync_request_latest(*, connection: Connection) -> SyncRequest | None:
    """The connection's latest "Sync now", for its live status."""
    return (
        SyncRequest.objects.filter(connection=connection, organization=connection.organization_id)
        .order_by("-requested_at", "-pk")
        .first()
    )
