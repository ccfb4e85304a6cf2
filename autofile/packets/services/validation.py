"""Pre-submission validation: a packet's bundle against its program's rows.

Every requirement (fields and documents) and eligibility check of the program produces
findings: a code, error or warning, a message a reviewer understands, and the record and
field it concerns. `packet_validate` replaces a packet's findings and keeps the counts on
the packet row; errors block "ready".
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import difflib
import fnmatch
import functools
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection as db
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from autofile.core.normalize import (
    compare_values,
    normalize_address,
    normalize_model,
    normalize_name,
    normalize_phone,
)
from autofile.mirror.models import (
    CustomerContact,
    EstimateItem,
    FormSubmission,
    InstalledEquipment,
    Invoice,
    InvoiceItem,
    JobAttachment,
    LocationContact,
)
from autofile.packets.models import (
    OPEN_STATUSES,
    CertifiedProduct,
    EligibilityCheck,
    Finding,
    Packet,
    PacketDocument,
    ProgramMeasure,
    ProgramRequirement,
    RebateProgram,
    Severity,
)
from autofile.packets.selectors.certified import model_keys
from autofile.packets.selectors.packets import (
    UNIT_WINDOW,
    PacketBundle,
    _bundle_packets,
    packet_bundles,
    unit_ratings,
)

Req = ProgramRequirement.Kind
Check = EligibilityCheck.Kind
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Issue:
    """A finding before it is saved."""

    code: str
    severity: str
    message: str
    subject: str
    subject_id: int | None = None
    field: str = ""
    requirement: ProgramRequirement | None = None
    eligibility_check: EligibilityCheck | None = None
    #: What the page shows beyond the message (`Finding.detail`), e.g. the values compared.
    detail: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False)

    @property
    def key(self) -> tuple[str, str, int | None, str]:
        return (self.code, self.subject, self.subject_id, self.field)


def money(value: Decimal | None) -> str:
    return "—" if value is None else f"${value:,.2f}"


def number(value: Decimal) -> str:
    """A rating or quantity as people write it: 15.2, not 15.20 or 1.52E+1."""
    text = f"{value.normalize():f}"
    return text


def _day(value: dt.date) -> str:
    return f"{value:%b} {value.day}, {value.year}"


# --- requirements: fields


PHONE_TYPES = {"phone", "mobilephone", "mobile", "cell"}
PLACEHOLDERS = {"", "n/a", "na", "none", "unknown", "tbd", "-", "?", "0", "000", "0000", "00000"}


def phone_is_valid(value: str) -> bool:
    """A North American number, by the same rule a correction is checked with."""
    return normalize_phone(value) is not None


def email_is_valid(value: str) -> bool:
    try:
        validate_email(value.strip())
    except ValidationError:
        return False
    return True


ZIP = re.compile(r"^\d{5}(-?\d{4})?$")


def _contact_subject(contact: CustomerContact | LocationContact) -> str:
    return "customer_contact" if isinstance(contact, CustomerContact) else "location_contact"


def _need_contact(
    bundle: PacketBundle, requirement: ProgramRequirement, email: bool
) -> Iterator[Issue]:
    """A valid phone number (or e-mail address) of the customer or the install location.

    With none valid, each malformed one is an error of the requirement's severity (and,
    with none at all, the absence is); malformed extras next to a valid one are warnings.
    """
    kind_name = "e-mail address" if email else "phone number"

    def wanted(contact: CustomerContact | LocationContact) -> bool:
        kind = contact.contact_type.casefold()
        return kind == "email" if email else kind in PHONE_TYPES

    is_valid = email_is_valid if email else phone_is_valid
    matching = [c for c in bundle.contacts if wanted(c)]
    valid = [c for c in matching if is_valid(c.value)]
    for contact in matching:
        if contact in valid:
            continue
        yield Issue(
            code="contact_email_invalid" if email else "contact_phone_invalid",
            severity=requirement.severity if not valid else Severity.WARNING,
            message=f"The {kind_name} “{contact.value}” is not valid.",
            subject=_contact_subject(contact),
            subject_id=contact.pk,
            field="value",
            requirement=requirement,
        )
    if not matching:
        yield Issue(
            code="contact_email_missing" if email else "contact_phone_missing",
            severity=requirement.severity,
            message=f"The customer has no {kind_name} on record.",
            subject="customer",
            subject_id=bundle.customer.pk if bundle.customer else None,
            field="contacts",
            requirement=requirement,
        )


def _address(bundle: PacketBundle, requirement: ProgramRequirement) -> Iterator[Issue]:
    location = bundle.location
    if location is None:
        yield Issue(
            "address_missing",
            requirement.severity,
            "The job has no install location.",
            "job",
            bundle.job.pk,
            "location",
            requirement,
        )
        return
    parts = (("street", "street"), ("city", "city"), ("state", "state"), ("zip", "ZIP code"))
    for name, label in parts:
        if not getattr(location, name).strip():
            yield Issue(
                f"address_{name}_missing",
                requirement.severity,
                f"The install address has no {label}.",
                "location",
                location.pk,
                name,
                requirement,
            )
    if location.zip.strip() and not ZIP.match(location.zip.strip()):
        yield Issue(
            "address_zip_invalid",
            requirement.severity,
            f"The install address's ZIP code “{location.zip}” is not a valid ZIP code.",
            "location",
            location.pk,
            "zip",
            requirement,
        )


def _units_or_missing(
    bundle: PacketBundle, requirement: ProgramRequirement
) -> tuple[list[InstalledEquipment], list[Issue]]:
    units = bundle.units(requirement.equipment_type)
    if units:
        return units, []
    what = f"{requirement.equipment_type} " if requirement.equipment_type else ""
    return [], [
        Issue(
            "equipment_missing",
            requirement.severity,
            f"No installed {what}equipment is recorded for this job.",
            "equipment",
            None,
            "",
            requirement,
        )
    ]


def _equipment_field(
    bundle: PacketBundle, requirement: ProgramRequirement, name: str, label: str
) -> Iterator[Issue]:
    units, missing = _units_or_missing(bundle, requirement)
    yield from missing
    for unit in units:
        value = getattr(unit, name).strip()
        where = bundle.unit_label(unit)
        if value.casefold() in PLACEHOLDERS:
            yield Issue(
                f"equipment_{name}_missing",
                requirement.severity,
                f"Missing {label} on {where}."
                if not value
                else f"The {label} “{value}” on {where} is a placeholder, not a real value.",
                "equipment",
                unit.pk,
                name,
                requirement,
            )
            continue
        if name == "serial_number" and len(re.sub(r"[\W_]", "", value)) < 5:
            yield Issue(
                "equipment_serial_number_invalid",
                requirement.severity,
                f"The serial number “{value}” on {where} is too short to be a serial number.",
                "equipment",
                unit.pk,
                name,
                requirement,
            )
        if name == "model" and unit.equipment is not None and unit.equipment.model:
            norm = re.sub(r"[\W_]", "", value).casefold()
            listed = re.sub(r"[\W_]", "", unit.equipment.model).casefold()
            if norm != listed:
                yield Issue(
                    "equipment_model_mismatch",
                    Severity.WARNING,
                    f"The model “{value}” on {where} differs from its pricebook model "
                    f"“{unit.equipment.model}”.",
                    "equipment",
                    unit.pk,
                    name,
                    requirement,
                )


def _rating_names(pattern: str) -> list[str]:
    return [part.strip().upper() for part in re.split(r"[,;/]", pattern) if part.strip()]


def _ratings(bundle: PacketBundle, requirement: ProgramRequirement) -> Iterator[Issue]:
    units, missing = _units_or_missing(bundle, requirement)
    yield from missing
    names = _rating_names(requirement.pattern)
    for unit in units:
        ratings = unit_ratings(unit)
        where = bundle.unit_label(unit)
        absent = [name for name in names if ratings.get(name) is None]
        if not absent:
            continue
        if unit.equipment is None and not ratings:
            message = (
                f"The {', '.join(absent)} rating of {where} is unknown: the unit is not "
                "linked to a pricebook equipment SKU that states it."
            )
        else:
            message = f"No {', '.join(absent)} rating is known for {where}."
        yield Issue(
            "efficiency_rating_missing",
            requirement.severity,
            message,
            "equipment",
            unit.pk,
            "efficiency_ratings",
            requirement,
        )


def _itemized_invoice(bundle: PacketBundle, requirement: ProgramRequirement) -> Iterator[Issue]:
    invoice = bundle.invoice
    if invoice is None:
        yield Issue(
            "invoice_missing",
            requirement.severity,
            "The job has no invoice.",
            "job",
            bundle.job.pk,
            "invoice",
            requirement,
        )
        return
    items = invoice.items_list  # type: ignore[attr-defined]
    if not items:
        yield Issue(
            "invoice_not_itemized",
            requirement.severity,
            f"Invoice {invoice.reference_number or invoice.st_id} has no items.",
            "invoice",
            invoice.pk,
            "items",
            requirement,
        )
        return
    for item in items:
        name = item.display_name or item.sku_name or f"item {item.st_id}"
        if not (item.sku_name or item.display_name or item.description.strip()):
            yield Issue(
                "invoice_item_undescribed",
                requirement.severity,
                f"An invoice item (#{item.st_id}) has no SKU or description.",
                "invoice_item",
                item.pk,
                "description",
                requirement,
            )
        if item.quantity is None or item.quantity <= 0:
            yield Issue(
                "invoice_item_quantity",
                requirement.severity,
                f"Invoice item “{name}” has no positive quantity.",
                "invoice_item",
                item.pk,
                "quantity",
                requirement,
            )
        if item.unit_price is None:
            yield Issue(
                "invoice_item_price",
                requirement.severity,
                f"Invoice item “{name}” has no unit price.",
                "invoice_item",
                item.pk,
                "unit_price",
                requirement,
            )


def document_globs(pattern: str) -> list[str]:
    """A requirement's document pattern ("nameplate*, *.jpg") as the globs `document_matches`
    compares with; validation and the filing PDF pick a requirement's documents the same way."""
    return [part.strip().casefold() for part in pattern.split(",") if part.strip()]


