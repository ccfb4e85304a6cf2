"""The OpenAPI loader shared by the client and the simulator."""

from __future__ import annotations

from integrations.servicetitan import spec


def test_every_document_is_loaded_with_its_url_module() -> None:
    modules = set(spec.load_specs().documents)
    assert {"crm", "jpm", "dispatch", "accounting", "pricebook", "forms", "settings"} <= modules
    assert "equipmentsystems" in modules and "sales" in modules and "service-agreements" in modules
    assert spec.load_specs() is spec.load_specs()


def test_operations_carry_full_paths_scopes_and_responses() -> None:
    operation = spec.find_operation("GET", "/jpm/v2/tenant/{tenant}/jobs/{id}")
    assert operation is not None
    assert operation.operation_id == "Jobs_Get"
    assert operation.path == "/tenant/{tenant}/jobs/{id}"
    assert operation.scope == "tn.jpm.jobs:r"
    assert operation.success_status == 200
    assert {p.name for p in operation.path_parameters} == {"tenant", "id"}
    assert spec.find_operation_by_id("pricebook", "Services_Create").success_status == 201  # type: ignore[union-attr]


def test_match_prefers_literal_segments_and_names_parameters_per_operation() -> None:
    matched = spec.match("GET", "/jpm/v2/tenant/1000/jobs/custom-fields")
    assert matched is not None and matched[0].operation_id == "Jobs_GetCustomFieldTypes"
    matched = spec.match("GET", "/forms/v2/tenant/1000/jobs/77/attachments")
    assert matched is not None
    assert matched[0].operation_id == "Jobs_GetJobAttachments"
    assert matched[1] == {"tenant": "1000", "jobId": "77"}
    assert spec.match("GET", "/jpm/v2/tenant/1000/nope") is None
    assert spec.allowed_methods("/jpm/v2/tenant/1000/jobs/5") == ("GET", "PATCH")


def test_operations_removed_from_the_public_documents_are_supplemented() -> None:
    operation = spec.find_operation("POST", "/accounting/v2/tenant/{tenant}/payments")
    assert operation is not None and operation.archived
    assert operation.request_schema is not None


def test_response_validator_resolves_component_references() -> None:
    operation = spec.find_operation("GET", "/jpm/v2/tenant/{tenant}/jobs")
    assert operation is not None
    validator = spec.response_validator(operation)
    assert validator.is_valid(
        {"page": 1, "pageSize": 50, "hasMore": False, "totalCount": None, "data": []}
    )
    assert not validator.is_valid(
        {"page": 1, "pageSize": 50, "hasMore": False, "data": [{"id": "x"}]}
    )
    bare_id = spec.find_operation("POST", "/accounting/v2/tenant/{tenant}/invoices")
    assert bare_id is not None
    assert spec.response_validator(bare_id).is_valid(123)
