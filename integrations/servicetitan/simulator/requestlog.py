"""Bounded log of API calls (for tests and benchmarks): ring buffer plus running totals."""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One call: ``timestamp`` is when it arrived (epoch seconds), ``duration_ms`` how long the
    simulator took to answer it."""

    seq: int
    method: str
    path: str
    status: int
    duration_ms: float
    timestamp: float
    operation: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "durationMs": round(self.duration_ms, 3),
            "timestamp": self.timestamp,
            "operationId": self.operation,
        }


class RequestLog:
    def __init__(self, size: int) -> None:
        self._entries: deque[LoggedRequest] = deque(maxlen=max(size, 1))
        self._lock = threading.Lock()
        self._seq = 0
        self._by_status: Counter[int] = Counter()

    def add(
        self,
        method: str,
        path: str,
        status: int,
        duration_ms: float,
        timestamp: float,
        operation: str | None,
    ) -> None:
        with self._lock:
            self._seq += 1
            self._entries.append(
                LoggedRequest(self._seq, method, path, status, duration_ms, timestamp, operation)
            )
            self._by_status[status] += 1

    def since(self, seq: int = 0, limit: int | None = None) -> list[LoggedRequest]:
        with self._lock:
            entries = [e for e in self._entries if e.seq > seq]
        return entries if limit is None else entries[:limit]

    def summary(self) -> dict[str, Any]:
        with self._lock:
            return {
                "total": self._seq,
                "retained": len(self._entries),
                "byStatus": {str(k): v for k, v in sorted(self._by_status.items())},
                "lastSeq": self._seq,
            }

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
            self._seq = 0
            self._by_status.clear()