def document_matches(name: str, globs: list[str]) -> bool:
    name = name.casefold()
    base = name.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(base, g) or fnmatch.fnmatchcase(name, g) for g in globs)


IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".heic", ".webp", ".tif", ".tiff")


def _is_image(name: str, content_type: str) -> bool:
    return content_type.startswith("image/") or name.casefold().endswith(IMAGE_EXTENSIONS)


def _file_name(document: JobAttachment | PacketDocument) -> str:
    return document.file_name if isinstance(document, JobAttachment) else document.name


def _documents(bundle: PacketBundle, requirement: ProgramRequirement) -> Iterator[Issue]:
    globs = document_globs(requirement.pattern)
    subjects: dict[str, str] = {Req.PHOTO: "photos", Req.FORM: "forms"}
    subject = subjects.get(requirement.kind, "documents")
    per = ""
    units = bundle.units(requirement.equipment_type) if requirement.per_unit else []
    needed = requirement.min_count * (max(len(units), 1) if requirement.per_unit else 1)
    if requirement.per_unit:
        per = f" ({requirement.min_count} per unit, {len(units)} unit{'s' * (len(units) != 1)})"
    # Documents AutoFile holds (a homeowner's upload, a signed form) count like attachments.
    held = [d for d in bundle.documents if document_matches(d.name, globs)]
    if requirement.kind == Req.FORM:
        forms = [f for f in bundle.form_submissions if document_matches(f.form_name, globs)]
        done = [f for f in forms if f.status.casefold() == "completed"]
        if len(done) + len(held) >= needed:
            return
        if forms and not done:
            message = f"{requirement.label}: the form is started but not completed."
            code = "form_incomplete"
        else:
            message = (
                f"{requirement.label}: no completed form on the job ({len(done)} of {needed})."
            )
            code = "form_missing"
        yield Issue(
            code,
            requirement.severity,
            message,
            subject,
            done[0].pk if done else (forms[0].pk if forms else None),
            "status" if forms else "",
            requirement,
        )
        return
    found: list[JobAttachment | PacketDocument] = [
        a for a in bundle.attachments if document_matches(a.file_name, globs)
    ]
    found += held
    if requirement.kind == Req.PHOTO:
        found = [a for a in found if _is_image(_file_name(a), a.content_type)]
    if len(found) >= needed:
        return
    nouns: dict[str, str] = {Req.PHOTO: "photo", Req.CERTIFICATE: "certificate"}
    noun = nouns.get(requirement.kind, "document")
    yield Issue(
        f"{noun}_missing",
        requirement.severity,
        f"{requirement.label}: {len(found)} of {needed} found{per}."
        if found
        else f"{requirement.label}: no {noun} attached to the job{per}.",
        subject,
        None,
        requirement.pattern,
        requirement,
    )


def requirement_issues(bundle: PacketBundle, requirement: ProgramRequirement) -> Iterator[Issue]:
    kind = requirement.kind
    severity = requirement.severity
    if kind == Req.CUSTOMER_NAME:
        if bundle.customer is None or not bundle.customer.name.strip():
            yield Issue(
                "customer_name_missing",
                severity,
                "The customer's name is missing.",
                "customer",
                bundle.customer.pk if bundle.customer else None,
                "name",
                requirement,
            )
    elif kind == Req.CUSTOMER_PHONE:
        yield from _need_contact(bundle, requirement, email=False)
    elif kind == Req.CUSTOMER_EMAIL:
        yield from _need_contact(bundle, requirement, email=True)
    elif kind == Req.INSTALL_ADDRESS:
        yield from _address(bundle, requirement)
    elif kind == Req.UTILITY_ACCOUNT:
        name = requirement.pattern or "Utility Account Number"
        if not bundle.utility_account(name)[0]:
            yield Issue(
                "utility_account_missing",
                severity,
                f"The install location has no {name}.",
                "location",
                bundle.location.pk if bundle.location else None,
                "utility_account_number",
                requirement,
            )
    elif kind == Req.INSTALL_DATE:
        if bundle.install_date is None:
            yield Issue(
                "install_date_missing",
                severity,
                "The install date is unknown: the job is not completed and no unit has an "
                "install date.",
                "job",
                bundle.job.pk,
                "completed_on",
                requirement,
            )
    elif kind == Req.EQUIPMENT_MANUFACTURER:
        yield from _equipment_field(bundle, requirement, "manufacturer", "manufacturer")
    elif kind == Req.EQUIPMENT_MODEL:
        yield from _equipment_field(bundle, requirement, "model", "model number")
    elif kind == Req.EQUIPMENT_SERIAL:
        yield from _equipment_field(bundle, requirement, "serial_number", "serial number")
    elif kind == Req.EFFICIENCY_RATINGS:
        yield from _ratings(bundle, requirement)
    elif kind == Req.ITEMIZED_INVOICE:
        yield from _itemized_invoice(bundle, requirement)
    elif kind == Req.CONTRACTOR_ENROLLMENT:
        yield from _enrollment(bundle, requirement)
    elif kind == Req.JOB_FIELD:
        if not bundle.job_field(requirement.pattern):
            yield Issue(
                "job_field_missing",
                severity,
                f"The job's “{requirement.pattern}” field is empty.",
                "job",
                bundle.job.pk,
                requirement.pattern,
                requirement,
            )
    else:
        yield from _documents(bundle, requirement)


# --- eligibility checks


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def _min_rating(bundle: PacketBundle, check: EligibilityCheck) -> Iterator[Issue]:
    rating = check.rating.strip().upper()
    minimum = check.minimum
    if minimum is None or not rating:
        return
    for unit in bundle.units(check.equipment_type):
        ratings, certified = unit_rated(bundle, unit)
        value = ratings.get(rating)
        where = bundle.unit_label(unit)
        if value is not None and certified and value < minimum:
            what = f"AHRI {certified}" if certified != "listed" else "ENERGY STAR listing"
            yield Issue(
                "rating_below_minimum",
                check.severity,
                f"{where[0].upper()}{where[1:]}: certified {rating} {number(value)} "
                f"({what}) is below the program minimum of {number(minimum)}.",
                "equipment",
                unit.pk,
                "efficiency_ratings",
                eligibility_check=check,
            )
        elif value is None:
            yield Issue(
                "rating_unknown",
                check.severity,
                f"The {rating} of {where} is unknown, so the minimum of {number(minimum)} "
                "cannot be checked.",
                "equipment",
                unit.pk,
                "efficiency_ratings",
                eligibility_check=check,
            )
        elif value < minimum:
            yield Issue(
                "rating_below_minimum",
                check.severity,
                f"{where[0].upper()}{where[1:]} has {rating} {number(value)}, below the "
                f"program minimum of {number(minimum)}.",
                "equipment",
                unit.pk,
                "efficiency_ratings",
                eligibility_check=check,
            )


def _install_window(bundle: PacketBundle, check: EligibilityCheck) -> Iterator[Issue]:
    program = bundle.program
    if program.starts_on is None and program.ends_on is None:
        return
    day = bundle.install_date
    if day is None:
        yield Issue(
            "install_date_unknown",
            check.severity,
            "The install date is unknown, so the program window cannot be checked.",
            "job",
            bundle.job.pk,
            "completed_on",
            eligibility_check=check,
        )
        return
    if program.starts_on and day < program.starts_on:
        yield Issue(
            "install_before_window",
            check.severity,
            f"Installed {_day(day)}, before the program starts ({_day(program.starts_on)}).",
            "job",
            bundle.job.pk,
            "completed_on",
            eligibility_check=check,
        )
    if program.ends_on and day > program.ends_on:
        yield Issue(
            "install_after_window",
            check.severity,
            f"Installed {_day(day)}, after the program ended ({_day(program.ends_on)}).",
            "job",
            bundle.job.pk,
            "completed_on",
            eligibility_check=check,
        )


