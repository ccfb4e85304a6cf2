"""The ``/_sim/`` control API: inspect and steer the simulator like office staff would.

No authentication; over HTTP only loopback clients are served (403 otherwise).

==========  ==========================================  ===========================================
Method      Path                                        Effect
==========  ==========================================  ===========================================
GET         /_sim/state                                 row counts per resource (inactive included)
GET         /_sim/requests?since=N&limit=M              logged API calls after sequence N + totals
GET         /_sim/faults                                current fault spec and how often each fired
POST        /_sim/faults  ``{"faults": "500:0.1"}``     replace the fault spec
POST        /_sim/reset                                 seeded state; no tokens, requests or faults
POST        /_sim/tokens/expire                         invalidate every issued token
POST        /_sim/jobs/{id}/tags ``{"tagTypeId": n}``   tag a job
DELETE      /_sim/jobs/{id}/tags/{tagTypeId}            untag a job
POST        /_sim/jobs/{id}/complete                    complete a job (``completedOn`` optional)
PATCH       /_sim/customers/{id}                        edit name / address fields / email / phone
POST        /_sim/invoices/{id}/items                   add an invoice item (skuId or skuName, …)
POST        /_sim/estimates/{id}/sell                   sell an estimate (``{"soldBy"}`` optional)
GET         /_sim/records/{resource}/{id}               the raw stored record
==========  ==========================================  ===========================================
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from integrations.servicetitan.simulator.faults import FaultSpecError
from integrations.servicetitan.simulator.http import (
    ApiError,
    Request,
    Response,
    json_response,
    validation_error,
)

if TYPE_CHECKING:
    from integrations.servicetitan.simulator.app import Simulator

Route = Callable[[Request, re.Match[str]], Response]


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def _json_body(request: Request) -> dict[str, Any]:
    if not request.body.strip():
        return {}
    try:
        body = orjson.loads(request.body)
    except orjson.JSONDecodeError:
        raise validation_error({"$": ["The request body is not valid JSON."]}) from None
    if not isinstance(body, dict):
        raise validation_error({"$": ["Expected a JSON object."]})
    return body


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise validation_error({name: [f"'{value}' is not an integer."]}) from None


class ControlApi:
    def __init__(self, simulator: Simulator) -> None:
        self.sim = simulator
        self._routes: list[tuple[str, re.Pattern[str], Route]] = [
            ("GET", re.compile(r"^/_sim/state$"), self._state),
            ("GET", re.compile(r"^/_sim/requests$"), self._requests),
            ("GET", re.compile(r"^/_sim/faults$"), self._faults_get),
            ("POST", re.compile(r"^/_sim/faults$"), self._faults_set),
            ("PUT", re.compile(r"^/_sim/faults$"), self._faults_set),
            ("POST", re.compile(r"^/_sim/reset$"), self._reset),
            ("POST", re.compile(r"^/_sim/tokens/expire$"), self._expire_tokens),
            ("POST", re.compile(r"^/_sim/jobs/(\d+)/tags$"), self._tag),
            ("DELETE", re.compile(r"^/_sim/jobs/(\d+)/tags/(\d+)$"), self._untag),
            ("POST", re.compile(r"^/_sim/jobs/(\d+)/complete$"), self._complete),
            ("PATCH", re.compile(r"^/_sim/customers/(\d+)$"), self._edit_customer),
            ("POST", re.compile(r"^/_sim/invoices/(\d+)/items$"), self._add_item),
            ("POST", re.compile(r"^/_sim/estimates/(\d+)/sell$"), self._sell),
            ("GET", re.compile(r"^/_sim/records/([a-z-]+)/([0-9a-fA-F-]+)$"), self._record),
        ]

    def handle(self, request: Request) -> Response:
        if request.over_http and not is_loopback(request.remote_addr):
            return ApiError(403, "The control API only answers loopback clients.").response()
        path = request.path.rstrip("/")
        allowed = False
        for method, pattern, route in self._routes:
            match = pattern.match(path)
            if match is None:
                continue
            allowed = True
            if method == request.method:
                try:
                    return route(request, match)
                except ApiError as error:
                    return error.response()
                except KeyError as error:
                    return ApiError(404, str(error)).response()
        if allowed:
            return ApiError(405, "Method not allowed.").response()
        return ApiError(404, f"No control route {request.method} {request.path}.").response()

    def _state(self, request: Request, match: re.Match[str]) -> Response:
        return json_response(self.sim.state())

    def _requests(self, request: Request, match: re.Match[str]) -> Response:
        since = _int(request.arg("since") or "0", "since")
        limit = request.arg("limit")
        entries = self.sim.requests(since, _int(limit, "limit") if limit else None)
        return json_response({"summary": self.sim.log.summary(), "requests": entries})

    def _faults_get(self, request: Request, match: re.Match[str]) -> Response:
        return json_response(self.sim.faults.describe())

    def _faults_set(self, request: Request, match: re.Match[str]) -> Response:
        content = request.body.decode("utf-8", "replace").strip()
        spec = content
        if content.startswith("{"):
            spec = str(_json_body(request).get("faults") or "")
        try:
            self.sim.set_faults(spec)
        except FaultSpecError as error:
            raise validation_error({"faults": [str(error)]}) from None
        return json_response(self.sim.faults.describe())

    def _reset(self, request: Request, match: re.Match[str]) -> Response:
        self.sim.reset()
        return json_response({"reset": True, "state": self.sim.state()})

    def _expire_tokens(self, request: Request, match: re.Match[str]) -> Response:
        self.sim.auth.expire_all()
        return json_response({"expired": True})

    def _tag(self, request: Request, match: re.Match[str]) -> Response:
        body = _json_body(request)
        if body.get("tagTypeId") is None:
            raise validation_error({"tagTypeId": ["The tagTypeId field is required."]})
        return json_response(self.sim.tag_job(_int(match.group(1), "id"), int(body["tagTypeId"])))

    def _untag(self, request: Request, match: re.Match[str]) -> Response:
        return json_response(
            self.sim.untag_job(_int(match.group(1), "id"), _int(match.group(2), "tagTypeId"))
        )

    def _complete(self, request: Request, match: re.Match[str]) -> Response:
        body = _json_body(request)
        return json_response(
            self.sim.complete_job(_int(match.group(1), "id"), body.get("completedOn"))
        )

    def _edit_customer(self, request: Request, match: re.Match[str]) -> Response:
        return json_response(
            self.sim.edit_customer(_int(match.group(1), "id"), **_json_body(request))
        )

    def _add_item(self, request: Request, match: re.Match[str]) -> Response:
        return json_response(
            self.sim.add_invoice_item(_int(match.group(1), "id"), **_json_body(request))
        )

    def _sell(self, request: Request, match: re.Match[str]) -> Response:
        body = _json_body(request)
        return json_response(self.sim.sell_estimate(_int(match.group(1), "id"), body.get("soldBy")))

    def _record(self, request: Request, match: re.Match[str]) -> Response:
        resource, raw_id = match.group(1), match.group(2)
        record_id: int | str = int(raw_id) if raw_id.isdigit() else raw_id.lower()
        record = self.sim.record(resource, record_id)
        if record is None:
            raise ApiError(404, f"No {resource} record {raw_id}.")
        return json_response(record)
