"""Every task has a queue by the kind of work, and the workers consume all of them."""

from __future__ import annotations

from autofile.celery import app
from autofile.core import queues
from autofile.devtools.demo import WORKERS


def test_every_task_is_routed_explicitly_to_a_known_queue() -> None:
    app.loader.import_default_modules()
    ours = sorted(name for name in app.tasks if not name.startswith("celery."))
    assert ours, "no task registered"
    unrouted = [name for name in ours if name not in queues.ROUTES]
    assert not unrouted, f"route these tasks in autofile/core/queues.py: {unrouted}"
    for name in ours:
        assert app.amqp.router.route({}, name)["queue"].name == queues.ROUTES[name]
    assert set(queues.ROUTES.values()) <= set(queues.ALL)


def test_a_persons_actions_go_to_the_interactive_queue_and_bulk_work_does_not() -> None:
    assert queues.ROUTES["outbox.deliver"] == queues.INTERACTIVE
    assert queues.ROUTES["packets.import_rule_history"] == queues.INTERACTIVE
    assert queues.ROUTES["mirror.sync_due_connections"] == queues.SYNC
    assert queues.ROUTES["packets.validate_packets"] == queues.VALIDATION


def test_the_demo_runs_a_worker_for_every_queue() -> None:
    assert set(WORKERS) == set(queues.ALL)