def _one_per_address(bundle: PacketBundle, check: EligibilityCheck) -> Iterator[Issue]:
    months = check.period_months or 0
    day = bundle.install_date or timezone.localdate()
    if months <= 0:
        return
    start, end = add_months(day, -months), add_months(day, months)
    location_id = bundle.location.pk if bundle.location else None
    for other in bundle.earlier_packets:
        other_day = (
            timezone.localtime(other.job.completed_on).date()
            if other.job.completed_on
            else other.created_at.date()
        )
        if not start < other_day < end:
            continue
        # Of two packets at one address, the later one (or the later-imported) is the duplicate.
        if (other_day, other.pk) > (day, bundle.packet.pk or 0):
            continue
        yield Issue(
            "address_already_filed",
            check.severity,
            f"This address already has packet #{other.pk} (job {other.job.job_number}, "
            f"{_day(other_day)}) for this program; it pays once per {months} months.",
            "location",
            location_id,
            "",
            eligibility_check=check,
        )
    if not check.count_service_agreements:
        return
    for agreement in bundle.service_agreements:
        if agreement.start_date is None or agreement.status.casefold() in ("canceled", "draft"):
            continue
        if start < agreement.start_date <= day:
            yield Issue(
                "address_agreement_in_period",
                check.severity,
                f"Service agreement “{agreement.name or agreement.st_id}” at this address "
                f"started {_day(agreement.start_date)}, inside the {months}-month period: "
                "the program counts it as an earlier filing.",
                "location",
                location_id,
                "service_agreements",
                eligibility_check=check,
            )


def _paid_amount(bundle: PacketBundle, invoice: Invoice) -> Decimal:
    return sum(
        (p.total or Decimal(0) for p in bundle.payments if invoice.st_id in p.invoice_ids),
        Decimal(0),
    )


def _invoice_paid(bundle: PacketBundle, check: EligibilityCheck) -> Iterator[Issue]:
    invoice = bundle.invoice
    if invoice is None:
        yield Issue(
            "invoice_missing",
            check.severity,
            "The job has no invoice, so payment cannot be checked.",
            "job",
            bundle.job.pk,
            "invoice",
            eligibility_check=check,
        )
        return
    reference = invoice.reference_number or invoice.st_id
    balance = invoice.balance
    if balance is None and invoice.total is not None:
        balance = invoice.total - _paid_amount(bundle, invoice)
    if balance is None:
        yield Issue(
            "invoice_payment_unknown",
            check.severity,
            f"Invoice {reference} has no balance or payments on record.",
            "invoice",
            invoice.pk,
            "balance",
            eligibility_check=check,
        )
    elif balance > check.tolerance:
        yield Issue(
            "invoice_unpaid",
            check.severity,
            f"Invoice {reference} still has a balance of {money(balance)}; the program pays "
            "only on invoices paid in full.",
            "invoice",
            invoice.pk,
            "balance",
            eligibility_check=check,
        )


def _invoice_totals(bundle: PacketBundle, check: EligibilityCheck) -> Iterator[Issue]:
    invoice = bundle.invoice
    if invoice is None:
        return
    reference = invoice.reference_number or invoice.st_id
    tolerance = max(check.tolerance, Decimal(0))
    items = invoice.items_list  # type: ignore[attr-defined]
    for item in items:
        if item.quantity is None or item.unit_price is None or item.total is None:
            continue
        expected = (item.quantity * item.unit_price).quantize(CENT)
        if abs(expected - item.total) > tolerance:
            name = item.display_name or item.sku_name or f"item {item.st_id}"
            yield Issue(
                "invoice_item_total_mismatch",
                check.severity,
                f"Invoice item “{name}” totals {money(item.total)}, but "
                f"{number(item.quantity)} × {money(item.unit_price)} "  # noqa: RUF001
                f"is {money(expected)}.",
                "invoice_item",
                item.pk,
                "total",
                eligibility_check=check,
            )
    items_sum = sum((item.total or Decimal(0) for item in items), Decimal(0))
    if invoice.sub_total is not None and abs(items_sum - invoice.sub_total) > tolerance:
        yield Issue(
            "invoice_subtotal_mismatch",
            check.severity,
            f"Invoice {reference}'s subtotal is {money(invoice.sub_total)}, but its items add up "
            f"to {money(items_sum)}.",
            "invoice",
            invoice.pk,
            "sub_total",
            eligibility_check=check,
        )
    subtotal = invoice.sub_total if invoice.sub_total is not None else items_sum
    expected_total = subtotal + (invoice.sales_tax or Decimal(0))
    if invoice.total is not None and abs(expected_total - invoice.total) > tolerance:
        yield Issue(
            "invoice_total_mismatch",
            check.severity,
            f"Invoice {reference}'s total is {money(invoice.total)}, but its items "
            f"({money(subtotal)}) plus tax ({money(invoice.sales_tax or Decimal(0))}) come to "
            f"{money(expected_total)}.",
            "invoice",
            invoice.pk,
            "total",
            eligibility_check=check,
        )


# --- cross-document consistency

#: One value a document states, where it states it: (source label, value, subject, id, field).
Stated = tuple[str, str, str, int | None, str]

_TAG = re.compile(r"<[^>]+>")
_MODEL_TEXT = re.compile(
    r"\bmodel(?:\s*(?:no\.?|number|num|#))?\s*[:#]?\s*"
    r"(?P<value>[A-Z0-9][A-Z0-9-]*(?:\s*/\s*[A-Z0-9][A-Z0-9-]*)*)",
    re.IGNORECASE,
)
_SERIAL_TEXT = re.compile(
    r"\b(?:serial(?:\s*(?:no\.?|number|num|#))?|s/n)\s*[:#]?\s*(?P<value>[A-Z0-9][A-Z0-9-]{3,})",
    re.IGNORECASE,
)
_AHRI_TEXT = re.compile(
    r"\bAHRI\b[^0-9\n]{0,40}?(?P<value>\d{6,12})\b", re.IGNORECASE
)  # "AHRI Certified Reference Number: 201234567", "ahri-certificate-201234567.pdf"


@functools.lru_cache(maxsize=4096)
def plain_text(value: str) -> str:
    """HTML (ServiceTitan descriptions) as the words a person reads."""
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", value or ""))).strip()


@functools.lru_cache(maxsize=4096)
def _stated(pattern: re.Pattern[str], text: str) -> str:
    """The value a text states after its label ("Model 25VNA036A003."), if any; a value
    needs a digit (so "Model Number" in a heading is no model)."""
    for found in pattern.finditer(plain_text(text)):
        value = found.group("value").strip()
        if any(c.isdigit() for c in value):
            return value
    return ""


def form_answers(form: FormSubmission) -> list[tuple[str, str]]:
    """A form submission's answers as (field name, value), sections flattened (read once
    per loaded form: every unit's comparison asks)."""
    cached: list[tuple[str, str]] | None = getattr(form, "_answers", None)
    if cached is None:
        cached = _form_answers(form)
        form._answers = cached  # type: ignore[attr-defined]
    return cached


def _form_answers(form: FormSubmission) -> list[tuple[str, str]]:
    answers: list[tuple[str, str]] = []

    def walk(units: Any) -> None:
        for unit in units if isinstance(units, list) else ():
            if not isinstance(unit, dict):
                continue
            value = unit.get("value")
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                answers.append((str(unit.get("name") or ""), str(value).strip()))
            walk(unit.get("units"))

    walk(form.raw.get("units") if isinstance(form.raw, dict) else None)
    return answers


def _unit_invoice_item(bundle: PacketBundle, unit: InstalledEquipment) -> InvoiceItem | None:
    items = bundle.invoice_items
    for item in items:
        if unit.invoice_item_st_id is not None and item.st_id == unit.invoice_item_st_id:
            return item
    for item in items:
        if item.installed_equipment_st_id == unit.st_id:
            return item
    if unit.equipment_st_id is not None:
        return next((i for i in items if i.sku_st_id == unit.equipment_st_id), None)
    return None


def _unit_estimate_item(bundle: PacketBundle, unit: InstalledEquipment) -> EstimateItem | None:
    if unit.equipment_st_id is None:
        return None
    return next((i for i in bundle.estimate_items if i.sku_st_id == unit.equipment_st_id), None)


