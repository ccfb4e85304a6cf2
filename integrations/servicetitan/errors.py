"""Typed failures of the ServiceTitan client.

Callers decide what to do by class, not by parsing messages::

    ServiceTitanError
    ├── RateLimitedError          429 and still 429 after the allowed waits: try later
    ├── TransientError            5xx / 409 maintenance / timeout / connection, retries used up
    ├── PermanentError            a 4xx the request itself caused: fix the request, don't retry
    │   ├── NotFoundError         404
    │   ├── AuthError             bad credentials, 403 scope, tenant not connected
    │   └── ConflictError         409 that is not maintenance (state forbids the change)
    └── WriteOutcomeUnknownError  a non-idempotent write may or may not have been applied

Every error carries the HTTP ``status`` (when there was a response) and ServiceTitan's RFC 7807
body fields ``title``, ``errors`` and ``trace_id``. Messages never include credentials or tokens:
the session builds them from redacted text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

__all__ = [
    "AuthError",
    "ConflictError",
    "ErrorBody",
    "NotFoundError",
    "PermanentError",
    "RateLimitedError",
    "ServiceTitanError",
    "TransientError",
    "WriteOutcomeUnknownError",
    "parse_error_body",
]


class ErrorBody:
    """ServiceTitan's error body (``ApiErrorResponse``), tolerant of HTML and empty bodies."""

    __slots__ = ("data", "errors", "text", "title", "trace_id", "type")

    def __init__(
        self,
        *,
        title: str | None = None,
        errors: Mapping[str, Sequence[str]] | None = None,
        trace_id: str | None = None,
        type: str | None = None,
        data: Mapping[str, Any] | None = None,
        text: str = "",
    ) -> None:
        self.title = title
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}
        self.trace_id = trace_id
        self.type = type
        self.data: dict[str, Any] = dict(data or {})
        self.text = text

    def __repr__(self) -> str:
        return (
            f"ErrorBody(title={self.title!r}, errors={self.errors!r}, trace_id={self.trace_id!r})"
        )


def _strings(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


def parse_error_body(content: bytes, *, limit: int = 2000) -> ErrorBody:
    """Parse an error response body without ever raising.

    JSON bodies give ``title``/``errors``/``traceId``; identity-server token errors give
    ``error``/``error_description``; anything else (an HTML 502 page, an empty 404) is kept as
    trimmed ``text`` so the message still says something useful.
    """
    text = content[:limit].decode("utf-8", errors="replace").strip()
    try:
        parsed = orjson.loads(content) if content else None
    except orjson.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        if "<" in text[:200]:
            text = _html_summary(text)
        return ErrorBody(text=text)
    raw_errors = parsed.get("errors")
    errors: dict[str, list[str]] = {}
    if isinstance(raw_errors, dict):
        errors = {str(k): _strings(v) for k, v in raw_errors.items()}
    elif isinstance(raw_errors, list):
        errors = {"": _strings(raw_errors)}
    title = parsed.get("title") or parsed.get("error_description") or parsed.get("error")
    if title is None and isinstance(parsed.get("message"), str):
        title = parsed["message"]
    data = parsed.get("data")
    return ErrorBody(
        title=str(title) if title is not None else None,
        errors=errors,
        trace_id=_opt_str(parsed.get("traceId")),
        type=_opt_str(parsed.get("type")),
        data=data if isinstance(data, dict) else None,
        text=text,
    )


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _html_summary(html: str) -> str:
    """The ``<title>`` of an HTML error page, else the page with tags stripped."""
    lower = html.lower()
    start = lower.find("<title>")
    end = lower.find("</title>")
    if start != -1 and end > start:
        return html[start + 7 : end].strip()
    out: list[str] = []
    inside = False
    for char in html:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
            out.append(" ")
        elif not inside:
            out.append(char)
    return " ".join("".join(out).split())[:300]


class ServiceTitanError(Exception):
    """Base of every error the client raises."""

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        url: str | None = None,
        status: int | None = None,
        body: ErrorBody | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.status = status
        self.body = body or ErrorBody()
        self.attempts = attempts

    @property
    def title(self) -> str | None:
        return self.body.title

    @property
    def errors(self) -> dict[str, list[str]]:
        return self.body.errors

    @property
    def trace_id(self) -> str | None:
        return self.body.trace_id

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r})"


class RateLimitedError(ServiceTitanError):
    """ServiceTitan kept answering 429; ``retry_after`` is its last requested wait (seconds)."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class TransientError(ServiceTitanError):
    """A failure that may go away by itself (5xx, maintenance, timeout), retries exhausted."""


class PermanentError(ServiceTitanError):
    """A 4xx answer caused by the request itself; retrying the same request will not help."""


class NotFoundError(PermanentError):
    """404: the record (or route) does not exist for this tenant."""


class AuthError(PermanentError):
    """Credentials rejected, scope not granted (403) or the tenant is not connected to the app."""


class ConflictError(PermanentError):
    """409 that is not maintenance: the record's state does not allow this change."""


class WriteOutcomeUnknownError(ServiceTitanError):
    """A non-idempotent write (create, action) failed after it may have reached ServiceTitan.

    It was deliberately not retried, since a second send could create a duplicate. Read the
    target back (e.g. by external id or a list filtered by created time) to find out whether it
    was applied before sending again.
    """
