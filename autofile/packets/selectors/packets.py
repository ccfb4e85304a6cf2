"""Reading packets: everything a packet gathers, and what can be done with it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db.models import Model, Prefetch, QuerySet
from django.db.models.expressions import RawSQL

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
    CertifiedProduct,
    Finding,
    Packet,
    PacketDocument,
    PacketEvent,
    PacketStatus,
    RebateProgram,
)
from autofile.packets.selectors.certified import certified_matches, model_keys

_R = TypeVar("_R")
_M = TypeVar("_M", bound=Model)

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
    #: Every active unit at the install location (this job's and earlier jobs'), for the
    #: units-per-household limit.
    location_equipment: list[InstalledEquipment] = field(default_factory=list)
    form_submissions: list[FormSubmission] = field(default_factory=list)
    attachments: list[JobAttachment] = field(default_factory=list)
    #: Documents AutoFile holds for the packet (homeowner uploads, signed forms).
    documents: list[PacketDocument] = field(default_factory=list)
    service_agreements: list[ServiceAgreement] = field(default_factory=list)
    earlier_packets: list[Packet] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    events: list[PacketEvent] = field(default_factory=list)
    #: ENERGY STAR listings by model key (`selectors.certified.model_keys`), for the
    #: units' models (the chunk's: a key of another packet's unit finds nothing here).
    certified: dict[str, list[CertifiedProduct]] = field(default_factory=dict)
    #: What evaluation derives from the bundle and reuses across checks (e.g. each unit's
    #: certification), kept with it so it is computed once per bundle.
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)

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

    def listings(self, model: str) -> list[CertifiedProduct]:
        """The certified listings a model number matches (each half of a paired model)."""
        found: dict[int, CertifiedProduct] = {}
        for key in model_keys(model):
            for product in self.certified.get(key, ()):
                found.setdefault(product.pk, product)
        return list(found.values())

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


#: Statuses of packets that no longer count as a filing at their address.
_NOT_FILED = (PacketStatus.WITHDRAWN, PacketStatus.REJECTED)

# "Other live packets of the same program at the same address" for a chunk of packets:
# same location (connection, location id) or the same street and ZIP on another location
# record. Two index lookups per packet joined by UNION (one OR across the join would scan
# mirror_job and mirror_location): mirror_job (connection_id, location_st_id), and
# mirror_location (zip, UPPER(street)) then mirror_job (location_id); then the packets'
# (job_id, program_id) unique index. Which packet of the chunk each one is "earlier" to
# is worked out from the rows (they come with their job and location).
_EARLIER_SQL = f"""
WITH chunk AS (
    SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::text[], %s::text[])
        AS c(program_id, connection_id, location_st_id, street, zip)
), place AS (
    SELECT c.program_id, j.id AS job_id
    FROM chunk c JOIN {Job._meta.db_table} j
      ON j.connection_id = c.connection_id AND j.location_st_id = c.location_st_id
    UNION
    SELECT c.program_id, j.id
    FROM chunk c
    JOIN {Location._meta.db_table} l ON l.zip = c.zip AND UPPER(l.street) = UPPER(c.street)
    JOIN {Job._meta.db_table} j ON j.location_id = l.id
    WHERE c.street <> '' AND c.zip <> ''
)
SELECT p.id FROM place JOIN {Packet._meta.db_table} p
  ON p.job_id = place.job_id AND p.program_id = place.program_id