def _form_fields_for(
    bundle: PacketBundle, unit: InstalledEquipment, word: str
) -> list[tuple[FormSubmission, str, str]]:
    """The form answers naming this unit's `word` ("model", "serial"): fields named after
    its equipment type ("Heat Pump Model Number"), the n-th for the n-th unit of that type;
    a form with a single such field speaks of the job's only unit."""
    kind = unit.equipment_type.strip().casefold()
    same_type = bundle.units(unit.equipment_type)
    position = next((n for n, u in enumerate(same_type) if u.pk == unit.pk), 0)
    found: list[tuple[FormSubmission, str, str]] = []
    for form in bundle.form_submissions:
        fields = [(n, v) for n, v in form_answers(form) if word in n.casefold() and v]
        typed = [(n, v) for n, v in fields if kind and n.casefold().startswith(kind)]
        if typed:
            if position < len(typed):
                found.append((form, *typed[position]))
        elif len(fields) == 1 and len(bundle.equipment) == 1:
            found.append((form, *fields[0]))
    return found


def _certificates(bundle: PacketBundle) -> list[JobAttachment]:
    return [a for a in bundle.attachments if "ahri" in a.file_name.casefold()]


def _certificate_text(attachment: JobAttachment) -> str:
    return getattr(attachment, "text", "") or ""


def _model_sources(bundle: PacketBundle, unit: InstalledEquipment) -> list[Stated]:
    """Where the unit's model number is stated: the unit itself, its invoice item (the
    model its description names; a SKU code or name naming it), the sold estimate's item,
    form answers and the AHRI certificate."""
    where = f"Unit {bundle.unit_label(unit)[5:]}"
    sources: list[Stated] = [(where, unit.model.strip(), "equipment", unit.pk, "model")]
    key = normalize_model(unit.model)
    item = _unit_invoice_item(bundle, unit)
    if item is not None:
        value = _stated(_MODEL_TEXT, item.description)
        if not value:
            # A SKU code or name naming the model (or its base model) agrees; one that names
            # no model says nothing.
            for text in (item.sku_name, item.display_name):
                token_keys = [normalize_model(t) for t in re.split(r"[\s,;()]+", text)]
                if any(
                    len(k) >= 6 and (k.startswith(key) or key.startswith(k)) for k in token_keys
                ):
                    value = unit.model.strip()
                    break
        if value:
            label = f"Invoice item “{item.display_name or item.sku_name or item.st_id}”"
            sources.append((label, value, "invoice_item", item.pk, "description"))
    estimate_item = _unit_estimate_item(bundle, unit)
    if estimate_item is not None:
        value = _stated(_MODEL_TEXT, estimate_item.description)
        if value and bundle.sold_estimate is not None:
            label = f"Sold estimate “{bundle.sold_estimate.name or bundle.sold_estimate.st_id}”"
            sources.append((label, value, "estimate", bundle.sold_estimate.pk, "items"))
    for form, name, value in _form_fields_for(bundle, unit, "model"):
        sources.append((f"Form “{form.form_name}”: {name}", value, "forms", form.pk, name))
    for certificate in _certificates(bundle):
        named = _certificate_models(_certificate_text(certificate))
        if not named:
            continue
        # The certificate's model closest to this unit's (a pair names two).
        value = max(named, key=lambda m: _similarity(normalize_model(m), key))
        if _similarity(normalize_model(value), key) >= 0.6:
            sources.append((f"Certificate “{certificate.file_name}”", value, "documents", None, ""))
    return sources


def _certificate_models(text: str) -> list[str]:
    """The model numbers an AHRI certificate names ("Outdoor Unit Model Number: X")."""
    return [
        found.group("value").strip()
        for found in _MODEL_TEXT.finditer(plain_text(text))
        if any(c.isdigit() for c in found.group("value"))
    ]


def _similarity(one: str, other: str) -> float:
    return difflib.SequenceMatcher(None, one, other, autojunk=False).ratio()


def _serial_sources(bundle: PacketBundle, unit: InstalledEquipment) -> list[Stated]:
    where = f"Unit {bundle.unit_label(unit)[5:]}"
    sources: list[Stated] = [
        (where, unit.serial_number.strip(), "equipment", unit.pk, "serial_number")
    ]
    item = _unit_invoice_item(bundle, unit)
    if item is not None and (value := _stated(_SERIAL_TEXT, item.description)):
        label = f"Invoice item “{item.display_name or item.sku_name or item.st_id}”"
        sources.append((label, value, "invoice_item", item.pk, "description"))
    for form, name, value in _form_fields_for(bundle, unit, "serial"):
        sources.append((f"Form “{form.form_name}”: {name}", value, "forms", form.pk, name))
    key = normalize_model(unit.serial_number)
    for certificate in _certificates(bundle):
        text = plain_text(_certificate_text(certificate))
        serials = [m.group("value") for m in _SERIAL_TEXT.finditer(text)]
        close = [s for s in serials if _similarity(normalize_model(s), key) >= 0.7]
        if close:
            value = max(close, key=lambda s: _similarity(normalize_model(s), key))
            sources.append((f"Certificate “{certificate.file_name}”", value, "documents", None, ""))
    return sources


def _disagreement(
    sources: list[Stated], normalizer: Any
) -> tuple[list[Stated], dict[str, Any]] | None:
    """None when every stated value agrees; else the sources that differ from the first
    (the record of truth) and the finding's detail."""
    stated = [s for s in sources if s[1]]
    if len(stated) < 2:
        return None
    keys = [normalizer(s[1]) for s in stated]
    if len(set(keys)) == 1:
        return None
    odd = [s for s, k in zip(stated, keys, strict=True) if k != keys[0]]
    values = compare_values([(s[0], s[1], k) for s, k in zip(stated, keys, strict=True)])
    return odd, {"values": values}


def _listing(sources: list[Stated]) -> str:
    return "; ".join(f"{label}: “{value}”" for label, value, *_ in sources if value)


def _mismatch_issue(
    code: str, what: str, sources: list[Stated], check: EligibilityCheck, normalizer: Any
) -> Iterator[Issue]:
    found = _disagreement(sources, normalizer)
    if found is None:
        return
    odd, detail = found
    # The finding sits on the record that disagrees (where a reviewer corrects it), unless
    # that is a document AutoFile cannot edit: then on the record of truth.
    target = next((s for s in odd if s[2] != "documents"), sources[0])
    yield Issue(
        code,
        check.severity,
        f"{what} differs between documents: {_listing(sources)}.",
        target[2],
        target[3],
        target[4],
        eligibility_check=check,
        detail=detail,
    )


def _equipment_consistent(bundle: PacketBundle, check: EligibilityCheck) -> Iterator[Issue]:
    for unit in bundle.units(check.equipment_type):
        label = bundle.unit_label(unit)
        if unit.model.strip().casefold() not in PLACEHOLDERS:
            yield from _mismatch_issue(
                "equipment_model_inconsistent",
                f"The model number of {label}",
                _model_sources(bundle, unit),
                check,
                normalize_model,
            )
        if unit.serial_number.strip().casefold() not in PLACEHOLDERS:
            yield from _mismatch_issue(
                "equipment_serial_inconsistent",
                f"The serial number of {label}",
                _serial_sources(bundle, unit),
                check,
                normalize_model,
            )
    yield from _mismatch_issue(
        "ahri_reference_inconsistent",
        "The AHRI reference number",
        _ahri_sources(bundle),
        check,
        normalize_model,
    )


def _ahri_sources(bundle: PacketBundle) -> list[Stated]:
    """The AHRI reference number as the job's field, the certificate's file name and text
    and form answers state it (once per bundle)."""
    if "ahri" not in bundle.memo:
        bundle.memo["ahri"] = _read_ahri_sources(bundle)
    found: list[Stated] = bundle.memo["ahri"]
    return found


def _read_ahri_sources(bundle: PacketBundle) -> list[Stated]:
    sources: list[Stated] = []
    value = bundle.job_field("AHRI Reference") or bundle.job_field("AHRI Reference Number")
    if value:
        sources.append(
            ("Job field “AHRI Reference”", value, "job", bundle.job.pk, "AHRI Reference")
        )
    for certificate in _certificates(bundle):
        found = _AHRI_TEXT.search(certificate.file_name.replace("-", " ").replace("_", " "))
        if found:
            sources.append(
                (f"Certificate file name “{certificate.file_name}”", found.group("value"),
                 "documents", None, "")
            )  # fmt: skip
        found = _AHRI_TEXT.search(plain_text(_certificate_text(certificate)))
        if found:
            sources.append(
                (f"Certificate “{certificate.file_name}”", found.group("value"), "documents",
                 None, "")
            )  # fmt: skip
    for form in bundle.form_submissions:
        for name, answer in form_answers(form):
            if "ahri" in name.casefold() and answer:
                sources.append((f"Form “{form.form_name}”: {name}", answer, "forms", form.pk, name))
    return sources


