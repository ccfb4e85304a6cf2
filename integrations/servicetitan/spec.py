"""ServiceTitan's OpenAPI documents, loaded once and indexed for routing and validation.

The JSON files in ``openapi/`` are ServiceTitan's own OpenAPI 3.1 documents (see
``openapi/SOURCES.md``). Each document's paths are relative to
``https://api.servicetitan.io/<module>/v2``; this module turns them into :class:`Operation`
objects whose ``full_path`` carries that prefix (``/jpm/v2/tenant/{tenant}/jobs/{id}``), so the
client and the simulator share one route table instead of hand-written ones (hand-written route
maps are a classic source of wrong module prefixes, see CLIENTS.md pitfall 17).

A few operations were dropped from the May-2026 public documents although ServiceTitan still
serves them and integrations still call them; :data:`ARCHIVED_OPERATIONS` re-adds those we need
(marked ``archived=True``), built from the Mar-2026 snapshot's shapes.

Plain Python: no framework imports, only ``jsonschema``/``referencing`` for validation.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final
from urllib.parse import quote

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = [
    "API_VERSION",
    "ARCHIVED_OPERATIONS",
    "SPEC_DIR",
    "Operation",
    "Parameter",
    "ResponseSpec",
    "SpecDocument",
    "Specs",
    "allowed_methods",
    "find_operation",
    "find_operation_by_id",
    "iter_operations",
    "load_specs",
    "match",
    "response_validator",
]

SPEC_DIR: Final = Path(__file__).resolve().parent / "openapi"
API_VERSION: Final = "v2"
HTTP_METHODS: Final = ("get", "post", "put", "patch", "delete")
SCHEMA_URI_PREFIX: Final = "urn:servicetitan:openapi:"

#: Spec file stem (minus ``-v2``) → URL segment, where they differ.
MODULE_SEGMENTS: Final[Mapping[str, str]] = MappingProxyType(
    {"equipment-systems": "equipmentsystems", "salestech": "sales"}
)

JsonSchema = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Parameter:
    """One path/query/header parameter of an operation."""

    name: str
    location: str
    required: bool
    schema: JsonSchema
    description: str = ""


@dataclass(frozen=True, slots=True)
class ResponseSpec:
    """A documented response: status code, media type and schema (``None`` for no body)."""

    status: int
    content_type: str | None
    schema: JsonSchema | None
    #: JSON pointer (inside the document) to ``schema``; used to build validators.
    pointer: str | None


@dataclass(frozen=True, eq=False, slots=True)
class Operation:
    """One (method, path) of one ServiceTitan module, as its OpenAPI document describes it.

    ``eq=False``: operations are compared and hashed by identity; there is exactly one object per
    documented operation for the life of the process (see :func:`load_specs`).
    """

    module: str
    document: str
    method: str
    path: str
    full_path: str
    operation_id: str
    summary: str
    scope: str | None
    tags: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    request_content_type: str | None
    request_schema: JsonSchema | None
    responses: Mapping[int, ResponseSpec]
    archived: bool = False

    @property
    def key(self) -> tuple[str, str]:
        """``(module, operationId)``: unique across documents (``Jobs_Get`` exists in two)."""
        return (self.module, self.operation_id)

    @property
    def success_status(self) -> int:
        """The lowest documented 2xx status (what a successful call answers)."""
        codes = sorted(code for code in self.responses if 200 <= code < 300)
        return codes[0] if codes else 200

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def query_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "query")

    def parameter(self, name: str) -> Parameter | None:
        for param in self.parameters:
            if param.name == name:
                return param
        return None

    def response(self, status: int) -> ResponseSpec | None:
        return self.responses.get(status)

    def response_schema(self, status: int | None = None) -> JsonSchema | None:
        spec = self.responses.get(self.success_status if status is None else status)
        return None if spec is None else spec.schema

    def __repr__(self) -> str:
        return f"<Operation {self.method} {self.full_path} ({self.operation_id})>"


@dataclass(frozen=True, slots=True)
class SpecDocument:
    """One OpenAPI document (one ServiceTitan module)."""

    name: str
    module: str
    uri: str
    raw: Mapping[str, Any]
    operations: tuple[Operation, ...]

    @property
    def schemas(self) -> Mapping[str, JsonSchema]:
        components: Mapping[str, Any] = self.raw.get("components", {})
        schemas: Mapping[str, JsonSchema] = components.get("schemas", {})
        return schemas

    def schema(self, name: str) -> JsonSchema:
        """A named component schema (``KeyError`` if the document has none by that name)."""
        return self.schemas[name]


@dataclass(slots=True)
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    param: _Node | None = None
    operations: dict[str, Operation] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Specs:
    """Every loaded document plus lookup structures."""

    documents: Mapping[str, SpecDocument]
    operations: tuple[Operation, ...]
    _by_template: Mapping[tuple[str, str], Operation]
    _by_id: Mapping[tuple[str, str], Operation]
    _routes: Mapping[str, _Node]

    def document(self, module: str) -> SpecDocument:
        """The document for a URL module segment (``jpm``, ``equipmentsystems``, ``sales``…)."""
        return self.documents[module]

    def find(self, method: str, full_path_template: str) -> Operation | None:
        return self._by_template.get((method.upper(), full_path_template))

    def by_id(self, module: str, operation_id: str) -> Operation | None:
        return self._by_id.get((module, operation_id))

    def match(self, method: str, concrete_path: str) -> tuple[Operation, dict[str, str]] | None:
        found = self._match_node(concrete_path)
        if found is None:
            return None
        node, values = found
        operation = node.operations.get(method.upper())
        if operation is None:
            return None
        names = _PARAM_RE.findall(operation.path)
        return operation, dict(zip(names, values, strict=True))

    def allowed_methods(self, concrete_path: str) -> tuple[str, ...]:
        """Methods documented for a concrete path (empty when the path matches nothing)."""
        found = self._match_node(concrete_path)
        return () if found is None else tuple(sorted(found[0].operations))

    def _match_node(self, concrete_path: str) -> tuple[_Node, list[str]] | None:
        segments = [s for s in concrete_path.split("/") if s]
        if len(segments) < 3 or segments[1].lower() != API_VERSION:
            return None
        root = self._routes.get(segments[0].lower())
        if root is None:
            return None
        values: list[str] = []
        node = _walk(root, segments[2:], values)
        return None if node is None else (node, values)


_PARAM_RE: Final = re.compile(r"\{([^}]+)\}")


def _walk(node: _Node, segments: list[str], values: list[str]) -> _Node | None:
    """Depth-first match, literal segments before parameters (``jobs/custom-fields`` wins
    over ``jobs/{id}``), backtracking when a literal branch dead-ends. Parameter values are
    collected positionally: operations sharing a trie node may name the same slot differently
    (``jobs/{id}`` vs ``jobs/{jobId}/attachments``)."""
    if not segments:
        return node if node.operations else None
    head, rest = segments[0], segments[1:]
    literal = node.literals.get(head.lower())
    if literal is not None:
        found = _walk(literal, rest, values)
        if found is not None:
            return found
    if node.param is not None:
        values.append(head)
        found = _walk(node.param, rest, values)
        if found is not None:
            return found
        values.pop()
    return None


def _pointer(*parts: str) -> str:
    return "/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def _media(content: Mapping[str, Any]) -> tuple[str | None, JsonSchema | None, str | None]:
    """Pick the JSON media type when offered, else the first one."""
    if not content:
        return None, None, None
    media_type = "application/json" if "application/json" in content else next(iter(content))
    schema = content[media_type].get("schema")
    return media_type, schema, media_type


def _build_operation(
    doc_name: str,
    module: str,
    path: str,
    method: str,
    raw: Mapping[str, Any],
    shared_params: list[Mapping[str, Any]],
    *,
    archived: bool = False,
) -> Operation:
    params: list[Parameter] = []
    for p in [*shared_params, *raw.get("parameters", [])]:
        params.append(
            Parameter(
                name=p["name"],
                location=p.get("in", "query"),
                required=bool(p.get("required", False)),
                schema=p.get("schema", {}),
                description=p.get("description", "") or "",
            )
        )
    request_type: str | None = None
    request_schema: JsonSchema | None = None
    body = raw.get("requestBody")
    if body:
        request_type, request_schema, _ = _media(body.get("content", {}))
    responses: dict[int, ResponseSpec] = {}
    for code, response in raw.get("responses", {}).items():
        if not str(code).isdigit():
            continue
        media_type, schema, key = _media(response.get("content", {}))
        pointer = None
        if schema is not None and key is not None:
            pointer = _pointer(
                "paths", path, method, "responses", str(code), "content", key, "schema"
            )
        responses[int(code)] = ResponseSpec(int(code), media_type, schema, pointer)
    scope = None
    for requirement in raw.get("security", []):
        scopes = requirement.get("oauth") or []
        if scopes:
            scope = scopes[0]
            break
    return Operation(
        module=module,
        document=doc_name,
        method=method.upper(),
        path=path,
        full_path=f"/{module}/{API_VERSION}{path}",
        operation_id=raw.get("operationId", f"{method}_{path}"),
        summary=raw.get("summary", "") or "",
        scope=scope,
        tags=tuple(raw.get("tags", [])),
        parameters=tuple(params),
        request_content_type=request_type,
        request_schema=request_schema,
        responses=MappingProxyType(responses),
        archived=archived,
    )


# --- operations removed from the May-2026 public documents, still served by ServiceTitan ------

_TENANT_PARAM: Final = {
    "name": "tenant",
    "in": "path",
    "required": True,
    "description": "Tenant ID",
    "schema": {"type": "integer", "format": "int64"},
}

#: ``module → [(path, method, operation, extra component schemas)]``. Shapes from the
#: Mar-2026 snapshot (``archdotdev-2026-03``), see API.md "Payments (accounting)".
ARCHIVED_OPERATIONS: Final[Mapping[str, tuple[tuple[str, str, Mapping[str, Any]], ...]]] = (
    MappingProxyType(
        {
            "accounting": (
                (
                    "/tenant/{tenant}/payments",
                    "post",
                    {
                        "tags": ["Payments"],
                        "summary": "Create payment (removed from the public docs in 2026)",
                        "operationId": "Payments_Create",
                        "parameters": [_TENANT_PARAM],
                        "requestBody": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "$ref": "#/components/schemas/"
                                        "Accounting.V2.PaymentCreateRequest"
                                    }
                                }
                            }
                        },
                        "responses": {
                            "200": {
                                "description": "OK",
                                "content": {
                                    "application/json": {
                                        "schema": {
                                            "$ref": "#/components/schemas/"
                                            "Accounting.V2.PaymentResponse"
                                        }
                                    }
                                },
                            },
                            "400": {
                                "description": "Validation error",
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/ApiErrorResponse"}
                                    }
                                },
                            },
                        },
                        "security": [{"apiKeyHeader": [], "oauth": ["tn.acc.payments:w"]}],
                    },
                ),
            ),
        }
    )
)

_ARCHIVED_SCHEMAS: Final[Mapping[str, Mapping[str, JsonSchema]]] = MappingProxyType(
    {
        "accounting": {
            "Accounting.V2.PaymentCreateRequest": {
                "required": ["typeId"],
                "type": "object",
                "properties": {
                    "amount": {"type": ["number", "null"], "format": "decimal"},
                    "authCode": {"type": ["string", "null"]},
                    "checkNumber": {"type": ["string", "null"]},
                    "customerId": {"type": ["integer", "null"], "format": "int64"},
                    "exportId": {"type": ["string", "null"]},
                    "memo": {"type": ["string", "null"]},
                    "paidOn": {"type": ["string", "null"], "format": "date-time"},
                    "splits": {
                        "type": ["array", "null"],
                        "items": {
                            "$ref": "#/components/schemas/Accounting.V2.PaymentSplitApiModel"
                        },
                    },
                    "status": {
                        "oneOf": [
                            {"$ref": "#/components/schemas/Accounting.V2.PaymentStatus"},
                            {"type": "null"},
                        ]
                    },
                    "typeId": {"type": "integer", "format": "int64"},
                },
                "additionalProperties": False,
            }
        }
    }
)


def _module_for(stem: str) -> str:
    name = stem.removesuffix("-v2")
    return MODULE_SEGMENTS.get(name, name)


def _load_document(path: Path) -> SpecDocument:
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    stem = path.stem
    module = _module_for(stem)
    schemas = raw.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in _ARCHIVED_SCHEMAS.get(module, {}).items():
        schemas.setdefault(name, schema)
    operations: list[Operation] = []
    for p, item in raw.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method in item:
                operations.append(_build_operation(stem, module, p, method, item[method], shared))
    for p, method, op in ARCHIVED_OPERATIONS.get(module, ()):
        item = raw["paths"].setdefault(p, {})
        if method in item:  # ServiceTitan documented it again: prefer the live document.
            continue
        item[method] = op
        operations.append(_build_operation(stem, module, p, method, op, [], archived=True))
    return SpecDocument(
        name=stem,
        module=module,
        uri=SCHEMA_URI_PREFIX + module,
        raw=raw,
        operations=tuple(operations),
    )


def _add_route(root: _Node, operation: Operation) -> None:
    node = root
    for segment in (s for s in operation.path.split("/") if s):
        if segment.startswith("{") and segment.endswith("}"):
            if node.param is None:
                node.param = _Node()
            node = node.param
        else:
            node = node.literals.setdefault(segment.lower(), _Node())
    node.operations[operation.method] = operation


@functools.cache
def load_specs(spec_dir: Path = SPEC_DIR) -> Specs:
    """Load and index every ``*.json`` document in ``spec_dir`` (cached per directory)."""
    documents: dict[str, SpecDocument] = {}
    for path in sorted(spec_dir.glob("*.json")):
        doc = _load_document(path)
        documents[doc.module] = doc
    operations = tuple(op for doc in documents.values() for op in doc.operations)
    routes: dict[str, _Node] = {}
    for op in operations:
        _add_route(routes.setdefault(op.module, _Node()), op)
    return Specs(
        documents=MappingProxyType(documents),
        operations=operations,
        _by_template=MappingProxyType({(op.method, op.full_path): op for op in operations}),
        _by_id=MappingProxyType({op.key: op for op in operations}),
        _routes=MappingProxyType(routes),
    )


def iter_operations(module: str | None = None) -> Iterator[Operation]:
    """Every documented operation (optionally of one URL module segment)."""
    for op in load_specs().operations:
        if module is None or op.module == module:
            yield op


def find_operation(method: str, full_path_template: str) -> Operation | None:
    """Look up ``("GET", "/jpm/v2/tenant/{tenant}/jobs/{id}")``."""
    return load_specs().find(method, full_path_template)


def find_operation_by_id(module: str, operation_id: str) -> Operation | None:
    """Look up ``("jpm", "Jobs_Get")``."""
    return load_specs().by_id(module, operation_id)


def match(method: str, concrete_path: str) -> tuple[Operation, dict[str, str]] | None:
    """Route ``("GET", "/jpm/v2/tenant/1000/jobs/42")`` → ``(Jobs_Get, {"tenant": "1000",
    "id": "42"})``; ``None`` when nothing matches. Path parameters stay strings."""
    return load_specs().match(method, concrete_path)


def allowed_methods(concrete_path: str) -> tuple[str, ...]:
    return load_specs().allowed_methods(concrete_path)


@functools.cache
def _registry(module: str) -> Registry[Any]:
    doc = load_specs().document(module)
    resource: Resource[Any] = Resource.from_contents(doc.raw, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(doc.uri, resource)
    return registry


@functools.cache
def _validator_for(module: str, pointer: str) -> Draft202012Validator:
    doc = load_specs().document(module)
    ref = doc.uri + "#" + quote(pointer, safe="/~")
    return Draft202012Validator({"$ref": ref}, registry=_registry(module))


def schema_validator(module: str, schema_name: str) -> Draft202012Validator:
    """A validator for a named component schema of one module's document."""
    return _validator_for(module, _pointer("components", "schemas", schema_name))


def response_validator(operation: Operation, status: int | None = None) -> Draft202012Validator:
    """A Draft 2020-12 validator for ``operation``'s response body at ``status`` (default: its
    success status), resolving ``$ref``s into the document's components.

    Raises ``LookupError`` when the document declares no JSON schema for that status.
    """
    code = operation.success_status if status is None else status
    spec = operation.responses.get(code)
    if spec is None or spec.pointer is None:
        raise LookupError(f"{operation!r} documents no response schema for status {code}")
    return _validator_for(operation.module, spec.pointer)
