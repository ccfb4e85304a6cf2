"""List endpoints: query parsing, filtering, sorting and the page envelope.

Only parameters the operation documents are honoured (ServiceTitan ignores the rest).
``page`` starts at 1; ``pageSize`` defaults to 50 and is clamped to the operation's maximum
(5000, or 500 where the document says so); ``ids`` takes at most 50; ``active`` defaults as the
document states (usually ``True``); ``*OnOrAfter`` filters are inclusive, ``*Before``
exclusive; ``sort`` is ``+Field``/``-Field`` over the fields the document lists.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from integrations.servicetitan.simulator import times
from integrations.servicetitan.simulator.data.collections import CREATED, MODIFIED, Record, RecordId
from integrations.servicetitan.simulator.http import Request, validation_error
from integrations.servicetitan.simulator.store import DELETED, Store
from integrations.servicetitan.spec import Operation

Predicate = Callable[[Record], bool]
#: Given a filter value, the base indices that can match (``None``: no shortcut).
IndexHint = Callable[[str], Sequence[int] | None]

DEFAULT_PAGE_SIZE: Final = 50
_AVAILABLE = (
    re.compile(r"Available fields are\s*:\s*([A-Za-z][A-Za-z, ]*)"),
    re.compile(r"Options\s*:\s*([A-Za-z][A-Za-z, ]*)"),
    re.compile(r"specified field\s*:\s*([A-Za-z][A-Za-z, ]*)"),
)
_SORT_ALIASES: Final = {"id": "id", "modifiedon": MODIFIED, "createdon": CREATED}


@dataclass(frozen=True, slots=True)
class Filter:
    """A resource-specific list filter: query parameter → predicate over stored records."""

    param: str
    build: Callable[[str], Predicate]
    hint: IndexHint | None = None


@dataclass(slots=True)
class ListQuery:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    include_total: bool = False
    ids: list[RecordId] | None = None
    active: str = "Any"
    modified_from: int | None = None
    modified_before: int | None = None
    created_from: int | None = None
    created_before: int | None = None
    sort_key: str | None = None
    descending: bool = False
    predicates: list[Predicate] = field(default_factory=list)
    hints: list[Sequence[int]] = field(default_factory=list)


def parse_int(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise validation_error({name: [f"The value '{value}' is not valid for {name}."]}) from None


def parse_time(name: str, value: str) -> int:
    try:
        return times.parse(value)
    except ValueError:
        raise validation_error({name: [f"The value '{value}' is not valid for {name}."]}) from None


def parse_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise validation_error({name: [f"The value '{value}' is not valid for {name}."]})


def parse_ids(name: str, value: str, limit: int | None, *, guid: bool = False) -> list[RecordId]:
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if limit is not None and len(parts) > limit:
        raise validation_error({name: [f"The maximum number of {name} is {limit}."]})
    if guid:
        return [p.lower() for p in parts]
    return [parse_int(name, p) for p in parts]


def max_page_size(operation: Operation, configured: int) -> int:
    param = operation.parameter("pageSize")
    if param is None:
        return configured
    maximum = param.schema.get("maximum")
    if isinstance(maximum, int | float) and maximum < configured:
        return int(maximum)
    if "Maximum value is 500" in param.description:
        return 500
    return configured


def default_active(operation: Operation) -> str:
    param = operation.parameter("active")
    if param is None:
        return "Any"
    text = param.description.lower()
    if "active and inactive" in text or "all items will be returned" in text:
        return "Any"
    return "True"


def sort_fields(operation: Operation) -> dict[str, str] | None:
    """Allowed ``sort`` fields (lower-case name → record key), or None if undocumented."""
    param = operation.parameter("sort")
    if param is None:
        return None
    text = param.description.replace("\\", " ")
    match = next((m for m in (p.search(text) for p in _AVAILABLE) if m), None)
    names = ["Id", "ModifiedOn", "CreatedOn"]
    if match:
        names = [n.strip().rstrip(".") for n in match.group(1).split(",") if n.strip().rstrip(".")]
    allowed: dict[str, str] = {}
    for name in names:
        key = name.lower()
        allowed[key] = _SORT_ALIASES.get(key, name[:1].lower() + name[1:])
    return allowed


def parse_list_query(
    request: Request,
    operation: Operation,
    filters: Iterable[Filter],
    *,
    page_size_limit: int,
    ids_limit: int,
    guid_ids: bool = False,
) -> ListQuery:
    documented = {p.name for p in operation.query_parameters}
    query = ListQuery(active=default_active(operation))

    def arg(name: str) -> str:
        """The parameter's value, or "" when absent or not documented for this operation."""
        return (request.arg(name) or "") if name in documented else ""

    if value := arg("page"):
        query.page = max(parse_int("page", value), 1)
    if value := arg("pageSize"):
        size = parse_int("pageSize", value)
        query.page_size = min(max(size, 1), max_page_size(operation, page_size_limit))
    if value := arg("includeTotal"):
        query.include_total = parse_bool("includeTotal", value)
    if value := arg("ids"):
        query.ids = parse_ids("ids", value, ids_limit, guid=guid_ids)
    if value := arg("active"):
        normalized = {"true": "True", "false": "False", "any": "Any"}.get(value.lower())
        if normalized is None:
            raise validation_error({"active": [f"The value '{value}' is not valid for active."]})
        query.active = normalized
    if value := arg("activeState"):
        normalized = {"activeonly": "True", "inactiveonly": "False", "all": "Any"}.get(
            value.lower()
        )
        if normalized is None:
            raise validation_error({"activeState": [f"The value '{value}' is not valid."]})
        query.active = normalized
    elif "activeState" in documented:
        query.active = "True"
    for name, attr in (
        ("modifiedOnOrAfter", "modified_from"),
        ("modifiedBefore", "modified_before"),
        ("createdOnOrAfter", "created_from"),
        ("createdBefore", "created_before"),
    ):
        if value := arg(name):
            setattr(query, attr, parse_time(name, value))
    if value := arg("sort"):
        query.sort_key, query.descending = _parse_sort(operation, value)
    elif value := arg("orderBy"):
        direction = (arg("orderByDirection") or "asc").lower()
        key = value.strip().lower()
        query.sort_key = _SORT_ALIASES.get(key, value[:1].lower() + value[1:])
        query.descending = direction.startswith("desc")
    for spec in filters:
        if spec.param not in documented:
            continue
        value = ",".join(v for v in request.args(spec.param) if v != "")
        if not value:
            continue
        query.predicates.append(spec.build(value))
        if spec.hint is not None:
            hinted = spec.hint(value)
            if hinted is not None:
                query.hints.append(hinted)
    return query