def invoice_party(invoice: Invoice) -> tuple[str, dict[str, str]]:
    """The customer name and install address an invoice prints (ServiceTitan's
    `customer.name` and `locationAddress`)."""
    raw = invoice.raw if isinstance(invoice.raw, dict) else {}
    customer = raw.get("customer")
    name = str(customer.get("name") or "").strip() if isinstance(customer, dict) else ""
    address = raw.get("locationAddress")
    parts = (
        {k: str(address.get(k) or "").strip() for k in ("street", "unit", "city", "state", "zip")}
        if isinstance(address, dict)
        else {}
    )
    return name, parts


def _address_text(parts: dict[str, str]) -> str:
    street = " ".join(p for p in (parts.get("street", ""), parts.get("unit", "")) if p)
    state_zip = " ".join(p for p in (parts.get("state", ""), parts.get("zip", "")) if p)
    return ", ".join(p for p in (street, parts.get("city", ""), state_zip) if p)


def _address_key(parts: dict[str, str]) -> str:
    return normalize_address(
        parts.get("street", ""),
        parts.get("unit", ""),
        parts.get("city", ""),
        parts.get("state", ""),
        parts.get("zip", ""),
    )


def _customer_consistent(bundle: PacketBundle, check: EligibilityCheck) -> Iterator[Issue]:
    """The customer's name and the install address as the invoice prints them, as the
    customer and location records hold them (what the program's form will carry), and as
    form answers state the name."""
    invoice = bundle.invoice
    printed_name, printed_address = invoice_party(invoice) if invoice else ("", {})
    reference = f"Invoice {invoice.reference_number or invoice.st_id}" if invoice else ""
    customer = bundle.customer
    names: list[Stated] = []
    if customer is not None:
        names.append(("Customer (the application)", customer.name.strip(), "customer",
                      customer.pk, "name"))  # fmt: skip
    if invoice is not None and printed_name:
        names.append((reference, printed_name, "invoice", invoice.pk, "customer"))
    for form in bundle.form_submissions:
        for name, answer in form_answers(form):
            folded = name.casefold()
            if answer and ("customer name" in folded or "homeowner name" in folded):
                names.append((f"Form “{form.form_name}”: {name}", answer, "forms", form.pk, name))
    if names and names[0][2] == "customer":
        yield from _mismatch_issue(
            "customer_name_inconsistent", "The customer's name", names, check, normalize_name
        )
    location = bundle.location
    if location is None or invoice is None or not printed_address:
        return
    held = {k: str(getattr(location, k) or "") for k in ("street", "unit", "city", "state", "zip")}
    addresses: list[Stated] = [
        ("Install location (the application)", _address_text(held), "location", location.pk,
         "street"),
        (reference, _address_text(printed_address), "invoice", invoice.pk, "location_address"),
    ]  # fmt: skip
    keys = {_address_text(held): _address_key(held),
            _address_text(printed_address): _address_key(printed_address)}  # fmt: skip
    yield from _mismatch_issue(
        "install_address_inconsistent",
        "The install address",
        addresses,
        check,
        lambda text: keys.get(text, text),
    )


# --- certified equipment

Category = CertifiedProduct.Category
#: The ENERGY STAR lists a unit of each installed equipment type is looked up in.
UNIT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "heat pump": (Category.AIR_SOURCE_HEAT_PUMP, Category.DUCTED_HEAT_PUMP),
    "air conditioner": (Category.CENTRAL_AC,),
    "ductless mini-split": (Category.MINI_SPLIT, Category.AIR_SOURCE_HEAT_PUMP),
    "mini-split": (Category.MINI_SPLIT, Category.AIR_SOURCE_HEAT_PUMP),
    "furnace": (Category.FURNACE,),
    "heat pump water heater": (Category.HEAT_PUMP_WATER_HEATER,),
}
#: Lists of matched systems (an outdoor unit rated with an indoor unit under one AHRI number).
PAIRED = frozenset(
    {
        Category.AIR_SOURCE_HEAT_PUMP,
        Category.DUCTED_HEAT_PUMP,
        Category.MINI_SPLIT,
        Category.CENTRAL_AC,
    }
)
#: Installed equipment types that are the indoor half of a matched system.
INDOOR_TYPES = frozenset({"air handler", "evaporator coil", "fan coil", "coil"})


@dataclass
class Certification:
    """What the certified list says of one installed unit.

    `listings`: the unit's model's listings (of the lists its type belongs to); `pair`:
    those rated with an indoor unit the job names (all of them when the job names none);
    `indoor`: the indoor models the job names (installed indoor units, the other half of a
    paired model, equipment on the invoice); `installed_indoor`: those of installed units
    only; `ahri`: the AHRI reference numbers the job's documents state.
    """

    listings: list[CertifiedProduct]
    pair: list[CertifiedProduct]
    indoor: list[str]
    installed_indoor: list[str]
    ahri: list[str]

    @property
    def paired(self) -> bool:
        return any(p.category in PAIRED for p in self.listings)

    @property
    def product(self) -> CertifiedProduct | None:
        """The listing whose ratings count: the pair's under the job's AHRI number, else
        the pair's first."""
        return next((p for p in self.pair if p.ahri_reference_number in self.ahri), None) or (
            self.pair[0] if self.pair else None
        )


def _fits(product: CertifiedProduct, models: Iterable[str]) -> bool:
    return bool(product.indoor_key) and any(
        key.startswith(product.indoor_key) for m in models for key in model_keys(m)
    )


def certification(bundle: PacketBundle, unit: InstalledEquipment) -> Certification | None:
    """The unit against the certified list, or None for a type no list covers (computed
    once per bundle and unit)."""
    key = ("certification", unit.pk)
    if key not in bundle.memo:
        bundle.memo[key] = _certification(bundle, unit)
    found: Certification | None = bundle.memo[key]
    return found


def _certification(bundle: PacketBundle, unit: InstalledEquipment) -> Certification | None:
    categories = UNIT_CATEGORIES.get(unit.equipment_type.strip().casefold())
    if not categories or not unit.model.strip():
        return None
    listings = [p for p in bundle.listings(unit.model) if p.category in categories]
    outdoor_keys = {p.outdoor_key for p in listings}
    halves = [
        h.strip()
        for h in unit.model.split("/")
        if h.strip() and not any(normalize_model(h).startswith(k) for k in outdoor_keys)
    ]
    installed = [
        u.model.strip()
        for u in bundle.equipment
        if u.pk != unit.pk
        and u.equipment_type.strip().casefold() in INDOOR_TYPES
        and u.model.strip()
    ]
    invoiced = [
        value
        for item in bundle.invoice_items
        if item.item_type.casefold() == "equipment"
        and (value := _stated(_MODEL_TEXT, item.description))
        and normalize_model(value) != normalize_model(unit.model)
    ]
    # The installed indoor unit (or a paired model's other half) decides the pair; the
    # invoice's equipment only where none is recorded; with neither, any listing counts.
    named = [*halves, *installed] or invoiced
    pair = [p for p in listings if _fits(p, named)] if named else list(listings)
    if not pair and not installed and not halves:
        pair = list(listings)
    indoor = [*halves, *installed, *invoiced]
    numbers = list(dict.fromkeys(normalize_model(v) for _l, v, *_ in _ahri_sources(bundle) if v))
    return Certification(listings, pair, indoor, [*installed, *halves], numbers)


def unit_rated(bundle: PacketBundle, unit: InstalledEquipment) -> tuple[dict[str, Any], str]:
    """The ratings eligibility uses for a unit and where they come from: the certified
    listing's where the unit is certified (AHRI reference number, if the listing has one),
    else the pricebook's or the unit memo's ("")."""
    found = certification(bundle, unit)
    product = found.product if found is not None else None
    if product is None:
        return dict(unit_ratings(unit)), ""
    return dict(product.ratings), product.ahri_reference_number or "listed"


