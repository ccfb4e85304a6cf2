"""Validation of real-looking packets: every requirement and eligibility check.

Packets are filed on heat-pump jobs of the simulated tenant (its invoices, installed
equipment, forms, photos and certificates as the sync stores them) to a copy of the
EXAMPLE utility heat-pump program. The `complete` packet passes everything; each test
breaks one thing the way real data breaks and reads the finding it earns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from autofile.accounts.models import Organization
from autofile.mirror.models import (
    Connection,
    Customer,
    CustomerContact,
    FormSubmission,
    InstalledEquipment,
    Invoice,
    InvoiceItem,
    Job,
    JobAttachment,
    Location,
    LocationContact,
    PricebookEquipment,
)
from autofile.packets.inputs import JOB_INPUTS
from autofile.packets.models import (
    CertifiedProduct,
    EligibilityCheck,
    Finding,
    Packet,
    ProgramRequirement,
    RebateProgram,
    model_key,
)
from autofile.packets.selectors import packet_bundle
from autofile.packets.services import (
    check_create,
    check_update,
    packet_validate,
    program_update,
    requirement_create,
    requirement_update,
)
from autofile.packets.services.follow import _affected_packets, _job_ids_for, packets_mirror_changed
from tests.autofile.packets.conftest import Filed, heat_pump_jobs
from tests.factories import JobFactory, PaymentFactory, ServiceAgreementFactory

ACCOUNT = {"typeId": 7401, "name": "Utility Account Number", "value": "10443720009876543"}


def codes(packet: Packet) -> list[str]:
    return sorted(packet_validate_codes(packet))


def packet_validate_codes(packet: Packet) -> list[str]:
    return [finding.code for finding in packet_validate(packet=packet)]


def give_account_number(job: Job) -> None:
    assert job.location_st_id is not None
    location = Location.objects.get(connection_id=job.connection_id, st_id=job.location_st_id)
    location.raw = {**location.raw, "customFields": [ACCOUNT]}
    location.save(update_fields=["raw"])


@pytest.fixture
def complete(
    tenant: Connection, file_packet: Callable[..., Filed], utility_program: RebateProgram
) -> Filed:
    """A packet that meets every requirement and check of the program.

    The program's window opens two years back (the tenant's jobs span 18 months) and the
    install location gets its utility account number, as QA would add it in ServiceTitan.
    """
    program_update(
        program=utility_program,
        starts_on=timezone.localdate().replace(day=1, month=1, year=timezone.localdate().year - 2),
    )
    for job in heat_pump_jobs(tenant):
        give_account_number(job)
        filed = file_packet(job=job)
        if not packet_validate(packet=filed.packet):
            return filed
        filed.packet.delete()
    raise AssertionError("the tenant has no complete heat-pump job")


def the(packet: Packet, code: str) -> Finding:
    packet_validate(packet=packet)
    found = list(Finding.objects.filter(packet=packet, code=code))
    assert len(found) == 1, [f.message for f in Finding.objects.filter(packet=packet)]
    return found[0]


def heat_pump(filed: Filed) -> InstalledEquipment:
    bundle = packet_bundle(organization=filed.packet.organization, packet_id=filed.packet.pk)
    assert bundle is not None
    return bundle.units("Heat Pump")[0]


def test_a_complete_packet_has_no_findings_and_an_estimated_amount(complete: Filed) -> None:
    packet = complete.packet
    assert packet_validate(packet=packet) == []
    packet.refresh_from_db()
    assert (packet.error_count, packet.warning_count) == (0, 0)
    assert packet.validated_at is not None
    # Its heat pump reaches one of the program's SEER2 tiers (a thermostat adds $50).
    assert packet.estimated_amount in {
        Decimal("500.00"),
        Decimal("550.00"),
        Decimal("800.00"),
        Decimal("850.00"),
    }


def test_validation_replaces_findings_and_keeps_counts(complete: Filed) -> None:
    packet = complete.packet
    assert complete.job.customer_id is not None
    Customer.objects.filter(pk=complete.job.customer_id).update(name="")
    packet_validate(packet=packet)
    packet_validate(packet=packet)

    assert Finding.objects.filter(packet=packet).count() == 1
    packet.refresh_from_db()
    assert packet.error_count == 1
    finding = Finding.objects.get(packet=packet)
    assert finding.message == "The customer's name is missing."
    assert (finding.subject, finding.subject_id, finding.field) == (
        "customer",
        complete.job.customer_id,
        "name",
    )
    assert finding.requirement is not None
    assert finding.requirement.kind == ProgramRequirement.Kind.CUSTOMER_NAME


def test_phone_number_missing_or_malformed(complete: Filed) -> None:
    job = complete.job
    phones = CustomerContact.objects.filter(
        connection_id=job.connection_id,
        customer_st_id=job.customer_st_id,
        contact_type__in=["Phone", "MobilePhone"],
    )
    first = phones.first()
    assert first is not None
    CustomerContact.objects.filter(pk=first.pk).update(value="555-12")
    phones.exclude(pk=first.pk).delete()
    LocationContact.objects.filter(
        connection_id=job.connection_id, location_st_id=job.location_st_id
    ).delete()

    invalid = the(complete.packet, "contact_phone_invalid")
    assert invalid.message == "The phone number “555-12” is not valid."
    assert (invalid.severity, invalid.subject, invalid.subject_id) == (
        "error",
        "customer_contact",
        first.pk,
    )

    CustomerContact.objects.filter(pk=first.pk).delete()
    missing = the(complete.packet, "contact_phone_missing")
    assert missing.message == "The customer has no phone number on record."


def test_a_malformed_extra_phone_next_to_a_valid_one_is_a_warning(complete: Filed) -> None:
    job = complete.job
    CustomerContact.objects.create(
        organization_id=job.organization_id,
        connection_id=job.connection_id,
        st_id=99_000_001,
        raw={},
        synced_at=timezone.now(),
        customer_st_id=job.customer_st_id,
        contact_type="Phone",
        value="call after 5",
    )
    assert the(complete.packet, "contact_phone_invalid").severity == "warning"


def test_email_missing_is_a_warning_in_the_example_and_malformed_is_reported(
    complete: Filed,
) -> None:
    job = complete.job
    emails = CustomerContact.objects.filter(
        connection_id=job.connection_id, customer_st_id=job.customer_st_id, contact_type="Email"
    )
    LocationContact.objects.filter(
        connection_id=job.connection_id, location_st_id=job.location_st_id, contact_type="Email"
    ).delete()
    emails.update(value="homeowner@")
    invalid = the(complete.packet, "contact_email_invalid")
    assert invalid.severity == "warning"  # the example asks for e-mail as a warning
    assert invalid.message == "The e-mail address “homeowner@” is not valid."

    emails.delete()
    assert the(complete.packet, "contact_email_missing").severity == "warning"


def test_install_address_parts(complete: Filed) -> None:
    location = Location.objects.get(pk=complete.job.location_id or 0)
    Location.objects.filter(pk=location.pk).update(zip="")
    missing = the(complete.packet, "address_zip_missing")
    assert missing.message == "The install address has no ZIP code."
    assert (missing.subject, missing.subject_id, missing.field) == ("location", location.pk, "zip")

    Location.objects.filter(pk=location.pk).update(zip="7520", street="")
    assert "address_zip_invalid" in codes(complete.packet)
    assert "address_street_missing" in codes(complete.packet)


def test_utility_account_number(complete: Filed) -> None:
    location = Location.objects.get(pk=complete.job.location_id or 0)
    location.raw = {**location.raw, "customFields": [{**ACCOUNT, "value": " "}]}
    location.save(update_fields=["raw"])

    finding = the(complete.packet, "utility_account_missing")
    assert finding.message == "The install location has no Utility Account Number."
    assert (finding.subject, finding.field) == ("location", "utility_account_number")


def test_install_date(complete: Filed) -> None:
    job = complete.job
    Job.objects.filter(pk=job.pk).update(completed_on=None)
    InstalledEquipment.objects.filter(
        connection_id=job.connection_id, location_st_id=job.location_st_id
    ).update(installed_on=None)

    found = codes(complete.packet)
    assert "install_date_missing" in found
    assert "install_date_unknown" in found  # the program window cannot be checked either


def test_serial_number_missing_placeholder_or_too_short(complete: Filed) -> None:
    unit = heat_pump(complete)
    InstalledEquipment.objects.filter(pk=unit.pk).update(serial_number="")
    missing = the(complete.packet, "equipment_serial_number_missing")
    assert missing.message.startswith("Missing serial number on unit 1 (Heat Pump: ")
    assert (missing.subject, missing.subject_id, missing.field) == (
        "equipment",
        unit.pk,
        "serial_number",
    )

    InstalledEquipment.objects.filter(pk=unit.pk).update(serial_number="N/A")
    placeholder = the(complete.packet, "equipment_serial_number_missing")
    assert "“N/A”" in placeholder.message and "placeholder" in placeholder.message

    InstalledEquipment.objects.filter(pk=unit.pk).update(serial_number="12-3")
    assert the(complete.packet, "equipment_serial_number_invalid").severity == "error"


def test_manufacturer_and_model(complete: Filed) -> None:
    unit = heat_pump(complete)
    InstalledEquipment.objects.filter(pk=unit.pk).update(manufacturer="", model="XYZ-1")

    assert (
        "Missing manufacturer on unit 1"
        in the(complete.packet, "equipment_manufacturer_missing").message
    )
    mismatch = the(complete.packet, "equipment_model_mismatch")
    assert mismatch.severity == "warning"
    assert "differs from its pricebook model" in mismatch.message

    InstalledEquipment.objects.filter(pk=unit.pk).update(model="")
    assert "equipment_model_missing" in codes(complete.packet)


def test_no_equipment_at_all(complete: Filed) -> None:
    job = complete.job
    InstalledEquipment.objects.filter(
        connection_id=job.connection_id, location_st_id=job.location_st_id
    ).delete()

    found = codes(complete.packet)
    assert found.count("equipment_missing") == 1  # one finding, however many rows ask
    assert "no_measure" in found


def test_efficiency_ratings_from_the_pricebook_or_the_unit_memo(complete: Filed) -> None:
    unit = heat_pump(complete)
    assert unit.equipment is not None
    PricebookEquipment.objects.filter(pk=unit.equipment.pk).update(efficiency_ratings={})
    # The unit's memo still states its ratings ("… SEER2 22.5, EER2 13.1, HSPF2 9.6").
    assert "efficiency_rating_missing" not in codes(complete.packet)

    InstalledEquipment.objects.filter(pk=unit.pk).update(memo="Installed.")
    finding = the(complete.packet, "efficiency_rating_missing")
    assert finding.message.startswith("No SEER2, HSPF2 rating is known for unit 1")
    # The program's minimum is still checked: eligibility reads the certified list's SEER2.
    assert "rating_unknown" not in codes(complete.packet)
    CertifiedProduct.objects.all().delete()
    assert "rating_unknown" in codes(complete.packet)  # not listed: cannot be checked


def test_itemized_invoice(complete: Filed) -> None:
    invoice = Invoice.objects.get(
        connection_id=complete.job.connection_id, job_st_id=complete.job.st_id
    )
    item = InvoiceItem.objects.filter(invoice_st_id=invoice.st_id, item_type="Equipment").first()
    assert item is not None
    InvoiceItem.objects.filter(pk=item.pk).update(quantity=0)
    quantity = the(complete.packet, "invoice_item_quantity")
    assert quantity.message == f"Invoice item “{item.display_name}” has no positive quantity."
    assert (quantity.subject, quantity.subject_id, quantity.field) == (
        "invoice_item",
        item.pk,
        "quantity",
    )

    InvoiceItem.objects.filter(invoice_st_id=invoice.st_id).delete()
    assert the(complete.packet, "invoice_not_itemized").subject_id == invoice.pk

    Invoice.objects.filter(pk=invoice.pk).delete()
    found = codes(complete.packet)
    assert "invoice_missing" in found


def test_job_custom_field(complete: Filed) -> None:
    requirement = requirement_create(
        program=complete.program,
        kind=ProgramRequirement.Kind.JOB_FIELD,
        label="AHRI reference on the job",
        pattern="AHRI Reference",
    )
    assert complete.job.raw.get("customFields")  # the simulator's jobs carry it
    assert "job_field_missing" not in codes(complete.packet)

    requirement_update(requirement=requirement, pattern="Permit Number")
    Job.objects.filter(pk=complete.job.pk).update(raw={**complete.job.raw, "customFields": []})
    finding = the(complete.packet, "job_field_missing")
    assert finding.message == "The job's “Permit Number” field is empty."


def test_photos_per_unit_and_in_number(complete: Filed) -> None:
    job = complete.job
    files = JobAttachment.objects.filter(connection_id=job.connection_id, job_st_id=job.st_id)
    files.filter(file_name__startswith="nameplate-heat-pump").delete()
    nameplates = the(complete.packet, "photo_missing")
    assert nameplates.message == (
        "Nameplate photo of each heat pump: no photo attached to the job (1 per unit, 1 unit)."
    )
    assert (nameplates.subject, nameplates.field) == (
        "photos",
        "nameplate-heat-pump*,*heat-pump*nameplate*",
    )

    files.filter(file_name__startswith="nameplate-").update(
        file_name="nameplate-heat-pump.pdf", content_type="application/pdf"
    )
    files.filter(file_name__startswith="install-photo-").exclude(
        file_name="install-photo-1.jpg"
    ).delete()
    found = [
        f.message for f in packet_validate(packet=complete.packet) if f.code == "photo_missing"
    ]
    assert "Photos of the finished install: 1 of 2 found." in found
    # A PDF named like a nameplate photo is not a photo.
    assert any(m.startswith("Nameplate photo of each heat pump: no photo") for m in found)


def test_forms_completed_or_not(complete: Filed) -> None:
    job = complete.job
    checklist = FormSubmission.objects.filter(
        connection_id=job.connection_id, job_st_id=job.st_id, form_name__contains="Checklist"
    )
    checklist.update(status="Started")
    started = the(complete.packet, "form_incomplete")
    assert started.message == "Heat pump install checklist: the form is started but not completed."
    assert started.subject == "forms"

    checklist.delete()
    missing = the(complete.packet, "form_missing")
    assert missing.message == "Heat pump install checklist: no completed form on the job (0 of 1)."


def test_certificate(complete: Filed) -> None:
    job = complete.job
    JobAttachment.objects.filter(
        connection_id=job.connection_id, job_st_id=job.st_id, file_name__startswith="ahri-"
    ).delete()
    finding = the(complete.packet, "certificate_missing")
    assert finding.message == (
        "AHRI certificate of the matched system: no certificate attached to the job."
    )


def certified_listings(unit: InstalledEquipment) -> QuerySet[CertifiedProduct]:
    keys = [model_key(unit.model)[:n] for n in range(5, len(model_key(unit.model)) + 1)]
    return CertifiedProduct.objects.filter(outdoor_key__in=keys)


def test_minimum_rating(complete: Filed) -> None:
    """Eligibility reads the certified rating, not what the pricebook or a technician says."""
    unit = heat_pump(complete)
    assert unit.equipment is not None
    ratings = {**unit.equipment.efficiency_ratings, "SEER2": "14.3"}
    PricebookEquipment.objects.filter(pk=unit.equipment.pk).update(efficiency_ratings=ratings)
    assert "rating_below_minimum" not in codes(complete.packet)  # certified higher

    certified_listings(unit).update(seer2=Decimal("14.3"))
    finding = the(complete.packet, "rating_below_minimum")
    assert finding.message.startswith("Unit 1 (Heat Pump: ")
    assert re.search(
        r": certified SEER2 14.3 \(AHRI \d+\) is below the program minimum of 15.2.$",
        finding.message,
    )
    assert finding.eligibility_check is not None
    assert finding.eligibility_check.kind == EligibilityCheck.Kind.MIN_RATING
    # Below every measure's tier too: nothing qualifies.
    assert "no_measure" in codes(complete.packet)

    # A unit the list does not know is judged by its pricebook rating.
    CertifiedProduct.objects.all().delete()
    finding = the(complete.packet, "rating_below_minimum")
    assert finding.message.endswith("has SEER2 14.3, below the program minimum of 15.2.")


def test_install_date_inside_the_program_window(complete: Filed) -> None:
    installed = timezone.localtime(complete.job.completed_on).date()
    program_update(program=complete.program, starts_on=installed + dt.timedelta(days=1))
    assert the(complete.packet, "install_before_window").message == (
        f"Installed {installed:%b} {installed.day}, {installed.year}, before the program starts "
        f"({(installed + dt.timedelta(days=1)):%b} {(installed + dt.timedelta(days=1)).day}, "
        f"{(installed + dt.timedelta(days=1)).year})."
    )

    program_update(
        program=complete.program,
        starts_on=installed - dt.timedelta(days=400),
        ends_on=installed - dt.timedelta(days=1),
    )
    assert "install_after_window" in codes(complete.packet)
    program_update(program=complete.program, starts_on=None, ends_on=None)
    assert codes(complete.packet) == []


def test_one_filing_per_address_per_period(
    complete: Filed, organization: Organization, tenant: Connection
) -> None:
    job = complete.job
    assert job.completed_on is not None
    earlier_job = JobFactory.create(
        connection=tenant,
        customer=job.customer,
        customer_st_id=job.customer_st_id,
        location=job.location,
        location_st_id=job.location_st_id,
        completed_on=job.completed_on - dt.timedelta(days=300),
    )
    earlier = Packet.objects.create(
        organization=organization, job=earlier_job, program=complete.program
    )

    finding = the(complete.packet, "address_already_filed")
    assert finding.message.startswith(f"This address already has packet #{earlier.pk} (job ")
    assert finding.message.endswith("for this program; it pays once per 36 months.")
    # The earlier packet is not the duplicate.
    assert "address_already_filed" not in packet_validate_codes(earlier)

    # Outside the period, or withdrawn, it does not count.
    check = EligibilityCheck.objects.get(program=complete.program, kind="one_per_address")
    check_update(check=check, period_months=6)
    assert "address_already_filed" not in codes(complete.packet)
    check_update(check=check, period_months=36)
    Packet.objects.filter(pk=earlier.pk).update(status="withdrawn")
    assert "address_already_filed" not in codes(complete.packet)


def test_a_service_agreement_started_in_the_period_counts_when_the_program_says_so(
    complete: Filed, tenant: Connection
) -> None:
    job = complete.job
    assert job.completed_on is not None
    started = timezone.localtime(job.completed_on).date() - dt.timedelta(days=30)
    ServiceAgreementFactory.create(
        connection=tenant,
        name="Comfort Club Gold",
        location_ids=[job.location_st_id],
        status="Activated",
        start_date=started,
    )
    assert "address_agreement_in_period" not in codes(complete.packet)

    check = EligibilityCheck.objects.get(program=complete.program, kind="one_per_address")
    check_update(check=check, count_service_agreements=True)
    finding = the(complete.packet, "address_agreement_in_period")
    assert finding.message.startswith(
        "Service agreement “Comfort Club Gold” at this address started "
    )


def test_invoice_paid_in_full(complete: Filed, tenant: Connection) -> None:
    invoice = Invoice.objects.get(connection=tenant, job_st_id=complete.job.st_id)
    Invoice.objects.filter(pk=invoice.pk).update(balance=Decimal("1250.00"))
    finding = the(complete.packet, "invoice_unpaid")
    assert finding.message == (
        f"Invoice {invoice.reference_number} still has a balance of $1,250.00; the program "
        "pays only on invoices paid in full."
    )
    assert (finding.subject, finding.subject_id, finding.field) == (
        "invoice",
        invoice.pk,
        "balance",
    )

    # Without a balance on record, payments applied to the invoice decide.
    Invoice.objects.filter(pk=invoice.pk).update(balance=None)
    assert "invoice_payment_unknown" not in codes(complete.packet)  # the tenant's payment
    from autofile.mirror.models import Payment

    Payment.objects.filter(connection=tenant, invoice_ids__contains=[invoice.st_id]).delete()
    assert "invoice_unpaid" in codes(complete.packet)
    PaymentFactory.create(connection=tenant, invoice_ids=[invoice.st_id], total=invoice.total)
    assert "invoice_unpaid" not in codes(complete.packet)


def test_invoice_total_matches_its_items(complete: Filed, tenant: Connection) -> None:
    invoice = Invoice.objects.get(connection=tenant, job_st_id=complete.job.st_id)
    assert invoice.total is not None
    Invoice.objects.filter(pk=invoice.pk).update(total=invoice.total + Decimal("250.00"))
    total = the(complete.packet, "invoice_total_mismatch")
    assert f"total is ${invoice.total + Decimal('250.00'):,.2f}" in total.message

    Invoice.objects.filter(pk=invoice.pk).update(total=invoice.total)
    item = (
        InvoiceItem.objects.filter(invoice_st_id=invoice.st_id, quantity=1)
        .exclude(unit_price=0)
        .first()
    )
    assert item is not None and item.unit_price is not None
    InvoiceItem.objects.filter(pk=item.pk).update(quantity=2)
    mismatch = the(complete.packet, "invoice_item_total_mismatch")
    assert mismatch.message.endswith(
        f"but 2 × ${item.unit_price:,.2f} is ${item.unit_price * 2:,.2f}."  # noqa: RUF001
    )
    assert "invoice_subtotal_mismatch" not in codes(complete.packet)
    InvoiceItem.objects.filter(pk=item.pk).update(
        quantity=1, total=(item.total or 0) + 1, unit_price=item.unit_price + 1
    )
    assert "invoice_subtotal_mismatch" in codes(complete.packet)


def test_nothing_qualifies_for_a_measure(complete: Filed) -> None:
    unit = heat_pump(complete)
    assert unit.equipment is not None
    certified_listings(unit).update(seer2=Decimal("15.5"))

    found = codes(complete.packet)
    assert "rating_below_minimum" not in found  # 15.5 meets the 15.2 floor …
    assert "no_measure" in found  # … but no tier (16, 18) pays for it
    complete.packet.refresh_from_db()
    assert complete.packet.estimated_amount in {None, Decimal("50.00")}


def test_a_warning_check_does_not_count_as_an_error(complete: Filed) -> None:
    check = EligibilityCheck.objects.get(program=complete.program, kind="invoice_paid")
    check_update(check=check, severity="warning")
    Invoice.objects.filter(
        connection_id=complete.job.connection_id, job_st_id=complete.job.st_id
    ).update(balance=Decimal("10.00"))
    packet_validate(packet=complete.packet)
    complete.packet.refresh_from_db()
    assert (complete.packet.error_count, complete.packet.warning_count) == (0, 1)


def test_new_program_rows_take_effect_on_the_next_validation(complete: Filed) -> None:
    check_create(
        program=complete.program,
        kind="min_rating",
        rating="HSPF2",
        minimum="10",
        equipment_type="Heat Pump",
        label="HSPF2 10",
    )
    assert "rating_below_minimum" in codes(complete.packet)


def test_blemished_records_of_a_real_tenant_are_caught(
    blemished_tenant: Connection, organization: Organization
) -> None:
    """The simulator's blemishes (blank serials, totals edited off their items) on every
    heat-pump job of the tenant become findings on the right records."""
    program = RebateProgram.objects.create(
        organization=organization, name="Serials and totals", sponsor="Test", sponsor_type="utility"
    )
    requirement_create(program=program, kind="equipment_serial", label="Serials")
    check_create(program=program, kind="invoice_totals", label="Totals")
    packets = [
        Packet.objects.create(organization=organization, job=job, program=program)
        for job in heat_pump_jobs(blemished_tenant)
    ]
    blank_serials = 0
    bad_totals = 0
    for packet in packets:
        findings = packet_validate(packet=packet)
        bundle = packet_bundle(organization=organization, packet_id=packet.pk)
        assert bundle is not None
        blank = {u.pk for u in bundle.equipment if not u.serial_number.strip()}
        flagged = {f.subject_id for f in findings if f.code == "equipment_serial_number_missing"}
        assert flagged == blank
        blank_serials += len(blank)
        invoice = bundle.invoice
        assert invoice is not None and invoice.total is not None and invoice.sub_total is not None
        off = abs(invoice.sub_total + (invoice.sales_tax or 0) - invoice.total) > Decimal("0")
        assert off == any(f.code == "invoice_total_mismatch" for f in findings)
        bad_totals += off
    assert blank_serials > 0
    assert bad_totals > 0


def affected(tenant: Connection, resource: str, ids: list[int]) -> list[int]:
    job_ids = _job_ids_for(tenant, resource, ids) if resource in JOB_INPUTS else None
    return _affected_packets(tenant, resource, ids, job_ids)


@pytest.mark.parametrize(
    ("resource", "change"),
    [
        ("locations", lambda job: Location.objects.filter(pk=job.location_id)),
        ("customers", lambda job: Customer.objects.filter(pk=job.customer_id)),
        (
            "installed-equipment",
            lambda job: InstalledEquipment.objects.filter(location_st_id=job.location_st_id),
        ),
        (
            "invoice-items",
            lambda job: InvoiceItem.objects.filter(
                invoice_st_id__in=Invoice.objects.filter(job_st_id=job.st_id).values("st_id")
            ),
        ),
        ("jobs", lambda job: Job.objects.filter(pk=job.pk)),
    ],
)
def test_mirror_changes_reach_the_packets_that_read_them(
    complete: Filed, tenant: Connection, resource: str, change: Callable
) -> None:
    ids = list(change(complete.job).filter(connection=tenant).values_list("pk", flat=True))
    assert ids
    assert affected(tenant, resource, ids) == [complete.packet.pk]
    other = heat_pump_jobs(tenant)[-1]
    assert other.pk != complete.job.pk
    others = list(change(other).filter(connection=tenant).values_list("pk", flat=True))
    assert complete.packet.pk not in affected(tenant, resource, others)
    # Filed packets keep the findings they were filed with.
    Packet.objects.filter(pk=complete.packet.pk).update(status="submitted")
    assert affected(tenant, resource, ids) == []


def test_a_page_costs_two_queries_while_no_rule_or_open_packet_follows_it(
    complete: Filed,
    tenant: Connection,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: Any,
) -> None:
    """A first backfill has no rule and no packet yet: each synced page makes two queries
    and looks up nothing else; once an open packet reads the rows, it is re-validated."""
    from autofile.packets.tasks import validate_packets

    items = list(
        InvoiceItem.objects.filter(
            connection=tenant,
            invoice_st_id__in=Invoice.objects.filter(job_st_id=complete.job.st_id).values("st_id"),
        ).values_list("pk", flat=True)
    )
    assert items
    enqueued: list[list[int]] = []
    monkeypatch.setattr(validate_packets, "delay", enqueued.append)

    Packet.objects.filter(pk=complete.packet.pk).update(status="submitted")
    with django_assert_num_queries(2):
        assert packets_mirror_changed(connection=tenant, resource="invoice-items", ids=items) == 0

    Packet.objects.filter(pk=complete.packet.pk).update(status="new")
    with django_capture_on_commit_callbacks(execute=True):
        packets_mirror_changed(connection=tenant, resource="invoice-items", ids=items)
    assert enqueued == [[complete.packet.pk]]