def _parse_sort(operation: Operation, value: str) -> tuple[str, bool]:
    text = value.strip()
    descending = text.startswith("-")
    name = text.lstrip("+- ").strip()
    allowed = sort_fields(operation)
    if allowed is None:
        return _SORT_ALIASES.get(name.lower(), name[:1].lower() + name[1:]), descending
    key = allowed.get(name.lower())
    if key is None:
        raise validation_error(
            {
                "sort": [
                    f"Sorting by '{name}' is not supported. Available fields are: "
                    f"{', '.join(sorted(allowed))}."
                ]
            }
        )
    return key, descending


# --- evaluation ---------------------------------------------------------------------------


def _matches(record: Record, query: ListQuery) -> bool:
    if query.active != "Any":
        active = bool(record.get("active", True)) and not record.get(DELETED)
        if active != (query.active == "True"):
            return False
    elif record.get(DELETED):
        return False
    moment = record.get(MODIFIED, 0)
    if query.modified_from is not None and moment < query.modified_from:
        return False
    if query.modified_before is not None and moment >= query.modified_before:
        return False
    created = record.get(CREATED, 0)
    if query.created_from is not None and created < query.created_from:
        return False
    if query.created_before is not None and created >= query.created_before:
        return False
    return all(predicate(record) for predicate in query.predicates)


def _id_key(record: Record) -> tuple[int, str]:
    value = record["id"]
    return (value, "") if isinstance(value, int) else (0, str(value))


def candidates(store: Store, resource: str, query: ListQuery) -> Iterator[Record]:
    """Records in ascending id order, narrowed by index hints and the modified range."""
    state = store.state(resource)
    base = state.base
    overlay = state.overlay
    if query.ids is not None:
        found = (store.get(resource, record_id) for record_id in dict.fromkeys(query.ids))
        yield from sorted((r for r in found if r is not None), key=_id_key)
        return
    if query.hints:
        indices: Iterable[int] = sorted(set.intersection(*(set(h) for h in query.hints)))
    else:
        start, stop = 0, len(base)
        if query.modified_from is not None:
            start = base.first_modified_at_or_after(query.modified_from)
        if query.modified_before is not None:
            stop = base.first_modified_at_or_after(query.modified_before)
        indices = range(start, stop)
    base_rows = (base.record(i) for i in indices if not overlay or base.id_at(i) not in overlay)
    if not overlay:
        yield from base_rows
        return
    changed = sorted(overlay.values(), key=_id_key)
    yield from heapq.merge(base_rows, changed, key=_id_key)


