"""Reading a program's bulk sheet: its columns and each packet's values for them.

A sheet of a 500-packet batch is read in a fixed number of queries per chunk of packets
(packets with their job, customer, location and utility account; invoices; invoice item
ids; installed units; contacts; certified products for AHRI numbers; batch references),
never one query per packet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from autofile.accounts.models import Organization
from autofile.filing.models import (
    UNIT_FIELDS,
    BatchPacket,
    SheetColumn,
    SheetField,
    SheetMapping,
)
from autofile.filing.sheet_examples import ExampleMapping, mapping_for_example
from autofile.mirror.models import (
    Connection,
    CustomerContact,
    InstalledEquipment,
    Invoice,
    InvoiceItem,
)
from autofile.packets.models import CertifiedProduct, Packet, PacketStatus, RebateProgram
from autofile.packets.models.certified import model_key
from autofile.packets.selectors.packets import PacketBundle, _job_units

F = SheetField
#: Packets read per round of queries.
CHUNK = 250
#: Job custom fields that hold the system's AHRI reference number, looked for in order.
AHRI_FIELDS = ("AHRI Reference Number", "AHRI Number", "AHRI Ref", "AHRI")
#: The shortest model-number prefix a certified listing is matched by.
MIN_KEY = 4
Value = str | int | Decimal | dt.date | None


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    unit: int | None = None
    value: str = ""

    @property
    def describe(self) -> str:
        """What the column holds, for people: "Unit 2: serial number", "Fixed: Single Family"."""
        if self.field == F.FIXED:
            return f"Fixed value “{self.value}”" if self.value else "Fixed value (empty)"
        label = str(F(self.field).label)
        if self.field in UNIT_FIELDS:
            return label.replace("Unit n", f"Unit {self.unit or 1}")
        return label


@dataclass
class Sheet:
    """A program's bulk sheet: the saved mapping, or the example it starts from."""

    program: RebateProgram
    columns: list[Column]
    date_format: str
    saved: bool
    example: ExampleMapping | None = None

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def sheet_for(*, program: RebateProgram) -> Sheet:
    """The program's bulk sheet: its saved mapping, else the example mapping it starts with
    (the statewide example for a program copied from the statewide example program)."""
    mapping = SheetMapping.objects.filter(
        organization_id=program.organization_id, program=program
    ).first()
    if mapping is not None:
        columns = [
            Column(c.header, c.field, c.unit, c.value)
            for c in SheetColumn.objects.filter(mapping=mapping).order_by("position", "id")
        ]
        return Sheet(program, columns, mapping.date_format, saved=True)
    example = mapping_for_example(program.example_key)
    columns = [Column(c.header, c.field, c.unit, c.value) for c in example.columns]
    return Sheet(program, columns, example.date_format, saved=False, example=example)


# --- each packet's values


@dataclass
class SheetPacket:
    """What one packet's row reads, gathered for a chunk of packets at once."""

    bundle: PacketBundle
    batch_reference: str = ""
    phone: str = ""
    email: str = ""
    ahri: list[str] = field(default_factory=list)
    #: The connection's location custom field for utility account numbers ("" = default).
    account_field: str = ""


def _split_name(name: str) -> tuple[str, str]:
    """ "Smith, Jane" and "Jane Q. Smith" → ("Jane", "Smith"); one word is a last name."""
    name = " ".join(name.split())
    if "," in name:
        last, first = (part.strip() for part in name.split(",", 1))
        return first, last
    first, _, last = name.rpartition(" ")
    return first, last


def _packets(organization: Organization, ids: Sequence[int]) -> QuerySet[Packet]:
    return Packet.objects.filter(organization=organization, pk__any=list(ids)).select_related(
        "job",
        "job__customer",
        "job__location",
        "job__location__utility_account",
        "program",
    )


def _certified_ahri(units_keys: Iterable[str]) -> list[tuple[str, str, str]]:
    prefixes = {key[:n] for key in units_keys for n in range(MIN_KEY, len(key) + 1)}
    if not prefixes:
        return []
    return list(
        CertifiedProduct.objects.filter(
            Q(outdoor_key__any=sorted(prefixes)) | Q(indoor_key__any=sorted(prefixes))
        )
        .exclude(ahri_reference_number="")
        .order_by("ahri_reference_number")
        .values_list("outdoor_key", "indoor_key", "ahri_reference_number")
    )


