"""Celery tasks of the mirror: thin wrappers that take ids and call the sync services.

Syncs are idempotent (upserts keyed by ServiceTitan id, cursors committed with their rows),
so they are acknowledged late: a worker killed mid-run has its task redelivered.
"""

from __future__ import annotations

from celery import shared_task

from autofile.mirror import services


@shared_task(name="mirror.sync_connection", acks_late=True)
def sync_connection(
    connection_id: int, resources: list[str] | None = None, full: bool = False
) -> None:
    services.connection_sync(connection_id=connection_id, resources=resources, full=full)


@shared_task(name="mirror.sync_due_connections", acks_late=True)
def sync_due_connections() -> None:
    """Beat's tick: start an incremental sync of what is due on every active connection."""
    for connection_id, resources in services.sync_due().items():
        sync_connection.delay(connection_id, resources)


@shared_task(name="mirror.fetch_packet_documents", acks_late=True)
def fetch_packet_documents(connection_id: int, job_ids: list[int]) -> None:
    services.packet_documents_fetch(connection_id=connection_id, job_ids=job_ids)