@dataclass(frozen=True, slots=True)
class PageResult:
    rows: list[Record]
    has_more: bool
    total: int | None


def _matching(store: Store, resource: str, query: ListQuery) -> Iterable[Record]:
    """The records the query matches, in the order it asks for."""
    if query.sort_key in (None, "id") and not query.descending:
        return (r for r in candidates(store, resource, query) if _matches(r, query))
    if (
        query.sort_key == MODIFIED
        and not query.descending
        and not query.hints
        and query.ids is None
    ):
        ordered = store.iter_by_modified(resource, query.modified_from, query.modified_before)
        return (r for r in ordered if _matches(r, query))
    key = query.sort_key or "id"
    everything = [r for r in candidates(store, resource, query) if _matches(r, query)]
    everything.sort(key=lambda r: _sortable(r.get(key)), reverse=query.descending)
    return everything


def run_list(store: Store, resource: str, query: ListQuery) -> PageResult:
    matching = _matching(store, resource, query)
    offset = (query.page - 1) * query.page_size
    rows: list[Record] = []
    seen = 0
    has_more = False
    for record in matching:
        if seen >= offset + query.page_size:
            has_more = True
            if not query.include_total:
                break
        elif seen >= offset:
            rows.append(record)
        seen += 1
    return PageResult(rows, has_more, seen if query.include_total else None)


def _sortable(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (1, value)
    return (2, str(value).lower())


def envelope(query: ListQuery, result: PageResult, data: list[Any]) -> dict[str, Any]:
    return {
        "page": query.page,
        "pageSize": query.page_size,
        "hasMore": result.has_more,
        "totalCount": result.total,
        "data": data,
    }


# --- filter builders -------------------------------------------------------------------------


def eq_int(param: str, key: str | None = None, hint: IndexHint | None = None) -> Filter:
    field_name = key or param

    def build(value: str) -> Predicate:
        wanted = parse_int(param, value)
        return lambda r: r.get(field_name) == wanted

    return Filter(param, build, hint)


def in_ints(
    param: str, key: str, hint: IndexHint | None = None, limit: int | None = None
) -> Filter:
    def build(value: str) -> Predicate:
        wanted = set(parse_ids(param, value, limit))
        return lambda r: r.get(key) in wanted

    return Filter(param, build, hint)


def any_of(param: str, key: str) -> Filter:
    """The record's list field shares at least one value with the given comma list."""

    def build(value: str) -> Predicate:
        wanted = set(parse_ids(param, value, None))
        return lambda r: bool(wanted.intersection(r.get(key) or ()))

    return Filter(param, build)


def eq_text(param: str, key: str | None = None) -> Filter:
    field_name = key or param

    def build(value: str) -> Predicate:
        wanted = value.strip().lower()
        return lambda r: str(r.get(field_name) or "").lower() == wanted

    return Filter(param, build)


def in_texts(param: str, key: str) -> Filter:
    def build(value: str) -> Predicate:
        wanted = {v.strip().lower() for v in value.split(",") if v.strip()}
        return lambda r: str(r.get(key) or "").lower() in wanted

    return Filter(param, build)


def contains(param: str, key: str | None = None) -> Filter:
    field_name = key or param

    def build(value: str) -> Predicate:
        wanted = value.strip().lower()
        return lambda r: wanted in str(r.get(field_name) or "").lower()

    return Filter(param, build)


def flag(param: str, key: str | None = None) -> Filter:
    field_name = key or param

    def build(value: str) -> Predicate:
        wanted = parse_bool(param, value)
        return lambda r: bool(r.get(field_name)) == wanted

    return Filter(param, build)


def time_from(param: str, key: str) -> Filter:
    """Inclusive lower bound on a time field (internal µs int or ISO string)."""

    def build(value: str) -> Predicate:
        bound = parse_time(param, value)
        return lambda r: (moment := as_us(r.get(key))) is not None and moment >= bound

    return Filter(param, build)


def time_before(param: str, key: str) -> Filter:
    """Exclusive upper bound on a time field."""

    def build(value: str) -> Predicate:
        bound = parse_time(param, value)
        return lambda r: (moment := as_us(r.get(key))) is not None and moment < bound

    return Filter(param, build)


def custom(param: str, build: Callable[[str], Predicate], hint: IndexHint | None = None) -> Filter:
    return Filter(param, build, hint)


def as_us(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        return times.parse(str(value))
    except ValueError:
        return None
