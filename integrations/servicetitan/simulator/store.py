"""Current state of every resource: seeded base collections plus a run-time overlay.

Reads never copy the base: a record is generated from its index unless the overlay holds a
newer version. Every mutation goes through :meth:`Store.save` (or :meth:`Store.create`), which

* stamps ``modifiedOn`` from a strictly increasing clock (later than every seeded record),
* stores the whole record in the overlay, and
* appends ``(modifiedOn, id)`` to the resource's change log.

Export feeds read base records in index order (``modifiedOn`` order by construction), skipping
those the overlay replaced, then the change log's latest entry per id, so every row appears at
its current ``modifiedOn`` position and changes made after a continuation token was issued are
delivered after it.
"""

from __future__ import annotations

import copy
import threading
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field

from integrations.servicetitan.simulator.data.collections import (
    CREATED,
    MODIFIED,
    Collection,
    GuidCollection,
    Record,
    RecordId,
)
from integrations.servicetitan.simulator.data.ids import ID_BASES, guid
from integrations.servicetitan.simulator.data.tenant import Tenant
from integrations.servicetitan.simulator.times import MutationClock, iso

DELETED = "_deleted"


@dataclass(slots=True)
class ChangeLog:
    """Append-only ``(modifiedOn, id)`` entries of one resource, plus each id's latest slot."""

    times: list[int] = field(default_factory=list)
    ids: list[RecordId] = field(default_factory=list)
    latest: dict[RecordId, int] = field(default_factory=dict)

    def append(self, moment: int, record_id: RecordId) -> None:
        self.latest[record_id] = len(self.ids)
        self.times.append(moment)
        self.ids.append(record_id)

    def __len__(self) -> int:
        return len(self.ids)

    def first_at_or_after(self, moment: int) -> int:
        return bisect_left(self.times, moment)


@dataclass(slots=True)
class ResourceState:
    base: Collection
    overlay: dict[RecordId, Record] = field(default_factory=dict)
    created: list[RecordId] = field(default_factory=list)
    log: ChangeLog = field(default_factory=ChangeLog)
    next_id: int = 0


