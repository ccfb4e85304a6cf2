"""Helpers shared by write handlers: reference checks, custom fields, partial updates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from integrations.servicetitan.simulator.data.collections import Record
from integrations.servicetitan.simulator.handlers.base import Call
from integrations.servicetitan.simulator.http import ApiError, validation_error

#: Custom field type names by id (see reads._CUSTOM_FIELD_TYPES).
CUSTOM_FIELD_NAMES: Mapping[int, str] = {
    7001: "Rebate Program",
    7002: "Permit Number",
    7003: "AHRI Reference",
    7301: "Preferred Contact Time",
    7401: "Utility Account Number",
    7501: "AHRI Reference",
    7502: "Refrigerant",
}


def require_refs(call: Call, resource: str, ids: Iterable[Any], field: str) -> None:
    """400 naming ``field`` when any id does not exist in ``resource``."""
    missing = [i for i in ids if i is not None and call.store.get(resource, i) is None]
    if missing:
        raise validation_error({field: [f"{resource} {missing[0]} does not exist."]})


def require_ref(call: Call, resource: str, record_id: Any, field: str) -> Record:
    record = call.store.get(resource, record_id) if record_id is not None else None
    if record is None:
        raise validation_error({field: [f"{resource} {record_id} does not exist."]})
    return record


def custom_fields(values: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """``[{typeId, value}]`` request items → ``[{typeId, name, value}]`` stored items."""
    stored = []
    for item in values or ():
        type_id = item.get("typeId")
        if type_id is None:
            continue
        stored.append(
            {
                "typeId": type_id,
                "name": CUSTOM_FIELD_NAMES.get(int(type_id), f"Field {type_id}"),
                "value": item.get("value"),
            }
        )
    return stored


def patch(record: Record, body: Mapping[str, Any], fields: Iterable[str]) -> None:
    """Copy the listed fields the caller sent (lists replace the old value wholesale)."""
    for name in fields:
        if name in body:
            record[name] = body[name]


def conflict(title: str) -> ApiError:
    return ApiError(409, title)


def unique_ints(values: Iterable[Any]) -> list[int]:
    return list(dict.fromkeys(int(v) for v in values if v is not None))
