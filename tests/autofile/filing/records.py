"""A packet ready to file, on realistic records built with factories: a heat pump and its
air handler (a certified matched pair), an itemized invoice with equipment, labour and the
incentive line, a payment, a completed install form, photos and attached PDFs."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from autofile.accounts.models import Organization
from autofile.mirror.models import (
    Connection,
    InstalledEquipment,
    Invoice,
    InvoiceItem,
    JobAttachment,
    Payment,
)
from autofile.packets.models import (
    CertifiedProduct,
    Packet,
    PacketDocument,
    ProgramRequirement,
    RebateProgram,
    UtilityAccount,
    model_key,
)
from tests.factories import (
    ConnectionFactory,
    CustomerFactory,
    FormFactory,
    FormSubmissionFactory,
    InstalledEquipmentFactory,
    InvoiceFactory,
    InvoiceItemFactory,
    JobAttachmentFactory,
    JobFactory,
    LocationFactory,
    PacketFactory,
    PaymentFactory,
    ProgramMeasureFactory,
    ProgramRequirementFactory,
    RebateProgramFactory,
)


def jpeg(
    width: int = 640, height: int = 480, color: tuple[int, int, int] = (30, 120, 200)
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG", quality=85)
    return out.getvalue()


def pdf(title: str, pages: int) -> bytes:
    """A PDF whose every page says "<title> page n of N"."""
    out = io.BytesIO()
    drawing = canvas.Canvas(out, pagesize=letter)
    for n in range(1, pages + 1):
        drawing.drawString(72, 700, f"{title} page {n} of {pages}")
        drawing.showPage()
    drawing.save()
    return out.getvalue()


def attach(
    connection: Connection, job_st_id: int, name: str, data: bytes, content_type: str
) -> JobAttachment:
    """A job attachment the mirror downloaded (metadata and stored file)."""
    attachment = JobAttachmentFactory.create(
        connection=connection, job_st_id=job_st_id, file_name=name, content_type=content_type
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.size = len(data)
    attachment.save()
    return attachment


def hold(packet: Packet, name: str, data: bytes, content_type: str, kind: str) -> PacketDocument:
    """A document AutoFile holds for the packet (a signed form, an upload)."""
    document = PacketDocument(
        organization_id=packet.organization_id,
        packet=packet,
        kind=kind,
        name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        origin="signed by the homeowner via request #1",
    )
    document.file.save(name, ContentFile(data), save=False)
    document.save()
    return document


@dataclass
class ReadyPacket:
    connection: Connection
    program: RebateProgram
    packet: Packet
    invoice: Invoice
    items: list[InvoiceItem]
    payment: Payment
    outdoor: InstalledEquipment
    indoor: InstalledEquipment
    certified: CertifiedProduct
    photos: list[JobAttachment] = field(default_factory=list)
    pdfs: list[JobAttachment | PacketDocument] = field(default_factory=list)
    pdf_pages: dict[str, int] = field(default_factory=dict)


def ready_packet(
    organization: Organization,
    *,
    photos: int = 2,
    pdfs: tuple[tuple[str, int], ...] = (("ahri-certificate.pdf", 2), ("permit.pdf", 1)),
    photo_size: tuple[int, int] = (640, 480),
    program_name: str = "Oncor heat pump",
) -> ReadyPacket:
    organization.legal_name = "Lone Star Comfort Heating & Air LLC"
    organization.license_number = "TACLA00012345C"
    organization.enrollment_number = "ORG-ENR-77"
    organization.save()
    connection = ConnectionFactory.create(organization=organization)
    program = RebateProgramFactory.create(
        organization=organization,
        name=program_name,
        contractor_enrollment_number="ONC-4411",
        incentive_line_required=True,
    )
    ProgramMeasureFactory.create(
        organization=organization,
        program=program,
        name="Ducted heat pump",
        rating="",
        minimum=None,
        amount=Decimal("1500.00"),
    )
    # The program lists its documents: certificate first, then the signed form, the
    # permit, and the photos.
    for position, (kind, label, pattern) in enumerate(
        (
            (ProgramRequirement.Kind.CERTIFICATE, "AHRI certificate", "*ahri*"),
            (ProgramRequirement.Kind.FORM, "Signed customer form", "signed-*"),
            (ProgramRequirement.Kind.DOCUMENT, "Permit", "permit*"),
            (ProgramRequirement.Kind.PHOTO, "Photos", "*.jpg,*.heic,*.png,*.tif"),
        )
    ):
        ProgramRequirementFactory.create(
            organization=organization,
            program=program,
            kind=kind,
            label=label,
            pattern=pattern,
            position=position,
        )
    customer = CustomerFactory.create(connection=connection, name="Dana Whitfield")
    location = LocationFactory.create(
        connection=connection,
        customer=customer,
        street="4521 Bluebonnet Ln",
        city="Dallas",
        state="TX",
        zip="75204",
    )
    UtilityAccount.objects.create(
        organization=organization,
        location=location,
        number="10443720009876543",
        origin="entered by a reviewer",
    )
    completed = timezone.make_aware(dt.datetime(2026, 11, 3, 15, 0))
    job = JobFactory.create(
        connection=connection,
        job_number="J-20417",
        customer=customer,
        location=location,
        location_st_id=location.st_id,
        completed_on=completed,
    )
    packet = PacketFactory.create(
        job=job, program=program, status="ready", estimated_amount=Decimal("1500.00")
    )
    invoice = InvoiceFactory.create(
        connection=connection,
        job=job,
        customer=customer,
        customer_st_id=customer.st_id,
        reference_number="INV-88213",
        invoice_date=completed,
        sub_total=Decimal("12950.00"),
        sales_tax=Decimal("0.00"),
        total=Decimal("12950.00"),
        balance=Decimal("0.00"),
    )
    lines = (
        ("Equipment", "Carrier Infinity 24 Heat Pump 3 Ton", "1", "9800.00"),
        ("Equipment", "Carrier FE4ANF003 Air Handler", "1", "2650.00"),
        ("Service", "Heat Pump Installation Labor", "1", "1800.00"),
        ("Material", "Line Set 3/8 x 3/4 25 ft", "2", "100.00"),
        ("DiscountAndFee", "Oncor heat pump incentive", "1", "-1500.00"),
    )
    items = [
        InvoiceItemFactory.create(
            connection=connection,
            invoice=invoice,
            item_type=kind,
            display_name=name,
            sku_name=name[:20],
            quantity=Decimal(quantity),
            unit_price=Decimal(price),
            total=Decimal(quantity) * Decimal(price),
            order=n,
        )
        for n, (kind, name, quantity, price) in enumerate(lines, 1)
    ]
    payment = PaymentFactory.create(
        connection=connection,
        customer=customer,
        customer_st_id=customer.st_id,
        invoice_ids=[invoice.st_id],
        total=Decimal("12950.00"),
        paid_on=completed + dt.timedelta(days=1),
        raw={"id": 1, "type": "Check", "memo": "Check 1042"},
    )
    outdoor = InstalledEquipmentFactory.create(
        connection=connection,
        location=location,
        customer_st_id=customer.st_id,
        invoice_item_st_id=items[0].st_id,
        equipment_type="Heat Pump",
        name="Carrier Infinity 24 Heat Pump 3 Ton",
        manufacturer="Carrier",
        model="25VNA036A003",
        serial_number="2521E10417",
        installed_on=completed,
    )
    indoor = InstalledEquipmentFactory.create(
        connection=connection,
        location=location,
        customer_st_id=customer.st_id,
        invoice_item_st_id=items[1].st_id,
        equipment_type="Air Handler",
        name="Carrier FE4ANF003 Air Handler",
        manufacturer="Carrier",
        model="FE4ANF003L00",
        serial_number="4721A55310",
        installed_on=completed,
    )
    certified, _ = CertifiedProduct.objects.get_or_create(
        category=CertifiedProduct.Category.DUCTED_HEAT_PUMP,
        outdoor_key=model_key("25VNA036A**3"),
        indoor_key=model_key("FE4ANF003"),
        ahri_reference_number="210987654",
        defaults={
            "brand": "Carrier",
            "outdoor_model": "25VNA036A**3",
            "indoor_model": "FE4ANF003",
            "seer2": Decimal("21.00"),
            "eer2": Decimal("12.50"),
            "hspf2": Decimal("9.50"),
            "heating_capacity_47f_btu_h": 35000,
            "heating_capacity_5f_btu_h": 26000,
        },
    )
    form = FormFactory.create(connection=connection, name="Heat Pump Install Checklist")
    FormSubmissionFactory.create(
        connection=connection,
        form=form,
        job=job,
        raw={
            "id": 1,
            "formName": form.name,
            "units": [
                {
                    "name": "Equipment Installed",
                    "type": "Section",
                    "units": [
                        {"type": "Text", "name": "Heat Pump Serial Number", "value": "2521E10417"},
                        {
                            "type": "Picture",
                            "name": "Nameplate Photo",
                            "attachments": [{"fileName": "forms/1/nameplate-1.jpg"}],
                        },
                    ],
                },
                {
                    "name": "Checklist",
                    "type": "Section",
                    "units": [
                        {"type": "Number", "name": "Refrigerant Added (lb)", "value": 2.5},
                        {
                            "type": "Checkbox",
                            "name": "Completed Checks",
                            "values": ["Line set pressure tested", "Thermostat programmed"],
                        },
                        {
                            "type": "Signature",
                            "name": "Customer Signature",
                            "value": "signature.png",
                            "isRefused": False,
                        },
                    ],
                },
            ],
        },
    )
    ready = ReadyPacket(
        connection=connection,
        program=program,
        packet=packet,
        invoice=invoice,
        items=items,
        payment=payment,
        outdoor=outdoor,
        indoor=indoor,
        certified=certified,
    )
    for n in range(photos):
        ready.photos.append(
            attach(
                connection,
                job.st_id,
                f"install-photo-{n + 1}.jpg",
                jpeg(*photo_size, color=(20 * n % 255, 120, 200)),
                "image/jpeg",
            )
        )
    for name, pages in pdfs:
        data = pdf(name.removesuffix(".pdf"), pages)
        source: JobAttachment | PacketDocument
        if name.startswith("signed-"):
            source = hold(packet, name, data, "application/pdf", PacketDocument.Kind.SIGNED_FORM)
        else:
            source = attach(connection, job.st_id, name, data, "application/pdf")
        ready.pdfs.append(source)
        ready.pdf_pages[name] = pages
    return ready
