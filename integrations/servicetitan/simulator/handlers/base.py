"""Handler plumbing: the per-call context, the registry keyed by (module, operationId), and
generic list / get / export handlers that most read operations are made of."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from integrations.servicetitan.simulator import export as export_feed
from integrations.servicetitan.simulator import query as q
from integrations.servicetitan.simulator.config import SimulatorConfig
from integrations.servicetitan.simulator.data.collections import Record, RecordId
from integrations.servicetitan.simulator.data.templates import RowRenderer, json_text
from integrations.servicetitan.simulator.data.tenant import Tenant
from integrations.servicetitan.simulator.faults import FaultDecision, FaultInjector, break_row
from integrations.servicetitan.simulator.http import (
    JSON_CONTENT_TYPE,
    ApiError,
    Request,
    Response,
    empty,
    json_response,
    not_found,
    validation_error,
)
from integrations.servicetitan.simulator.shaping import response_shape
from integrations.servicetitan.simulator.store import Store
from integrations.servicetitan.spec import Operation

if TYPE_CHECKING:
    from integrations.servicetitan.simulator.store import ResourceState

Handler = Callable[["Call"], Response]
Decorate = Callable[["Call", Record, dict[str, Any]], None]

_REGISTRY: dict[tuple[str, str], Handler] = {}


def handler(module: str, *operation_ids: str) -> Callable[[Handler], Handler]:
    """Register a function as the handler of one or more operations of a module."""

    def register(function: Handler) -> Handler:
        for operation_id in operation_ids:
            key = (module, operation_id)
            if key in _REGISTRY:
                raise RuntimeError(f"two handlers for {key}")
            _REGISTRY[key] = function
        return function

    return register


def registry() -> dict[tuple[str, str], Handler]:
    return dict(_REGISTRY)


@dataclass(slots=True)
class Uploads:
    """Files uploaded at run time (job attachments, installed-equipment attachments)."""

    files: dict[str, tuple[bytes, str, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, key: str, data: bytes, content_type: str, name: str) -> None:
        with self.lock:
            self.files[key] = (data, content_type, name)

    def get(self, key: str) -> tuple[bytes, str, str] | None:
        with self.lock:
            return self.files.get(key)

    def clear(self) -> None:
        with self.lock:
            self.files.clear()


@dataclass(slots=True)
class Context:
    """Everything handlers share for one simulator instance."""

    config: SimulatorConfig
    tenant: Tenant
    store: Store
    faults: FaultInjector
    uploads: Uploads


@dataclass(slots=True)
class Call:
    ctx: Context
    operation: Operation
    request: Request
    params: dict[str, str]
    body: Any
    fault: FaultDecision

    @property
    def store(self) -> Store:
        return self.ctx.store

    @property
    def tenant(self) -> Tenant:
        return self.ctx.tenant

    def arg(self, name: str) -> str | None:
        return self.request.arg(name)

    def int_param(self, name: str) -> int:
        value = self.params.get(name, "")
        try:
            return int(value)
        except ValueError:
            raise ApiError(404, f"No resource matches {name} '{value}'.") from None

    def record(self, resource: str, record_id: RecordId, what: str) -> Record:
        record = self.store.get(resource, record_id)
        if record is None:
            raise not_found(what, record_id)
        return record

    def editable(self, resource: str, record_id: RecordId, what: str) -> Record:
        record = self.store.editable(resource, record_id)
        if record is None:
            raise not_found(what, record_id)
        return record

    def body_dict(self) -> dict[str, Any]:
        return self.body if isinstance(self.body, dict) else {}

    # --- rendering ----------------------------------------------------------------------------

    def shape(self, record: Record, status: int | None = None) -> dict[str, Any]:
        _kind, shaper = response_shape(self.operation, status)
        return shaper(record)

    def respond(
        self, record: Record, status: int | None = None, decorate: Decorate | None = None
    ) -> Response:
        code = status or self.operation.success_status
        row = self.shape(record, code)
        if decorate is not None:
            decorate(self, record, row)
        return json_response(row, code)

    def rows(
        self, records: Sequence[Record], decorate: Decorate | None = None
    ) -> list[dict[str, Any]]:
        _kind, shaper = response_shape(self.operation)
        rows = [shaper(record) for record in records]
        if decorate is not None:
            for record, row in zip(records, rows, strict=True):
                decorate(self, record, row)
        if self.fault.malformed > 0:
            seed = self.ctx.config.seed
            injector = self.ctx.faults
            rows = [
                break_row(row, self.fault.sequence, i, seed)
                if injector.malformed_row(self.fault.sequence, i, self.fault.malformed)
                else row
                for i, row in enumerate(rows)
            ]
        return rows

    def success(self) -> Response:
        return empty(self.operation.success_status)


# --- external data (isolated per application GUID) -----------------------------------------------


def external_data_view(call: Call, record: Record, row: dict[str, Any]) -> None:
    if "externalData" not in row:
        return
    guid = (call.arg("externalDataApplicationGuid") or "").lower()
    stored: dict[str, list[dict[str, str]]] = record.get("_ext") or {}
    row["externalData"] = list(stored.get(guid, [])) if guid else []


def apply_external_create(record: Record, payload: Any) -> None:
    if not isinstance(payload, dict) or not payload.get("applicationGuid"):
        return
    stored: dict[str, list[dict[str, str]]] = record.setdefault("_ext", {})
    pairs = [
        {"key": str(p["key"]), "value": "" if p.get("value") is None else str(p["value"])}
        for p in payload.get("externalData") or []
        if isinstance(p, dict) and p.get("key") is not None
    ]
    stored[str(payload["applicationGuid"]).lower()] = pairs


def apply_external_update(record: Record, payload: Any) -> None:
    """``Replace`` (default) drops keys not sent; ``Merge`` touches only sent keys, and a null
    value deletes that key."""
    if not isinstance(payload, dict) or not payload.get("applicationGuid"):
        return
    guid = str(payload["applicationGuid"]).lower()
    stored: dict[str, list[dict[str, str]]] = record.setdefault("_ext", {})
    sent = [
        p
        for p in payload.get("externalData") or []
        if isinstance(p, dict) and p.get("key") is not None
    ]
    if (payload.get("patchMode") or "Replace") == "Merge":
        current = {p["key"]: p["value"] for p in stored.get(guid, [])}
        for pair in sent:
            if pair.get("value") is None:
                current.pop(str(pair["key"]), None)
            else:
                current[str(pair["key"])] = str(pair["value"])
    else:
        current = {str(p["key"]): str(p["value"]) for p in sent if p.get("value") is not None}
    stored[guid] = [{"key": k, "value": v} for k, v in current.items()]


def external_data_filters() -> list[q.Filter]:
    """``externalDataKey`` + ``externalDataValues`` (≤ 50) under ``externalDataApplicationGuid``."""

    def build_key(value: str) -> q.Predicate:
        key = value

        def predicate(record: Record) -> bool:
            stored: dict[str, list[dict[str, str]]] = record.get("_ext") or {}
            return any(p["key"] == key for pairs in stored.values() for p in pairs)

        return predicate

    def build_values(value: str) -> q.Predicate:
        wanted = {v.strip() for v in value.split(",") if v.strip()}
        if len(wanted) > 50:
            raise validation_error({"externalDataValues": ["The maximum number of values is 50."]})

        def predicate(record: Record) -> bool:
            stored: dict[str, list[dict[str, str]]] = record.get("_ext") or {}
            return any(p["value"] in wanted for pairs in stored.values() for p in pairs)

        return predicate

    return [q.custom("externalDataKey", build_key), q.custom("externalDataValues", build_values)]


# --- generic readers -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListSpec:
    resource: str
    filters: tuple[q.Filter, ...] = ()
    decorate: Decorate | None = None
    #: Extra predicate built from path parameters (e.g. ``/customers/{id}/contacts``).
    scope: Callable[[Call], q.Predicate] | None = None
    scope_hint: Callable[[Call], Sequence[int] | None] | None = None


def list_handler(spec: ListSpec) -> Handler:
    def handle(call: Call) -> Response:
        state = call.store.state(spec.resource)
        guid_ids = isinstance(state.base.id_at(0) if len(state.base) else 0, str)
        query = q.parse_list_query(
            call.request,
            call.operation,
            spec.filters,
            page_size_limit=call.ctx.config.max_page_size,
            ids_limit=call.ctx.config.max_ids,
            guid_ids=guid_ids,
        )
        if spec.scope is not None:
            query.predicates.append(spec.scope(call))
        if spec.scope_hint is not None:
            hinted = spec.scope_hint(call)
            if hinted is not None:
                query.hints.append(hinted)
        result = q.run_list(call.store, spec.resource, query)
        return json_response(q.envelope(query, result, call.rows(result.rows, spec.decorate)))

    return handle


def get_handler(
    resource: str, what: str, id_param: str = "id", decorate: Decorate | None = None
) -> Handler:
    def handle(call: Call) -> Response:
        raw = call.params.get(id_param, "")
        record_id: RecordId = raw.lower() if "-" in raw else call.int_param(id_param)
        record = call.record(resource, record_id, what)
        return call.respond(record, decorate=decorate)

    return handle


def export_handler(resource: str) -> Handler:
    renderers: dict[tuple[str, str], RowRenderer | None] = {}

    def renderer_for(call: Call, state: ResourceState) -> RowRenderer | None:
        """Template rendering for this operation's row shape (``data/templates.py``)."""
        key = call.operation.key
        if key not in renderers:
            spec = state.base.row_spec
            found = None
            if spec is not None:
                _kind, shaper = response_shape(call.operation)
                found = RowRenderer(spec, state.base.record, shaper, shaper.keys)
            renderers[key] = found if found is not None and found.usable else None
        return renderers[key]

    def handle(call: Call) -> Response:
        state: ResourceState = call.store.state(resource)
        start = export_feed.start_position(state, resource, call.arg("from"))
        recent = call.arg("includeRecentChanges")
        recent_since = None
        if recent is not None and q.parse_bool("includeRecentChanges", recent):
            window = int(call.ctx.config.recent_changes_window * 1_000_000)
            recent_since = call.store.clock.last - window
        page = export_feed.read_page(
            call.store,
            resource,
            start,
            call.ctx.config.export_batch_size,
            rewind=min(3, call.ctx.config.export_batch_size) if call.fault.duplicate else 0,
            recent_since=recent_since,
        )
        active = call.arg("active") if call.operation.parameter("active") else None
        wanted = (
            active.lower() == "true" if active and active.lower() in ("true", "false") else None
        )
        renderer = renderer_for(call, state)
        if renderer is not None and wanted is None and call.fault.malformed <= 0:
            # Fast path: base rows straight from templates, spliced into the page as text
            # (one join, one encode: pages of invoices run to 30 MB).
            parts = renderer.render(page.base)
            parts.extend(json_text(row) for row in call.rows(page.changed))
            head = json_text({"hasMore": page.has_more, "continueFrom": page.token})
            head = head[:-1] + ',"data":['
            if parts:  # envelope glued to the first and last rows: one join copies the page
                parts[0] = head + parts[0]
                parts[-1] += "]}"
            else:
                parts = [head + "]}"]
            return Response(200, ",".join(parts).encode("utf-8"), JSON_CONTENT_TYPE)
        make = state.base.record
        rows = [make(i) for i in page.base] + page.changed
        if wanted is not None:
            rows = [r for r in rows if bool(r.get("active", True)) == wanted]
        return json_response(
            {"hasMore": page.has_more, "continueFrom": page.token, "data": call.rows(rows)}
        )

    return handle


def ids_hint(offsets_of: Callable[[int], range | None]) -> q.IndexHint:
    """An index hint from a parent id → child base index range function."""

    def hint(value: str) -> Sequence[int] | None:
        indices: list[int] = []
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            try:
                found = offsets_of(int(part))
            except ValueError:
                return None
            if found is not None:
                indices.extend(found)
        return indices

    return hint
