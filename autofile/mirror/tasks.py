"""Celery tasks of the mirror: thin wrappers that take ids and call the sync services.

Syncs are idempotent (upserts keyed by ServiceTitan id, cursors committed with their rows),
so they are acknowledged late: a worker killed mid-run has its task redelivered.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task

from autofile.mirror import services

DUE_SYNC_EXPIRES = 60  # seconds

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="mirror.sync_connection", acks_late=True)
def sync_connection(
    self: Task[..., None],
    connection_id: int,
    resources: list[str] | None = None,
    full: bool = False,
) -> None:
    # The task's id names a full resync: redelivered after a crash, it resumes the resync.
    try:
        services.connection_sync(
            connection_id=connection_id,
            resources=resources,
            full=full,
            full_key=(self.request.id or "") if full else "",
        )
    except services.SyncFailed as error:
        # ServiceTitan's trouble, recorded per resource; the next beat tick tries again.
        for name, line in error.failed.items():
            logger.warning("sync of %s for connection %s failed: %s", name, connection_id, line)


@shared_task(name="mirror.sync_due_connections", acks_late=True)
def sync_due_connections() -> None:
    """Beat's tick: start an incremental sync of what is due on every active connection."""
    for connection_id, resources in services.sync_due().items():
        # A tick's sync that waited a minute for a busy worker is stale: later ticks
        # queue what is due by then, so it expires instead of piling up behind a backfill.
        sync_connection.apply_async((connection_id, resources), expires=DUE_SYNC_EXPIRES)


@shared_task(name="mirror.fetch_packet_documents", acks_late=True)
def fetch_packet_documents(connection_id: int, job_ids: list[int]) -> None:
    services.packet_documents_fetch(connection_id=connection_id, job_ids=job_ids)
