"""Celery tasks of the outbox: thin wrappers that take ids and call the services.

Delivery is idempotent (a compare-and-swap claim, absolute values, creates reconciled before
they are re-sent), so tasks are acknowledged late: a worker killed mid-delivery has its task
redelivered, and the sweeper releases its claim.
"""

from __future__ import annotations

import logging

from celery import shared_task

from autofile.writeback import services

logger = logging.getLogger(__name__)


@shared_task(name="outbox.deliver", acks_late=True)
def deliver(message_id: int) -> str | None:
    return services.outbox_deliver(message_id=message_id)


@shared_task(name="outbox.sweep", acks_late=True)
def sweep() -> dict[str, int]:
    """Beat's tick: hand due messages to workers, release dead claims, confirm round trips."""
    done = services.outbox_sweep()
    if any(done.values()):
        logger.info("outbox sweep: %s", done)
    return done
