"""A packet on realistic records for the QA workspace page tests (built with factories).

The program asks for a valid customer e-mail, an itemized invoice and an invoice whose
total matches its items; the records carry two blemishes QA fixes: a junk e-mail address
and an invoice total $500 above its items (the labor line was priced $500 too low).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from autofile.accounts.models import Organization
from autofile.mirror.models import (
    Appointment,
    Connection,
    Customer,
    CustomerContact,
    Invoice,
    InvoiceItem,
    Job,
    Location,
    Technician,
)
from autofile.packets.models import (
    EligibilityCheck,
    KickbackReason,
    Packet,
    ProgramRequirement,
    RebateProgram,
)
from autofile.packets.services import packet_validate
from tests.factories import (
    AppointmentAssignmentFactory,
    AppointmentFactory,
    BusinessUnitFactory,
    ConnectionFactory,
    CustomerContactFactory,
    CustomerFactory,
    EligibilityCheckFactory,
    InvoiceFactory,
    InvoiceItemFactory,
    JobAttachmentFactory,
    JobFactory,
    KickbackReasonFactory,
    LocationFactory,
    PacketFactory,
    ProgramRequirementFactory,
    RebateProgramFactory,
    TagTypeFactory,
    TechnicianFactory,
)


@dataclass
class Filed:
    connection: Connection
    program: RebateProgram
    packet: Packet
    job: Job
    customer: Customer
    location: Location
    invoice: Invoice
    heat_pump: InvoiceItem
    labor: InvoiceItem
    email: CustomerContact
    phone: CustomerContact
    technician: Technician
    appointment: Appointment
    extra_items: list[InvoiceItem] = field(default_factory=list)


def qa_program(organization: Organization) -> RebateProgram:
    program = RebateProgramFactory.create(organization=organization, name="Oncor heat pump")
    for kind, label in (
        (ProgramRequirement.Kind.CUSTOMER_EMAIL, "Customer e-mail"),
        (ProgramRequirement.Kind.ITEMIZED_INVOICE, "Itemized invoice"),
    ):
        ProgramRequirementFactory.create(
            organization=organization, program=program, kind=kind, label=label
        )
    EligibilityCheckFactory.create(
        organization=organization,
        program=program,
        kind=EligibilityCheck.Kind.INVOICE_TOTALS,
        label="Invoice total matches its items",
    )
    for code, label in (
        ("PHOTO", "Nameplate photo illegible"),
        ("AHRI", "AHRI certificate missing"),
    ):
        KickbackReasonFactory.create(
            organization=organization, program=program, code=code, label=label
        )
    return program


def file_packet(
    organization: Organization,
    *,
    connection: Connection | None = None,
    program: RebateProgram | None = None,
    extra_items: int = 0,
    extra_contacts: int = 0,
    validate: bool = True,
    customer_name: str = "Dana Whitfield",
) -> Filed:
    """A packet on a heat-pump job: customer with a junk e-mail and a phone, install
    location, an appointment with a technician, an invoice whose total is off by $500."""
    connection = connection or ConnectionFactory.create(organization=organization)
    program = program or qa_program(organization)
    customer = CustomerFactory.create(connection=connection, name=customer_name)
    location = LocationFactory.create(connection=connection, customer=customer)
    business_unit = BusinessUnitFactory.create(connection=connection, name="HVAC Install")
    rebate_tag = TagTypeFactory.create(connection=connection, name="Rebate Needed")
    job = JobFactory.create(
        connection=connection,
        customer=customer,
        location=location,
        location_st_id=location.st_id,
        business_unit=business_unit,
        business_unit_st_id=business_unit.st_id,
        tag_type_ids=[rebate_tag.st_id],
    )
    email = CustomerContactFactory.create(
        connection=connection, customer=customer, contact_type="Email", value="noemail@"
    )
    phone = CustomerContactFactory.create(
        connection=connection, customer=customer, contact_type="Phone", value="2145550134"
    )
    for n in range(extra_contacts):
        CustomerContactFactory.create(
            connection=connection,
            customer=customer,
            contact_type="MobilePhone",
            value=f"214555{1000 + n:04d}",
        )
    invoice = InvoiceFactory.create(
        connection=connection,
        job=job,
        customer=customer,
        customer_st_id=customer.st_id,
        reference_number=job.job_number,
        sub_total=Decimal("11500.00"),
        total=Decimal("12000.00"),
        balance=Decimal("12000.00"),  # not paid yet
        summary="Heat pump install",
        raw={"id": 1, "summary": "Heat pump install", "salesTaxCode": None},
    )
    heat_pump = InvoiceItemFactory.create(
        connection=connection,
        invoice=invoice,
        display_name="Carrier Infinity 24 Heat Pump 3 Ton",
        description="Carrier Infinity 24 heat pump, 3 ton",
        unit_price=Decimal("10000.00"),
        total=Decimal("10000.00"),
        cost=Decimal("6200.00"),
        order=1,
    )
    labor = InvoiceItemFactory.create(
        connection=connection,
        invoice=invoice,
        sku_st_id=12_001,
        sku_name="SVC-INSTALL",
        item_type="Service",
        display_name="Heat Pump Installation Labor",
        description="Install labor",
        unit_price=Decimal("1500.00"),
        total=Decimal("1500.00"),
        order=2,
    )
    extras = [
        InvoiceItemFactory.create(
            connection=connection,
            invoice=invoice,
            sku_name=f"MAT-{n}",
            item_type="Material",
            description=f"Material {n}",
            unit_price=Decimal("0.00"),
            total=Decimal("0.00"),
            order=3 + n,
        )
        for n in range(extra_items)
    ]
    technician = TechnicianFactory.create(connection=connection, name="Rosa Martinez")
    appointment = AppointmentFactory.create(
        connection=connection,
        job=job,
        start=timezone.now() + dt.timedelta(days=2),
    )
    AppointmentAssignmentFactory.create(
        connection=connection, appointment=appointment, technician=technician
    )
    JobAttachmentFactory.create(connection=connection, job=job, file_name="nameplate.jpg")
    JobAttachmentFactory.create(
        connection=connection,
        job=job,
        file_name="ahri-certificate.pdf",
        content_type="application/pdf",
    )
    packet = PacketFactory.create(job=job, program=program, organization=organization)
    if validate:
        packet_validate(packet=packet)
        packet.refresh_from_db()
    return Filed(
        connection=connection,
        program=program,
        packet=packet,
        job=job,
        customer=customer,
        location=location,
        invoice=invoice,
        heat_pump=heat_pump,
        labor=labor,
        email=email,
        phone=phone,
        technician=technician,
        appointment=appointment,
        extra_items=extras,
    )


__all__ = ["Filed", "KickbackReason", "file_packet", "qa_program"]
