"""Export feeds (``/export/...``): continuation tokens over base rows and the change log.

Position = ``(base index, change-log slot)``: every base row before the index and every log
entry before the slot has been delivered. A page first walks base rows (skipping those the
overlay replaced: they reappear in the log at their new ``modifiedOn``), then the log, keeping
only each id's latest entry. When nothing is left the answer is ``hasMore: false`` with the
position at the end, and that same token keeps returning nothing until something changes;
rows changed later sit after it in the log, so a client polling with its last token sees them.

Token format (opaque to clients): URL-safe base64 of ``"v1:<resource>:<base>:<slot>"``.
``from`` may instead be a date or date-time: the position of the first row (base and log) whose
``modifiedOn`` is at or after it.

``includeRecentChanges=true`` additionally rewinds the log part of the returned token to the
first change younger than ``recent_changes_window`` seconds once the feed is caught up, so the
newest changes are delivered again on the next call — duplicates the client must upsert, as the
documentation warns.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from integrations.servicetitan.simulator import times
from integrations.servicetitan.simulator.data.collections import Record
from integrations.servicetitan.simulator.http import validation_error
from integrations.servicetitan.simulator.store import ResourceState, Store


@dataclass(frozen=True, slots=True)
class Position:
    base: int
    slot: int


@dataclass(frozen=True, slots=True)
class ExportPage:
    """``base``: indices of base records (rendered by the caller), then ``changed`` records
    from the change log, in feed order."""

    base: Sequence[int]
    changed: list[Record]
    has_more: bool
    token: str


def encode_token(resource: str, position: Position) -> str:
    raw = f"v1:{resource}:{position.base}:{position.slot}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_token(resource: str, token: str) -> Position | None:
    """The position in a token issued for ``resource``; None if ``token`` is not one."""
    padded = token + "=" * (-len(token) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    parts = raw.split(":")
    if len(parts) != 4 or parts[0] != "v1":
        return None
    if parts[1] != resource:
        raise validation_error({"from": ["The continuation token belongs to another export."]})
    try:
        return Position(max(int(parts[2]), 0), max(int(parts[3]), 0))
    except ValueError:
        return None


def start_position(state: ResourceState, resource: str, value: str | None) -> Position:
    if value is None or not value.strip():
        return Position(0, 0)
    position = decode_token(resource, value.strip())
    if position is not None:
        return position
    try:
        moment = times.parse(value)
    except ValueError:
        raise validation_error(
            {"from": [f"'{value}' is neither a continuation token nor a date."]}
        ) from None
    return Position(
        state.base.first_modified_at_or_after(moment),
        state.log.first_at_or_after(moment),
    )


def read_page(
    store: Store,
    resource: str,
    start: Position,
    batch: int,
    *,
    rewind: int = 0,
    recent_since: int | None = None,
) -> ExportPage:
    """Up to ``batch`` rows from ``start`` (base rows as indices, see :class:`ExportPage`).

    ``rewind`` moves the start back by that many rows (the duplicated-rows fault);
    ``recent_since`` (µs) applies ``includeRecentChanges``.
    """
    state = store.state(resource)
    base = state.base
    log = state.log
    base_len = len(base)
    log_len = len(log)
    base_pos = min(start.base, base_len)
    slot = min(start.slot, log_len)
    if rewind:
        if base_pos < base_len or slot == 0:
            base_pos = max(base_pos - rewind, 0)
        else:
            slot = max(slot - rewind, 0)
    indices: Sequence[int] = ()
    changed: list[Record] = []
    overlay = state.overlay
    if base_pos < base_len:
        stop = min(base_pos + batch, base_len)
        if not overlay:
            indices = range(base_pos, stop)
            base_pos = stop
        else:
            kept: list[int] = []
            while base_pos < base_len and len(kept) < batch:
                if base.id_at(base_pos) not in overlay:
                    kept.append(base_pos)
                base_pos += 1
            indices = kept
    taken = len(indices)
    while base_pos >= base_len and slot < log_len and taken < batch:
        record_id = log.ids[slot]
        if log.latest.get(record_id) == slot:
            changed.append(overlay[record_id])
            taken += 1
        slot += 1
    has_more = base_pos < base_len or slot < log_len
    if not has_more and recent_since is not None:
        slot = min(slot, log.first_at_or_after(recent_since))
    return ExportPage(indices, changed, has_more, encode_token(resource, Position(base_pos, slot)))
