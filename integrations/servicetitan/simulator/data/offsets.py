"""Parent → children layouts for lazily generated data (prefix sums in compact arrays)."""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable


class Offsets:
    """Children of parent ``p`` occupy child indices ``[start[p], start[p + 1])``.

    Built once from per-parent counts; costs 8 bytes per parent (``array('q')``), so a
    100,000-job tenant's appointment layout is under 1 MB.
    """

    __slots__ = ("_starts",)

    def __init__(self, counts: Iterable[int]) -> None:
        starts = array("q", [0])
        total = 0
        for count in counts:
            total += count
            starts.append(total)
        self._starts = starts

    @property
    def total(self) -> int:
        return self._starts[-1]

    @property
    def parents(self) -> int:
        return len(self._starts) - 1

    def range_of(self, parent: int) -> range:
        return range(self._starts[parent], self._starts[parent + 1])

    def count_of(self, parent: int) -> int:
        return self._starts[parent + 1] - self._starts[parent]

    def parent_of(self, child: int) -> tuple[int, int]:
        """``(parent index, position among its siblings)`` of a child index."""
        parent = bisect_right(self._starts, child) - 1
        return parent, child - self._starts[parent]
