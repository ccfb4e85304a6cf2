"""Celery tasks of notifications: thin wrappers over the services."""

from __future__ import annotations

import logging

from celery import shared_task

from autofile.notifications import services

logger = logging.getLogger(__name__)


@shared_task(name="notifications.collect")
def collect() -> int:
    """Beat's tick: notify assignees of what happened to their packets."""
    made = services.notifications_collect()
    if made:
        logger.info("notifications: %s new", made)
    return made


@shared_task(name="notifications.digest")
def digest() -> int:
    """Once a day: e-mail the digests members asked for."""
    return services.digests_send()
