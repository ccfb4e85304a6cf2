"""Waiting in tests: one helper for every test that waits on a worker, a server or a page.

Tests never assert how long something took (benchmarks under bench/ do that); they poll
until the condition holds and fail with a message saying what they waited for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def wait_for(
    condition: Callable[[], T | None], timeout: float = 180.0, every: float = 0.2, what: str = ""
) -> T:
    """Poll `condition()` until it returns something truthy, and return that."""
    deadline = time.monotonic() + timeout
    while True:
        if result := condition():
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"gave up waiting{f' for {what}' if what else ''} ({timeout:g} s)")
        time.sleep(every)


def worker_idle() -> bool:
    """The in-process test worker runs no task and no queue on the broker holds one."""
    from celery.worker import state

    from autofile.celery import app

    if state.active_requests or state.reserved_requests:
        return False
    with app.connection_for_read() as connection:
        client: Any = connection.default_channel.client  # type: ignore[attr-defined]
        return not any(client.llen(key) for key in client.keys("*") if client.type(key) == b"list")


def settle() -> None:
    """Wait until the test worker has stayed idle for a while (document fetches, validations,
    deliveries done), so the database is flushed with nothing still writing to it."""

    def quiet_for_a_while() -> bool:
        for _ in range(4):
            if not worker_idle():
                return False
            time.sleep(0.3)
        return True

    wait_for(quiet_for_a_while, what="the worker to go quiet")
