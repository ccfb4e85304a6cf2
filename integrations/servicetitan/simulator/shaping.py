"""Schema-driven response shaping and request validation.

Responses: stored records carry more than any one operation returns (internal ``_`` keys, the
export-only ``active`` flag, the detailed-only ``attachments``…). A :class:`Shaper` compiled
from an operation's response schema keeps exactly the documented top-level properties, in the
documented order, filling any the record lacks with a schema default (``null`` when nullable,
else an empty value of the declared type). Nested objects are produced in their final shape by
the generators and handlers.

Requests: :func:`validate_body` mimics ASP.NET model binding as ServiceTitan exhibits it:
unknown properties are dropped silently, a value of the wrong JSON type is a 400 naming the
field, and missing required properties are a 400 too.
"""

from __future__ import annotations

import functools
import operator
import uuid
from collections.abc import Mapping
from typing import Any, Final

from integrations.servicetitan.simulator import times
from integrations.servicetitan.simulator.data.collections import Record
from integrations.servicetitan.spec import Operation, SpecDocument, load_specs

JsonSchema = Mapping[str, Any]
_EPOCH_ISO: Final = "1970-01-01T00:00:00Z"


def resolve(doc: SpecDocument, schema: JsonSchema) -> JsonSchema:
    while "$ref" in schema:
        schema = doc.schema(str(schema["$ref"]).rsplit("/", 1)[-1])
    return schema


def _types(schema: JsonSchema) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, list):
        return {str(t) for t in declared}
    return {str(declared)} if declared else set()


def _alternatives(schema: JsonSchema) -> list[JsonSchema]:
    return list(schema.get("oneOf") or schema.get("anyOf") or [])


def is_nullable(doc: SpecDocument, schema: JsonSchema) -> bool:
    if "null" in _types(schema):
        return True
    return any("null" in _types(alt) for alt in _alternatives(schema) if "$ref" not in alt)


def default_for(doc: SpecDocument, schema: JsonSchema, depth: int = 0) -> Any:
    """A schema-valid placeholder: null if allowed, else the empty value of the type."""
    if is_nullable(doc, schema):
        return None
    alternatives = _alternatives(schema)
    if alternatives:
        return default_for(doc, alternatives[0], depth)
    schema = resolve(doc, schema)
    if "enum" in schema:
        return schema["enum"][0]
    alternatives = _alternatives(schema)
    if alternatives:
        return default_for(doc, alternatives[0], depth)
    kinds = _types(schema)
    if "object" in kinds or "properties" in schema:
        if depth > 6:
            return {}
        return {
            name: default_for(doc, prop, depth + 1)
            for name, prop in schema.get("properties", {}).items()
        }
    if "array" in kinds:
        return ()
    if "integer" in kinds:
        return 0
    if "number" in kinds:
        return 0.0
    if "boolean" in kinds:
        return False
    if "string" in kinds:
        return _EPOCH_ISO if schema.get("format") == "date-time" else ""
    return None


class Shaper:
    """Projects stored records onto one response item schema."""

    __slots__ = ("_getter", "_names", "_pairs", "keys")

    def __init__(self, doc: SpecDocument, schema: JsonSchema | None) -> None:
        pairs: list[tuple[str, Any]] = []
        if schema is not None:
            resolved = resolve(doc, schema)
            for name, prop in resolved.get("properties", {}).items():
                pairs.append((name, default_for(doc, prop)))
        self._pairs = tuple(pairs)
        self._names = tuple(name for name, _ in pairs)
        self._getter = operator.itemgetter(*self._names) if len(self._names) > 1 else None
        self.keys = frozenset(self._names)

    def __call__(self, record: Record) -> dict[str, Any]:
        # Fast path (C-level): records that carry every documented key, as generated ones do.
        if self._getter is not None:
            try:
                return dict(zip(self._names, self._getter(record), strict=True))
            except KeyError:
                pass
        get = record.get
        return {key: get(key, default) for key, default in self._pairs}

    def __bool__(self) -> bool:
        return bool(self._pairs)


def _item_schema(doc: SpecDocument, schema: JsonSchema) -> tuple[str, JsonSchema]:
    """``("page"|"export"|"array"|"single", item schema)`` of a response schema."""
    resolved = resolve(doc, schema)
    props = resolved.get("properties", {})
    if "data" in props and ("hasMore" in props):
        items = props["data"].get("items", {})
        kind = "export" if "continueFrom" in props else "page"
        return kind, items
    if "array" in _types(resolved) and "items" in resolved:
        return "array", resolved["items"]
    return "single", schema


@functools.cache
def response_shape(operation: Operation, status: int | None = None) -> tuple[str, Shaper]:
    """The envelope kind and item shaper of an operation's (success) response."""
    doc = load_specs().document(operation.module)
    schema = operation.response_schema(status)
    if schema is None:
        return "none", Shaper(doc, None)
    kind, item = _item_schema(doc, schema)
    return kind, Shaper(doc, item)


@functools.cache
def shaper_for_schema(module: str, schema_name: str) -> Shaper:
    doc = load_specs().document(module)
    return Shaper(doc, doc.schema(schema_name))


# --- request validation --------------------------------------------------------------------

_NET_TYPES: Final = {
    "integer": "System.Int64",
    "number": "System.Decimal",
    "boolean": "System.Boolean",
    "string": "System.String",
    "array": "System.Collections.Generic.List",
    "object": "System.Object",
}


