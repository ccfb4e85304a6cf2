"""The Celery app: JSON only, one task at a time per worker process, queues by kind.

Tasks carry ids and JSON values; idempotent tasks opt into `acks_late` themselves.
The beat schedule lives here, in code, so exactly one definition exists.
"""

from __future__ import annotations

import os

from celery import Celery, signals
from celery.schedules import crontab
from kombu import Queue

from autofile.core import queues

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autofile.settings")

app = Celery("autofile")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    worker_prefetch_multiplier=1,
    task_acks_on_failure_or_timeout=True,
    task_reject_on_worker_lost=True,
    # Queues by kind of work (see autofile/core/queues.py); every task is routed by name.
    task_default_queue=queues.SYNC,
    task_queues=tuple(Queue(name) for name in queues.ALL),
    task_routes={name: {"queue": queue} for name, queue in queues.ROUTES.items()},
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    beat_schedule={
        "mirror.sync-due-connections": {
            "task": "mirror.sync_due_connections",
            "schedule": 15.0,
            # A tick that waited longer than the interval is stale: the next one replaces it.
            "options": {"expires": 14},
        },
        "outbox.sweep": {
            "task": "outbox.sweep",
            "schedule": 10.0,
            "options": {"expires": 9},
        },
        "outreach.remind": {
            "task": "outreach.remind",
            "schedule": 600.0,
            "options": {"expires": 590},
        },
        "filing.refresh-filing-pdfs": {
            "task": "filing.refresh_filing_pdfs",
            "schedule": 30.0,
            "options": {"expires": 29},
        },
        "notifications.collect": {
            "task": "notifications.collect",
            "schedule": 60.0,
            "options": {"expires": 55},
        },
        "notifications.digest": {
            "task": "notifications.digest",
            # Read from the environment like settings.NOTIFICATIONS_DIGEST_HOUR, not from
            # settings: importing autofile must not load the settings (make test's service
            # setup imports it before any SECRET_KEY exists).
            "schedule": crontab(
                minute=0, hour=int(os.environ.get("NOTIFICATIONS_DIGEST_HOUR") or 7)
            ),
            "options": {"expires": 3000},
        },
    },
)
app.autodiscover_tasks()


@signals.celeryd_init.connect
@signals.beat_init.connect
def _refuse_insecure_start(**_: object) -> None:
    """A production worker or beat stops at once on placeholder keys (autofile/core/deploy.py)."""
    from autofile.core.deploy import refuse_insecure_start

    refuse_insecure_start()
