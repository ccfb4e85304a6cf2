"""Base (seeded) records of one resource, addressed by index in ``modifiedOn`` order."""

from __future__ import annotations

from abc import ABC, abstractmethod
from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from integrations.servicetitan.simulator.data.ids import guid, guid_index

if TYPE_CHECKING:
    from integrations.servicetitan.simulator.data.templates import RowSpec

RecordId = int | str
Record = dict[str, Any]

#: Internal keys every stored record carries (never rendered: response shaping keeps only the
#: properties the operation's schema declares, and no schema property starts with "_").
MODIFIED = "_m"
CREATED = "_c"


class Collection(ABC):
    """Read-only base data of one resource. Index order is ``modifiedOn`` order."""

    name: str
    #: How export pages render base records from templates (``templates.py``), if they can.
    row_spec: RowSpec | None = None

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def id_at(self, index: int) -> RecordId: ...

    @abstractmethod
    def index_of(self, record_id: RecordId) -> int | None: ...

    @abstractmethod
    def modified_at(self, index: int) -> int: ...

    @abstractmethod
    def record(self, index: int) -> Record:
        """A fresh record (callers may keep it; the collection never hands it out again)."""

    def first_modified_at_or_after(self, moment: int) -> int:
        return bisect_left(range(len(self)), moment, key=self.modified_at)

    @property
    def next_id_floor(self) -> int:
        """Ids of records created at run time start above this."""
        return 0


class EagerCollection(Collection):
    """Small reference data (tag types, business units, the pricebook…), generated up front."""

    def __init__(self, name: str, records: Sequence[Record]) -> None:
        self.name = name
        ordered = sorted(records, key=lambda r: (r[MODIFIED], str(r["id"])))
        self._records = ordered
        self._index = {r["id"]: i for i, r in enumerate(ordered)}
        self._times: list[int] = [int(r[MODIFIED]) for r in ordered]

    def __len__(self) -> int:
        return len(self._records)

    def id_at(self, index: int) -> RecordId:
        record_id: RecordId = self._records[index]["id"]
        return record_id

    def index_of(self, record_id: RecordId) -> int | None:
        return self._index.get(record_id)

    def modified_at(self, index: int) -> int:
        return self._times[index]

    def record(self, index: int) -> Record:
        return dict(self._records[index])

    def first_modified_at_or_after(self, moment: int) -> int:
        return bisect_left(self._times, moment)

    @property
    def next_id_floor(self) -> int:
        ints = [r["id"] for r in self._records if isinstance(r["id"], int)]
        return max(ints, default=0)


class LazyCollection(Collection):
    """Records computed on demand from their index; ids are ``base + index + 1``."""

    def __init__(
        self,
        name: str,
        count: int,
        id_base: int,
        modified_at: Callable[[int], int],
        make: Callable[[int], Record],
        row_spec: RowSpec | None = None,
    ) -> None:
        self.name = name
        self._count = count
        self._base = id_base
        self._modified_at = modified_at
        self._make = make
        self.row_spec = row_spec

    def __len__(self) -> int:
        return self._count

    def id_at(self, index: int) -> RecordId:
        return self._base + index + 1

    def index_of(self, record_id: RecordId) -> int | None:
        if not isinstance(record_id, int):
            return None
        index = record_id - self._base - 1
        return index if 0 <= index < self._count else None

    def modified_at(self, index: int) -> int:
        return self._modified_at(index)

    def record(self, index: int) -> Record:
        return self._make(index)

    @property
    def next_id_floor(self) -> int:
        return self._base + self._count


class GuidCollection(LazyCollection):
    """Lazy records keyed by GUID strings whose last group encodes the index."""

    def __init__(
        self,
        name: str,
        count: int,
        prefix: str,
        modified_at: Callable[[int], int],
        make: Callable[[int], Record],
    ) -> None:
        super().__init__(name, count, 0, modified_at, make)
        self._prefix = prefix

    def id_at(self, index: int) -> RecordId:
        return guid(self._prefix, index)

    def index_of(self, record_id: RecordId) -> int | None:
        if not isinstance(record_id, str):
            return None
        index = guid_index(self._prefix, record_id)
        return index if index is not None and 0 <= index < len(self) else None

    @property
    def prefix(self) -> str:
        return self._prefix
