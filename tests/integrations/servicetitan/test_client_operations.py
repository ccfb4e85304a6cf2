"""Every client operation against the in-process simulator, one test per ServiceTitan area.

Each test ends by checking, from the simulator's request log, that it called every operation
the client registers for that module: adding a method without a test fails here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from integrations.servicetitan import ENDPOINTS, ConflictError, NotFoundError, ServiceTitanClient
from integrations.servicetitan.models.crm import (
    CustomerAddressInput,
    CustomerUpdate,
    LocationCreate,
)
from integrations.servicetitan.models.jpm import JobUpdate
from integrations.servicetitan.simulator import Simulator

ADDRESS = {"street": "1 Main St", "city": "Dallas", "state": "TX", "zip": "75001", "country": "USA"}


def assert_module_covered(sim: Simulator, *modules: str) -> None:
    hit = {entry["operationId"] for entry in sim.requests() if entry["status"] < 500}
    wanted = {
        endpoint.operation_id for endpoint in ENDPOINTS.values() if endpoint.module in modules
    }
    assert wanted - hit == set()


def test_crm_operations(sim: Simulator, st_client: ServiceTitanClient) -> None:
    customers = st_client.customers.list(page_size=5, include_total=True, sort="+Id")
    assert len(customers) == 5 and customers.has_more and isinstance(customers.total_count, int)
    first = customers.items[0]
    assert st_client.customers.get(first.id).id == first.id
    assert sum(1 for _ in st_client.customers.iter_all(page_size=40)) == customers.total_count

    created = st_client.customers.create(
        {
            "name": "Ada Lovelace",
            "address": ADDRESS,
            "locations": [{"name": "Home", "address": ADDRESS}],
        }
    )
    assert created.name == "Ada Lovelace" and created.locations
    updated = st_client.customers.update(created.id, CustomerUpdate(name="Ada King"))
    assert updated.name == "Ada King"
    assert st_client.customers.custom_field_types().data

    contact = st_client.customers.create_contact(
        created.id, {"type": "Email", "value": "ada@example.com"}
    )
    assert contact.value == "ada@example.com"
    changed = st_client.customers.update_contact(created.id, contact.id, {"memo": "billing"})
    assert changed.memo == "billing"
    assert [c.id for c in st_client.customers.iter_contacts(created.id)] == [contact.id]
    modified = st_client.customers.list_modified_contacts(customer_ids=[created.id])
    assert [c.customer_id for c in modified.items] == [created.id]
    st_client.customers.delete_contact(created.id, contact.id)
    assert len(st_client.customers.list_contacts(created.id)) == 0
    contact_rows = st_client.customers.contacts_feed.rows()
    assert sum(1 for _ in contact_rows) >= sim.state()["customer-contacts"] - 1
    assert contact_rows.continue_from

    tag = st_client.tag_types.list().items[0]
    st_client.tags.add(customer_ids=[first.id, created.id], tag_type_ids=[tag.id])
    assert tag.id in (st_client.customers.get(created.id).tag_type_ids or [])
    st_client.tags.remove(customer_ids=[first.id, created.id], tag_type_ids=[tag.id])
    assert tag.id not in (st_client.customers.get(created.id).tag_type_ids or [])
    assert sum(1 for _ in st_client.customers.export()) >= 1

    location = st_client.locations.list(customer_id=first.id).items[0]
    assert st_client.locations.get(location.id).customer_id == first.id
    new_location = st_client.locations.create(
        LocationCreate(
            customer_id=created.id,
            name="Lake house",
            address=CustomerAddressInput.model_validate(ADDRESS),
        )
    )
    assert new_location.customer_id == created.id
    assert st_client.locations.update(new_location.id, {"name": "Cabin"}).name == "Cabin"
    assert st_client.locations.list_contacts(
        modified_on_or_after=datetime(2000, 1, 1, tzinfo=UTC)
    ).data
    assert (
        sum(1 for _ in st_client.locations.contacts_feed.rows()) == sim.state()["location-contacts"]
    )
    assert sum(1 for _ in st_client.locations.export()) == sim.state()["locations"]

    person = st_client.contacts.list(page_size=3).items[0]
    assert st_client.contacts.get(person.id).name == person.name
    methods = st_client.contacts.list_methods(person.id).items
    assert st_client.contacts.get_method(person.id, methods[0].id).contact_id == person.id
    assert st_client.contacts.search_methods(contact_id=person.id).data
    assert sum(1 for _ in st_client.contacts.iter_methods()) == sim.state()["contact-methods"]

    lead = st_client.leads.list().items[0]
    assert st_client.leads.get(lead.id).campaign_id == lead.campaign_id
    assert sum(1 for _ in st_client.leads.export()) == sim.state()["leads"]

    provider = st_client.booking_provider_tags.list().items[0]
    assert st_client.booking_provider_tags.get(provider.id).tag_name == provider.tag_name
    booking = st_client.bookings.create(
        provider.id,
        {
            "source": "AutoFile",
            "name": "Grace Hopper",
            "summary": "Heat pump quote",
            "isFirstTimeClient": True,
            "externalId": "autofile-1",
        },
    )
    assert st_client.bookings.get_for_provider(provider.id, booking.id).external_id == "autofile-1"
    assert (
        st_client.bookings.update(provider.id, booking.id, {"summary": "Quote"}).summary == "Quote"
    )
    assert booking.id in {b.id for b in st_client.bookings.iter_for_provider(provider.id)}
    assert st_client.bookings.list_for_provider(provider.id, external_id="autofile-1").data
    assert st_client.bookings.get(booking.id).id == booking.id
    assert len(st_client.bookings.list(page_size=100)) == sim.state()["bookings"]
    assert sum(1 for _ in st_client.bookings.export()) == sim.state()["bookings"]

    assert_module_covered(sim, "crm")


def _scheduled_job_and_appointment(st_client: ServiceTitanClient) -> tuple[int, int]:
    appointment = st_client.appointments.list(status="Scheduled", page_size=1).items[0]
    return appointment.job_id or 0, appointment.id


def test_jpm_operations(sim: Simulator, st_client: ServiceTitanClient) -> None:
    jobs = st_client.jobs.list(page_size=10, job_status="Completed", sort="-ModifiedOn")
    job = st_client.jobs.get(jobs.items[0].id)
    assert job.job_status == "Completed"
    tags = [t.id for t in st_client.tag_types.list().items[:2]]
    assert st_client.jobs.update(job.id, JobUpdate(tag_type_ids=tags)).tag_type_ids == tags
    assert st_client.jobs.set_tags(job.id, tags[:1]).tag_type_ids == tags[:1]
    assert st_client.jobs.custom_field_types().data

    new_job = st_client.jobs.create(
        {
            "customerId": job.customer_id,
            "locationId": job.location_id,
            "businessUnitId": job.business_unit_id,
            "jobTypeId": job.job_type_id,
            "priority": "Normal",
            "campaignId": job.campaign_id,
            "appointments": [{"start": "2031-03-01T14:00:00Z", "end": "2031-03-01T16:00:00Z"}],
        }
    )
    assert new_job.job_status == "Scheduled"
    reason = st_client.jobs.cancel_reasons().items[0]
    st_client.jobs.cancel(new_job.id, reason_id=reason.id, memo="customer postponed")
    assert st_client.jobs.get(new_job.id).job_status == "Canceled"
    job_rows = st_client.jobs.export()
    assert sum(1 for _ in job_rows) == sim.state()["jobs"]
    assert (
        sum(1 for _ in st_client.jobs.canceled_logs_feed.rows()) == sim.state()["job-canceled-logs"]
    )

    notes = st_client.jobs.notes(job.id)
    assert notes.items and notes.items[0].is_pinned and notes.items[0].text
    note_rows = st_client.jobs.notes_feed.rows()
    exported_notes = list(note_rows)
    assert len(exported_notes) == sim.state()["job-notes"] and note_rows.continue_from
    assert {n["jobId"] for n in exported_notes} >= {job.id}
    assert len(list(st_client.jobs.notes_feed.rows(from_=note_rows.continue_from))) == 0
    history = {h["jobId"]: h["history"] for h in st_client.jobs.history_feed.rows()}
    assert len(history) == sim.state()["job-history"]
    assert [e["eventType"] for e in history[job.id]][:: len(history[job.id]) - 1] == [
        "Job Booked",
        "Job Completed",
    ]

    job_id, appointment_id = _scheduled_job_and_appointment(st_client)
    assert st_client.appointments.get(appointment_id).job_id == job_id
    added = st_client.appointments.create(
        {"jobId": job_id, "start": "2031-04-01T14:00:00Z", "end": "2031-04-01T16:00:00Z"}
    )
    assert added.job_id == job_id
    st_client.appointments.delete(added.id)
    with pytest.raises(NotFoundError):
        st_client.appointments.get(added.id)
    assert (
        sum(1 for _ in st_client.appointments.export(active="Any"))
        >= sim.state()["appointments"] - 1
    )

    project = st_client.projects.list().items[0]
    assert st_client.projects.get(project.id).number == project.number
    assert (
        st_client.projects.update(project.id, {"name": "Electrification"}).name == "Electrification"
    )
    location_id = st_client.locations.list(page_size=1).items[0].id
    assert st_client.projects.create({"locationId": location_id}).location_id == location_id
    assert sum(1 for _ in st_client.projects.export()) == sim.state()["projects"]
    project_notes = list(st_client.projects.notes_feed.rows())
    assert len(project_notes) == sim.state()["project-notes"]
    assert project.id in {n["projectId"] for n in project_notes}

    job_type = st_client.job_types.list(order_by="Name").items[0]
    assert st_client.job_types.get(job_type.id).name == job_type.name
    assert_module_covered(sim, "jpm")


def test_dispatch_operations(sim: Simulator, st_client: ServiceTitanClient) -> None:
    _, appointment_id = _scheduled_job_and_appointment(st_client)
    technician = st_client.technicians.list().items[-1]
    assigned = st_client.appointment_assignments.assign(appointment_id, [technician.id])
    assert assigned.id == appointment_id
    current = st_client.appointment_assignments.list(appointment_ids=[appointment_id])
    assert technician.id in {a.technician_id for a in current.items}
    st_client.appointment_assignments.unassign(appointment_id, [technician.id])
    after = st_client.appointment_assignments.list(appointment_ids=[appointment_id], active="True")
    assert technician.id not in {a.technician_id for a in after.items}
    rows = st_client.appointment_assignments.export(active="Any")
    assert sum(1 for _ in rows) >= sim.state()["appointment-assignments"]

    window = st_client.arrival_windows.list(active="Any").items[0]
    assert st_client.arrival_windows.get(window.id).start == window.start
    assert_module_covered(sim, "dispatch")


def test_dispatch_conflict_is_typed(st_client: ServiceTitanClient) -> None:
    done = st_client.appointments.list(status="Done", page_size=1).items[0]
    with pytest.raises(ConflictError) as caught:
        st_client.appointment_assignments.assign(
            done.id, [st_client.technicians.list().items[0].id]
        )
    assert caught.value.status == 409 and caught.value.trace_id


def test_accounting_operations(sim: Simulator, st_client: ServiceTitanClient) -> None:
    invoice = next(i for i in st_client.invoices.list(page_size=20).items if i.items)
    assert isinstance(invoice.total, Decimal) and invoice.items
    adjustment_id = st_client.invoices.create_adjustment({"adjustmentToId": invoice.id})
    assert st_client.invoices.list(ids=[adjustment_id]).items[0].adjustment_to_id == invoice.id

    st_client.invoices.update(invoice.id, {"summary": "<p>Rebate: heat pump</p>"})
    st_client.invoices.update_items(
        invoice.id,
        {"description": "AHRI certificate fee", "quantity": 1, "unitPrice": Decimal("25.50")},
    )
    item = invoice.items[0]
    st_client.invoices.update_items(
        invoice.id, {"id": item.id, "description": "Fixed", "quantity": 2}
    )
    refreshed = st_client.invoices.list(ids=[invoice.id]).items[0]
    assert refreshed.summary == "<p>Rebate: heat pump</p>"
    by_id = {i.id: i for i in refreshed.items or []}
    assert by_id[item.id].description == "Fixed" and by_id[item.id].quantity == Decimal(2)
    appended = [i for i in refreshed.items or [] if i.description == "AHRI certificate fee"]
    assert len(appended) == 1 and appended[0].price == Decimal("25.50")
    st_client.invoices.delete_item(invoice.id, item.id)
    remaining = st_client.invoices.list(ids=[invoice.id]).items[0].items or []
    assert item.id not in {i.id for i in remaining}

    field = st_client.invoices.custom_field_types().items[0]
    st_client.invoices.update_custom_fields({invoice.id: {field.name or "": "PO-77"}})
    fields = st_client.invoices.list(ids=[invoice.id]).items[0].custom_fields or []
    assert {"name": field.name, "value": "PO-77"} in [f.raw for f in fields]
    assert sum(1 for _ in st_client.invoices.export()) == sim.state()["invoices"]
    assert sum(1 for _ in st_client.invoices.items_feed.rows()) >= sim.state()["invoice-items"] - 1

    payment = st_client.payments.list().items[0]
    type_id = st_client.request("GET", "/payment-types", module="accounting")["data"][0]["id"]
    created = st_client.payments.create(
        {
            "typeId": type_id,
            "amount": Decimal("125.00"),
            "customerId": invoice.customer.id if invoice.customer else None,
        }
    )
    assert created.id and created.type_id == type_id
    updated = st_client.payments.update(
        payment.id, {"memo": "rebate check", "typeId": type_id, "splits": []}
    )
    assert updated.memo == "rebate check"
    st_client.payments.update_custom_fields({payment.id: {"Check Ref": "42"}})
    assert sum(1 for _ in st_client.payments.export()) == sim.state()["payments"]
    bills = list(st_client.inventory_bills.feed.rows())
    assert len(bills) == sim.state()["inventory-bills"]
    bill = bills[0]
    billed_job = st_client.jobs.get(bill["jobId"])
    assert billed_job.job_status == "Completed" and bill["jobNumber"] == billed_job.job_number
    assert bill["items"] and Decimal(bill["billAmount"]) > 0
    assert_module_covered(sim, "accounting")


def test_equipment_operations(sim: Simulator, st_client: ServiceTitanClient) -> None:
    equipment = st_client.installed_equipment.list(page_size=5).items[0]
    assert st_client.installed_equipment.get(equipment.id).serial_number == equipment.serial_number
    path = st_client.installed_equipment.upload_attachment(
        b"%PDF-1.4 AHRI", filename="ahri.pdf", content_type="application/pdf"
    )
    assert st_client.installed_equipment.download_attachment(path) == b"%PDF-1.4 AHRI"
    updated = st_client.installed_equipment.update(
        equipment.id,
        {
            "serialNumber": "HP-123",
            "attachments": [{"url": path, "fileName": "ahri.pdf", "type": "Document"}],
        },
    )
    assert updated.serial_number == "HP-123"
    attachments = st_client.installed_equipment.attachments(equipment.id)
    assert [a.url for a in attachments] == [path]
    location_id = st_client.locations.list(page_size=1).items[0].id
    created = st_client.installed_equipment.create({"locationId": location_id, "name": "Heat pump"})
    assert created.location_id == location_id
    assert (
        sum(1 for _ in st_client.installed_equipment.export()) == sim.state()["installed-equipment"]
    )
    assert_module_covered(sim, "equipmentsystems")


def test_forms_operations(sim: Simulator, st_client: ServiceTitanClient) -> None:
    assert len(st_client.forms.list(page_size=100)) >= 1
    submissions = st_client.form_submissions.list(
        submitted_on_or_after=datetime(2000, 1, 1, tzinfo=UTC), include_total=True
    )
    assert submissions.total_count and submissions.items[0].form_id
    job = st_client.jobs.list(page_size=1).items[0]
    before = len(st_client.job_attachments.list(job.id))
    name = st_client.job_attachments.upload(
        job.id, b"\xff\xd8photo", filename="after.jpg", content_type="image/jpeg"
    )
    assert name
    page = st_client.job_attachments.list(job.id, page_size=50)
    assert len(page) == before + 1
    attachment_id = _newest_attachment_id(sim, job.id)
    assert st_client.job_attachments.download(attachment_id) == b"\xff\xd8photo"
    assert_module_covered(sim, "forms")


def _newest_attachment_id(sim: Simulator, job_id: int) -> int:
    """The simulator's list rows carry no ids yet (the list response is undocumented), so
    read the newest attachment of the job from its store."""
    ids = [
        int(r["id"]) for r in sim.store.iter_by_id("job-attachments") if r.get("_jobId") == job_id
    ]
    return max(ids)


def test_pricebook_operations(sim: Simulator, st_client: ServiceTitanClient) -> None:
    book = st_client.pricebook
    for resource, key in (
        (book.categories, "categories"),
        (book.services, "services"),
        (book.equipment, "equipment"),
        (book.materials, "materials"),
        (book.discounts_and_fees, "discounts-and-fees"),
    ):
        first = resource.list(active="Any").items[0]
        assert resource.get(first.id).id == first.id
        if hasattr(resource, "export"):
            assert sum(1 for _ in resource.export()) == sim.state()[key]
    service = book.services.list().items[0]
    assert isinstance(service.price, Decimal)
    assert_module_covered(sim, "pricebook")


def test_sales_agreements_settings_marketing(sim: Simulator, st_client: ServiceTitanClient) -> None:
    estimate = st_client.estimates.list(page_size=5).items[0]
    assert st_client.estimates.get(estimate.id).id == estimate.id
    items = st_client.estimates.list_items(estimate_id=estimate.id)
    assert items.data and all(i.raw.get("sku") is not None for i in items.items)
    assert sum(1 for _ in st_client.estimates.export()) == sim.state()["estimates"]

    agreement = st_client.service_agreements.list().items[0]
    assert st_client.service_agreements.get(agreement.id).customer_id == agreement.customer_id
    assert (
        sum(1 for _ in st_client.service_agreements.export()) == sim.state()["service-agreements"]
    )

    unit = st_client.business_units.list().items[0]
    assert st_client.business_units.get(unit.id).name == unit.name
    assert sum(1 for _ in st_client.business_units.export()) == sim.state()["business-units"]
    employee = st_client.employees.list().items[0]
    assert st_client.employees.get(employee.id).name == employee.name
    assert sum(1 for _ in st_client.employees.export()) == sim.state()["employees"]
    technician = st_client.technicians.list().items[0]
    assert st_client.technicians.get(technician.id).name == technician.name
    role = st_client.user_roles.list(employee_type="Technician").items[0]
    new_id = st_client.technicians.create(
        {
            "name": "Nikola T",
            "accountCreationMethod": "CreateLater",
            "roleId": role.id,
            "positions": ["Installer"],
            "licenseType": "ManagedTech",
        }
    )
    assert st_client.technicians.update(new_id, {"team": "Install"}) == new_id
    assert st_client.technicians.get(new_id).team == "Install"
    assert sum(1 for _ in st_client.technicians.export()) == sim.state()["technicians"]
    assert st_client.tag_types.list(active="Any").data
    assert sum(1 for _ in st_client.tag_types.export()) == sim.state()["tag-types"]

    campaign = st_client.campaigns.list().items[0]
    assert st_client.campaigns.get(campaign.id).name == campaign.name
    assert_module_covered(sim, "sales", "service-agreements", "settings", "marketing")