class _Errors:
    def __init__(self) -> None:
        self.items: dict[str, list[str]] = {}

    def add(self, key: str, message: str) -> None:
        self.items.setdefault(key, []).append(message)

    def convert(self, path: str, kind: str) -> None:
        net = _NET_TYPES.get(kind, "the target type")
        self.add(path, f"The JSON value could not be converted to {net}. Path: {path}.")


def _field_label(name: str) -> str:
    return name[:1].upper() + name[1:]


def _check(doc: SpecDocument, schema: JsonSchema, value: Any, path: str, errors: _Errors) -> Any:
    """``value`` bound to ``schema`` as ServiceTitan's model binder does: cleaned, with what
    does not bind added to ``errors`` under its JSON path."""
    nullable = is_nullable(doc, schema)
    alternatives = [
        alt for alt in _alternatives(schema) if "null" not in _types(alt) or "$ref" in alt
    ]
    if alternatives and "properties" not in schema:
        return _check_alternatives(doc, alternatives, nullable, value, path, errors)
    schema = resolve(doc, schema)
    if value is None:
        kinds = _types(schema)
        if not nullable and kinds & {"integer", "number", "boolean"}:
            errors.convert(path, next(iter(kinds & {"integer", "number", "boolean"})))
        return None
    if "enum" in schema:
        return _check_enum(schema, value, path, errors)
    kinds = _types(schema) - {"null"}
    if "object" in kinds or "properties" in schema:
        return _check_object(doc, schema, value, path, errors)
    if "array" in kinds:
        if not isinstance(value, list):
            errors.convert(path, "array")
            return value
        item_schema = schema.get("items", {})
        return [
            _check(doc, item_schema, item, f"{path}[{i}]", errors) for i, item in enumerate(value)
        ]
    return _check_scalar(schema, kinds, value, path, errors)


def _check_alternatives(
    doc: SpecDocument,
    alternatives: list[JsonSchema],
    nullable: bool,
    value: Any,
    path: str,
    errors: _Errors,
) -> Any:
    if value is None:
        if not nullable:
            errors.add(path, f"The value at {path} must not be null.")
        return None
    if len(alternatives) == 1:
        return _check(doc, alternatives[0], value, path, errors)
    for alt in alternatives:
        trial = _Errors()
        cleaned = _check(doc, alt, value, path, trial)
        if not trial.items:
            return cleaned
    errors.add(path, f"The JSON value at {path} does not match any allowed shape.")
    return value


def _check_enum(schema: JsonSchema, value: Any, path: str, errors: _Errors) -> Any:
    options = [str(o) for o in schema["enum"]]
    if isinstance(value, bool):
        errors.convert(path, "string")
        return value
    if isinstance(value, int) and 0 <= value < len(options):
        return options[value]  # .NET binds numeric enum values too
    if isinstance(value, str):
        for option in options:
            if option.lower() == value.lower():
                return option
    errors.add(path, f"The JSON value could not be converted to an enum value. Path: {path}.")
    return value


def _check_object(
    doc: SpecDocument, schema: JsonSchema, value: Any, path: str, errors: _Errors
) -> Any:
    if not isinstance(value, dict):
        errors.convert(path, "object")
        return value
    fields: dict[str, Any] = {}
    props: Mapping[str, JsonSchema] = schema.get("properties", {})
    lowered = {name.lower(): name for name in props}
    for key, item in value.items():
        name = lowered.get(str(key).lower())
        if name is None:
            continue  # unknown properties are ignored, as ServiceTitan does
        fields[name] = _check(doc, props[name], item, f"{path}.{name}", errors)
    for required in schema.get("required", []):
        if fields.get(required) is None and not (
            required in fields and is_nullable(doc, props.get(required, {}))
        ):
            label = _field_label(required)
            errors.add(
                label if path == "$" else f"{path[2:]}.{required}",
                f"The {label} field is required.",
            )
    if not props and schema.get("additionalProperties") not in (False, None):
        return dict(value)
    return fields


def _check_scalar(
    schema: JsonSchema, kinds: set[str], value: Any, path: str, errors: _Errors
) -> Any:
    if "integer" in kinds:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            errors.convert(path, "integer")
    elif "number" in kinds:
        if isinstance(value, bool) or not isinstance(value, int | float):
            errors.convert(path, "number")
    elif "boolean" in kinds:
        if not isinstance(value, bool):
            errors.convert(path, "boolean")
    elif "string" in kinds:
        if not isinstance(value, str):
            errors.convert(path, "string")
        else:
            _check_string_format(schema.get("format"), value, path, errors)
    return value


def _check_string_format(fmt: str | None, value: str, path: str, errors: _Errors) -> None:
    if fmt in ("date-time", "date"):
        try:
            times.parse(value)
        except ValueError:
            errors.add(
                path, f"The JSON value could not be converted to System.DateTime. Path: {path}."
            )
    elif fmt in ("guid", "uuid"):
        try:
            uuid.UUID(value)
        except ValueError:
            errors.add(path, f"The JSON value could not be converted to System.Guid. Path: {path}.")


def validate_body(operation: Operation, body: Any) -> tuple[Any, dict[str, list[str]]]:
    """``(cleaned body, errors)`` for an operation's JSON request body."""
    doc = load_specs().document(operation.module)
    schema = operation.request_schema
    if schema is None:
        return body, {}
    errors = _Errors()
    if body is None:
        resolved = resolve(doc, schema)
        if resolved.get("required") or "object" in _types(resolved) or "array" in _types(resolved):
            errors.add("$", "A non-empty request body is required.")
        return None, errors.items
    cleaned = _check(doc, schema, body, "$", errors)
    return cleaned, errors.items