def _unit_ahri(unit_key: str, other_keys: list[str], listings: list[tuple[str, str, str]]) -> str:
    """The AHRI number of the certified system the unit belongs to: a listing whose outdoor
    or indoor model prefixes the unit's, preferring one whose other side is another unit of
    the same job (the matched pair)."""
    if not unit_key:
        return ""
    best = ""
    for outdoor, indoor, ahri in listings:
        if outdoor and unit_key.startswith(outdoor):
            other = indoor
        elif indoor and unit_key.startswith(indoor):
            other = outdoor
        else:
            continue
        if other and any(k.startswith(other) for k in other_keys):
            return ahri
        best = best or ahri
    return best


def _gather(organization: Organization, ids: Sequence[int]) -> dict[int, SheetPacket]:
    packets = list(_packets(organization, ids))
    if not packets:
        return {}
    jobs = [p.job for p in packets]
    job_keys = {(j.connection_id, j.st_id) for j in jobs}
    connections = sorted({j.connection_id for j in jobs})

    account_fields = dict(
        Connection.objects.filter(pk__any=connections).values_list("pk", "utility_account_field")
    )
    invoices: dict[tuple[int, int], list[Invoice]] = {}
    for invoice in (
        Invoice.objects.filter(
            connection_id__any=connections,
            job_st_id__any=sorted({j.st_id for j in jobs}),
            active=True,
        )
        .only(
            "connection_id",
            "st_id",
            "job_st_id",
            "reference_number",
            "total",
            "adjustment_to_st_id",
            "invoice_date",
        )
        .order_by("invoice_date", "st_id")
    ):
        key = (invoice.connection_id, invoice.job_st_id or 0)
        if key in job_keys:
            invoices.setdefault(key, []).append(invoice)
    items: dict[tuple[int, int], set[int]] = {}
    invoice_ids = sorted({i.st_id for group in invoices.values() for i in group})
    if invoice_ids:
        for connection_id, st_id, invoice_st_id in InvoiceItem.objects.filter(
            connection_id__any=connections, invoice_st_id__any=invoice_ids, active=True
        ).values_list("connection_id", "st_id", "invoice_st_id"):
            items.setdefault((connection_id, invoice_st_id or 0), set()).add(st_id)

    location_ids = sorted({j.location_st_id for j in jobs if j.location_st_id is not None})
    units_at: dict[tuple[int, int], list[InstalledEquipment]] = {}
    if location_ids:
        for unit in InstalledEquipment.objects.filter(
            connection_id__any=connections, location_st_id__any=location_ids, active=True
        ).only(
            "connection_id",
            "st_id",
            "location_st_id",
            "invoice_item_st_id",
            "installed_on",
            "equipment_type",
            "manufacturer",
            "model",
            "serial_number",
        ):
            units_at.setdefault((unit.connection_id, unit.location_st_id or 0), []).append(unit)

    customer_ids = sorted({j.customer_st_id for j in jobs if j.customer_st_id is not None})
    contacts: dict[tuple[int, int], list[tuple[str, str]]] = {}
    if customer_ids:
        for connection_id, customer_st_id, kind, value in (
            CustomerContact.objects.filter(
                connection_id__any=connections, customer_st_id__any=customer_ids, active=True
            )
            .order_by("st_id")
            .values_list("connection_id", "customer_st_id", "contact_type", "value")
        ):
            contacts.setdefault((connection_id, customer_st_id or 0), []).append((kind, value))

    references: dict[int, str] = {}
    for packet_id, reference in (
        BatchPacket.objects.filter(organization=organization, packet_id__any=list(ids))
        .order_by("batch__created_at", "batch_id")
        .values_list("packet_id", "batch__reference")
    ):
        references[packet_id] = reference  # the latest batch wins

    gathered: dict[int, SheetPacket] = {}
    all_keys: set[str] = set()
    for packet in packets:
        job = packet.job
        bundle = PacketBundle(packet=packet, job=job, customer=job.customer, location=job.location)
        bundle.invoices = invoices.get((job.connection_id, job.st_id), [])
        item_ids: set[int] = set()
        for invoice in bundle.invoices:
            item_ids |= items.get((job.connection_id, invoice.st_id), set())
        candidates = units_at.get((job.connection_id, job.location_st_id or 0), [])
        bundle.equipment = _job_units(job, candidates, item_ids)
        sheet_packet = SheetPacket(bundle=bundle, batch_reference=references.get(packet.pk, ""))
        sheet_packet.account_field = account_fields.get(job.connection_id, "")
        for kind, value in contacts.get((job.connection_id, job.customer_st_id or 0), []):
            kind = kind.casefold()
            if kind == "email" and not sheet_packet.email:
                sheet_packet.email = value
            elif kind in ("phone", "mobilephone") and not sheet_packet.phone:
                sheet_packet.phone = value
        gathered[packet.pk] = sheet_packet
        all_keys |= {model_key(u.model) for u in bundle.equipment if u.model}

    listings = _certified_ahri(k for k in all_keys if len(k) >= MIN_KEY)
    for sheet_packet in gathered.values():
        bundle = sheet_packet.bundle
        from_job = next((v for name in AHRI_FIELDS if (v := bundle.job_field(name))), "")
        keys = [model_key(u.model) for u in bundle.equipment]
        sheet_packet.ahri = [
            from_job or _unit_ahri(key, keys[:n] + keys[n + 1 :], listings)
            for n, key in enumerate(keys)
        ]
    return gathered


