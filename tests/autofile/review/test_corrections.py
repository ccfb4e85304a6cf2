"""Correction services: validation, the mirror change, the correction and its outbox message.

These run against factory-made mirror rows; delivery to ServiceTitan is tested in
tests/autofile/writeback against the simulator with a real worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.http import Http404

from autofile.accounts.models import Organization, User
from autofile.mirror.models import Connection, CustomerContact, InvoiceItem
from autofile.packets.models import Packet
from autofile.review import services
from autofile.review.models import Correction, DeliveryStatus, Operation, TargetType
from autofile.review.validation import CorrectionInvalid
from autofile.writeback.models import OutboxKind, OutboxMessage, OutboxStatus
from tests.factories import (
    ConnectionFactory,
    CustomerContactFactory,
    CustomerFactory,
    InvoiceFactory,
    InvoiceItemFactory,
    JobFactory,
    LocationFactory,
    PacketFactory,
    PricebookEquipmentFactory,
    TagTypeFactory,
)


@dataclass
class Records:
    connection: Connection
    packet: Packet
    invoice: Any
    heat_pump: InvoiceItem
    labor: InvoiceItem
    email: CustomerContact
    phone: CustomerContact


@pytest.fixture
def records(organization: Organization) -> Records:
    connection = ConnectionFactory.create(organization=organization)
    customer = CustomerFactory.create(connection=connection, name="Dana Whitfield")
    location = LocationFactory.create(connection=connection, customer=customer)
    job = JobFactory.create(
        connection=connection,
        customer=customer,
        location=location,
        location_st_id=location.st_id,
    )
    invoice = InvoiceFactory.create(
        connection=connection,
        job=job,
        customer=customer,
        customer_st_id=customer.st_id,
        sub_total=Decimal("11500.00"),
        total=Decimal("11500.00"),
        balance=Decimal("11500.00"),
        raw={"id": 1, "summary": "Heat pump install", "salesTaxCode": None},
    )
    heat_pump = InvoiceItemFactory.create(
        connection=connection,
        invoice=invoice,
        description="Carrier Infinity 24 heat pump",
        unit_price=Decimal("10000.00"),
        total=Decimal("10000.00"),
        cost=Decimal("6200.00"),
    )
    labor = InvoiceItemFactory.create(
        connection=connection,
        invoice=invoice,
        sku_st_id=12_001,
        sku_name="LAB-INSTALL",
        item_type="Service",
        description="Installation labor",
        unit_price=Decimal("1500.00"),
        total=Decimal("1500.00"),
    )
    email = CustomerContactFactory.create(
        connection=connection, customer=customer, contact_type="Email", value="dana@exmaple.com"
    )
    phone = CustomerContactFactory.create(
        connection=connection, customer=customer, contact_type="Phone", value="2145550134"
    )
    packet = PacketFactory.create(job=job)
    return Records(connection, packet, invoice, heat_pump, labor, email, phone)


def _message(correction: Correction) -> OutboxMessage:
    assert correction.outbox_message is not None
    return correction.outbox_message


# --- invoice items ------------------------------------------------------------------------------


def test_an_item_price_fix_updates_the_mirror_records_the_correction_and_queues_the_write(
    records: Records, organization: Organization, qa_user: User
) -> None:
    correction = services.invoice_item_update(
        organization=organization,
        user=qa_user,
        item_id=records.heat_pump.pk,
        data={
            "description": "Carrier Infinity 24 heat pump",
            "quantity": "1",
            "unit_price": "9,500",
        },
        reason="Price on the signed estimate",
        packet=records.packet,
    )
    item = InvoiceItem.objects.get(pk=records.heat_pump.pk)
    assert item.unit_price == Decimal("9500.00")
    assert item.total == Decimal("9500.00")
    assert item.raw["price"] == "9500.00"
    records.invoice.refresh_from_db()
    assert records.invoice.sub_total == Decimal("11000.00")
    assert records.invoice.total == Decimal("11000.00")
    assert records.invoice.balance == Decimal("11000.00")
    assert records.invoice.raw["total"] == "11000.00"

    assert correction.target_type == TargetType.INVOICE_ITEM
    assert correction.operation == Operation.UPDATE
    assert correction.fields == ["unit_price"]
    assert correction.changes == [("unit_price", "10000.00", "9500.00")]
    assert correction.created_by == qa_user
    assert correction.reason == "Price on the signed estimate"
    assert correction.packet == records.packet
    assert correction.delivery_status == DeliveryStatus.QUEUED

    message = _message(correction)
    assert message.kind == OutboxKind.INVOICE_ITEMS_UPDATE
    assert message.status == OutboxStatus.PENDING
    assert message.target_key == f"invoice:{records.invoice.st_id}"
    # Absolute values: every field of the item, not a delta.
    assert message.payload == {
        "id": item.st_id,
        "description": "Carrier Infinity 24 heat pump",
        "quantity": "1",
        "unitPrice": "9500.00",
        "cost": "6200.00",
        "skuId": 11_001,
    }
    assert message.base_version == records.heat_pump.st_modified_on
    assert message.base_values["unit_price"] == "10000.00"
    assert message.new_values["unit_price"] == "9500.00"


def test_a_correction_revalidates_the_packet(
    records: Records, organization: Organization, qa_user: User
) -> None:
    assert records.packet.validated_at is None
    services.invoice_item_update(
        organization=organization,
        user=qa_user,
        item_id=records.labor.pk,
        data={"quantity": "2"},
    )
    records.packet.refresh_from_db()
    assert records.packet.validated_at is not None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"quantity": "-1"}, "quantity", "Must not be negative."),
        ({"unit_price": "-0.01"}, "unit_price", "Must not be negative."),
        ({"cost": "abc"}, "cost", "Enter a number."),
        ({"unit_price": "12.345"}, "unit_price", "Use at most 2 decimal places."),
        ({"quantity": ""}, "quantity", "Enter a quantity."),
        ({"description": "  "}, "description", "Enter a description."),
        ({"sku": "NO-SUCH-SKU"}, "sku", "There is no SKU NO-SUCH-SKU in the pricebook."),
        ({"unit_price": "10000"}, "__all__", "Nothing to save: the values are the same as before."),
    ],
)
def test_item_input_is_validated_and_nothing_is_saved(
    records: Records,
    organization: Organization,
    qa_user: User,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    with pytest.raises(CorrectionInvalid) as raised:
        services.invoice_item_update(
            organization=organization, user=qa_user, item_id=records.heat_pump.pk, data=data
        )
    assert message in raised.value.errors[field]
    assert not Correction.objects.exists()
    assert not OutboxMessage.objects.exists()
    item = InvoiceItem.objects.get(pk=records.heat_pump.pk)
    assert item.unit_price == Decimal("10000.00")


def test_all_field_errors_are_reported_together(
    records: Records, organization: Organization, qa_user: User
) -> None:
    with pytest.raises(CorrectionInvalid) as raised:
        services.invoice_item_update(
            organization=organization,
            user=qa_user,
            item_id=records.heat_pump.pk,
            data={"quantity": "-2", "unit_price": "x", "cost": "-5"},
        )
    assert set(raised.value.errors) == {"quantity", "unit_price", "cost"}


def test_an_item_cannot_bring_the_invoice_total_below_what_was_paid(
    records: Records, organization: Organization, qa_user: User
) -> None:
    records.invoice.balance = Decimal("1500.00")  # 10,000 already paid
    records.invoice.save()
    with pytest.raises(CorrectionInvalid) as raised:
        services.invoice_item_update(
            organization=organization,
            user=qa_user,
            item_id=records.heat_pump.pk,
            data={"unit_price": "5000"},
        )
    assert raised.value.errors["__all__"] == [
        "The invoice total would be $6,500.00, less than the $10,000.00 already paid on it."
    ]
    records.invoice.refresh_from_db()
    assert records.invoice.total == Decimal("11500.00")


def test_the_sku_changes_by_pricebook_code(
    records: Records, organization: Organization, qa_user: User
) -> None:
    equipment = PricebookEquipmentFactory.create(
        connection=records.connection, code="HP-CAR-25VNA048", display_name="Carrier 4 Ton"
    )
    correction = services.invoice_item_update(
        organization=organization,
        user=qa_user,
        item_id=records.heat_pump.pk,
        data={"sku": "hp-car-25vna048"},
    )
    item = InvoiceItem.objects.get(pk=records.heat_pump.pk)
    assert (item.sku_st_id, item.sku_name, item.item_type) == (
        equipment.st_id,
        "HP-CAR-25VNA048",
        "Equipment",
    )
    assert correction.changes == [("sku", "HP-CAR-25VNA036", "HP-CAR-25VNA048")]
    assert _message(correction).payload["skuId"] == equipment.st_id


def test_an_added_item_gets_a_provisional_id_and_retotals_the_invoice(
    records: Records, organization: Organization, qa_user: User
) -> None:
    PricebookEquipmentFactory.create(
        connection=records.connection, code="TSTAT-ECOBEE", price=Decimal("249.00"), cost=None
    )
    correction = services.invoice_item_add(
        organization=organization,
        user=qa_user,
        invoice_id=records.invoice.pk,
        data={
            "description": "Smart thermostat",
            "quantity": "1",
            "unit_price": "",
            "sku": "TSTAT-ECOBEE",
        },
    )
    assert correction.target_row_id is not None
    item = InvoiceItem.objects.get(pk=correction.target_row_id)
    assert item.st_id == -correction.pk
    assert item.unit_price == Decimal("249.00")  # the SKU's price, none being typed
    records.invoice.refresh_from_db()
    assert records.invoice.total == Decimal("11749.00")
    message = _message(correction)
    assert message.kind == OutboxKind.INVOICE_ITEM_ADD
    assert "id" not in message.payload
    assert message.record_row_id == item.pk
    assert correction.operation == Operation.CREATE
    assert correction.after["sku"] == "TSTAT-ECOBEE"


def test_an_added_item_needs_description_quantity_and_price(
    records: Records, organization: Organization, qa_user: User
) -> None:
    with pytest.raises(CorrectionInvalid) as raised:
        services.invoice_item_add(
            organization=organization, user=qa_user, invoice_id=records.invoice.pk, data={}
        )
    assert set(raised.value.errors) == {"description", "quantity", "unit_price"}


def test_removing_an_item_retotals_and_queues_a_delete(
    records: Records, organization: Organization, qa_user: User
) -> None:
    correction = services.invoice_item_remove(
        organization=organization, user=qa_user, item_id=records.labor.pk, reason="Duplicate line"
    )
    records.labor.refresh_from_db()
    assert records.labor.active is False
    records.invoice.refresh_from_db()
    assert records.invoice.total == Decimal("10000.00")
    assert correction.operation == Operation.DELETE
    assert correction.before["description"] == "Installation labor"
    message = _message(correction)
    assert (message.kind, message.record_st_id) == (
        OutboxKind.INVOICE_ITEM_DELETE,
        records.labor.st_id,
    )


# --- invoice fields -----------------------------------------------------------------------------


def test_invoice_fields_change_and_only_changed_fields_are_written(
    records: Records, organization: Organization, qa_user: User
) -> None:
    correction = services.invoice_update(
        organization=organization,
        user=qa_user,
        invoice_id=records.invoice.pk,
        data={"summary": "Heat pump install, 3 ton", "number": records.invoice.reference_number},
    )
    records.invoice.refresh_from_db()
    assert records.invoice.summary == "Heat pump install, 3 ton"
    assert correction.fields == ["summary"]
    assert _message(correction).payload == {"summary": "Heat pump install, 3 ton"}


def test_invoice_field_validation(
    records: Records, organization: Organization, qa_user: User
) -> None:
    with pytest.raises(CorrectionInvalid) as raised:
        services.invoice_update(
            organization=organization,
            user=qa_user,
            invoice_id=records.invoice.pk,
            data={
                "number": "",
                "invoiced_on": "2025-06-10",
                "due_date": "2025-06-01",
                "review_status": "Whatever",
            },
        )
    errors = raised.value.errors
    assert errors["number"] == ["Enter a number."]
    assert errors["due_date"] == ["The due date cannot be before the invoice date."]
    assert errors["review_status"] == ["Choose one of ServiceTitan's review statuses."]


def test_invoice_dates_are_written_as_servicetitan_takes_them(
    records: Records, organization: Organization, qa_user: User
) -> None:
    correction = services.invoice_update(
        organization=organization,
        user=qa_user,
        invoice_id=records.invoice.pk,
        data={"invoiced_on": "2025-06-10", "due_date": "2025-07-10", "review_status": "Reviewed"},
    )
    payload = _message(correction).payload
    assert payload["dueDate"] == "2025-07-10"
    assert payload["invoicedOn"].endswith("Z")
    assert payload["reviewStatus"] == "Reviewed"
    assert correction.after["invoiced_on"] == "2025-06-10"


# --- contacts -----------------------------------------------------------------------------------


def test_a_mistyped_email_is_fixed(
    records: Records, organization: Organization, qa_user: User
) -> None:
    correction = services.customer_contact_update(
        organization=organization,
        user=qa_user,
        contact_id=records.email.pk,
        data={"value": " Dana@Example.com "},
    )
    records.email.refresh_from_db()
    assert records.email.value == "dana@example.com"
    assert records.email.raw["value"] == "dana@example.com"
    assert correction.changes == [("value", "dana@exmaple.com", "dana@example.com")]
    message = _message(correction)
    assert message.kind == OutboxKind.CUSTOMER_CONTACT_UPDATE
    assert message.target_key == f"customer:{records.email.customer_st_id}"
    assert message.payload == {"type": "Email", "value": "dana@example.com", "memo": ""}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "Email", "value": "dana.example.com"}, "Enter a valid e-mail address"),
        ({"type": "Phone", "value": "555-0134"}, "Enter a 10-digit US phone number"),
        ({"type": "MobilePhone", "value": "(014) 555-0134"}, "Enter a 10-digit US phone number"),
        ({"type": "Fax", "value": ""}, "Enter a number."),
        ({"type": "Email", "value": "DANA@exmaple.com"}, "The customer already has this contact."),
    ],
)
def test_contact_formats_are_validated(
    records: Records,
    organization: Organization,
    qa_user: User,
    data: dict[str, str],
    message: str,
) -> None:
    customer = records.email.customer
    assert customer is not None
    with pytest.raises(CorrectionInvalid) as raised:
        services.customer_contact_add(
            organization=organization, user=qa_user, customer_id=customer.pk, data=data
        )
    assert any(text.startswith(message) for text in raised.value.errors["value"])


def test_an_added_phone_is_normalized_to_digits(
    records: Records, organization: Organization, qa_user: User
) -> None:
    customer = records.email.customer
    assert customer is not None
    correction = services.customer_contact_add(
        organization=organization,
        user=qa_user,
        customer_id=customer.pk,
        data={"type": "MobilePhone", "value": "+1 (469) 555-0199", "memo": "Cell"},
    )
    assert correction.target_row_id is not None
    contact = CustomerContact.objects.get(pk=correction.target_row_id)
    assert (contact.st_id, contact.value, contact.memo) == (-correction.pk, "4695550199", "Cell")
    message = _message(correction)
    assert message.kind == OutboxKind.CUSTOMER_CONTACT_CREATE
    assert message.payload == {"type": "MobilePhone", "value": "4695550199", "memo": "Cell"}


def test_a_removed_contact_leaves_the_mirror_and_queues_a_delete(
    records: Records, organization: Organization, qa_user: User
) -> None:
    correction = services.customer_contact_remove(
        organization=organization, user=qa_user, contact_id=records.phone.pk
    )
    records.phone.refresh_from_db()
    assert records.phone.active is False
    assert _message(correction).kind == OutboxKind.CUSTOMER_CONTACT_DELETE
    assert correction.before == {"type": "Phone", "value": "2145550134", "memo": ""}


# --- addresses ----------------------------------------------------------------------------------


def test_a_location_address_fix_sends_the_whole_address(
    records: Records, organization: Organization, qa_user: User
) -> None:
    location = records.packet.job.location
    assert location is not None
    correction = services.location_address_update(
        organization=organization,
        user=qa_user,
        location_id=location.pk,
        data={
            "street": "4821 Ridgeview Dr",
            "unit": "",
            "city": "Plano",
            "state": "tx",
            "zip": "75024",
        },
    )
    location.refresh_from_db()
    assert (location.street, location.city, location.state, location.zip) == (
        "4821 Ridgeview Dr",
        "Plano",
        "TX",
        "75024",
    )
    message = _message(correction)
    assert message.kind == OutboxKind.LOCATION_UPDATE
    assert message.payload == {
        "address": {
            "street": "4821 Ridgeview Dr",
            "unit": "",
            "city": "Plano",
            "state": "TX",
            "zip": "75024",
            "country": "USA",
            "latitude": None,
            "longitude": None,
        }
    }
    assert correction.fields == ["street", "city", "zip", "country"]


def test_address_validation(records: Records, organization: Organization, qa_user: User) -> None:
    customer = records.email.customer
    assert customer is not None
    with pytest.raises(CorrectionInvalid) as raised:
        services.customer_address_update(
            organization=organization,
            user=qa_user,
            customer_id=customer.pk,
            data={"street": "", "city": "Dallas", "state": "Texas", "zip": "752"},
        )
    errors = raised.value.errors
    assert errors["street"] == ["Enter the street."]
    assert errors["state"] == ["Enter a two-letter US state code, like TX."]
    assert errors["zip"] == ["Enter a 5-digit ZIP code (or ZIP+4)."]


# --- job tags -----------------------------------------------------------------------------------


def test_a_coordinator_tags_a_job(
    records: Records, organization: Organization, coordinator_user: User
) -> None:
    tag = TagTypeFactory.create(connection=records.connection, name="Rebate Needed")
    job = records.packet.job
    correction = services.job_tag_add(
        organization=organization, user=coordinator_user, job_id=job.pk, tag_type_id=tag.st_id
    )
    job.refresh_from_db()
    assert tag.st_id in job.tag_type_ids
    assert correction.operation == Operation.TAG_ADD
    message = _message(correction)
    assert (message.kind, message.payload) == (OutboxKind.JOB_TAG_ADD, {"tagTypeId": tag.st_id})
    with pytest.raises(CorrectionInvalid):
        services.job_tag_add(
            organization=organization, user=coordinator_user, job_id=job.pk, tag_type_id=tag.st_id
        )
    services.job_tag_remove(
        organization=organization, user=coordinator_user, job_id=job.pk, tag_type_id=tag.st_id
    )
    job.refresh_from_db()
    assert tag.st_id not in job.tag_type_ids


# --- tenancy ------------------------------------------------------------------------------------


def test_another_organizations_records_are_not_found(
    records: Records, other_organization: Organization, member: Any
) -> None:
    outsider = member(org=other_organization)
    customer = records.email.customer
    assert customer is not None
    calls = [
        lambda: services.invoice_item_update(
            organization=other_organization,
            user=outsider,
            item_id=records.heat_pump.pk,
            data={"quantity": "2"},
        ),
        lambda: services.invoice_item_remove(
            organization=other_organization, user=outsider, item_id=records.labor.pk
        ),
        lambda: services.customer_contact_update(
            organization=other_organization,
            user=outsider,
            contact_id=records.email.pk,
            data={"value": "x@example.com"},
        ),
        lambda: services.customer_address_update(
            organization=other_organization,
            user=outsider,
            customer_id=customer.pk,
            data={"street": "1 A St", "city": "Dallas", "state": "TX", "zip": "75201"},
        ),
    ]
    for call in calls:
        with pytest.raises(Http404):
            call()
    assert not Correction.objects.exists()


def test_a_packet_of_another_organization_is_refused(
    records: Records, organization: Organization, other_organization: Organization, qa_user: User
) -> None:
    foreign = PacketFactory.create(
        job=JobFactory.create(connection__organization=other_organization)
    )
    with pytest.raises(Http404):
        services.invoice_item_update(
            organization=organization,
            user=qa_user,
            item_id=records.heat_pump.pk,
            data={"quantity": "2"},
            packet=foreign,
        )
