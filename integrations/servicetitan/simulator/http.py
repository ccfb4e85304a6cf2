"""Request/response primitives and ServiceTitan's error bodies (no web framework)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx
import orjson

HTTP_REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
}

PROBLEM_TYPES = {
    400: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    401: "https://tools.ietf.org/html/rfc7235#section-3.1",
    403: "https://tools.ietf.org/html/rfc7231#section-6.5.3",
    404: "https://tools.ietf.org/html/rfc7231#section-6.5.4",
    405: "https://tools.ietf.org/html/rfc7231#section-6.5.5",
    409: "https://tools.ietf.org/html/rfc7231#section-6.5.8",
    429: "https://tools.ietf.org/html/rfc6585#section-4",
    500: "https://tools.ietf.org/html/rfc7231#section-6.6.1",
    501: "https://tools.ietf.org/html/rfc7231#section-6.6.2",
    502: "https://tools.ietf.org/html/rfc7231#section-6.6.3",
    503: "https://tools.ietf.org/html/rfc7231#section-6.6.4",
}


def status_line(status: int) -> str:
    return f"{status} {HTTP_REASONS.get(status, 'Unknown')}"


@dataclass(slots=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    remote_addr: str = "127.0.0.1"
    over_http: bool = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any]) -> Request:
        headers: dict[str, str] = {}
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                headers[key[5:].replace("_", "-").lower()] = str(value)
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = str(environ["CONTENT_TYPE"])
        length = environ.get("CONTENT_LENGTH") or "0"
        try:
            size = int(length)
        except ValueError:
            size = 0
        stream = environ.get("wsgi.input")
        body = stream.read(size) if stream is not None and size > 0 else b""
        return cls(
            method=str(environ.get("REQUEST_METHOD", "GET")).upper(),
            path=str(environ.get("PATH_INFO", "/")) or "/",
            query=parse_qs(str(environ.get("QUERY_STRING", "")), keep_blank_values=True),
            headers=headers,
            body=body,
            remote_addr=str(environ.get("REMOTE_ADDR", "")),
            over_http=bool(environ.get("servicetitan.simulator.http")),
        )

    def arg(self, name: str) -> str | None:
        """The last value of a query parameter, matched case-insensitively like ASP.NET."""
        values = self.query.get(name)
        if values is None:
            lowered = name.lower()
            for key, found in self.query.items():
                if key.lower() == lowered:
                    values = found
                    break
        return values[-1] if values else None

    def args(self, name: str) -> list[str]:
        """Every value of a (possibly repeated) query parameter, case-insensitively."""
        lowered = name.lower()
        found: list[str] = []
        for key, values in self.query.items():
            if key.lower() == lowered:
                found.extend(values)
        return found

    def json(self) -> Any:
        return orjson.loads(self.body) if self.body.strip() else None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(slots=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    #: Close the connection without answering (the "drop" fault, see faults.py).
    drop: bool = False

    def header_list(self) -> list[tuple[str, str]]:
        headers = list(self.headers)
        if self.content_type is not None:
            headers.append(("Content-Type", self.content_type))
        headers.append(("Content-Length", str(len(self.body))))
        return headers


JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def json_response(
    data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Response:
    return Response(status, orjson.dumps(data), JSON_CONTENT_TYPE, headers or [])


def empty(status: int = 200) -> Response:
    return Response(status)


def trace_id() -> str:
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-00"


def problem(
    status: int,
    title: str,
    errors: Mapping[str, list[str]] | None = None,
    data: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """ServiceTitan's ``ApiErrorResponse`` (RFC 7807 plus ``errors``/``data``)."""
    return {
        "type": PROBLEM_TYPES.get(status, "https://tools.ietf.org/html/rfc7231"),
        "title": title,
        "status": status,
        "traceId": trace_id(),
        "errors": dict(errors or {}),
        "data": dict(data or {}),
    }


class ConnectionDropped(httpx.RemoteProtocolError):
    """The "drop" fault. Served over HTTP, the server closes the socket without answering;
    mounted in-process through ``httpx.WSGITransport`` the exception propagates out of
    ``client.send`` and, being an ``httpx.RemoteProtocolError``, is the very transport error a
    client sees when a real server hangs up."""

    def __init__(self) -> None:
        super().__init__("Server disconnected without sending a response.")


class ApiError(Exception):
    """Raised by handlers; rendered as an ``ApiErrorResponse`` body."""

    def __init__(
        self,
        status: int,
        title: str,
        errors: Mapping[str, list[str]] | None = None,
        *,
        headers: list[tuple[str, str]] | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.errors = dict(errors or {})
        self.headers = headers or []
        self.data = dict(data or {})

    def response(self) -> Response:
        return json_response(
            problem(self.status, self.title, self.errors, self.data), self.status, self.headers
        )


def validation_error(errors: Mapping[str, list[str]]) -> ApiError:
    return ApiError(400, "One or more validation errors occurred.", errors)


def not_found(what: str, record_id: object) -> ApiError:
    return ApiError(
        404, f"{what} with ID {record_id} was not found.", {"id": [f"{what} not found."]}
    )