def _utility_account(sp: SheetPacket) -> str:
    return sp.bundle.utility_account(sp.account_field)[0]


def _value(column: Column, sp: SheetPacket) -> Value:
    bundle = sp.bundle
    packet, job, customer = bundle.packet, bundle.job, bundle.customer
    place: Any = bundle.location or customer
    name = customer.name if customer is not None else ""
    f = column.field
    if f == F.FIXED:
        return column.value
    if f in UNIT_FIELDS:
        n = (column.unit or 1) - 1
        if n >= len(bundle.equipment):
            return ""
        unit = bundle.equipment[n]
        return {
            F.UNIT_TYPE: unit.equipment_type,
            F.UNIT_MANUFACTURER: unit.manufacturer,
            F.UNIT_MODEL: unit.model,
            F.UNIT_SERIAL: unit.serial_number,
            F.UNIT_AHRI: sp.ahri[n] if n < len(sp.ahri) else "",
        }[F(f)]
    if f in (F.ADDRESS_STREET, F.ADDRESS_UNIT, F.ADDRESS_CITY, F.ADDRESS_STATE, F.ADDRESS_ZIP):
        if place is None:
            return ""
        return str(getattr(place, f.removeprefix("address_")) or "")
    if f == F.ADDRESS_FULL:
        if place is None:
            return ""
        street = ", ".join(x for x in (place.street, getattr(place, "unit", "")) if x)
        region = " ".join(x for x in (place.state, place.zip) if x)
        return ", ".join(x for x in (street, place.city, region) if x)
    invoice = bundle.invoice
    simple: dict[str, Any] = {
        F.PACKET_ID: packet.pk,
        F.JOB_NUMBER: job.job_number,
        F.BATCH_REFERENCE: sp.batch_reference,
        F.CONFIRMATION_NUMBER: packet.confirmation_number,
        F.PROGRAM_NAME: packet.program.name,
        F.CONTRACTOR_ENROLLMENT: packet.program.contractor_enrollment_number,
        F.CUSTOMER_PHONE: sp.phone,
        F.CUSTOMER_EMAIL: sp.email,
        F.UNIT_COUNT: len(bundle.equipment),
        F.AMOUNT: packet.estimated_amount,
    }
    if f in simple:
        return simple[f]
    if f == F.CUSTOMER_NAME:
        return name
    if f == F.CUSTOMER_FIRST_NAME:
        return _split_name(name)[0]
    if f == F.CUSTOMER_LAST_NAME:
        return _split_name(name)[1]
    if f == F.UTILITY_ACCOUNT:
        return _utility_account(sp)
    if f == F.INSTALL_DATE:
        return bundle.install_date
    if f == F.INVOICE_NUMBER:
        return (invoice.reference_number or str(invoice.st_id)) if invoice else ""
    if f == F.INVOICE_TOTAL:
        return invoice.total if invoice else None
    raise ValueError(f"Unknown sheet field {f!r}")


def sheet_rows(
    *, organization: Organization, sheet: Sheet, packet_ids: Sequence[int]
) -> Iterator[list[Value]]:
    """Each packet's row of typed values (text, numbers, amounts, dates), in `packet_ids`
    order; packets of another organization are left out."""
    ids = list(dict.fromkeys(packet_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        gathered = _gather(organization, chunk)
        for packet_id in chunk:
            sp = gathered.get(packet_id)
            if sp is not None:
                yield [_value(column, sp) for column in sheet.columns]


def preview_packet_ids(*, program: RebateProgram, limit: int = 5) -> list[int]:
    """The packets a mapping page previews: the program's latest filed or ready packets,
    else its latest packets."""
    packets = Packet.objects.filter(organization_id=program.organization_id, program=program)
    filed = packets.filter(
        status__in=[
            PacketStatus.READY,
            PacketStatus.SUBMITTED,
            PacketStatus.APPROVED,
            PacketStatus.PAID,
        ]
    )
    chosen = list(filed.order_by("-status_changed_at", "-id").values_list("pk", flat=True)[:limit])
    if not chosen:
        chosen = list(packets.order_by("-created_at", "-id").values_list("pk", flat=True)[:limit])
    return chosen
