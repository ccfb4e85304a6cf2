"""What a packet's filing PDF shows, read once from the packet's bundle: the cover sheet,
the itemized invoice, the equipment table (with the certified ratings of each matched
system), the form answers and the documents to embed or merge. The PDF is rendered from
this alone (autofile/filing/pdf.py); its SHA-256 decides whether a rebuild is needed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from autofile.accounts.models import Organization
from autofile.filing.selectors.documents import (
    SourceFile,
    document_requirements,
    ordered_sources,
)
from autofile.mirror.models import InstalledEquipment, InvoiceItem
from autofile.packets.models import CertifiedProduct, Packet, model_key
from autofile.packets.selectors.packets import PacketBundle, packet_bundle_for

#: Raised when the layout changes, so every PDF is rebuilt once.
RENDER_VERSION = 1

INDOOR_TYPES = ("air handler", "coil", "evaporator", "furnace", "fan coil", "indoor")


@dataclass
class InvoiceLine:
    kind: str  # equipment, labour, material, incentive, other
    description: str
    quantity: str
    unit_price: Decimal | None
    total: Decimal | None


@dataclass
class EquipmentRow:
    manufacturer: str
    outdoor_model: str
    outdoor_serial: str
    indoor_model: str
    indoor_serial: str
    ahri_reference_number: str
    ratings: dict[str, str]
    note: str = ""


@dataclass
class FormAnswers:
    title: str
    status: str
    submitted_on: str
    sections: list[tuple[str, list[tuple[str, str]]]]


@dataclass
class FilingData:
    title: str
    cover: list[tuple[str, str]]
    measures: list[tuple[str, str]]
    invoice_number: str
    invoice_date: str
    lines: list[InvoiceLine]
    totals: list[tuple[str, Decimal | None]]
    payments: list[tuple[str, str, Decimal | None]]
    incentive_line_required: bool
    equipment: list[EquipmentRow]
    forms: list[FormAnswers]
    sources: list[SourceFile] = field(default_factory=list)

    def inputs_hash(self) -> str:
        """A SHA-256 of everything shown, the documents' identities and the layout."""
        shown = asdict(self)
        shown["sources"] = [(s.name, s.kind, s.content_type, s.identity) for s in self.sources]
        shown["version"] = RENDER_VERSION
        text = json.dumps(shown, default=str, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


def _day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def money(value: Decimal | None) -> str:
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def _line_kind(item: InvoiceItem) -> str:
    kind = (item.item_type or "").casefold()
    text = f"{item.display_name} {item.sku_name} {item.description}".casefold()
    if (item.total or 0) < 0 and ("incentive" in text or "rebate" in text):
        return "incentive"
    if kind == "equipment":
        return "equipment"
    if kind == "service" or "labor" in text or "labour" in text:
        return "labour"
    if kind == "material":
        return "material"
    return "other"


def _address(bundle: PacketBundle) -> str:
    place = bundle.location or bundle.customer
    if place is None:
        return ""
    parts = [place.street, getattr(place, "unit", "") or ""]
    city = ", ".join(p for p in (place.city, f"{place.state} {place.zip}".strip()) if p)
    return ", ".join(p for p in [*parts, city] if p)


def _certified_for(units: list[InstalledEquipment]) -> list[CertifiedProduct]:
    """The certified listings whose outdoor model is a prefix of an installed model."""
    prefixes: set[str] = set()
    for unit in units:
        key = model_key(unit.model)
        prefixes.update(key[:n] for n in range(4, len(key) + 1))
    if not prefixes:
        return []
    return list(CertifiedProduct.objects.filter(outdoor_key__in=prefixes))


def _ratings(product: CertifiedProduct) -> dict[str, str]:
    return {name: str(value) for name, value in product.ratings.items()}


def equipment_rows(units: list[InstalledEquipment]) -> list[EquipmentRow]:
    """One row per system: an outdoor unit and the indoor unit that forms its certified
    pair (AHRI number and ratings from the certified list), then every unit left over."""
    listings = _certified_for(units)
    rows: list[EquipmentRow] = []
    used: set[int] = set()
    for unit in units:
        key = model_key(unit.model)
        mine = [p for p in listings if key and key.startswith(p.outdoor_key)]
        if not mine:
            continue
        used.add(unit.pk)
        pair: tuple[CertifiedProduct, InstalledEquipment | None] | None = None
        for product in mine:
            for other in units:
                if other.pk in used or other.pk == unit.pk or not product.indoor_key:
                    continue
                if model_key(other.model).startswith(product.indoor_key):
                    pair = (product, other)
                    break
            if pair:
                break
        if pair is None and len(mine) == 1 and not mine[0].indoor_key:
            pair = (mine[0], None)
        if pair is None:
            rows.append(
                EquipmentRow(
                    manufacturer=unit.manufacturer,
                    outdoor_model=unit.model,
                    outdoor_serial=unit.serial_number,
                    indoor_model="",
                    indoor_serial="",
                    ahri_reference_number="",
                    ratings={},
                    note="listed, but no installed indoor unit forms a certified pair",
                )
            )
            continue
        product, indoor = pair
        if indoor is not None:
            used.add(indoor.pk)
        rows.append(
            EquipmentRow(
                manufacturer=unit.manufacturer or product.brand,
                outdoor_model=unit.model,
                outdoor_serial=unit.serial_number,
                indoor_model=indoor.model if indoor else "",
                indoor_serial=indoor.serial_number if indoor else "",
                ahri_reference_number=product.ahri_reference_number,
                ratings=_ratings(product),
            )
        )
    for unit in units:
        if unit.pk in used:
            continue
        inside = any(t in (unit.equipment_type or "").casefold() for t in INDOOR_TYPES)
        rows.append(
            EquipmentRow(
                manufacturer=unit.manufacturer,
                outdoor_model="" if inside else unit.model,
                outdoor_serial="" if inside else unit.serial_number,
                indoor_model=unit.model if inside else "",
                indoor_serial=unit.serial_number if inside else "",
                ahri_reference_number="",
                ratings={},
                note=f"{unit.equipment_type or 'unit'}: not on the certified list",
            )
        )
    return rows


def _answer(unit: dict[str, Any]) -> str:
    kind = str(unit.get("type", ""))
    if kind == "Picture":
        count = len(unit.get("attachments") or [])
        return f"{count} photo{'s' * (count != 1)}"
    if kind == "Signature":
        if unit.get("isRefused"):
            return f"refused: {unit.get('refusalReason') or 'no reason given'}"
        return "signed" if unit.get("value") else "not signed"
    if unit.get("values"):
        return ", ".join(str(v) for v in unit["values"])
    value = unit.get("value")
    text = "" if value is None else str(value)
    comment = str(unit.get("comment") or "")
    return f"{text} ({comment})" if comment else text


def form_answers(raw: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """A ServiceTitan form submission's answers by section: [(section, [(q, a)])]."""
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    loose: list[tuple[str, str]] = []
    for unit in (raw.get("units") if isinstance(raw, dict) else None) or ():
        if not isinstance(unit, dict):
            continue
        if unit.get("type") == "Section" or isinstance(unit.get("units"), list):
            answers = [
                (str(u.get("name", "")), _answer(u))
                for u in unit.get("units") or ()
                if isinstance(u, dict)
            ]
            sections.append((str(unit.get("name", "")), answers))
        else:
            loose.append((str(unit.get("name", "")), _answer(unit)))
    if loose:
        sections.insert(0, ("", loose))
    return sections


def filing_data_for(bundle: PacketBundle, organization: Organization) -> FilingData:
    packet = bundle.packet
    program = bundle.program
    job = bundle.job
    customer = bundle.customer
    invoice = bundle.invoice
    enrollment = program.contractor_enrollment_number or organization.enrollment_number
    account, _ = bundle.utility_account()
    cover = [
        ("Program", program.name),
        ("Sponsor", program.sponsor),
        ("Contractor", organization.legal_name or organization.name),
        ("License number", organization.license_number),
        ("Enrollment number", enrollment),
        ("Customer", customer.name if customer else ""),
        ("Install address", _address(bundle)),
        ("Utility account number", account),
        ("Install date", _day(bundle.install_date)),
        ("Job number", job.job_number),
        ("Invoice number", invoice.reference_number if invoice else ""),
        ("Reservation number", packet.reservation_number),
        ("Expected amount", money(packet.estimated_amount)),
        ("AutoFile packet", str(packet.pk)),
    ]
    from autofile.packets.services.validation import measure_matches

    measures = [
        (f"{match.measure.name} x {match.quantity.normalize():f}", money(match.amount))
        for match in measure_matches(bundle, program.measures.all())
    ]
    items = list(getattr(invoice, "items_list", [])) if invoice is not None else []
    lines = [
        InvoiceLine(
            kind=_line_kind(item),
            description=item.display_name or item.sku_name or item.description,
            quantity=f"{item.quantity.normalize():f}" if item.quantity is not None else "",
            unit_price=item.unit_price,
            total=item.total,
        )
        for item in items
    ]

    def subtotal(kind: str) -> Decimal:
        return sum((line.total or Decimal(0) for line in lines if line.kind == kind), Decimal(0))

    paid = sum((p.total or Decimal(0) for p in bundle.payments), Decimal(0))
    totals: list[tuple[str, Decimal | None]] = [
        ("Equipment", subtotal("equipment")),
        ("Labour", subtotal("labour")),
        ("Materials", subtotal("material")),
        ("Other", subtotal("other")),
        ("Incentive", subtotal("incentive")),
        ("Subtotal", invoice.sub_total if invoice else None),
        ("Sales tax", invoice.sales_tax if invoice else None),
        ("Invoice total", invoice.total if invoice else None),
        ("Paid", paid),
        ("Balance due", invoice.balance if invoice else None),
    ]
    payments = [
        (
            _day(p.paid_on),
            str((p.raw or {}).get("type") or (p.raw or {}).get("memo") or "Payment"),
            p.total,
        )
        for p in bundle.payments
    ]
    forms = [
        FormAnswers(
            title=submission.form_name or f"Form {submission.st_id}",
            status=submission.status,
            submitted_on=_day(submission.submitted_on),
            sections=form_answers(submission.raw),
        )
        for submission in bundle.form_submissions
    ]
    sources = ordered_sources(
        requirements=document_requirements(packet.program_id, packet.organization_id),
        attachments=[a for a in bundle.attachments if a.file],
        documents=bundle.documents,
    )
    return FilingData(
        title=f"{program.name}: job {job.job_number}",
        cover=cover,
        measures=measures,
        invoice_number=invoice.reference_number if invoice else "",
        invoice_date=_day(invoice.invoice_date) if invoice else "",
        lines=lines,
        totals=[(label, value) for label, value in totals if value or label.startswith("Inv")],
        payments=payments,
        incentive_line_required=program.incentive_line_required,
        equipment=equipment_rows(bundle.equipment),
        forms=forms,
        sources=sources,
    )


def filing_data(packet: Packet) -> FilingData:
    """The packet's filing PDF contents (a fixed number of queries)."""
    from autofile.packets.selectors.packets import _bundle_packets

    loaded = _bundle_packets().select_related("organization").get(pk=packet.pk)
    bundle = packet_bundle_for(loaded)
    return filing_data_for(bundle, loaded.organization)
