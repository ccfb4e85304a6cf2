"""Deterministic, cheap per-record randomness.

Lazily generated tenants need "the same record every time it is asked for" without keeping it:
each record draws from its own stream keyed by ``(seed, salt, index)``. ``random.Random`` costs
~9 µs just to seed, more than rendering a row, so this is a tiny SplitMix64 instead (~0.3 µs a
draw). Never used for anything secret.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Final, TypeVar

T = TypeVar("T")

MASK64: Final = (1 << 64) - 1
GOLDEN: Final = 0x9E3779B97F4A7C15
_INV_2_53: Final = 1.0 / (1 << 53)


def salt(name: str) -> int:
    """A stable integer for a string (``hash()`` is randomised per process)."""
    return zlib.crc32(name.encode("utf-8"))


def splitmix(x: int) -> int:
    """One SplitMix64 output for state ``x`` (a good 64-bit mixer)."""
    return _splitmix(x)


def _splitmix(x: int) -> int:
    z = (x + GOLDEN) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def mix(*parts: int) -> int:
    """Hash integers into one 64-bit value."""
    h = GOLDEN
    for part in parts:
        h = _splitmix(h ^ (part & MASK64))
    return h


def unit(*parts: int) -> float:
    """A uniform float in [0, 1) from integers (for one-off decisions such as faults)."""
    return (mix(*parts) >> 11) * _INV_2_53


class Rng:
    """A SplitMix64 stream. ``Rng(seed, salt, index)`` is the record's private stream."""

    __slots__ = ("_state",)

    def __init__(self, *key: int) -> None:
        self._state = mix(*key)

    @classmethod
    def keyed(cls, key: int, index: int) -> Rng:
        """The stream of record ``index`` under a precomputed ``key`` (one mixing round)."""
        rng = cls.__new__(cls)
        rng._state = _splitmix((key + index * GOLDEN) & MASK64)
        return rng

    def next64(self) -> int:
        self._state = (self._state + GOLDEN) & MASK64
        z = self._state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def random(self) -> float:
        # next64() inlined: these two are the hot path of data generation.
        z = self._state = (self._state + GOLDEN) & MASK64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return ((z ^ (z >> 31)) >> 11) * _INV_2_53

    def below(self, n: int) -> int:
        if n <= 0:
            return 0
        z = self._state = (self._state + GOLDEN) & MASK64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return (z ^ (z >> 31)) % n

    def between(self, low: int, high: int) -> int:
        """Uniform integer in ``[low, high]``."""
        return low + self.below(high - low + 1)

    def chance(self, probability: float) -> bool:
        z = self._state = (self._state + GOLDEN) & MASK64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return ((z ^ (z >> 31)) >> 11) * _INV_2_53 < probability

    def choice(self, items: Sequence[T]) -> T:
        return items[self.below(len(items))]

    def weighted(self, items: Sequence[T], weights: Sequence[float]) -> T:
        total = sum(weights)
        point = self.random() * total
        for item, weight in zip(items, weights, strict=True):
            point -= weight
            if point < 0:
                return item
        return items[-1]

    def digits(self, count: int) -> str:
        return str(self.next64() % (10**count)).zfill(count)

    def letters(self, count: int, alphabet: str = "ABCDEFGHJKLMNPRSTUVWXYZ") -> str:
        return "".join(alphabet[self.next64() % len(alphabet)] for _ in range(count))

    def money(self, low: float, high: float, step: float = 1.0) -> float:
        """A price in ``[low, high]`` rounded to ``step`` (e.g. 0.01, 5)."""
        steps = int((high - low) / step)
        return round(low + self.below(steps + 1) * step, 2)
