"""Reading packets: everything a packet gathers, and what can be done with it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from autofile.accounts.models import Organization
from autofile.mirror import mappers
from autofile.mirror.models import (
    Appointment,
    AppointmentAssignment,
    Customer,
    CustomerContact,
    Estimate,
    EstimateItem,
    FormSubmission,
    InstalledEquipment,
    Invoice,
    InvoiceItem,
    Job,
    JobAttachment,
    Location,
    LocationContact,
    Payment,
    ServiceAgreement,
    Technician,
)
from autofile.packets.models import (
    Finding,
    Packet,
    PacketDocument,
    PacketEvent,
    PacketStatus,
    RebateProgram,
)

# --- the bundle


def custom_field(raw: Any, name: str) -> str:
    """The value of a ServiceTitan custom field (`customFields: [{name, value}]`) by name."""
    wanted = name.strip().casefold()
    fields = raw.get("customFields") if isinstance(raw, dict) else None
    for entry in fields or ():
        if isinstance(entry, dict) and str(entry.get("name", "")).strip().casefold() == wanted:
            value = entry.get("value")
            return "" if value is None else str(value).strip()
    return ""


def unit_ratings(unit: InstalledEquipment) -> dict[str, Decimal | None]:
    """A unit's efficiency ratings: its pricebook SKU's, else those its memo states.

    Values are numbers where the rating is one (SEER2 20.5), None where it is not
    ("ENERGY STAR": "Certified").
    """
    source: dict[str, Any] = {}
    pricebook = unit.equipment
    if pricebook is not None and pricebook.efficiency_ratings:
        source = dict(pricebook.efficiency_ratings)
    elif unit.memo:
        source = mappers.efficiency_ratings(unit.memo)
    ratings: dict[str, Decimal | None] = {}
    for name, value in source.items():
        try:
            ratings[str(name).upper()] = Decimal(str(value))
        except (InvalidOperation, ValueError):
            ratings[str(name).upper()] = None
    return ratings


@dataclass
class PacketBundle:
    """Everything one packet gathered from the mirror, read in a fixed number of queries.

    `invoices` carry `items_list`, `appointments` carry `assignments_list` (each with its
    `technician`), `equipment` units carry their pricebook `equipment`.
    """

    packet: Packet
    job: Job
    customer: Customer | None
    location: Location | None
    customer_contacts: list[CustomerContact] = field(default_factory=list)
    location_contacts: list[LocationContact] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    technicians: list[Technician] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    invoice_items: list[InvoiceItem] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    estimates: list[Estimate] = field(default_factory=list)
    sold_estimate: Estimate | None = None
    estimate_items: list[EstimateItem] = field(default_factory=list)
    equipment: list[InstalledEquipment] = field(default_factory=list)
    form_submissions: list[FormSubmission] = field(default_factory=list)
    attachments: list[JobAttachment] = field(default_factory=list)
    #: Documents AutoFile holds for the packet (homeowner uploads, signed forms).
    documents: list[PacketDocument] = field(default_factory=list)
    service_agreements: list[ServiceAgreement] = field(default_factory=list)
    earlier_packets: list[Packet] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    events: list[PacketEvent] = field(default_factory=list)

    @property
    def program(self) -> RebateProgram:
        return self.packet.program

    @property
    def contacts(self) -> list[CustomerContact | LocationContact]:
        """The customer's and the install location's phone numbers and e-mail addresses."""
        return [*self.customer_contacts, *self.location_contacts]

    @property
    def invoice(self) -> Invoice | None:
        """The job's own invoice (not an adjustment), else its first one."""
        for invoice in self.invoices:
            if invoice.adjustment_to_st_id is None:
                return invoice
        return self.invoices[0] if self.invoices else None

    @property
    def install_date(self) -> dt.date | None:
        """When the work was done: the job's completion, else the first unit's install."""
        from django.utils import timezone

        if self.job.completed_on is not None:
            return timezone.localtime(self.job.completed_on).date()
        dates = [u.installed_on for u in self.equipment if u.installed_on is not None]
        return timezone.localtime(min(dates)).date() if dates else None

    def location_field(self, name: str) -> str:
        """A location custom field (e.g. "Utility Account Number"), else the customer's."""
        value = custom_field(self.location.raw, name) if self.location else ""
        if not value and self.customer is not None:
            value = custom_field(self.customer.raw, name)
        return value

    def utility_account(self, name: str = "") -> tuple[str, str]:
        """The location's utility account number and where it comes from: what AutoFile
        recorded (a reviewer's or the homeowner's entry), else ServiceTitan's location (or
        customer) custom field `name` ("Utility Account Number" by default)."""
        location = self.location
        record = getattr(location, "utility_account", None) if location is not None else None
        if record is not None and record.number:
            return record.number, record.origin or "recorded in AutoFile"
        value = self.location_field(name or "Utility Account Number")
        return value, "ServiceTitan custom field" if value else ""

    @property
    def utility_account_number(self) -> str:
        return self.utility_account()[0]

    def job_field(self, name: str) -> str:
        return custom_field(self.job.raw, name)

    @property
    def job_fields(self) -> dict[str, str]:
        fields = self.job.raw.get("customFields") if isinstance(self.job.raw, dict) else None
        return {
            str(entry.get("name")): "" if entry.get("value") is None else str(entry["value"])
            for entry in fields or ()
            if isinstance(entry, dict) and entry.get("name")
        }

    def units(self, equipment_type: str = "") -> list[InstalledEquipment]:
        """The units installed on the job, optionally of one equipment type."""
        if not equipment_type:
            return list(self.equipment)
        wanted = equipment_type.strip().casefold()
        return [u for u in self.equipment if u.equipment_type.strip().casefold() == wanted]

    def unit_label(self, unit: InstalledEquipment) -> str:
        number = next((n for n, u in enumerate(self.equipment, 1) if u.pk == unit.pk), 0)
        what = " ".join(p for p in (unit.manufacturer, unit.model) if p) or unit.name
        kind = unit.equipment_type or "unit"
        return f"unit {number} ({kind}{': ' + what if what else ''})"


