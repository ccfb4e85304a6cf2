from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from autofile.accounts.models import Organization
from autofile.mirror.models import Connection, QuarantinedRecord, SyncRun, SyncState
from autofile.mirror.registry import RESOURCES


def connections_for(*, organization: Organization) -> QuerySet[Connection]:
    return Connection.objects.filter(organization=organization).order_by("name", "pk")


def connection_get(*, organization: Organization, connection_id: int) -> Connection | None:
    return connections_for(organization=organization).filter(pk=connection_id).first()


@dataclass
class ResourceStatus:
    name: str
    rows: int
    cursor: str
    running: bool
    last_started_at: Any
    last_finished_at: Any
    last_error: str
    quarantined: int
    last_run: SyncRun | None

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
                "pages": run.pages,
                "rows": run.rows,
                "quarantined": run.quarantined,
                "started_at": run.started_at.isoformat(),
                "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                "error": run.error,
            },
        }


def sync_status(*, connection: Connection) -> list[ResourceStatus]:
    """Per resource: rows mirrored, cursor, last run, errors and quarantined records."""
    states = {s.resource: s for s in SyncState.objects.filter(connection=connection)}
    quarantined = dict(
        QuarantinedRecord.objects.filter(connection=connection)
        .values("resource")
        .annotate(n=Count("id"))
        .values_list("resource", "n")
    )
    last_runs: dict[str, SyncRun] = {}
    for run in (
        SyncRun.objects.filter(connection=connection)
        .order_by("resource", "-started_at")
        .distinct("resource")
    ):
        last_runs[run.resource] = run
    result = []
    for resource in RESOURCES:
        state = states.get(resource.name)
        result.append(
            ResourceStatus(
                name=resource.name,
                rows=resource.model._default_manager.filter(connection=connection).count(),
                cursor=state.cursor if state else "",
                running=bool(state and state.lease_owner),
                last_started_at=state.last_started_at if state else None,
                last_finished_at=state.last_finished_at if state else None,
                last_error=state.last_error if state else "",
                quarantined=quarantined.get(resource.name, 0),
                last_run=last_runs.get(resource.name),
            )
        )
    return result