def _certified(bundle: PacketBundle, check: EligibilityCheck) -> Iterator[Issue]:
    for unit in bundle.units(check.equipment_type):
        found = certification(bundle, unit)
        if found is None:
            continue
        where = bundle.unit_label(unit)
        label = f"{where[0].upper()}{where[1:]}"
        if not found.listings:
            yield Issue(
                "equipment_not_certified",
                check.severity,
                f"{label} is not certified: no ENERGY STAR listing matches model “{unit.model}”.",
                "equipment",
                unit.pk,
                "model",
                eligibility_check=check,
            )
            continue
        if not found.pair:
            with_ = ", ".join(sorted({p.indoor_model for p in found.listings if p.indoor_model}))
            yield Issue(
                "equipment_pair_not_certified",
                check.severity,
                f"{label} with indoor unit “{' / '.join(found.installed_indoor)}” is not a "
                f"certified matched system: ENERGY STAR lists “{unit.model}” with "
                f"{with_ or 'other indoor units'}.",
                "equipment",
                unit.pk,
                "model",
                eligibility_check=check,
            )
            continue
        if not found.paired or not found.ahri:
            continue
        numbers = {p.ahri_reference_number for p in found.pair if p.ahri_reference_number}
        if numbers and not numbers & set(found.ahri):
            product = found.pair[0]
            pair = " + ".join(m for m in (product.outdoor_model, product.indoor_model) if m)
            listed = ", ".join(sorted(numbers)[:3])
            yield Issue(
                "ahri_pair_mismatch",
                check.severity,
                f"AHRI number {' / '.join(found.ahri)} does not match this outdoor/indoor pair "
                f"({pair}, {label[0].lower()}{label[1:]}): its AHRI number is {listed}.",
                "equipment",
                unit.pk,
                "ahri_reference_number",
                eligibility_check=check,
            )


# --- measures


@dataclass
class MeasureMatch:
    measure: ProgramMeasure
    units: list[InstalledEquipment]
    quantity: Decimal
    amount: Decimal


def _unit_qualifies(
    unit: InstalledEquipment, measure: ProgramMeasure, ratings: dict[str, Any]
) -> bool:
    if measure.equipment_type and (
        unit.equipment_type.strip().casefold() != measure.equipment_type.strip().casefold()
    ):
        return False
    if measure.sku_ids and unit.equipment_st_id not in measure.sku_ids:
        return False
    if measure.rating and measure.minimum is not None:
        value = ratings.get(measure.rating.strip().upper())
        if value is None or value < measure.minimum:
            return False
    return True


def measure_matches(bundle: PacketBundle, measures: Iterable[ProgramMeasure]) -> list[MeasureMatch]:
    """What the program pays for on this job.

    Units go to equipment measures (type, SKU, minimum rating), each unit to the one that
    pays it most; invoice items go to SKU-only measures (service and material SKUs). A
    per-unit measure pays per unit or per item quantity, a per-job one pays once. A measure
    of an income tier pays only packets of that tier (none while the tier is unknown).
    """
    tier = bundle.packet.income_tier
    measures = [m for m in measures if not m.income_tier or m.income_tier == tier]
    unit_measures = [m for m in measures if m.equipment_type]
    item_measures = [m for m in measures if not m.equipment_type and m.sku_ids]
    matches: dict[int, MeasureMatch] = {}
    for unit in bundle.equipment:
        ratings = unit_rated(bundle, unit)[0]
        best = max(
            (m for m in unit_measures if _unit_qualifies(unit, m, ratings)),
            key=lambda m: (m.amount, -m.position),
            default=None,
        )
        if best is None:
            continue
        match = matches.setdefault(best.pk, MeasureMatch(best, [], Decimal(0), Decimal(0)))
        match.units.append(unit)
        match.quantity += 1
    invoice = bundle.invoice
    for measure in item_measures:
        quantity = sum(
            (
                item.quantity or Decimal(1)
                for item in (invoice.items_list if invoice else [])  # type: ignore[attr-defined]
                if item.sku_st_id in measure.sku_ids
            ),
            Decimal(0),
        )
        if quantity > 0:
            matches[measure.pk] = MeasureMatch(measure, [], quantity, Decimal(0))
    for match in matches.values():
        per_job = match.measure.basis == ProgramMeasure.Basis.PER_JOB
        match.amount = match.measure.amount * (1 if per_job else match.quantity)
    return sorted(matches.values(), key=lambda m: m.measure.position)


# --- program rules: deadline, limits, incentive line, pre-approval, income tier, enrollment

#: The contractor's enrollment is flagged this many days before it expires.
ENROLLMENT_WARNING_DAYS = 30
_INCENTIVE_WORDS = re.compile(r"\b(rebate|incentive)", re.IGNORECASE)
_NOT_THE_PROGRAMS = re.compile(r"\b(manufacturer|mfr)\b", re.IGNORECASE)


def due_on(installed_on: dt.date | None, program: RebateProgram) -> dt.date | None:
    """The filing deadline: the install date plus the program's submission days."""
    if installed_on is None or program.submission_deadline_days is None:
        return None
    return installed_on + dt.timedelta(days=program.submission_deadline_days)


def _deadline(bundle: PacketBundle) -> Iterator[Issue]:
    program = bundle.program
    day = bundle.install_date
    due = due_on(day, program)
    if day is None or due is None:
        return
    late = (timezone.localdate() - due).days
    if late <= 0:
        return
    yield Issue(
        "filing_past_deadline",
        Severity.ERROR,
        f"The filing was due {_day(due)}, {program.submission_deadline_days} days after the "
        f"install on {_day(day)}: it is {late} day{'s' * (late != 1)} late and {program.name} "
        "may refuse it. Ask the program whether it still accepts it, or withdraw the packet.",
        "job",
        bundle.job.pk,
        "completed_on",
    )


def incentive_lines(invoice: Invoice) -> list[InvoiceItem]:
    """The invoice's lines that pass a program incentive to the customer: negative lines
    named as a rebate or incentive (not a manufacturer's)."""
    lines = []
    for item in invoice.items_list:  # type: ignore[attr-defined]
        amount = item.total if item.total is not None else item.unit_price
        text = " ".join((item.sku_name, item.display_name, item.description))
        if (
            amount is not None
            and amount < 0
            and _INCENTIVE_WORDS.search(text)
            and not _NOT_THE_PROGRAMS.search(text)
        ):
            lines.append(item)
    return lines


def _line_amount(item: InvoiceItem) -> Decimal:
    return -(item.total if item.total is not None else (item.unit_price or Decimal(0)))


def project_cost(bundle: PacketBundle) -> Decimal | None:
    """What the project costs before the program's incentive: the invoice total, plus the
    incentive lines it already deducts."""
    invoice = bundle.invoice
    if invoice is None or invoice.total is None:
        return None
    credited = sum((_line_amount(i) for i in incentive_lines(invoice)), Decimal(0))
    return invoice.total + credited


def _earlier_units(bundle: PacketBundle) -> tuple[int, list[Packet]]:
    """Units already filed at this household: those of the program's live packets at the
    address filed before this one (a unit counts for the job installed around it)."""
    own = {unit.pk for unit in bundle.equipment}
    day = bundle.install_date or timezone.localdate()
    count = 0
    packets = []
    for other in bundle.earlier_packets:
        completed = other.job.completed_on
        other_day = timezone.localtime(completed).date() if completed else other.created_at.date()
        if (other_day, other.pk) > (day, bundle.packet.pk or 0) or completed is None:
            continue
        units = [
            unit
            for unit in bundle.location_equipment
            if unit.pk not in own
            and unit.installed_on is not None
            and abs(unit.installed_on - completed) <= UNIT_WINDOW
        ]
        if units:
            count += len(units)
            packets.append(other)
    return count, packets


def apply_limits(
    bundle: PacketBundle, matches: list[MeasureMatch]
) -> tuple[list[Issue], Decimal | None]:
    """Limit what the matched measures pay by the program's caps, and say why.

    Units per household (earlier packets at the address count), a measure's percent of the
    project cost, the program's percent of the project cost. Returns the findings and the
    limit on the total (None: no limit on the total).
    """
    program = bundle.program
    issues: list[Issue] = []
    maximum = program.max_units_per_household
    unit_matches = [
        m for m in matches if m.units and m.measure.basis == ProgramMeasure.Basis.PER_UNIT
    ]
    if maximum is not None and unit_matches:
        earlier, packets = _earlier_units(bundle)
        remaining = max(maximum - earlier, 0)
        wanted = sum(len(m.units) for m in unit_matches)
        where = ", ".join(f"#{p.pk}" for p in packets)
        if remaining == 0:
            issues.append(
                Issue(
                    "household_units_used",
                    Severity.ERROR,
                    f"{program.name} pays at most {maximum} unit{'s' * (maximum != 1)} per "
                    f"household, and this address already has {earlier} (packets {where}): "
                    "nothing more can be paid here.",
                    "location",
                    bundle.location.pk if bundle.location else None,
                    "",
                )
            )
        elif wanted > remaining:
            already = f" ({earlier} already filed on {where})" if earlier else ""
            issues.append(
                Issue(
                    "household_units_capped",
                    Severity.WARNING,
                    f"{program.name} pays at most {maximum} unit{'s' * (maximum != 1)} per "
                    f"household{already}: {remaining} of the {wanted} qualifying units on this "
                    "job are counted in the estimate.",
                    "equipment",
                    None,
                    "",
                )
            )
        # The best-paying units are the ones paid.
        ranked = sorted(
            (
                (m.measure.amount, -m.measure.position, n, m)
                for m in unit_matches
                for n in range(len(m.units))
            ),
            key=lambda entry: (entry[0], entry[1]),
            reverse=True,
        )
        paid: dict[int, int] = {}
        for _amount, _position, _n, match in ranked[:remaining]:
            paid[match.measure.pk] = paid.get(match.measure.pk, 0) + 1
        for match in unit_matches:
            match.quantity = Decimal(paid.get(match.measure.pk, 0))
            match.amount = match.measure.amount * match.quantity
    cost = project_cost(bundle)
    if cost is None:
        return issues, None
    for match in matches:
        percent = match.measure.max_percent_of_cost
        if percent is None:
            continue
        limit = max((cost * percent / 100).quantize(CENT), Decimal(0))
        if match.amount > limit:
            issues.append(
                Issue(
                    "measure_capped",
                    Severity.WARNING,
                    f"“{match.measure.name}” pays at most {number(percent)} % of the project "
                    f"cost ({money(cost)}): {money(limit)} instead of {money(match.amount)}.",
                    "invoice",
                    bundle.invoice.pk if bundle.invoice else None,
                    "total",
                )
            )
            match.amount = limit
    percent = program.cap_percent_of_cost
    if percent is None:
        return issues, None
    limit = max((cost * percent / 100).quantize(CENT), Decimal(0))
    total = sum((m.amount for m in matches), Decimal(0))
    if matches and total > limit:
        issues.append(
            Issue(
                "incentive_capped",
                Severity.WARNING,
                f"{program.name} pays at most {number(percent)} % of the project cost "
                f"({money(cost)}): the estimate is {money(limit)} instead of {money(total)}.",
                "invoice",
                bundle.invoice.pk if bundle.invoice else None,
                "total",
            )
        )
    return issues, limit