class Store:
    """Thread-safe current state of one tenant."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self._lock = threading.RLock()
        latest_base = max(
            (c.modified_at(len(c) - 1) for c in tenant.collections.values() if len(c)),
            default=tenant.anchor,
        )
        self.clock = MutationClock(max(latest_base, tenant.anchor) + 1_000)
        self._sequences: dict[str, int] = {}
        self._resources = {
            name: ResourceState(base=collection, next_id=collection.next_id_floor + 1)
            for name, collection in tenant.collections.items()
        }

    # --- reads ----------------------------------------------------------------------------

    @property
    def resources(self) -> tuple[str, ...]:
        return tuple(self._resources)

    def state(self, resource: str) -> ResourceState:
        try:
            return self._resources[resource]
        except KeyError:
            raise KeyError(f"unknown resource {resource!r}") from None

    def get(
        self, resource: str, record_id: RecordId, *, include_deleted: bool = False
    ) -> Record | None:
        """The current record, or None (unknown id, or deleted unless ``include_deleted``)."""
        state = self.state(resource)
        record = state.overlay.get(record_id)
        if record is None:
            index = state.base.index_of(record_id)
            if index is None:
                return None
            record = state.base.record(index)
        if record.get(DELETED) and not include_deleted:
            return None
        return record

    def count(self, resource: str) -> int:
        """Every row, inactive and deleted ones included (exports include them too)."""
        state = self.state(resource)
        return len(state.base) + len(state.created)

    def iter_by_id(self, resource: str) -> Iterator[Record]:
        """Every record (deleted ones included) in ascending id order."""
        state = self.state(resource)
        base = state.base
        overlay = state.overlay
        for index in range(len(base)):
            current = overlay.get(base.id_at(index)) if overlay else None
            yield current if current is not None else base.record(index)
        for record_id in list(state.created):
            yield overlay[record_id]

    def iter_by_modified(
        self, resource: str, since: int | None = None, before: int | None = None
    ) -> Iterator[Record]:
        """Current records (deleted ones included) in ``modifiedOn`` order, the order export
        feeds use, from ``since`` (inclusive) to ``before`` (exclusive).

        Base index order is ``modifiedOn`` order (seeded stamps never tie) and every run-time
        change is later than every base record, appended to the log in time order: a read
        from a watermark costs what it yields, not everything after the watermark.
        """
        state = self.state(resource)
        base, log = state.base, state.log
        start = 0 if since is None else base.first_modified_at_or_after(since)
        stop = len(base) if before is None else base.first_modified_at_or_after(before)
        yield from self.base_rows(state, start, stop)
        first = 0 if since is None else log.first_at_or_after(since)
        end = len(log) if before is None else log.first_at_or_after(before)
        for slot in range(first, end):
            record_id = log.ids[slot]
            if log.latest.get(record_id) == slot:
                yield state.overlay[record_id]

    @staticmethod
    def base_rows(state: ResourceState, start: int, stop: int) -> Iterator[Record]:
        """Base records in ``[start, stop)`` that the overlay has not replaced."""
        base = state.base
        overlay = state.overlay
        if not overlay:
            for index in range(start, stop):
                yield base.record(index)
            return
        for index in range(start, stop):
            if base.id_at(index) not in overlay:
                yield base.record(index)

    # --- writes ---------------------------------------------------------------------------

    def editable(self, resource: str, record_id: RecordId) -> Record | None:
        """A private deep copy of the current record to modify and pass to :meth:`save`."""
        record = self.get(resource, record_id)
        return None if record is None else copy.deepcopy(record)

    def save(self, resource: str, record: Record) -> Record:
        """Store ``record`` as the current version, bumping ``modifiedOn``."""
        with self._lock:
            state = self.state(resource)
            moment = self.clock.now()
            record[MODIFIED] = moment
            record["modifiedOn"] = iso(moment)
            state.overlay[record["id"]] = record
            state.log.append(moment, record["id"])
            return record

    def next_sequence(self, name: str) -> int:
        """Ids for sub-records that are not a resource of their own (booking contacts…)."""
        with self._lock:
            value = self._sequences.get(name, ID_BASES.get(name, 90_000_000))
            self._sequences[name] = value + 1
            return value + 1

    def allocate_id(self, resource: str) -> RecordId:
        with self._lock:
            state = self.state(resource)
            if isinstance(state.base, GuidCollection):
                value: RecordId = guid(state.base.prefix, 0x8000_0000_0000 + state.next_id)
            else:
                value = state.next_id
            state.next_id += 1
            return value

    def create(self, resource: str, record: Record) -> Record:
        """Insert a new record (assigning ``id`` unless given) stamped created = modified."""
        with self._lock:
            state = self.state(resource)
            if "id" not in record or record["id"] is None:
                record["id"] = self.allocate_id(resource)
            moment = self.clock.now()
            record[CREATED] = moment
            record["createdOn"] = iso(moment)
            record[MODIFIED] = moment
            record["modifiedOn"] = iso(moment)
            state.overlay[record["id"]] = record
            state.created.append(record["id"])
            state.log.append(moment, record["id"])
            return record

    def delete(self, resource: str, record: Record) -> Record:
        """Soft delete: exports keep showing the row with ``active: false``."""
        record[DELETED] = True
        record["active"] = False
        return self.save(resource, record)

    def reset(self) -> None:
        with self._lock:
            for state in self._resources.values():
                state.overlay.clear()
                state.created.clear()
                state.log = ChangeLog()
                state.next_id = state.base.next_id_floor + 1
            self._sequences.clear()

    def snapshot_counts(self) -> dict[str, int]:
        return {name: self.count(name) for name in self._resources}