#: How far from the job's completion an unlinked unit's install date may be to count.
UNIT_WINDOW = dt.timedelta(days=3)


def _job_units(
    job: Job, candidates: list[InstalledEquipment], item_st_ids: set[int]
) -> list[InstalledEquipment]:
    """The location's units this job installed.

    A unit whose invoice item is on the job's invoice belongs to it; a unit linked to no
    invoice item belongs to it when installed around the job's completion. Units another
    job invoiced are not this job's.
    """
    mine: list[InstalledEquipment] = []
    for unit in candidates:
        if unit.invoice_item_st_id is not None:
            if unit.invoice_item_st_id in item_st_ids:
                mine.append(unit)
            continue
        near = (
            job.completed_on is not None
            and unit.installed_on is not None
            and abs(unit.installed_on - job.completed_on) <= UNIT_WINDOW
        )
        if near:
            mine.append(unit)
    mine.sort(key=lambda u: (u.installed_on.timestamp() if u.installed_on else 0.0, u.st_id))
    return mine


def _earlier_packets(packet: Packet, location: Location | None) -> list[Packet]:
    """Other live packets of the same program at the same address (same location, or the
    same street and ZIP on another location record)."""
    job = packet.job
    same_place = Q(job__connection_id=job.connection_id, job__location_st_id=job.location_st_id)
    if job.location_st_id is None:
        same_place = Q(pk__in=[])
    if location is not None and location.street and location.zip:
        same_place |= Q(
            job__location__street__iexact=location.street.strip(),
            job__location__zip=location.zip.strip(),
        )
    return list(
        Packet.objects.filter(same_place, organization_id=packet.organization_id)
        .filter(program_id=packet.program_id)
        .exclude(pk=packet.pk)
        .exclude(status__in=[PacketStatus.WITHDRAWN, PacketStatus.REJECTED])
        .select_related("job")
        .order_by("job__completed_on", "pk")
    )