def _incentive_line(bundle: PacketBundle, amount: Decimal | None) -> Iterator[Issue]:
    invoice = bundle.invoice
    if not bundle.program.incentive_line_required or invoice is None:
        return
    reference = invoice.reference_number or invoice.st_id
    lines = incentive_lines(invoice)
    if not lines:
        shown = f" of -{money(amount)}" if amount else ""
        yield Issue(
            "incentive_line_missing",
            Severity.ERROR,
            f"Invoice {reference} does not show the incentive as its own line: "
            f"{bundle.program.name} wants a negative line (e.g. “{bundle.program.name} "
            f"incentive”{shown}) that passes it to the customer.",
            "invoice",
            invoice.pk,
            "items",
        )
        return
    shown_total = sum((_line_amount(i) for i in lines), Decimal(0))
    if amount is not None and shown_total != amount:
        item = lines[0]
        yield Issue(
            "incentive_line_amount",
            Severity.WARNING,
            f"Invoice {reference}'s incentive line{'s' * (len(lines) != 1)} pass "
            f"{money(shown_total)} to the customer, but the estimated incentive is "
            f"{money(amount)}: the program expects the whole incentive on the invoice.",
            "invoice_item",
            item.pk,
            "unit_price",
        )


def _preapproval(bundle: PacketBundle) -> Iterator[Issue]:
    packet = bundle.packet
    name = bundle.program.name
    if not packet.reservation_number.strip():
        yield Issue(
            "reservation_missing",
            Severity.ERROR,
            f"No pre-approval (reservation) number is recorded: {name} pays only installs "
            "it approved beforehand. Enter the reservation number and its dates on this "
            "packet.",
            "packet",
            packet.pk,
            "reservation_number",
        )
        return
    issued, expires, day = (
        packet.reservation_issued_on,
        packet.reservation_expires_on,
        bundle.install_date,
    )
    if issued is None:
        yield Issue(
            "reservation_date_missing",
            Severity.ERROR,
            f"Reservation {packet.reservation_number} has no issue date, so it cannot be "
            "shown that it came before the install: enter the date the program issued it.",
            "packet",
            packet.pk,
            "reservation_issued_on",
        )
    elif day is not None and day < issued:
        yield Issue(
            "installed_before_preapproval",
            Severity.ERROR,
            f"Installed {_day(day)}, before reservation {packet.reservation_number} was "
            f"issued ({_day(issued)}): {name} does not pay installs made before "
            "pre-approval. Check the dates with the program.",
            "packet",
            packet.pk,
            "reservation_issued_on",
        )
    if expires is None:
        return
    if day is not None and day > expires:
        yield Issue(
            "reservation_expired",
            Severity.ERROR,
            f"Reservation {packet.reservation_number} expired {_day(expires)}, before the "
            f"install on {_day(day)}: ask {name} to extend it or issue a new one.",
            "packet",
            packet.pk,
            "reservation_expires_on",
        )
    elif day is None and expires < timezone.localdate():
        yield Issue(
            "reservation_expired",
            Severity.ERROR,
            f"Reservation {packet.reservation_number} expired {_day(expires)} and the job "
            f"is not installed yet: ask {name} to extend it or issue a new one.",
            "packet",
            packet.pk,
            "reservation_expires_on",
        )


def _income_tier(bundle: PacketBundle) -> Iterator[Issue]:
    packet = bundle.packet
    if not bundle.program.income_tiers or packet.income_tier:
        return
    yield Issue(
        "income_tier_missing",
        Severity.ERROR,
        f"The household's income tier is not recorded: {bundle.program.name} pays by income "
        "tier. Set it on this packet once the program has verified the household's income.",
        "packet",
        packet.pk,
        "income_tier",
    )


def _enrollment(bundle: PacketBundle, requirement: ProgramRequirement) -> Iterator[Issue]:
    program = bundle.program
    if not program.contractor_enrollment_number.strip():
        yield Issue(
            "enrollment_missing",
            requirement.severity,
            f"Your contractor enrollment number with {program.name} is not recorded: an "
            "admin enters it on the program's page (the program refuses filings from "
            "contractors who are not enrolled).",
            "program",
            program.pk,
            "contractor_enrollment_number",
            requirement,
        )


def _enrollment_current(bundle: PacketBundle) -> Iterator[Issue]:
    program = bundle.program
    expires = program.contractor_enrollment_expires_on
    if expires is None:
        return
    left = (expires - timezone.localdate()).days
    if left < 0:
        yield Issue(
            "enrollment_expired",
            Severity.ERROR,
            f"Your enrollment with {program.name} expired {_day(expires)}: renew it with the "
            "program, then an admin updates the date on the program's page.",
            "program",
            program.pk,
            "contractor_enrollment_expires_on",
        )
    elif left <= ENROLLMENT_WARNING_DAYS:
        yield Issue(
            "enrollment_expiring",
            Severity.WARNING,
            f"Your enrollment with {program.name} expires {_day(expires)}, in {left} "
            f"day{'s' * (left != 1)}: renew it before filing after that date.",
            "program",
            program.pk,
            "contractor_enrollment_expires_on",
        )


def program_rule_issues(bundle: PacketBundle) -> Iterator[Issue]:
    """What the program's own settings ask beyond its requirement and check rows."""
    yield from _deadline(bundle)
    if bundle.program.preapproval_required:
        yield from _preapproval(bundle)
    yield from _income_tier(bundle)
    yield from _enrollment_current(bundle)


def _measure_matched(
    bundle: PacketBundle, check: EligibilityCheck, matches: list[MeasureMatch]
) -> Iterator[Issue]:
    if matches:
        return
    units = ", ".join(bundle.unit_label(u) for u in bundle.equipment) or "no equipment"
    tier = bundle.packet.get_income_tier_display() if bundle.packet.income_tier else ""
    for_tier = f" for households {tier[0].lower()}{tier[1:]}" if tier else ""
    yield Issue(
        "no_measure",
        check.severity,
        f"Nothing on this job qualifies for a measure of {bundle.program.name}{for_tier} "
        f"(installed: {units}).",
        "program",
        None,
        "measures",
        eligibility_check=check,
    )


def check_issues(
    bundle: PacketBundle, check: EligibilityCheck, matches: list[MeasureMatch]
) -> Iterator[Issue]:
    kind = check.kind
    if kind == Check.MIN_RATING:
        yield from _min_rating(bundle, check)
    elif kind == Check.INSTALL_WINDOW:
        yield from _install_window(bundle, check)
    elif kind == Check.ONE_PER_ADDRESS:
        yield from _one_per_address(bundle, check)
    elif kind == Check.INVOICE_PAID:
        yield from _invoice_paid(bundle, check)
    elif kind == Check.INVOICE_TOTALS:
        yield from _invoice_totals(bundle, check)
    elif kind == Check.MEASURE_MATCHED:
        yield from _measure_matched(bundle, check, matches)
    elif kind == Check.EQUIPMENT_CONSISTENT:
        yield from _equipment_consistent(bundle, check)
    elif kind == Check.CUSTOMER_CONSISTENT:
        yield from _customer_consistent(bundle, check)
    elif kind == Check.CERTIFIED:
        yield from _certified(bundle, check)


