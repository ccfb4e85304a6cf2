"""Celery tasks of the mirror: thin wrappers that take ids and call the sync services.

Syncs are idempotent (upserts keyed by ServiceTitan id, cursors committed with their rows),
so they are acknowledged late: a worker killed mid-run has its task redelivered. A sync
runs in slices (see `sync_connection`), so long ones take turns with other organizations'.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from celery import Celery, Task, shared_task

from autofile.core import queues
from autofile.mirror import services
from autofile.mirror.registry import TENANT_WIDE

DUE_SYNC_EXPIRES = 60  # seconds

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="mirror.sync_connection", acks_late=True)
def sync_connection(
    self: Task[..., None],
    connection_id: int,
    resources: list[str] | None = None,
    full: bool = False,
    full_key: str = "",
    resume: list[Any] | None = None,
    request_id: int | None = None,
) -> None:
    """Sync a connection a slice at a time, fairly between organizations.

    On the interactive queue (a person's "Sync now") the sync goes on until the first page
    that leaves more to read; on the sync queue, until such a page while another sync waits
    for a worker. Then it queues its continuation at the back of the sync queue (same lease,
    same runs), so one organization's backfill delays another's sync by at most a page.
    """
    queue = (self.request.delivery_info or {}).get("routing_key")
    should_pause: Callable[[], bool] | None = None
    if queue == queues.INTERACTIVE:
        should_pause = _always
    elif queue == queues.SYNC:
        should_pause = partial(_others_wait, self.app, queues.SYNC)
    # The first task's id names a full resync: redelivered after a crash, it resumes it.
    key = full_key or ((self.request.id or "") if full else "")
    if request_id is not None:
        services.sync_request_started(request_id=request_id)
    failed: dict[str, str] = {}
    try:
        outcomes = services.connection_sync(
            connection_id=connection_id,
            resources=resources,
            full=full,
            full_key=key,
            should_pause=should_pause,
            resume=(str(resume[0]), int(resume[1])) if resume else None,
            progress=services.sync_request_counter(request_id=request_id) if request_id else None,
        )
    except services.SyncFailed as error:
        # ServiceTitan's trouble, recorded per resource; the next beat tick tries again.
        for name, line in error.failed.items():
            logger.warning("sync of %s for connection %s failed: %s", name, connection_id, line)
        outcomes, failed = error.outcomes, error.failed
    paused = [(name, o) for name, o in outcomes.items() if o.paused and o.run is not None]
    if request_id is not None:
        services.sync_request_slice_done(
            request_id=request_id, outcomes=outcomes, failed=failed, paused=bool(paused)
        )
    if not paused:
        return
    name, outcome = paused[-1]
    wanted = set(resources) if resources else None
    names = [r.name for r in TENANT_WIDE if wanted is None or r.name in wanted]
    assert outcome.run is not None
    sync_connection.apply_async(
        (connection_id, names[names.index(name) :], full),
        {"full_key": key, "resume": [outcome.owner, outcome.run.pk], "request_id": request_id},
        queue=queues.SYNC,
    )


def _always() -> bool:
    return True


def _others_wait(app: Celery, queue: str) -> bool:
    """Another task waits in the queue for a worker (asked of the broker, once a page)."""
    try:
        with app.connection_for_read() as connection:
            channel: Any = connection.default_channel
            declared = channel.queue_declare(queue=queue, passive=True)
    except Exception:  # the broker cannot say: keep going rather than stall
        logger.debug("could not count the tasks waiting in %s", queue, exc_info=True)
        return False
    return bool(declared.message_count)


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