def packet_bundle_for(packet: Packet) -> PacketBundle:
    """The bundle of a packet already loaded with its job, customer, location and program."""
    job = packet.job
    connection_id = job.connection_id
    customer = job.customer
    location = job.location
    bundle = PacketBundle(packet=packet, job=job, customer=customer, location=location)

    if job.customer_st_id is not None:
        bundle.customer_contacts = list(
            CustomerContact.objects.filter(
                connection_id=connection_id, customer_st_id=job.customer_st_id, active=True
            )
        )
    if job.location_st_id is not None:
        bundle.location_contacts = list(
            LocationContact.objects.filter(
                connection_id=connection_id, location_st_id=job.location_st_id, active=True
            )
        )

    bundle.appointments = list(
        Appointment.objects.filter(
            connection_id=connection_id, job_st_id=job.st_id
        ).prefetch_related(
            Prefetch(
                "assignments",
                queryset=AppointmentAssignment.objects.filter(active=True).select_related(
                    "technician"
                ),
                to_attr="assignments_list",
            )
        )
    )
    technicians: dict[int, Technician] = {}
    for appointment in bundle.appointments:
        for assignment in appointment.assignments_list:  # type: ignore[attr-defined]
            if assignment.technician is not None:
                technicians.setdefault(assignment.technician.pk, assignment.technician)
    bundle.technicians = list(technicians.values())

    bundle.invoices = list(
        Invoice.objects.filter(connection_id=connection_id, job_st_id=job.st_id, active=True)
        .select_related("business_unit")
        .order_by("invoice_date", "st_id")
    )
    invoice_st_ids = [invoice.st_id for invoice in bundle.invoices]
    items: list[InvoiceItem] = []
    if invoice_st_ids:
        items = list(
            InvoiceItem.objects.filter(
                connection_id=connection_id, invoice_st_id__in=invoice_st_ids, active=True
            ).order_by("invoice_st_id", "order", "st_id")
        )
        bundle.payments = list(
            Payment.objects.filter(
                connection_id=connection_id, invoice_ids__overlap=invoice_st_ids, active=True
            ).order_by("paid_on", "st_id")
        )
    by_invoice: dict[int, list[InvoiceItem]] = {}
    for item in items:
        by_invoice.setdefault(item.invoice_st_id or 0, []).append(item)
    for invoice in bundle.invoices:
        invoice.items_list = by_invoice.get(invoice.st_id, [])  # type: ignore[attr-defined]
    bundle.invoice_items = items

    bundle.estimates = list(
        Estimate.objects.filter(
            connection_id=connection_id, job_st_id=job.st_id, active=True
        ).order_by("-sold_on", "-st_id")
    )
    bundle.sold_estimate = next((e for e in bundle.estimates if e.status == "Sold"), None)
    if bundle.sold_estimate is not None and bundle.sold_estimate.item_ids:
        bundle.estimate_items = list(
            EstimateItem.objects.filter(
                connection_id=connection_id, st_id__in=bundle.sold_estimate.item_ids
            ).order_by("st_id")
        )

    if job.location_st_id is not None:
        candidates = list(
            InstalledEquipment.objects.filter(
                connection_id=connection_id, location_st_id=job.location_st_id, active=True
            ).select_related("equipment")
        )
        bundle.equipment = _job_units(job, candidates, {item.st_id for item in items})
        bundle.service_agreements = list(
            ServiceAgreement.objects.filter(
                connection_id=connection_id, location_ids__contains=[job.location_st_id]
            ).order_by("start_date", "st_id")
        )

    bundle.form_submissions = list(
        FormSubmission.objects.filter(connection_id=connection_id, job_st_id=job.st_id, active=True)
    )
    bundle.attachments = list(
        JobAttachment.objects.filter(connection_id=connection_id, job_st_id=job.st_id, active=True)
    )
    bundle.documents = list(
        PacketDocument.objects.filter(organization_id=packet.organization_id, packet=packet)
    )
    bundle.earlier_packets = _earlier_packets(packet, location)
    bundle.findings = list(
        Finding.objects.filter(packet=packet).order_by("severity", "subject", "id")
    )
    bundle.events = list(
        PacketEvent.objects.filter(packet=packet)
        .select_related("user")
        .order_by("created_at", "id")
    )
    return bundle


def _bundle_packets() -> QuerySet[Packet]:
    return Packet.objects.select_related(
        "job",
        "job__customer",
        "job__location",
        "job__location__utility_account",
        "job__business_unit",
        "job__job_type",
        "program",
        "rule",
        "assignee",
        "kickback_reason",
    )


def packet_bundle(*, organization: Organization, packet_id: int) -> PacketBundle | None:
    """The packet with its job, customer, location, contacts, appointments and technicians,
    invoices and items, payments, the sold estimate and its items, installed equipment, form
    submissions, attachments, the address's service agreements and earlier packets, its
    findings and its history, in a number of queries that does not grow with any of them."""
    packet = _bundle_packets().filter(organization=organization, pk=packet_id).first()
    if packet is None:
        return None
    return packet_bundle_for(packet)


# --- status actions


@dataclass
class PacketAction:
    """A status action a packet offers now, for the packet page's buttons."""

    action: str
    label: str
    to_status: str
    needs: tuple[str, ...]
    note_required: bool
    blocked_reason: str = ""

    @property
    def blocked(self) -> bool:
        return bool(self.blocked_reason)


def packet_actions(*, packet: Packet) -> list[PacketAction]:
    """The moves open to the packet from its status; "mark ready" and "submit" say when
    errors block them (from the packet's current findings count: no queries)."""
    from autofile.packets.transitions import moves_from

    actions = []
    for move in moves_from(packet.status):
        blocked = ""
        if move.action in ("mark_ready", "submit") and packet.error_count:
            n = packet.error_count
            blocked = f"{n} error{'s' * (n != 1)} remain{'s' * (n == 1)}"
        actions.append(
            PacketAction(
                action=move.action,
                label=move.label,
                to_status=move.to,
                needs=move.needs,
                note_required=move.note_required,
                blocked_reason=blocked,
            )
        )
    return actions
