"""Timestamps as integer microseconds since the Unix epoch (UTC).

Records keep times as ints (cheap to compare, sort and bisect over lazily generated data) and
format them only when rendered, as ServiceTitan does: ISO 8601, UTC, ``Z`` suffix.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, date, datetime, timedelta
from typing import Final

US_PER_SECOND: Final = 1_000_000
US_PER_MINUTE: Final = 60 * US_PER_SECOND
US_PER_HOUR: Final = 60 * US_PER_MINUTE
US_PER_DAY: Final = 24 * US_PER_HOUR
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)

_day_cache: dict[int, str] = {}
#: "HH:MM:SS" for every second of a day, built on first use (≈ 5 MB, saves ~2 µs per stamp).
_clock_faces: list[str] = []


def to_us(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - EPOCH
    return (delta.days * US_PER_DAY) + delta.seconds * US_PER_SECOND + delta.microseconds


def from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def iso(us: int) -> str:
    """``2025-03-04T05:06:07.123456Z``. Hot path of every export page: the date part is cached
    per day and the time of day looked up (≈5x faster than ``isoformat``)."""
    day, rest = divmod(us, US_PER_DAY)
    prefix = _day_cache.get(day)
    if prefix is None:
        prefix = (EPOCH + timedelta(days=day)).strftime("%Y-%m-%dT")
        if len(_day_cache) < 100_000:
            _day_cache[day] = prefix
    if not _clock_faces:
        _clock_faces.extend(
            f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400)
        )
    seconds, micro = divmod(rest, US_PER_SECOND)
    return f"{prefix}{_clock_faces[seconds]}.{micro:06d}Z"


def iso_series(start: int, count: int, step: int) -> list[str]:
    """``[iso(start + k * step) for k in range(count)]``, formatting only the microseconds when
    they all fall within one second (item stamps a millisecond apart, on every export row)."""
    micro = start % US_PER_SECOND
    if micro + (count - 1) * step >= US_PER_SECOND or step < 0:
        return [iso(start + k * step) for k in range(count)]
    head = iso(start)[:20]
    return [f"{head}{micro + k * step:06d}Z" for k in range(count)]


def iso_or_none(us: int | None) -> str | None:
    return None if us is None else iso(us)


def iso_date(us: int) -> str:
    """Date-only fields ServiceTitan renders at midnight (``2025-03-04T00:00:00Z``)."""
    return iso(us - us % US_PER_DAY).replace(".000000", "")


def date_only(us: int) -> str:
    """Fields declared ``format: date``: the UTC calendar day, ``2025-03-04``."""
    return iso(us - us % US_PER_DAY)[:10]


_FRACTION = re.compile(r"\.(\d+)")


def parse(text: str) -> int:
    """Parse what ServiceTitan accepts in filters: a date (``2024-01-01``) or a date-time with
    ``Z``, an offset, or none (taken as UTC); any number of fractional digits."""
    value = text.strip()
    if not value:
        raise ValueError("empty date")
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    value = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], value, count=1)
    if "T" not in value and " " not in value and len(value) <= 10:
        parsed_date = date.fromisoformat(value)
        return to_us(datetime(parsed_date.year, parsed_date.month, parsed_date.day, tzinfo=UTC))
    moment = datetime.fromisoformat(value)
    return to_us(moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC))


class MutationClock:
    """Hands out strictly increasing UTC timestamps for mutations.

    Never earlier than ``floor`` (just after the newest seeded record) and never equal to the
    previous stamp, so every change sorts after everything before it even when the wall clock
    is coarse or steps backwards.
    """

    def __init__(self, floor_us: int) -> None:
        self._last = floor_us
        self._lock = threading.Lock()

    def now(self) -> int:
        wall = time.time_ns() // 1000
        with self._lock:
            self._last = max(wall, self._last + 1)
            return self._last

    @property
    def last(self) -> int:
        return self._last
