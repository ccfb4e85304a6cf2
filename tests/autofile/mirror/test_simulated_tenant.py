"""Every row a simulated tenant serves maps, stores and links.

Rows are read through the simulator's HTTP API in-process, the way each resource's Feed
says (exports followed to the end, lists paged, per-job feeds for every job).
"""

from __future__ import annotations

import pytest
from django.db import connection as database
from django.utils import timezone

from autofile.mirror.mappers import MappingError
from autofile.mirror.registry import RESOURCES, Resource
from autofile.mirror.sync import _link_referrers
from autofile.mirror.upsert import upsert
from integrations.servicetitan.simulator import Simulator
from tests.autofile.mirror.conftest import ReadAll
from tests.factories import ConnectionFactory


def _errors(resource: Resource, rows: list[dict[str, object]]) -> list[str]:
    errors = []
    for row in rows:
        try:
            resource.mapper(row)
        except MappingError as exc:
            errors.append(f"{row.get('id') if isinstance(row, dict) else row!r}: {exc}")
    return errors


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_row_of_a_clean_tenant_maps(
    resource: Resource, clean_tenant: tuple[Simulator, ReadAll]
) -> None:
    sim, read_all = clean_tenant
    rows = read_all(resource)

    assert rows, f"the simulator served no {resource.name}"
    assert _errors(resource, rows) == []
    ids = {resource.mapper(row)["st_id"] for row in rows}
    if resource.feed.kind == "per_job":
        assert len(ids) <= sim.state()[resource.name]
    else:  # inactive rows included
        assert len(ids) == sim.state()[resource.name]


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_row_of_an_imperfect_tenant_maps(
    resource: Resource, imperfect_tenant: tuple[Simulator, ReadAll]
) -> None:
    """Blemishes (nulls, integer enums, junk e-mails, totals off their items) are data to
    show and validate, not reasons to quarantine a record."""
    _, read_all = imperfect_tenant

    assert _errors(resource, read_all(resource)) == []


def test_a_clean_tenant_stores_and_links(db: None, clean_tenant: tuple[Simulator, ReadAll]) -> None:
    _, read_all = clean_tenant
    connection = ConnectionFactory.create()
    now = timezone.now()
    for resource in RESOURCES:  # in sync order, one page each, as the engine commits them
        rows: dict[object, dict[str, object]] = {}
        for raw in read_all(resource):
            columns = resource.mapper(raw)
            columns.update(
                organization_id=connection.organization_id,
                connection_id=connection.pk,
                raw=raw,
                synced_at=now,
            )
            rows[columns["st_id"]] = columns
        changed = upsert(resource.model, list(rows.values()), resource.links)
        assert len(changed) == len(rows), resource.name
        _link_referrers(resource, connection.pk, changed)

    resolved: dict[str, int] = {}
    with database.cursor() as cursor:
        for resource in RESOURCES:
            table = resource.model._meta.db_table
            for link in resource.links:
                target = link.target._meta.db_table
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" AS r JOIN "{target}" AS t '  # noqa: S608
                    f'ON t."connection_id" = r."connection_id" '
                    f'AND t."st_id" = r."{link.st_column}" '
                    f'WHERE r."{link.fk_column}" IS DISTINCT FROM t."id"'
                )
                (unresolved,) = cursor.fetchone() or (0,)
                assert unresolved == 0, f"{resource.name}.{link.fk_column}"
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{link.fk_column}" IS NOT NULL'  # noqa: S608
                )
                resolved[f"{resource.name}.{link.fk_column}"] = (cursor.fetchone() or (0,))[0]

    for key in (
        "jobs.customer_id",
        "jobs.location_id",
        "jobs.job_type_id",
        "locations.customer_id",
        "customer-contacts.customer_id",
        "location-contacts.location_id",
        "contact-methods.contact_id",
        "appointments.job_id",
        "appointment-assignments.appointment_id",
        "appointment-assignments.technician_id",
        "invoices.job_id",
        "invoice-items.invoice_id",
        "estimates.job_id",
        "installed-equipment.location_id",
        "installed-equipment.equipment_id",
        "installed-equipment.invoice_item_id",
        "form-submissions.form_id",
        "form-submissions.job_id",
        "job-attachments.job_id",
        "categories.parent_id",
    ):
        assert resolved[key] > 0, f"no {key} resolved"
