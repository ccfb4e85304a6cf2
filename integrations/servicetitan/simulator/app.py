"""The simulator: one WSGI callable (and ASGI, ``asgi.py``) serving the token endpoint, the
API and ``/_sim/``.

Request pipeline for ``/{module}/v2/tenant/{tenant}/...``: route from the OpenAPI documents →
app key and bearer token → tenant → rate limit (429) → faults → JSON body validation →
handler (501 when the operation has none) → request log.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from integrations.servicetitan.simulator import operations as ops
from integrations.servicetitan.simulator.asgi import AsgiApp
from integrations.servicetitan.simulator.auth import Authenticator
from integrations.servicetitan.simulator.config import SimulatorConfig
from integrations.servicetitan.simulator.control import ControlApi
from integrations.servicetitan.simulator.data import Tenant
from integrations.servicetitan.simulator.data.collections import Record, RecordId
from integrations.servicetitan.simulator.faults import (
    HTML_ERROR_PAGE,
    MAINTENANCE_MESSAGE,
    FaultDecision,
    FaultInjector,
)
from integrations.servicetitan.simulator.handlers import (
    Call,
    Context,
    Handler,
    Uploads,
    register_reads,
    registry,
)
from integrations.servicetitan.simulator.http import (
    HTTP_REASONS,
    ApiError,
    ConnectionDropped,
    Request,
    Response,
    json_response,
    problem,
    status_line,
    validation_error,
)
from integrations.servicetitan.simulator.ratelimit import SlidingWindowLimiter
from integrations.servicetitan.simulator.requestlog import RequestLog
from integrations.servicetitan.simulator.shaping import validate_body
from integrations.servicetitan.simulator.store import Store
from integrations.servicetitan.spec import load_specs

logger = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
TOKEN_PATH = "/connect/token"  # noqa: S105 - a URL path, not a secret


def _all_scopes() -> frozenset[str]:
    return frozenset(op.scope for op in load_specs().operations if op.scope)


class Simulator:
    """A seeded ServiceTitan tenant: a WSGI callable, and an ASGI one as :attr:`asgi`.

    ``clock`` (monotonic seconds) drives token expiry and the rate limiter; tests pass a fake
    one to expire tokens or fill the rate window without sleeping.
    """

    def __init__(
        self,
        config: SimulatorConfig | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or SimulatorConfig()
        self.clock = clock
        self.tenant = Tenant(self.config)
        self.store = Store(self.tenant)
        self.faults = FaultInjector(self.config.seed, self.config.faults)
        self.scopes = _all_scopes() if self.config.scopes is None else self.config.scopes
        self.auth = Authenticator(self.config, clock, " ".join(sorted(self.scopes)))
        self.limiter = SlidingWindowLimiter(self.config.rate_limit, clock)
        self.log = RequestLog(self.config.request_log_size)
        self.uploads = Uploads()
        self.context = Context(self.config, self.tenant, self.store, self.faults, self.uploads)
        self.handlers: dict[tuple[str, str], Handler] = {
            **registry(),
            **register_reads(self.tenant),
        }
        self.control = ControlApi(self)

    # --- WSGI / ASGI --------------------------------------------------------------------------

    @functools.cached_property
    def asgi(self) -> AsgiApp:
        """The same simulator as an ASGI application (``httpx.ASGITransport(app=sim.asgi)``)."""
        return AsgiApp(self)

    def __call__(
        self, environ: Mapping[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        request = Request.from_environ(environ)
        response = self.handle(request)
        if response.drop:
            raise ConnectionDropped
        start_response(status_line(response.status), response.header_list())
        return [response.body]

    def handle(self, request: Request) -> Response:
        arrived = time.time()
        arrival = self.clock()  # the rate limiter counts requests when they arrive
        started = time.perf_counter()
        if request.path.startswith("/_sim/") or request.path == "/_sim":
            return self.control.handle(request)
        operation_id: str | None = None
        try:
            if request.path.rstrip("/").endswith(TOKEN_PATH):
                response = self._token(request)
            else:
                response, operation_id = self._api(request, arrival)
        except ApiError as error:
            response = error.response()
        except ConnectionDropped:
            response = Response(0, drop=True)
        except Exception:  # a simulator bug must still answer like a server would
            logger.exception("simulator handler failed for %s %s", request.method, request.path)
            response = json_response(problem(500, "An unexpected error occurred."), 500)
        elapsed = (time.perf_counter() - started) * 1000.0
        self.log.add(request.method, request.path, response.status, elapsed, arrived, operation_id)
        return response

    # --- token endpoint ---------------------------------------------------------------------

    def _token(self, request: Request) -> Response:
        if request.method != "POST":
            raise ApiError(405, "Method not allowed.")
        decision = self.faults.decide(request.path)
        faulted = self._apply_fault(decision, token=None)
        if faulted is not None:
            return faulted
        return self.auth.token_endpoint(request)

    # --- API --------------------------------------------------------------------------------

    def _api(self, request: Request, arrival: float) -> tuple[Response, str | None]:
        specs = load_specs()
        matched = specs.match(request.method, request.path)
        if matched is None:
            if specs.allowed_methods(request.path):
                raise ApiError(
                    405, f"The method {request.method} is not allowed for this resource."
                )
            raise ApiError(
                404, f"No ServiceTitan operation matches {request.method} {request.path}."
            )
        operation, params = matched
        token = self.auth.authenticate(request, params.get("tenant", ""))
        if operation.scope and operation.scope not in self.scopes:
            raise ApiError(
                403,
                f"The application has not been granted the {operation.scope} scope.",
                {"scope": [f"{operation.operation_id} requires {operation.scope}."]},
            )
        retry_after = self.limiter.acquire(
            (request.headers.get("st-app-key"), params.get("tenant")), arrival
        )
        if retry_after is not None:
            return self._too_many(retry_after), operation.operation_id
        decision = self.faults.decide(request.path)
        faulted = self._apply_fault(decision, token=token.value)
        if faulted is not None:
            return faulted, operation.operation_id
        handle = self.handlers.get(operation.key)
        if handle is None:
            raise ApiError(
                501,
                f"{operation.operation_id} is documented by ServiceTitan but not simulated.",
            )
        body: Any = None
        if (
            operation.request_content_type == "application/json"
            and request.content_type != "multipart/form-data"
        ):
            try:
                raw = request.json()
            except ValueError:
                raise validation_error({"$": ["The request body is not valid JSON."]}) from None
            body, errors = validate_body(operation, raw)
            if errors:
                raise validation_error(errors)
        call = Call(self.context, operation, request, params, body, decision)
        return handle(call), operation.operation_id

    @staticmethod
    def _too_many(seconds: int) -> Response:
        body = problem(429, f"Rate limit is exceeded. Try again in {seconds} seconds.")
        return json_response(body, 429, [("Retry-After", str(seconds))])

    def _apply_fault(self, decision: FaultDecision, token: str | None) -> Response | None:
        if decision.latency_ms > 0:
            time.sleep(decision.latency_ms / 1000.0)
        if decision.drop:
            raise ConnectionDropped
        if decision.expire_token and token is not None:
            self.auth.revoke(token)
            raise ApiError(
                401,
                "Unauthorized: the token has expired.",
                headers=[("WWW-Authenticate", 'Bearer error="invalid_token"')],
            )
        status = decision.status
        if status is None:
            return None
        if status == "429":
            return self._too_many(1)
        if status == "409":
            return json_response(problem(409, MAINTENANCE_MESSAGE), 409)
        if status.startswith("html"):
            code = int(status[4:])
            page = HTML_ERROR_PAGE.format(status=code, reason=HTTP_REASONS.get(code, "Error"))
            return Response(code, page.encode("utf-8"), "text/html; charset=utf-8")
        code = int(status)
        return json_response(problem(code, HTTP_REASONS.get(code, "Server Error")), code)

    # --- Python control API (mirrors /_sim/) ---------------------------------------------------

    def state(self) -> dict[str, int]:
        """Row counts keyed by resource (every row, inactive and deleted included)."""
        return self.store.snapshot_counts()

    def record(self, resource: str, record_id: RecordId) -> Record | None:
        """The raw stored record (deleted ones too), internal fields included."""
        if resource not in self.store.resources:
            raise ApiError(404, f"Unknown resource {resource!r}.")
        return self.store.get(resource, record_id, include_deleted=True)

    def tag_job(self, job_id: int, tag_type_id: int) -> Record:
        return ops.tag_job(self.store, job_id, tag_type_id)

    def untag_job(self, job_id: int, tag_type_id: int) -> Record:
        return ops.untag_job(self.store, job_id, tag_type_id)

    def complete_job(self, job_id: int, completed_on: str | None = None) -> Record:
        return ops.complete_job(self.store, job_id, completed_on)

    def edit_customer(self, customer_id: int, **changes: Any) -> Record:
        return ops.edit_customer(self.store, customer_id, changes)

    def add_invoice_item(self, invoice_id: int, **item: Any) -> Record:
        return ops.add_invoice_item(self.store, invoice_id, item)

    def sell_estimate(self, estimate_id: int, sold_by: int | None = None) -> Record:
        return ops.sell_estimate(self.store, estimate_id, sold_by)

    def set_faults(self, spec: str) -> None:
        self.faults.replace(spec)

    def requests(self, since: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
        return [entry.as_json() for entry in self.log.since(since, limit)]

    def reset(self) -> None:
        """Back to the seeded state: no changes, tokens, logged requests or faults."""
        self.store.reset()
        self.auth.reset()
        self.limiter.reset()
        self.log.reset()
        self.faults.reset("")
        self.uploads.clear()

    # --- serving ----------------------------------------------------------------------------

    def banner(self) -> str:
        """The one start-up line (``{url}`` is filled in once the socket is bound)."""
        c = self.config
        return (
            f"ServiceTitan simulator at {{url}} tenant={c.tenant} client_id={c.client_id} "
            f"client_secret={c.client_secret} app_key={c.app_key}"
        )

    def serve(self, host: str = "127.0.0.1", port: int = 8765) -> None:
        """Serve over HTTP until SIGINT/SIGTERM (see ``server.py``)."""
        from integrations.servicetitan.simulator.server import serve

        serve(self, host, port, self.banner())
