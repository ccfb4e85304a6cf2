"""Every route the simulator serves answers what ServiceTitan's OpenAPI documents describe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

import httpx
import orjson
import pytest
from jsonschema import FormatChecker

from integrations.servicetitan.simulator import Simulator, SimulatorConfig
from integrations.servicetitan.spec import Operation, iter_operations, response_validator
from tests.integrations.servicetitan.simulator.routes import body_for, concrete, path_params
from tests.integrations.servicetitan.simulator.support import api_client

_IMPLEMENTED = Simulator(SimulatorConfig(scale="small")).handlers
READS = [op for op in iter_operations() if op.method == "GET" and op.key in _IMPLEMENTED]
WRITES = [op for op in iter_operations() if op.method != "GET" and op.key in _IMPLEMENTED]
UPLOADS = {"Jobs_CreateAttachment", "InstalledEquipment_PostAttachment"}
BINARY = {("forms", "Jobs_Get"), ("equipmentsystems", "InstalledEquipment_Get2")}

#: RFC 3339 ``date-time`` (jsonschema checks it only with an extra package): a zone is required.
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FORMATS = FormatChecker(["uuid", "email"])


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or (
        _DATE.fullmatch(value) is not None and date.fromisoformat(value) is not None
    )


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if _DATE_TIME.fullmatch(value) is None:
        return False
    head = re.sub(r"\.\d+", "", value).replace("z", "Z").replace("Z", "+00:00")
    return datetime.fromisoformat(head) is not None


def test_the_format_checker_knows_dates_from_date_times() -> None:
    assert FORMATS.conforms("2025-03-04", "date")
    assert not FORMATS.conforms("2025-03-04T00:00:00", "date")
    assert not FORMATS.conforms("2025-02-30", "date")
    assert FORMATS.conforms("2025-03-04T05:06:07.1234567Z", "date-time")
    assert FORMATS.conforms("2025-03-04T05:06:07-05:00", "date-time")
    assert not FORMATS.conforms("2025-03-04T05:06:07", "date-time")
    assert not FORMATS.conforms("2025-03-04", "date-time")
    assert not FORMATS.conforms("2025-03-04T25:06:07Z", "date-time")
    assert FORMATS.conforms("3b241101-e2bb-4255-8caf-4136c566a962", "uuid")
    assert not FORMATS.conforms("not-a-uuid", "uuid")
    assert FORMATS.conforms("ada@example.com", "email")
    assert not FORMATS.conforms("ada.example.com", "email")


def _check(operation: Operation, response: httpx.Response) -> None:
    assert response.status_code == operation.success_status, response.text[:500]
    spec = operation.responses.get(response.status_code)
    if spec is None or spec.schema is None:
        if operation.key not in BINARY and operation.operation_id != "Jobs_GetJobAttachments":
            assert response.content == b"", response.text[:200]
        return
    errors = sorted(
        response_validator(operation, response.status_code)
        .evolve(format_checker=FORMATS)
        .iter_errors(orjson.loads(response.content)),
        key=lambda e: list(e.absolute_path),
    )
    assert not errors, [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5]]


@pytest.fixture(scope="module")
def reader(perfect_sim: Simulator) -> Iterator[httpx.Client]:
    with api_client(perfect_sim) as client:
        yield client


@pytest.mark.parametrize("operation", READS, ids=lambda op: f"{op.module}.{op.operation_id}")
def test_every_read_route_answers_its_documented_schema(
    operation: Operation, perfect_sim: Simulator, reader: httpx.Client
) -> None:
    params = {"path": "nothing"} if operation.operation_id == "InstalledEquipment_Get2" else None
    if params is not None:
        upload = reader.post(
            "/equipmentsystems/v2/tenant/1000/installed-equipment/attachments",
            files={"file": ("nameplate.png", b"\x89PNG\r\n\x1a\nfake", "image/png")},
        )
        params = {"path": upload.json()["path"]}
    response = reader.get(concrete(operation, path_params(perfect_sim, operation)), params=params)
    _check(operation, response)


@pytest.fixture(scope="module")
def writable() -> Simulator:
    return Simulator(SimulatorConfig(seed=7, scale="small", rate_limit=0, imperfect_share=0.0))


@pytest.mark.parametrize("operation", WRITES, ids=lambda op: f"{op.module}.{op.operation_id}")
def test_every_write_route_accepts_a_valid_body_and_answers_its_documented_schema(
    operation: Operation, writable: Simulator
) -> None:
    writable.reset()
    with api_client(writable) as client:
        url = concrete(operation, path_params(writable, operation))
        if operation.operation_id in UPLOADS:
            files = {"file": ("photo.png", b"\x89PNG\r\n\x1a\n0000", "image/png")}
            response = client.request(operation.method, url, files=files)
        else:
            body = body_for(writable, operation)
            content = None if body is None else orjson.dumps(body)
            headers = {"Content-Type": "application/json"} if content is not None else {}
            response = client.request(operation.method, url, content=content, headers=headers)
    _check(operation, response)


def test_the_route_walk_covers_every_resource_of_the_mirror_list() -> None:
    implemented = {op.operation_id for op in READS + WRITES}
    for operation_id in (
        "Customers_GetList", "Locations_GetList", "Contacts_GetList", "Leads_GetList",
        "Bookings_GetList", "BookingProviderTags_GetList", "TagTypes_GetList",
        "BusinessUnits_GetList", "Employees_GetList", "Technicians_GetList", "UserRoles_GetList",
        "JobTypes_GetList", "Campaigns_GetList", "Jobs_GetList", "Appointments_GetList",
        "AppointmentAssignments_GetList", "ArrivalWindows_GetList", "Invoices_GetList",
        "Export_InvoiceItems", "Estimates_GetList", "Estimates_GetItems",
        "InstalledEquipment_GetList", "Categories_GetList", "Services_GetList",
        "Equipment_GetList", "Materials_GetList", "DiscountAndFees_GetList", "Form_GetForms",
        "FormSubmission_GetFormSubmissions", "Jobs_GetJobAttachments",
        "ServiceAgreements_GetList", "Payments_GetList", "Projects_GetList",
        "JobCancelReasons_GetList", "Payments_Create",
    ):  # fmt: skip
        assert operation_id in implemented, operation_id


def test_undocumented_and_unsimulated_routes_answer_like_the_gateway(api: httpx.Client) -> None:
    assert api.get("/jpm/v2/tenant/1000/nothing-here").status_code == 404
    assert api.post("/jpm/v2/tenant/1000/jobs/1/history").status_code == 405
    unsimulated = api.get("/payroll/v2/tenant/1000/payrolls")
    assert unsimulated.status_code == 404
    not_simulated = api.get("/dispatch/v2/tenant/1000/zones")
    assert not_simulated.status_code == 501
    assert set(not_simulated.json()) == {"type", "title", "status", "traceId", "errors", "data"}
