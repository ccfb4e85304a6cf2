"""Every operation the client can send exists in ServiceTitan's OpenAPI documents."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from integrations.servicetitan import ENDPOINTS, Endpoint, ServiceTitanClient, resources
from integrations.servicetitan.spec import find_operation, iter_operations

#: Operations the client keeps although the current (May-2026) documents dropped them.
ALLOWED_ARCHIVED = {
    # Payments_Create: only in the Mar-2026 snapshot (API.md "Payments"), still served by
    # ServiceTitan; spec.py re-adds it as archived so routing and validation still know it.
    ("accounting", "Payments_Create"),
}

#: Export feeds deliberately not wrapped: duplicates of a wrapped feed.
UNWRAPPED_EXPORTS = {
    "/sales/v2/tenant/{tenant}/estimates/export",  # legacy path of /export/estimates
}


def endpoint_ids() -> list[str]:
    return sorted(ENDPOINTS)


@pytest.mark.parametrize("name", endpoint_ids())
def test_endpoint_is_documented(name: str) -> None:
    endpoint = ENDPOINTS[name]
    operation = find_operation(endpoint.method, endpoint.template)
    assert operation is not None, f"{endpoint.method} {endpoint.template} is not in openapi/"
    assert operation.operation_id == endpoint.operation_id
    documented_query = {p.name for p in operation.query_parameters}
    assert endpoint.query <= documented_query, sorted(endpoint.query - documented_query)
    documented_path = {p.name for p in operation.path_parameters} - {"tenant"}
    assert set(endpoint.path_params) == documented_path
    if operation.archived or endpoint.archived:
        assert (endpoint.module, endpoint.operation_id) in ALLOWED_ARCHIVED
        assert operation.archived and endpoint.archived


def test_registry_is_complete_for_the_areas_it_covers() -> None:
    modules = {endpoint.module for endpoint in ENDPOINTS.values()}
    registered = {endpoint.template for endpoint in ENDPOINTS.values()}
    missing = [
        op.full_path
        for module in sorted(modules)
        for op in iter_operations(module)
        if "/export/" in op.full_path
        and op.full_path not in registered
        and op.full_path not in UNWRAPPED_EXPORTS
    ]
    assert missing == []


def test_client_exposes_every_export_feed(shared_client: ServiceTitanClient) -> None:
    feeds = shared_client.export_feeds()
    exports = [e for e in ENDPOINTS.values() if e.path.startswith("/export/")]
    assert len(feeds) == len(exports) == 29  # API.md §6, the modules the client covers
    assert feeds["jpm/jobs"].endpoint is ENDPOINTS["jobs.export"]


def test_posts_are_non_idempotent_and_other_writes_idempotent() -> None:
    # Appending an invoice item is a PATCH that adds a row when no item id is given.
    exceptions = {"invoices.update_items"}
    for endpoint in ENDPOINTS.values():
        if endpoint.name in exceptions:
            assert endpoint.idempotent is False
            continue
        assert endpoint.idempotent is (endpoint.method != "POST"), endpoint.name


def test_every_area_the_brief_names_is_wrapped() -> None:
    names = set(ENDPOINTS)
    required = {
        "appointment_assignments.assign",
        "appointment_assignments.unassign",
        "jobs.cancel",
        "jobs.cancel_reasons",
        "appointments.create",
        "appointments.delete",
        "bookings.provider.create",
        "bookings.provider.update",
        "customers.contacts.delete",
        "tags.add",
        "tags.remove",
        "installed_equipment.attachments.upload",
        "invoices.create_adjustment",
        "invoices.update_items",
        "invoices.delete_item",
        "invoices.update_custom_fields",
        "payments.create",
        "payments.update_custom_fields",
        "technicians.create",
        "technicians.update",
        "business_units.list",
        "user_roles.list",
        "job_attachments.download",
        "contacts.methods.search",
        "pricebook.discounts_and_fees.list",
        "estimates.items.list",
        "campaigns.list",
        "job_types.list",
        "form_submissions.list",
        "arrival_windows.list",
    }
    assert required <= names


def test_endpoint_paths_quote_their_parameters() -> None:
    endpoint: Endpoint = ENDPOINTS["contacts.methods.get"]
    path = endpoint.url_path(1000, {"contactId": "a/b", "contactMethodId": "c d"})
    assert path == "/crm/v2/tenant/1000/contacts/a%2Fb/contact-methods/c%20d"


def test_every_endpoint_the_resources_use_is_registered() -> None:
    """Resources send only registered endpoints (module constants or class attributes), so the
    documented-endpoint check above covers every typed method of the client."""
    registered = set(ENDPOINTS.values())
    used: list[Endpoint] = []
    for info in pkgutil.iter_modules(resources.__path__):
        module = importlib.import_module(f"{resources.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, Endpoint):
                used.append(value)
            elif inspect.isclass(value):
                used.extend(v for v in vars(value).values() if isinstance(v, Endpoint))
    assert len(used) > 100
    assert [endpoint.name for endpoint in used if endpoint not in registered] == []
