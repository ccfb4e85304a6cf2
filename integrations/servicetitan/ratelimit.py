"""Client-side rate limiting: stay under ServiceTitan's 60 requests/second per (app, tenant).

ServiceTitan answers 429 beyond the limit; waiting *before* sending keeps a busy worker fleet
from burning requests on rejections. The limiter is a sliding-window log: a request may start
only when fewer than ``limit`` requests started in the last ``period`` seconds, which bounds
every window, not just aligned ones. :class:`InMemoryRateLimiter` covers one process; the
Redis-backed one in :mod:`.redis_backends` covers every process sharing the Redis.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = [
    "InMemoryRateLimiter",
    "RateLimit",
    "RateLimiter",
    "UnlimitedRateLimiter",
    "acquire_blocking",
]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``limit`` request starts per ``period`` seconds.

    The default period is one second plus a 100 ms guard: a request takes its slot when it is
    about to be sent, but reaches ServiceTitan a little later (thread switches, connection pool,
    network), by varying amounts; the guard absorbs that jitter so the server-side count of any
    one-second window stays at or under ``limit`` (about 55 requests/s sustained at the default
    60, bursts of 60).
    """

    limit: int = 60
    period: float = 1.1

    def __post_init__(self) -> None:
        if self.limit < 1 or self.period <= 0:
            raise ValueError("rate limit needs limit >= 1 and period > 0")


@runtime_checkable
class RateLimiter(Protocol):
    """Shared budget of request starts, keyed by (app key, tenant)."""

    def try_acquire(self, key: str) -> float:
        """Take a slot and return 0.0, or return the seconds to wait before asking again."""
        ...

    def block(self, key: str, seconds: float) -> None:
        """Hold every caller of ``key`` back for ``seconds`` (ServiceTitan said 429)."""
        ...


def acquire_blocking(
    limiter: RateLimiter, key: str, sleep: Callable[[float], None] = time.sleep
) -> float:
    """Wait until ``limiter`` grants a slot for ``key``; returns the total time waited."""
    waited = 0.0
    while True:
        delay = limiter.try_acquire(key)
        if delay <= 0.0:
            return waited
        sleep(delay)
        waited += delay


class InMemoryRateLimiter:
    """Sliding-window log per key, shared by the threads of one process."""

    def __init__(self, rate: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self._clock = clock
        self._lock = threading.Lock()
        self._starts: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}

    def try_acquire(self, key: str) -> float:
        with self._lock:
            now = self._clock()
            blocked = self._blocked_until.get(key, 0.0) - now
            if blocked > 0:
                return blocked
            starts = self._starts.setdefault(key, deque())
            horizon = now - self.rate.period
            while starts and starts[0] <= horizon:
                starts.popleft()
            if len(starts) < self.rate.limit:
                starts.append(now)
                return 0.0
            return max(starts[0] - horizon, 1e-4)

    def block(self, key: str, seconds: float) -> None:
        with self._lock:
            until = self._clock() + seconds
            self._blocked_until[key] = max(self._blocked_until.get(key, 0.0), until)

    def __repr__(self) -> str:
        return f"InMemoryRateLimiter({self.rate.limit}/{self.rate.period}s)"


class UnlimitedRateLimiter:
    """Grants every request at once (for tests that exercise ServiceTitan's own 429s)."""

    def try_acquire(self, key: str) -> float:
        return 0.0

    def block(self, key: str, seconds: float) -> None:
        return None
