"""Celery tasks of outreach: thin wrappers over the services."""

from __future__ import annotations

import logging

from celery import shared_task

from autofile.outreach import services

logger = logging.getLogger(__name__)


@shared_task(name="outreach.remind")
def remind() -> int:
    """Beat's tick: expire old links and send the reminders that are due."""
    sent = services.requests_remind()
    if sent:
        logger.info("outreach: %s reminder(s) sent", sent)
    return sent
