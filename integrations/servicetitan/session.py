"""One HTTP conversation with ServiceTitan: token, rate limit, retries, errors, logging.

Every request of the client goes through :meth:`Session.send`. Per attempt it waits for the
rate limiter, takes the current token (so an attempt after a long sleep never carries an
expired one), sends, and classifies the outcome:

========================================  ==================================================
outcome                                   what happens
========================================  ==================================================
2xx                                       decoded and returned
401                                       token replaced, request repeated at once (it was
                                          rejected before any processing); a fresh token
                                          refused again is retried with backoff like a
                                          5xx, then ``AuthError``
429                                       all callers of the (app, tenant) pause for
                                          ``Retry-After`` (capped), then retry
5xx, 409 "suspended for maintenance",     exponential backoff with full jitter, capped in
timeout, connection error                 attempts and elapsed time, then ``TransientError``
other 4xx                                 typed ``PermanentError`` subclass, no retry
========================================  ==================================================

The one exception is a **non-idempotent write** (a create, an action such as "assign
technicians"): once it may have reached ServiceTitan — read timeout, connection dropped before
the answer, any 5xx — it is never sent again; :class:`WriteOutcomeUnknownError` tells the caller
to reconcile. It is retried only when it provably did not arrive: connect errors, pool
timeouts, 429, 401, 409 maintenance.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any, Final, TypeVar

import httpx
import orjson
from pydantic import BaseModel

from .auth import AccessToken, InMemoryTokenStore, TokenProvider, TokenStore, token_cache_key
from .config import ClientOptions, Connection
from .errors import (
    AuthError,
    ConflictError,
    ErrorBody,
    NotFoundError,
    PermanentError,
    RateLimitedError,
    ServiceTitanError,
    TransientError,
    WriteOutcomeUnknownError,
    parse_error_body,
)
from .ratelimit import InMemoryRateLimiter, RateLimiter, acquire_blocking
from .redaction import Redactor
from .retry import RetryPolicy, backoff_delay, parse_retry_after, retry_after_from_title

__all__ = ["Call", "FileSpec", "Session", "encode_json", "logger"]

logger: Final = logging.getLogger("integrations.servicetitan")

T = TypeVar("T")

FileContent = bytes | str | IO[bytes]
FileSpec = FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str]

#: Transport errors raised before a single byte of the request left: safe to resend anything.
_NOT_SENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
#: Our own mistakes (bad URL, invalid headers): retrying cannot help.
_LOCAL_ERRORS: Final = (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.InvalidURL)
_MAINTENANCE_WORDS: Final = ("maintenance", "suspended")
#: "Not implemented" / "version not supported" will not change by retrying.
_NOT_RETRYABLE_5XX: Final = frozenset({501, 505})


def _json_default(value: object) -> Any:
    if isinstance(value, Decimal):
        return orjson.Fragment(str(value))  # exact, as a JSON number
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, exclude_unset=True)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def encode_json(value: Any) -> bytes:
    """orjson with ServiceTitan's formats: Decimal as exact numbers, UTC datetimes with ``Z``,
    pydantic request models as their explicitly-set fields (so a PATCH sends only those)."""
    if isinstance(value, BaseModel):
        value = value.model_dump(by_alias=True, exclude_unset=True)
    return orjson.dumps(
        value, default=_json_default, option=orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC
    )


@dataclass(slots=True)
class Call:
    """Everything needed to send (and resend) one request."""

    method: str
    url: str
    name: str
    idempotent: bool
    retry: RetryPolicy
    params: Sequence[tuple[str, str]] = ()
    content: bytes | None = None
    data: Mapping[str, Any] | None = None
    files: Mapping[str, FileSpec] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: httpx.Timeout | None = None
    debug: bool = False
    follow_redirects: bool = False


@dataclass(slots=True)
class _Attempts:
    started: float
    failures: int = 0
    rate_limited: int = 0
    reauthenticated: bool = False
    total: int = 0


class Session:
    """Owns the keep-alive ``httpx.Client``, the token provider and the limiter of one client."""

    def __init__(
        self,
        connection: Connection,
        options: ClientOptions,
        *,
        transport: httpx.BaseTransport | None = None,
        token_store: TokenStore | None = None,
        rate_limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.connection = connection
        self.options = options
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self.redactor = Redactor([connection.client_secret.reveal(), connection.app_key.reveal()])
        self.http = httpx.Client(
            transport=transport,
            timeout=options.timeout,
            limits=httpx.Limits(
                max_connections=options.max_connections,
                max_keepalive_connections=options.max_connections,
            ),
            headers={"User-Agent": options.user_agent, "Accept": "application/json"},
        )
        self.tokens = TokenProvider(
            store=token_store or InMemoryTokenStore(),
            key=token_cache_key(connection.auth_url, connection.client_id, connection.tenant),
            fetch=self._fetch_token,
            refresh_margin=options.token_refresh_margin,
            clock=wall_clock,
        )
        self.rate_limiter: RateLimiter = rate_limiter or InMemoryRateLimiter(options.rate_limit)
        app_key_hash = hashlib.sha256(connection.app_key.reveal().encode()).hexdigest()[:16]
        self.rate_limit_key = f"servicetitan:ratelimit:{app_key_hash}:{connection.tenant}"

    def close(self) -> None:
        self.http.close()

    # --- sending -------------------------------------------------------------------------

    def send(self, call: Call, decode: Callable[[httpx.Response], T]) -> T:
        """Send ``call`` under the retry rules above and return ``decode(response)``.

        ``decode`` raising ``ValueError`` (a 2xx whose body is not what was promised, e.g. an
        HTML page from a proxy) counts as a transient failure.
        """
        state = _Attempts(started=self._clock())
        files = _materialize_files(call.files)
        while True:
            state.total += 1
            waited = acquire_blocking(self.rate_limiter, self.rate_limit_key, self._sleep)
            token = self.tokens.current()
            self.redactor.add_token(token.value)
            request = self._build(call, token, files)
            began = self._clock()
            try:
                response = _unbound(self.http.send(request, follow_redirects=call.follow_redirects))
            except _LOCAL_ERRORS as exc:
                raise ServiceTitanError(
                    f"{call.method} {call.url}: invalid request ({type(exc).__name__})",
                    method=call.method,
                    url=call.url,
                ) from None
            except httpx.TransportError as exc:
                elapsed = self._clock() - began
                self._log_failure(call, exc, elapsed, waited)
                if not call.idempotent and not isinstance(exc, _NOT_SENT):
                    raise self._unknown_outcome(call, state, f"{type(exc).__name__}") from exc
                self._retry_or_raise(call, state, None, exc)
                continue
            elapsed = self._clock() - began
            self._log_response(call, request, response, elapsed, waited)
            status = response.status_code
            if 200 <= status < 300:
                try:
                    return decode(response)
                except ValueError as exc:
                    if not call.idempotent:
                        raise self._unknown_outcome(call, state, "undecodable 2xx body") from exc
                    self._retry_or_raise(call, state, response, exc)
                    continue
            self._handle_failure(call, state, response, token)

    def _handle_failure(
        self, call: Call, state: _Attempts, response: httpx.Response, token: AccessToken
    ) -> None:
        """Decide what a non-2xx answer means; returns to retry, raises otherwise."""
        status = response.status_code
        body = parse_error_body(response.content)
        body.text = self.redactor.text(body.text)
        if status == 401:
            logger.info(
                "ServiceTitan rejected the access token (401) on %s %s; fetching a new one",
                call.method,
                call.url,
            )
            self.tokens.replace_rejected(token)
            if not state.reauthenticated:
                state.reauthenticated = True
                return  # the first time, at once
            # A fresh token refused too: ServiceTitan revokes tokens early in bursts, so this
            # is token trouble, retried with backoff like any transient failure, and only an
            # `AuthError` once the attempts are used up (bad credentials fail at the token
            # endpoint instead). A 401 is refused before processing: any call may resend.
            self._retry_or_raise(call, state, response, None, body)
            return
        if status == 429:
            self._wait_rate_limited(call, state, response, body)
            return
        maintenance = status == 409 and _is_maintenance(body)
        if (status >= 500 and status not in _NOT_RETRYABLE_5XX) or maintenance:
            if not call.idempotent and not maintenance:
                raise self._unknown_outcome(call, state, f"HTTP {status}", status, body)
            self._retry_or_raise(call, state, response, None, body)
            return
        if call.retry.retry_all_errors and status not in (401, 403):
            self._retry_or_raise(call, state, response, None, body)
            return
        raise self._permanent(call, state, status, body)

    def _wait_rate_limited(
        self, call: Call, state: _Attempts, response: httpx.Response, body: ErrorBody
    ) -> None:
        state.rate_limited += 1
        hinted = parse_retry_after(response.headers.get("Retry-After"))
        if hinted is None:
            hinted = retry_after_from_title(body.title)
        if hinted is None:
            hinted = backoff_delay(call.retry, state.rate_limited)
        wait = min(hinted, call.retry.retry_after_cap)
        elapsed = self._clock() - state.started
        if (
            state.rate_limited > call.retry.max_rate_limited
            or elapsed + wait > call.retry.max_elapsed
        ):
            raise RateLimitedError(
                f"{call.method} {call.url}: still rate limited (429) after "
                f"{state.rate_limited} answers; ServiceTitan asked to wait {hinted:g} s",
                retry_after=hinted,
                method=call.method,
                url=call.url,
                status=429,
                body=body,
                attempts=state.total,
            )
        logger.warning(
            "ServiceTitan rate limited %s %s (429); pausing %.2f s",
            call.method,
            call.url,
            wait,
        )
        self.rate_limiter.block(self.rate_limit_key, wait)
        self._sleep(wait)

    def _retry_or_raise(
        self,
        call: Call,
        state: _Attempts,
        response: httpx.Response | None,
        exc: Exception | None,
        body: ErrorBody | None = None,
    ) -> None:
        state.failures += 1
        reason = _describe(response, exc)
        delay = backoff_delay(call.retry, state.failures)
        if response is not None:  # a 503 may say when to come back
            hinted = parse_retry_after(response.headers.get("Retry-After"))
            if hinted is not None:
                delay = max(delay, min(hinted, call.retry.retry_after_cap))
        elapsed = self._clock() - state.started
        if state.failures >= call.retry.max_attempts or elapsed + delay > call.retry.max_elapsed:
            status = response.status_code if response is not None else None
            message = f"{call.method} {call.url} failed after {state.total} attempt(s): {reason}"
            maintenance = status == 409 and body is not None and _is_maintenance(body)
            if status is not None and 400 <= status < 500 and not maintenance:
                raise self._permanent(call, state, status, body or ErrorBody(), message)
            raise TransientError(
                message,
                method=call.method,
                url=call.url,
                status=status,
                body=body,
                attempts=state.total,
            ) from exc
        logger.warning(
            "ServiceTitan %s %s failed (%s); retry %d/%d in %.2f s",
            call.method,
            call.url,
            reason,
            state.failures,
            call.retry.max_attempts - 1,
            delay,
        )
        self._sleep(delay)

    def _unknown_outcome(
        self,
        call: Call,
        state: _Attempts,
        reason: str,
        status: int | None = None,
        body: ErrorBody | None = None,
    ) -> WriteOutcomeUnknownError:
        return WriteOutcomeUnknownError(
            f"{call.method} {call.url} ({call.name}) may have been applied by ServiceTitan "
            f"({reason}); it was not re-sent because repeating it could apply it twice. "
            "Read the record back to reconcile before sending again.",
            method=call.method,
            url=call.url,
            status=status,
            body=body,
            attempts=state.total,
        )

    def _permanent(
        self,
        call: Call,
        state: _Attempts,
        status: int,
        body: ErrorBody,
        message: str | None = None,
    ) -> PermanentError:
        detail = body.title or body.text or "no details"
        if body.errors:
            detail += " " + "; ".join(f"{k}: {', '.join(v)}" for k, v in body.errors.items())
        text = message or f"{call.method} {call.url} answered {status}: {detail}"
        kind: type[PermanentError] = PermanentError
        if status == 404:
            kind = NotFoundError
        elif status in (401, 403):
            kind = AuthError
            if status == 403:
                text += " (scope not granted to the app, or tenant not connected)"
        elif status == 409:
            kind = ConflictError
        return kind(
            self.redactor.text(text),
            method=call.method,
            url=call.url,
            status=status,
            body=body,
            attempts=state.total,
        )

    def _build(
        self, call: Call, token: AccessToken, files: Mapping[str, Any] | None
    ) -> httpx.Request:
        headers = {
            **call.headers,
            "Authorization": f"Bearer {token.value}",
            "ST-App-Key": self.connection.app_key.reveal(),
        }
        if call.content is not None:
            headers.setdefault("Content-Type", "application/json")
        timeout = call.timeout or self.options.timeout
        return self.http.build_request(
            call.method,
            call.url,
            params=list(call.params) or None,
            content=call.content,
            data=call.data,
            files=files,
            headers=headers,
            timeout=timeout,
        )

    # --- tokens --------------------------------------------------------------------------

    def _fetch_token(self) -> AccessToken:
        """The client-credentials grant, retried on transient failures (it creates nothing)."""
        policy = self.options.retry
        state = _Attempts(started=self._clock())
        form = {
            "grant_type": "client_credentials",
            "client_id": self.connection.client_id,
            "client_secret": self.connection.client_secret.reveal(),
        }
        url = self.connection.auth_url
        call = Call("POST", url, "auth.token", idempotent=True, retry=policy)
        while True:
            state.total += 1
            issued_at = self._wall_clock()
            began = self._clock()
            try:
                response = _unbound(
                    self.http.post(url, data=form, timeout=self.options.token_timeout)
                )
            except _LOCAL_ERRORS as exc:
                raise AuthError(f"invalid token endpoint {url}: {type(exc).__name__}") from None
            except httpx.TransportError as exc:
                self._log_failure(call, exc, self._clock() - began, 0.0)
                self._retry_or_raise(call, state, None, exc)
                continue
            self._log_response(call, response.request, response, self._clock() - began, 0.0)
            status = response.status_code
            if status == 200:
                return self._parse_token(response, issued_at)
            body = parse_error_body(response.content)
            body.text = self.redactor.text(body.text)
            if status == 429:
                self._wait_rate_limited(call, state, response, body)
                continue
            if status >= 500:
                self._retry_or_raise(call, state, response, None, body)
                continue
            detail = body.title or body.text or "no details"
            raise AuthError(
                f"ServiceTitan refused the client credentials for tenant "
                f"{self.connection.tenant} (HTTP {status}: {detail})",
                method="POST",
                url=url,
                status=status,
                body=body,
                attempts=state.total,
            )

    def _parse_token(self, response: httpx.Response, issued_at: float) -> AccessToken:
        try:
            payload = orjson.loads(response.content)
            value = str(payload["access_token"])
            expires_in = float(payload.get("expires_in") or 900)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            raise AuthError(
                "the token endpoint answered 200 without a usable access_token",
                method="POST",
                url=self.connection.auth_url,
                status=response.status_code,
            ) from None
        self.redactor.add_token(value)
        return AccessToken(
            value=value,
            issued_at=issued_at,
            expires_at=issued_at + expires_in,
            token_type=str(payload.get("token_type") or "Bearer"),
        )

    # --- logging -------------------------------------------------------------------------

    def _debug(self, call: Call) -> bool:
        return call.debug or self.options.debug

    def _log_response(
        self,
        call: Call,
        request: httpx.Request,
        response: httpx.Response,
        elapsed: float,
        waited: float,
    ) -> None:
        verbose = self._debug(call)
        level = logging.INFO if verbose else logging.DEBUG
        if not logger.isEnabledFor(level):
            return
        url = self.redactor.text(str(request.url))
        extra = {
            "st_method": call.method,
            "st_url": url,
            "st_status": response.status_code,
            "st_duration_ms": round(elapsed * 1e3, 1),
            "st_operation": call.name,
        }
        limit = self.options.debug_body_limit
        logger.log(
            level,
            "%s %s -> %d (%.1f ms, waited %.1f ms for rate limit)\n"
            "request headers: %s\nrequest body: %s\nresponse body: %s",
            call.method,
            url,
            response.status_code,
            elapsed * 1e3,
            waited * 1e3,
            self.redactor.headers(dict(request.headers)),
            self._body_text(request.content if call.files is None else b"<multipart>", limit),
            self._body_text(response.content, limit),
            extra=extra,
        )

    def _body_text(self, content: bytes, limit: int) -> str:
        if not content:
            return "<empty>"
        text = content[:limit].decode("utf-8", errors="replace")
        suffix = f"... ({len(content)} bytes)" if len(content) > limit else ""
        return self.redactor.text(text) + suffix

    def _log_failure(self, call: Call, exc: Exception, elapsed: float, waited: float) -> None:
        logger.log(
            logging.INFO if self._debug(call) else logging.DEBUG,
            "%s %s -> %s after %.1f ms",
            call.method,
            call.url,
            type(exc).__name__,
            elapsed * 1e3,
        )


def _unbound(response: httpx.Response) -> httpx.Response:
    """The (read) response, its stream replaced by its body.

    httpx's stream points back at its response (encode/httpx#3733), so every response, an
    export page's 30 MB body included, would wait for the cyclic garbage collector, and a
    sync worker's memory would climb a page at a time until a full collection ran.
    """
    response.stream = httpx.ByteStream(response.content)
    return response


def _is_maintenance(body: ErrorBody) -> bool:
    text = f"{body.title or ''} {body.text}".lower()
    return any(word in text for word in _MAINTENANCE_WORDS)


def _describe(response: httpx.Response | None, exc: Exception | None) -> str:
    if response is not None:
        return f"HTTP {response.status_code}"
    return type(exc).__name__ if exc is not None else "unknown failure"


def _materialize_files(files: Mapping[str, FileSpec] | None) -> dict[str, Any] | None:
    """Read file objects once, so a retried upload resends the same bytes (a file object
    would be at EOF on the second attempt and upload nothing)."""
    if files is None:
        return None
    out: dict[str, Any] = {}
    for name, spec in files.items():
        if isinstance(spec, tuple):
            out[name] = (spec[0], _read(spec[1]), *spec[2:])
        else:
            out[name] = (name, _read(spec))
    return out


def _read(content: FileContent) -> bytes:
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return content.encode()
    return content.read()
