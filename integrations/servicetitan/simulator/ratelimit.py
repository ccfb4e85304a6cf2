"""Per (app key, tenant) request rate limit: a sliding one-second log.

A sliding log (timestamps of accepted requests in the last second) is exact: no one-second
window anywhere on the timeline ever holds more than ``limit`` accepted requests, which is what
a benchmark checking "never above 60 in any 1-second window" verifies. Rejected requests are not
recorded, as a gateway that answers 429 has not served them.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Hashable


class SlidingWindowLimiter:
    def __init__(self, limit: int, clock: Callable[[], float], window: float = 1.0) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._log: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: Hashable) -> int | None:
        """Record a request; None if allowed, else the whole seconds to wait (at least 1)."""
        if self.limit <= 0:
            return None
        now = self._clock()
        with self._lock:
            times = self._log.setdefault(key, deque())
            horizon = now - self.window
            while times and times[0] <= horizon:
                times.popleft()
            if len(times) >= self.limit:
                wait = times[0] + self.window - now
                return max(1, math.ceil(wait))
            times.append(now)
            return None

    def reset(self) -> None:
        with self._lock:
            self._log.clear()
