"""Monotonic timestamps for lazily generated records.

Base records of a resource are laid out in ``modifiedOn`` order: record ``i`` was last modified
at ``at(i)``, strictly increasing in ``i``. Date filters and export positions then become
binary searches over indices instead of scans.
"""

from __future__ import annotations

from bisect import bisect_left

from integrations.servicetitan.simulator.rng import GOLDEN, MASK64, mix


class Timeline:
    """``count`` strictly increasing instants spread over ``[start, end)`` with jitter."""

    __slots__ = ("_jitter", "_key", "count", "end", "start", "step")

    def __init__(self, start: int, end: int, count: int, key: int) -> None:
        self.start = start
        self.end = end
        self.count = count
        self.step = (end - start) // max(count, 1)
        self._jitter = max(self.step // 2, 1)
        self._key = mix(key)

    def at(self, index: int) -> int:
        # One SplitMix64 round of (key, index), inlined: this runs for every row rendered.
        z = (self._key + (index + 1) * GOLDEN) & MASK64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return self.start + index * self.step + (z ^ (z >> 31)) % self._jitter

    def first_at_or_after(self, moment: int) -> int:
        """Smallest index whose instant is ``>= moment`` (``count`` when none is).

        O(1): ``at(i)`` lies in ``[start + i*step, start + i*step + step/2)``, so the answer is
        the arithmetic guess or its neighbour; the bisection is only a safety net.
        """
        if moment <= self.start:
            return 0
        if self.step <= 0:
            return bisect_left(range(self.count), moment, key=self.at)
        guess = min((moment - self.start) // self.step, self.count)
        # at(guess - 1) < start + guess*step <= moment... unless the jitter pushed it up:
        if guess < self.count and self.at(guess) < moment:
            guess += 1
        elif guess > 0 and self.at(guess - 1) >= moment:
            guess -= 1
        return guess
