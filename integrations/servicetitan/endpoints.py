"""The registry of every ServiceTitan operation the client can call.

Each client method names one :class:`Endpoint`: module, HTTP method, path template (relative to
``/{module}/v2/tenant/{tenant}``), ServiceTitan's ``operationId``, the query parameters it may
send and whether repeating it is harmless. The registry is what the spec check test compares
against ServiceTitan's OpenAPI documents, so a typo in a path or a filter name fails CI instead
of failing silently in production (CLIENTS.md pitfalls 2, 16, 17).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Final, TypeAlias
from urllib.parse import quote

__all__ = [
    "ACTIVE",
    "CREATED",
    "ENDPOINTS",
    "EXPORT",
    "IDS",
    "MODIFIED",
    "PAGED",
    "SORT",
    "Endpoint",
    "QueryScalar",
    "QueryValue",
    "define",
    "format_query_value",
    "to_camel",
]

QueryScalar: TypeAlias = str | int | float | bool | Decimal | date | datetime | Enum
QueryValue: TypeAlias = QueryScalar | Sequence[QueryScalar] | None

PAGED: Final = ("page", "pageSize", "includeTotal")
IDS: Final = ("ids",)
ACTIVE: Final = ("active",)
CREATED: Final = ("createdOnOrAfter", "createdBefore")
MODIFIED: Final = ("modifiedOnOrAfter", "modifiedBefore")
SORT: Final = ("sort",)
EXPORT: Final = ("from", "includeRecentChanges")

_PATH_PARAM: Final = re.compile(r"\{([^}]+)\}")
_IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One documented ServiceTitan operation as the client uses it."""

    name: str
    module: str
    method: str
    path: str
    operation_id: str
    query: frozenset[str]
    idempotent: bool
    #: Dropped from the current public documents but still served (see spec.py ARCHIVED).
    archived: bool = False

    @property
    def template(self) -> str:
        """Full path template as the OpenAPI documents spell it (``{tenant}`` included)."""
        return f"/{self.module}/v2/tenant/{{tenant}}{self.path}"

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(_PATH_PARAM.findall(self.path))

    def url_path(self, tenant: int, values: Mapping[str, object]) -> str:
        """The concrete path, every parameter URL-quoted (GUIDs, provider tags...)."""
        missing = set(self.path_params) - set(values)
        if missing:
            raise TypeError(f"{self.name} needs path parameter(s) {sorted(missing)}")

        def fill(found: re.Match[str]) -> str:
            return quote(str(values[found.group(1)]), safe="")

        return f"/{self.module}/v2/tenant/{tenant}" + _PATH_PARAM.sub(fill, self.path)

    def query_name(self, name: str) -> str:
        """Map a keyword (``job_status`` or ``jobStatus``) to the documented parameter name."""
        if name in self.query:
            return name
        camel = to_camel(name.rstrip("_"))
        if camel in self.query:
            return camel
        raise TypeError(
            f"{self.name} ({self.method} {self.template}) has no query parameter {name!r}; "
            f"documented: {', '.join(sorted(self.query))}"
        )


#: Every endpoint the client defines, by name (``"jobs.get"``).
ENDPOINTS: dict[str, Endpoint] = {}


def define(
    name: str,
    module: str,
    method: str,
    path: str,
    operation_id: str,
    *,
    query: Iterable[str] = (),
    idempotent: bool | None = None,
    archived: bool = False,
) -> Endpoint:
    """Register an endpoint. POSTs are non-idempotent unless stated (reads-by-POST, adds of
    a tag that is a no-op when present); everything else is idempotent by HTTP semantics, as
    AutoFile only sends absolute values with PUT/PATCH/DELETE."""
    method = method.upper()
    endpoint = Endpoint(
        name=name,
        module=module,
        method=method,
        path=path,
        operation_id=operation_id,
        query=frozenset(query),
        idempotent=method in _IDEMPOTENT_METHODS if idempotent is None else idempotent,
        archived=archived,
    )
    if name in ENDPOINTS and ENDPOINTS[name] != endpoint:
        raise ValueError(f"endpoint {name!r} defined twice")
    ENDPOINTS[name] = endpoint
    return endpoint


_CAMEL_SPLIT: Final = re.compile(r"_([a-z0-9])")


def to_camel(name: str) -> str:
    """``modified_on_or_after`` → ``modifiedOnOrAfter``; camelCase passes through."""
    return _CAMEL_SPLIT.sub(lambda m: m.group(1).upper(), name)


def format_query_value(value: QueryValue) -> str | None:
    """ServiceTitan's query formats: UTC ``…Z`` datetimes, ``true``/``false``, comma lists."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        return str(value)
    parts = [format_query_value(item) for item in value]
    return ",".join(part for part in parts if part is not None)


def format_datetime(value: datetime) -> str:
    """UTC with a ``Z`` (offsets like ``+00:00`` were rejected by some endpoints); naive
    datetimes are taken as UTC; milliseconds kept when present."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond // 1000:03d}"
    return text + "Z"