"""  # noqa: S608 (table names only)


def _address(packet: Packet) -> tuple[str, str] | None:
    location = packet.job.location
    if location is None or not location.street.strip() or not location.zip.strip():
        return None
    return location.street.strip().upper(), location.zip.strip()


def _earlier_packets(packets: Sequence[Packet]) -> dict[int, list[Packet]]:
    """Per packet of the chunk (loaded with job and location), the other live packets of
    its program at its address (same location, or the same street and ZIP on another
    location record), oldest job first: one query per organization in the chunk."""
    by_org: dict[int, list[Packet]] = {}
    for packet in packets:
        by_org.setdefault(packet.organization_id, []).append(packet)
    found: dict[int, list[Packet]] = {packet.pk: [] for packet in packets}
    for organization_id, members in by_org.items():
        columns: list[list[Any]] = [[], [], [], [], []]
        for packet in members:
            job = packet.job
            street, zip_code = _address(packet) or ("", "")
            values = (packet.program_id, job.connection_id, job.location_st_id, street, zip_code)
            for column, value in zip(columns, values, strict=True):
                column.append(value)
        others = list(
            Packet.objects.filter(
                pk__in=RawSQL(_EARLIER_SQL, columns),  # noqa: S611 (no user text in it)
                organization_id=organization_id,
            )
            .exclude(status__in=_NOT_FILED)
            .select_related("job", "job__location")
            .order_by()
        )
        by_place: dict[Any, list[Packet]] = {}
        for other in others:
            job = other.job
            if job.location_st_id is not None:
                key = (other.program_id, job.connection_id, job.location_st_id)
                by_place.setdefault(key, []).append(other)
            address = _address(other)
            if address is not None:
                by_place.setdefault((other.program_id, *address), []).append(other)
        for packet in members:
            job = packet.job
            matches: dict[int, Packet] = {}
            keys: list[Any] = []
            if job.location_st_id is not None:
                keys.append((packet.program_id, job.connection_id, job.location_st_id))
            address = _address(packet)
            if address is not None:
                keys.append((packet.program_id, *address))
            for key in keys:
                for other in by_place.get(key, []):
                    if other.pk != packet.pk:
                        matches.setdefault(other.pk, other)
            far_future = dt.datetime.max.replace(tzinfo=dt.UTC)
            found[packet.pk] = sorted(
                matches.values(), key=lambda p: (p.job.completed_on or far_future, p.pk)
            )
    return found


def _grouped(rows: Iterable[_R], key: Callable[[_R], Any]) -> dict[Any, list[_R]]:
    groups: dict[Any, list[_R]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups


def packet_bundles(packets: Sequence[Packet], *, history: bool = True) -> list[PacketBundle]:
    """The bundles of a chunk of packets (loaded by `_bundle_packets`: with their job,
    customer, location and program), in a number of queries that grows neither with the
    chunk nor with the packets' records: one per kind of record for the whole chunk.

    `history`: also the packets' findings and events (the packet page shows them;
    validation, which replaces the findings, does not need them).
    """
    if not packets:
        return []
    bundles = [
        PacketBundle(packet=p, job=p.job, customer=p.job.customer, location=p.job.location)
        for p in packets
    ]
    jobs = [bundle.job for bundle in bundles]
    connections = sorted({job.connection_id for job in jobs})
    job_keys = sorted({job.st_id for job in jobs})
    customer_keys = sorted({j.customer_st_id for j in jobs if j.customer_st_id is not None})
    location_keys = sorted({j.location_st_id for j in jobs if j.location_st_id is not None})

    def lean(rows: QuerySet[_M], *related: str) -> QuerySet[_M]:
        """Without the raw JSON validation does not read (an estimate's is ~6 kB), unless
        the page wants the rows as they are."""
        return rows if history else rows.defer("raw", *(f"{name}__raw" for name in related))

    def of_job(model: type[_M], **filters: Any) -> QuerySet[_M]:
        """The chunk's connections' rows of these jobs (more than the chunk's exact pairs
        where it spans connections: grouping by (connection, job) drops the extra ones)."""
        return model._default_manager.filter(
            connection_id__any=connections, job_st_id__any=job_keys, **filters
        )

    customer_contacts: dict[Any, list[CustomerContact]] = {}
    if customer_keys:
        customer_contacts = _grouped(
            lean(
                CustomerContact.objects.filter(
                    connection_id__any=connections, customer_st_id__any=customer_keys, active=True
                )
            ),
            lambda c: (c.connection_id, c.customer_st_id),
        )
    location_contacts: dict[Any, list[LocationContact]] = {}
    equipment: dict[Any, list[InstalledEquipment]] = {}
    agreements: dict[Any, list[ServiceAgreement]] = {}
    if location_keys:
        location_contacts = _grouped(
            lean(
                LocationContact.objects.filter(
                    connection_id__any=connections, location_st_id__any=location_keys, active=True
                )
            ),
            lambda c: (c.connection_id, c.location_st_id),
        )
        equipment = _grouped(
            lean(
                InstalledEquipment.objects.filter(
                    connection_id__any=connections, location_st_id__any=location_keys, active=True
                ).select_related("equipment"),
                "equipment",
            ),
            lambda u: (u.connection_id, u.location_st_id),
        )
        for agreement in lean(
            ServiceAgreement.objects.filter(
                connection_id__any=connections, location_ids__overlap=location_keys
            ).order_by("start_date", "st_id")
        ):
            for location_st_id in set(agreement.location_ids):
                agreements.setdefault((agreement.connection_id, location_st_id), []).append(
                    agreement
                )

    appointments: dict[Any, list[Any]] = _grouped(
        lean(of_job(Appointment)).prefetch_related(
            Prefetch(
                "assignments",
                queryset=lean(
                    AppointmentAssignment.objects.filter(active=True).select_related("technician"),
                    "technician",
                ),
                to_attr="assignments_list",
            )
        ),
        lambda a: (a.connection_id, a.job_st_id),
    )
    invoices = _grouped(
        of_job(Invoice, active=True)
        .select_related("business_unit")
        .order_by("invoice_date", "st_id"),
        lambda i: (i.connection_id, i.job_st_id),
    )
    invoice_keys = sorted({i.st_id for rows in invoices.values() for i in rows})
    items: dict[Any, list[InvoiceItem]] = {}
    payments: dict[Any, list[Payment]] = {}
    if invoice_keys:
        items = _grouped(
            lean(
                InvoiceItem.objects.filter(
                    connection_id__any=connections, invoice_st_id__any=invoice_keys, active=True
                ).order_by("invoice_st_id", "order", "st_id")
            ),
            lambda item: (item.connection_id, item.invoice_st_id),
        )
        for payment in lean(
            Payment.objects.filter(
                connection_id__any=connections, invoice_ids__overlap=invoice_keys, active=True
            ).order_by("paid_on", "st_id")
        ):
            for invoice_st_id in set(payment.invoice_ids):
                payments.setdefault((payment.connection_id, invoice_st_id), []).append(payment)
    estimates = _grouped(
        lean(of_job(Estimate, active=True).order_by("-sold_on", "-st_id")),
        lambda e: (e.connection_id, e.job_st_id),
    )
    sold: dict[int, Estimate] = {}
    for bundle in bundles:
        rows = estimates.get((bundle.job.connection_id, bundle.job.st_id), [])
        estimate = next((e for e in rows if e.status == "Sold"), None)
        if estimate is not None:
            sold[bundle.packet.pk] = estimate
    estimate_item_keys = sorted({i for e in sold.values() for i in e.item_ids or ()})
    estimate_items: dict[Any, EstimateItem] = {}
    if estimate_item_keys:
        estimate_items = {
            (item.connection_id, item.st_id): item
            for item in lean(
                EstimateItem.objects.filter(
                    connection_id__any=connections, st_id__any=estimate_item_keys
                )
            )
        }
    forms = _grouped(
        of_job(FormSubmission, active=True),
        lambda f: (f.connection_id, f.job_st_id),
    )
    attachments = _grouped(
        lean(of_job(JobAttachment, active=True)),
        lambda a: (a.connection_id, a.job_st_id),
    )
    packet_ids = [bundle.packet.pk for bundle in bundles]
    documents = _grouped(
        PacketDocument.objects.filter(packet_id__any=packet_ids).order_by("created_at", "id"),
        lambda d: d.packet_id,
    )
    earlier = _earlier_packets(packets)
    findings: dict[Any, list[Finding]] = {}
    events: dict[Any, list[PacketEvent]] = {}
    if history:
        findings = _grouped(
            Finding.objects.filter(packet_id__any=packet_ids).order_by("severity", "subject", "id"),
            lambda f: f.packet_id,
        )
        events = _grouped(
            PacketEvent.objects.filter(packet_id__any=packet_ids)
            .select_related("user")
            .order_by("created_at", "id"),
            lambda e: e.packet_id,
        )

    for bundle in bundles:
        job, packet = bundle.job, bundle.packet
        connection_id = job.connection_id
        bundle.customer_contacts = customer_contacts.get((connection_id, job.customer_st_id), [])
        bundle.location_contacts = location_contacts.get((connection_id, job.location_st_id), [])
        bundle.appointments = appointments.get((connection_id, job.st_id), [])
        technicians: dict[int, Technician] = {}
        for appointment in bundle.appointments:
            for assignment in appointment.assignments_list:  # type: ignore[attr-defined]
                if assignment.technician is not None:
                    technicians.setdefault(assignment.technician.pk, assignment.technician)
        bundle.technicians = list(technicians.values())
        bundle.invoices = invoices.get((connection_id, job.st_id), [])
        bundle.invoice_items = []
        seen_payments: dict[int, Payment] = {}
        for invoice in bundle.invoices:
            invoice.items_list = items.get((connection_id, invoice.st_id), [])  # type: ignore[attr-defined]
            bundle.invoice_items.extend(invoice.items_list)  # type: ignore[attr-defined]
            for payment in payments.get((connection_id, invoice.st_id), []):
                seen_payments.setdefault(payment.pk, payment)
        bundle.payments = sorted(
            seen_payments.values(), key=lambda p: (p.paid_on is None, p.paid_on, p.st_id)
        )
        bundle.estimates = estimates.get((connection_id, job.st_id), [])
        bundle.sold_estimate = sold.get(packet.pk)
        if bundle.sold_estimate is not None:
            bundle.estimate_items = sorted(
                (
                    estimate_items[(connection_id, st_id)]
                    for st_id in set(bundle.sold_estimate.item_ids or ())
                    if (connection_id, st_id) in estimate_items
                ),
                key=lambda item: item.st_id,
            )
        if job.location_st_id is not None:
            item_keys = {item.st_id for item in bundle.invoice_items}
            candidates = equipment.get((connection_id, job.location_st_id), [])
            bundle.equipment = _job_units(job, candidates, item_keys)
            bundle.location_equipment = candidates
            bundle.service_agreements = agreements.get((connection_id, job.location_st_id), [])
        bundle.form_submissions = forms.get((connection_id, job.st_id), [])
        bundle.attachments = attachments.get((connection_id, job.st_id), [])
        bundle.documents = documents.get(packet.pk, [])
        bundle.earlier_packets = earlier.get(packet.pk, [])
        bundle.findings = findings.get(packet.pk, [])
        bundle.events = events.get(packet.pk, [])

    # Per-chunk lookups beyond the mirror: one query for the whole chunk, its answer handed
    # to each bundle. The certified listings of every installed unit's model number:
    certified = certified_matches(
        key for bundle in bundles for unit in bundle.equipment for key in model_keys(unit.model)
    )
    for bundle in bundles:
        bundle.certified = certified
    return bundles


def packet_bundle_for(packet: Packet, *, history: bool = True) -> PacketBundle:
    """The bundle of one packet already loaded by `_bundle_packets` (a chunk of one)."""
    return packet_bundles([packet], history=history)[0]


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
