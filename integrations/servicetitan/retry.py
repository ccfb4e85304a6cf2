"""When and how long to wait before trying a ServiceTitan request again.

The policy is data (a frozen :class:`RetryPolicy`); the loop that applies it lives in
:mod:`.session`, which also decides *whether* a failure may be retried at all (a create that may
have reached the server never is, see :class:`.errors.WriteOutcomeUnknownError`).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Final, Literal

__all__ = ["RetryPolicy", "backoff_delay", "parse_retry_after", "retry_after_from_title"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Limits for retrying one request.

    - ``max_attempts``: total tries (first included) for transient failures: 5xx, 409
      maintenance, timeouts and connection errors.
    - ``backoff``: ``"exponential"`` waits ``uniform(0, min(max_delay, base_delay * 2**n))``
      (full jitter, so a fleet of workers does not retry in lock-step); ``"fixed"`` waits
      ``base_delay`` every time.
    - ``max_elapsed``: give up instead of sleeping past this many seconds since the first try.
    - ``max_rate_limited``: how many 429 answers to sit out before raising
      :class:`.errors.RateLimitedError`; each waits ``Retry-After`` capped at
      ``retry_after_cap`` (the header is trusted, within reason).
    - ``retry_all_errors``: also retry 4xx answers (never 401/403 credentials problems) — for
      raw requests against endpoints known to fail spuriously.
    """

    max_attempts: int = 5
    backoff: Literal["exponential", "fixed"] = "exponential"
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_elapsed: float = 300.0
    max_rate_limited: int = 20
    retry_after_cap: float = 120.0
    retry_all_errors: bool = False

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.retry_after_cap < 0:
            raise ValueError("delays must not be negative")

    @classmethod
    def never(cls) -> RetryPolicy:
        """One attempt, no retries (429s included)."""
        return cls(max_attempts=1, max_rate_limited=0)

    @classmethod
    def fixed(cls, delay: float, *, max_attempts: int = 3) -> RetryPolicy:
        return cls(max_attempts=max_attempts, backoff="fixed", base_delay=delay)


_rng: Final = random.Random()


def backoff_delay(policy: RetryPolicy, failures: int, rng: random.Random = _rng) -> float:
    """Seconds to wait after the ``failures``-th consecutive failure (1-based)."""
    if policy.backoff == "fixed":
        return policy.base_delay
    ceiling = min(policy.max_delay, policy.base_delay * (2 ** max(failures - 1, 0)))
    return rng.uniform(0.0, ceiling)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds (``"3"``, ``"1.5"``) or an HTTP-date.

    Returns ``None`` when absent or unparseable; never negative.
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


_TITLE_SECONDS: Final = re.compile(r"(\d+(?:\.\d+)?)\s*seconds?", re.IGNORECASE)


def retry_after_from_title(title: str | None) -> float | None:
    """ServiceTitan's 429 bodies say "... try again in N seconds." (servicepytan reads it)."""
    if not title:
        return None
    found = _TITLE_SECONDS.search(title)
    return float(found.group(1)) if found else None