# --- running it


def program_rules(program_id: int) -> RebateProgram:
    """A program with its requirements, checks and measures (4 queries)."""
    return RebateProgram.objects.prefetch_related(
        Prefetch("requirements", queryset=ProgramRequirement.objects.order_by("position", "id")),
        Prefetch("checks", queryset=EligibilityCheck.objects.order_by("position", "id")),
        Prefetch("measures", queryset=ProgramMeasure.objects.order_by("position", "id")),
    ).get(pk=program_id)


@dataclass
class Evaluation:
    issues: list[Issue]
    matches: list[MeasureMatch]
    #: What the program pays at most in all (its percent-of-cost cap), None: no cap.
    limit: Decimal | None = None
    installed_on: dt.date | None = None
    due_on: dt.date | None = None

    @property
    def amount(self) -> Decimal | None:
        if not self.matches:
            return None
        total = sum((m.amount for m in self.matches), Decimal(0))
        return total if self.limit is None else min(total, self.limit)


def bundle_evaluate(bundle: PacketBundle, program: RebateProgram) -> Evaluation:
    """The findings a bundle earns under a program (pure: reads nothing, writes nothing)."""
    measures = list(program.measures.all())
    matches = measure_matches(bundle, measures)
    issues: dict[tuple[str, str, int | None, str], Issue] = {}
    produced, limit = apply_limits(bundle, matches)
    evaluation = Evaluation(
        issues=[],
        matches=matches,
        limit=limit,
        installed_on=bundle.install_date,
        due_on=due_on(bundle.install_date, program),
    )
    produced.extend(program_rule_issues(bundle))
    produced.extend(_incentive_line(bundle, evaluation.amount))
    for requirement in program.requirements.all():
        produced.extend(requirement_issues(bundle, requirement))
    for check in program.checks.all():
        produced.extend(check_issues(bundle, check, matches))
    for issue in produced:
        seen = issues.get(issue.key)
        # The same problem twice (e.g. "no equipment" from three requirements): keep one,
        # the more severe.
        if seen is None or (seen.severity == Severity.WARNING and issue.severity == Severity.ERROR):
            issues[issue.key] = issue
    evaluation.issues = sorted(issues.values(), key=lambda i: (i.severity != Severity.ERROR,))
    return evaluation


def _finding(packet: Packet, issue: Issue) -> Finding:
    return Finding(
        organization_id=packet.organization_id,
        packet_id=packet.pk,
        code=issue.code,
        severity=issue.severity,
        message=issue.message,
        subject=issue.subject,
        subject_id=issue.subject_id,
        field=issue.field[:100],
        requirement=issue.requirement,
        eligibility_check=issue.eligibility_check,
        detail=issue.detail,
    )


_COUNTS_SQL = f"""
UPDATE {Packet._meta.db_table} AS p
SET error_count = c.errors, warning_count = c.warnings, estimated_amount = c.amount,
    installed_on = c.installed_on, due_on = c.due_on, validated_at = %s, updated_at = %s
FROM unnest(%s::bigint[], %s::int[], %s::int[], %s::numeric[], %s::date[], %s::date[])
    AS c(id, errors, warnings, amount, installed_on, due_on)
WHERE p.id = c.id
"""  # noqa: S608 (the table name only)


def _replace_findings(evaluated: list[tuple[Packet, Evaluation]], computed_at: dt.datetime) -> None:
    """Replace the findings of these packets and keep their counts, amount and validation
    time on their rows (and on the objects): four queries for the whole chunk."""
    packet_ids = [packet.pk for packet, _ in evaluated]
    findings = [_finding(packet, issue) for packet, ev in evaluated for issue in ev.issues]
    Finding.objects.filter(packet_id__any=packet_ids).delete()
    Finding.objects.bulk_create(findings, batch_size=2_000)
    columns: tuple[list[Any], ...] = ([], [], [], [], [], [])
    for packet, evaluation in evaluated:
        errors = sum(1 for issue in evaluation.issues if issue.severity == Severity.ERROR)
        packet.error_count = errors
        packet.warning_count = len(evaluation.issues) - errors
        packet.estimated_amount = evaluation.amount
        packet.installed_on = evaluation.installed_on
        packet.due_on = evaluation.due_on
        packet.validated_at = computed_at
        values = (
            packet.pk,
            errors,
            packet.warning_count,
            evaluation.amount,
            evaluation.installed_on,
            evaluation.due_on,
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    with db.cursor() as cursor:
        cursor.execute(_COUNTS_SQL, [computed_at, timezone.now(), *columns])


def _database_clock() -> dt.datetime:
    """The database's clock now (not the transaction's start): what `validated_at` is
    compared with, `inputs_changed_at`, is taken from the same clock."""
    with db.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        value: dt.datetime = cursor.fetchone()[0]
    return value


def _validate_chunk(
    packet_ids: list[int], programs: dict[int, RebateProgram], *, open_only: bool
) -> list[Packet]:
    """Validate one chunk of packets in one transaction, in a number of queries that does
    not grow with the chunk: lock the packets (in id order, so two chunks never deadlock),
    read the time, load their bundles set-wise, evaluate, replace their findings.

    The time is read once the rows are locked: a change of an input marks the packet
    (`inputs_changed_at`, packets/services/follow.py) in the transaction that makes it,
    which either committed before this read its inputs (and is seen) or waits for these
    locks and marks the packet later than this time (and is re-validated).
    """
    with transaction.atomic():
        rows = _bundle_packets().filter(pk__any=packet_ids)
        if open_only:
            rows = rows.filter(status__in=OPEN_STATUSES)
        packets = list(rows.select_for_update(of=("self",)).order_by("pk"))
        if not packets:
            return []
        computed_at = _database_clock()
        for program_id in {packet.program_id for packet in packets} - set(programs):
            programs[program_id] = program_rules(program_id)
        bundles = packet_bundles(packets, history=False)
        evaluated = [
            (bundle.packet, bundle_evaluate(bundle, programs[bundle.packet.program_id]))
            for bundle in bundles
        ]
        _replace_findings(evaluated, computed_at)
    return packets


def packet_validate(*, packet: Packet, program: RebateProgram | None = None) -> list[Finding]:
    """Check a packet against every requirement and eligibility check of its program.

    Replaces the packet's findings (errors first) and updates its error and warning
    counts, estimated amount and validation time. Safe to call at any time, also inside
    the caller's transaction (the write-back saving a correction calls it): the packet
    row is locked while its findings are replaced, so two validations never mix.
    `program`: the packet's program as `program_rules` loads it, when the caller has it
    already; loaded here otherwise.
    """
    programs = {program.pk: program} if program is not None else {}
    validated = _validate_chunk([packet.pk], programs, open_only=False)
    if not validated:
        raise Packet.DoesNotExist(f"packet {packet.pk} does not exist")
    for name in (
        "error_count",
        "warning_count",
        "estimated_amount",
        "installed_on",
        "due_on",
        "validated_at",
    ):
        setattr(packet, name, getattr(validated[0], name))
    return list(Finding.objects.filter(packet_id=packet.pk).order_by("id"))


def packet_findings_refresh(*, packet: Packet) -> bool:
    """Validate an open packet again if an input changed since its findings were computed
    (the packet page calls this when it opens). Returns whether it validated."""
    if packet.status not in OPEN_STATUSES or not packet.findings_stale:
        return False
    packet_validate(packet=packet)
    return True


#: Packets per validation transaction and per validation task (and per document fetching
#: task of new packets).
CHUNK = 200


def packets_validate(*, packet_ids: Iterable[int]) -> int:
    """Validate many packets (open ones only: filed packets keep their findings), CHUNK at
    a time, each chunk in one transaction and a fixed number of queries. Each program's
    rows are loaded once, not once per packet."""
    ids = sorted(set(packet_ids))
    programs: dict[int, RebateProgram] = {}
    done = 0
    for start in range(0, len(ids), CHUNK):
        done += len(_validate_chunk(ids[start : start + CHUNK], programs, open_only=True))
    return done


def packets_validate_in_workers(packet_ids: list[int]) -> None:
    """Queue the validation of these packets, CHUNK per task (once the transaction
    committed: a worker must see the rows)."""
    from autofile.packets.tasks import validate_packets

    ids = sorted(set(packet_ids))
    for start in range(0, len(ids), CHUNK):
        validate_packets.delay(ids[start : start + CHUNK])


def issues_summary(messages: list[str], limit: int = 3) -> str:
    shown = "; ".join(m.rstrip(".") for m in messages[:limit])
    more = len(messages) - limit
    return f"{shown}{f'; and {more} more' if more > 0 else ''}"
