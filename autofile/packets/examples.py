"""EXAMPLE rebate programs AutoFile ships, for an admin to copy and adapt.

These are illustrations of how real programs are shaped (an Oncor-style utility heat-pump
rebate, a state weatherization rebate, the federal 25C tax-credit paperwork), NOT the
sponsors' current terms: amounts, ratings, windows and documents must be checked against
the sponsor's program manual before filing. Every copied program's name starts with
"EXAMPLE" until the admin renames it.

Measures name pricebook SKUs by code (codes travel between tenants, ids do not); copying
resolves them against the organization's mirrored pricebook. A window of "calendar_year"
becomes January 1 to December 31 of the year the copy is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autofile.packets.models import (
    EligibilityCheck,
    ProgramMeasure,
    ProgramRequirement,
    RebateProgram,
    Severity,
)

Req = ProgramRequirement.Kind
Check = EligibilityCheck.Kind
PER_JOB = ProgramMeasure.Basis.PER_JOB
WARNING = Severity.WARNING


@dataclass(frozen=True)
class ExampleProgram:
    key: str
    name: str
    sponsor: str
    sponsor_type: str
    summary: str
    window: str = "calendar_year"  # or "" for none
    measures: tuple[dict[str, Any], ...] = ()
    requirements: tuple[dict[str, Any], ...] = ()
    checks: tuple[dict[str, Any], ...] = ()
    kickback_reasons: tuple[tuple[str, str], ...] = field(default=())


def _r(kind: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "label": label, **extra}


def _c(kind: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "label": label, **extra}


_CONTACT_AND_PLACE = (
    _r(Req.CUSTOMER_NAME, "Customer name"),
    _r(Req.CUSTOMER_PHONE, "Customer phone number"),
    _r(Req.CUSTOMER_EMAIL, "Customer e-mail address", severity=WARNING),
    _r(Req.INSTALL_ADDRESS, "Install address (street, city, state, ZIP)"),
    _r(Req.INSTALL_DATE, "Install date"),
)

_EQUIPMENT = (
    _r(Req.EQUIPMENT_MANUFACTURER, "Manufacturer of each unit"),
    _r(Req.EQUIPMENT_MODEL, "Model number of each unit"),
    _r(Req.EQUIPMENT_SERIAL, "Serial number of each unit"),
)

UTILITY_HEAT_PUMP = ExampleProgram(
    key="utility_heat_pump",
    name="EXAMPLE — Utility residential heat pump rebate (Oncor-style)",
    sponsor="Oncor Electric Delivery (example)",
    sponsor_type=RebateProgram.Sponsor.UTILITY,
    summary=(
        "A Texas utility's standard-offer rebate for high-efficiency ducted heat pumps and "
        "mini-splits: per-unit amounts by SEER2 tier, AHRI certificate, nameplate photos, "
        "the ESI ID / utility account number, one rebate per premise every 36 months."
    ),
    measures=(
        {
            "name": "Ducted heat pump, SEER2 ≥ 18",
            "equipment_type": "Heat Pump",
            "rating": "SEER2",
            "minimum": "18",
            "amount": "800",
        },
        {
            "name": "Ducted heat pump, SEER2 ≥ 16",
            "equipment_type": "Heat Pump",
            "rating": "SEER2",
            "minimum": "16",
            "amount": "500",
        },
        {
            "name": "Ductless mini-split, SEER2 ≥ 20",
            "equipment_type": "Ductless Mini-Split",
            "rating": "SEER2",
            "minimum": "20",
            "amount": "400",
        },
        {
            "name": "ENERGY STAR smart thermostat",
            "equipment_type": "Thermostat",
            "amount": "50",
            "basis": PER_JOB,
        },
    ),
    requirements=(
        *_CONTACT_AND_PLACE,
        _r(
            Req.UTILITY_ACCOUNT,
            "ESI ID / utility account number",
            pattern="Utility Account Number",
        ),
        *_EQUIPMENT,
        _r(
            Req.EFFICIENCY_RATINGS,
            "SEER2 and HSPF2 of each heat pump",
            pattern="SEER2, HSPF2",
            equipment_type="Heat Pump",
        ),
        _r(Req.ITEMIZED_INVOICE, "Itemized invoice"),
        _r(
            Req.PHOTO,
            "Nameplate photo of each heat pump",
            pattern="nameplate-heat-pump*,*heat-pump*nameplate*",
            per_unit=True,
            equipment_type="Heat Pump",
        ),
        _r(Req.PHOTO, "Photos of the finished install", pattern="install-photo-*", min_count=2),
        _r(Req.FORM, "Heat pump install checklist", pattern="*Install Checklist*"),
        _r(Req.CERTIFICATE, "AHRI certificate of the matched system", pattern="*ahri*"),
    ),
    checks=(
        _c(
            Check.MIN_RATING,
            "Heat pumps: SEER2 at least 15.2",
            rating="SEER2",
            minimum="15.2",
            equipment_type="Heat Pump",
        ),
        _c(
            Check.MIN_RATING,
            "Heat pumps: HSPF2 at least 7.8",
            rating="HSPF2",
            minimum="7.8",
            equipment_type="Heat Pump",
        ),
        _c(Check.INSTALL_WINDOW, "Installed inside the program year"),
        _c(Check.ONE_PER_ADDRESS, "One rebate per premise every 36 months", period_months=36),
        _c(Check.INVOICE_PAID, "Invoice paid in full"),
        _c(Check.INVOICE_TOTALS, "Invoice total matches its items", tolerance="0.01"),
        _c(Check.MEASURE_MATCHED, "Something installed qualifies for a measure"),
        _c(
            Check.EQUIPMENT_CONSISTENT,
            "Model and serial numbers agree on invoice, equipment, estimate, form, certificate",
        ),
        _c(
            Check.CUSTOMER_CONSISTENT,
            "Customer name and install address agree on invoice, customer and location",
        ),
        _c(
            Check.CERTIFIED,
            "Equipment is ENERGY STAR certified and the AHRI number matches the pair",
        ),
    ),
    kickback_reasons=(
        ("AHRI", "AHRI certificate missing or does not match the installed system"),
        ("NAMEPLATE", "Nameplate photo missing or illegible"),
        ("SERIAL", "Serial number does not match the nameplate"),
        ("ESIID", "ESI ID / account number missing or not at this premise"),
        ("INVOICE", "Invoice not itemized or not paid in full"),
        ("DUPLICATE", "Premise already received a rebate in the period"),
        ("EFFICIENCY", "Equipment does not meet the efficiency minimum"),
    ),
)

STATE_WEATHERIZATION = ExampleProgram(
    key="state_weatherization",
    name="EXAMPLE — State home weatherization rebate",
    sponsor="State Energy Office (example)",
    sponsor_type=RebateProgram.Sponsor.STATE,
    summary=(
        "A state energy office's weatherization rebate: duct sealing and a home energy "
        "audit, plus heat pump water heaters; the audit report, before/after photos, once "
        "per home per year (a home-performance agreement started in the year counts)."
    ),
    measures=(
        {"name": "Duct sealing", "sku_codes": ["SVC-DUCTSEAL"], "amount": "300"},
        {
            "name": "Comprehensive home energy audit",
            "sku_codes": ["SVC-AUDIT"],
            "amount": "150",
            "basis": PER_JOB,
        },
        {
            "name": "Blower door test",
            "sku_codes": ["SVC-BLOWER"],
            "amount": "75",
            "basis": PER_JOB,
        },
        {
            "name": "Heat pump water heater, UEF ≥ 3.3",
            "equipment_type": "Heat Pump Water Heater",
            "rating": "UEF",
            "minimum": "3.3",
            "amount": "700",
        },
    ),
    requirements=(
        *_CONTACT_AND_PLACE,
        _r(Req.ITEMIZED_INVOICE, "Itemized invoice"),
        _r(Req.FORM, "Home energy audit report", pattern="*Energy Audit Report*"),
        _r(
            Req.PHOTO,
            "Before and after photos",
            pattern="install-photo-*,diagnosis-photo*",
            min_count=2,
            severity=WARNING,
        ),
        _r(
            Req.DOCUMENT,
            "Signed customer proposal",
            pattern="signed-proposal*",
            severity=WARNING,
        ),
    ),
    checks=(
        _c(Check.INSTALL_WINDOW, "Work done inside the program year"),
        _c(
            Check.ONE_PER_ADDRESS,
            "Once per home per 12 months",
            period_months=12,
            count_service_agreements=True,
        ),
        _c(Check.INVOICE_PAID, "Invoice paid in full"),
        _c(Check.INVOICE_TOTALS, "Invoice total matches its items", tolerance="0.01"),
        _c(Check.MEASURE_MATCHED, "The job holds an eligible measure"),
    ),
    kickback_reasons=(
        ("AUDIT", "Energy audit report missing or incomplete"),
        ("PHOTOS", "Before/after photos missing"),
        ("INCOME", "Household eligibility not documented"),
        ("INVOICE", "Invoice not itemized or not paid"),
        ("REPEAT", "Home already served this program year"),
    ),
)

FEDERAL_25C = ExampleProgram(
    key="federal_25c",
    name="EXAMPLE — Federal 25C home improvement credit documentation",
    sponsor="Internal Revenue Service (example)",
    sponsor_type=RebateProgram.Sponsor.FEDERAL,
    summary=(
        "The paperwork a homeowner needs to claim the 25C energy efficient home "
        "improvement credit: qualifying equipment by efficiency tier, manufacturer, model "
        "and serial, the AHRI / manufacturer certification, a paid itemized invoice, "
        "within the tax year."
    ),
    measures=(
        {
            "name": "Heat pump, SEER2 ≥ 16 (credit up to $2,000)",
            "equipment_type": "Heat Pump",
            "rating": "SEER2",
            "minimum": "16",
            "amount": "2000",
            "basis": PER_JOB,
        },
        {
            "name": "Heat pump water heater, UEF ≥ 3.3 (credit up to $2,000)",
            "equipment_type": "Heat Pump Water Heater",
            "rating": "UEF",
            "minimum": "3.3",
            "amount": "2000",
            "basis": PER_JOB,
        },
        {
            "name": "Gas furnace, AFUE ≥ 97 (credit up to $600)",
            "equipment_type": "Furnace",
            "rating": "AFUE",
            "minimum": "97",
            "amount": "600",
        },
        {
            "name": "Central air conditioner, SEER2 ≥ 16 (credit up to $600)",
            "equipment_type": "Air Conditioner",
            "rating": "SEER2",
            "minimum": "16",
            "amount": "600",
        },
    ),
    requirements=(
        _r(Req.CUSTOMER_NAME, "Taxpayer (customer) name"),
        _r(Req.CUSTOMER_EMAIL, "Customer e-mail address", severity=WARNING),
        _r(Req.INSTALL_ADDRESS, "Address of the main home"),
        _r(Req.INSTALL_DATE, "Date placed in service"),
        *_EQUIPMENT,
        _r(Req.EFFICIENCY_RATINGS, "Efficiency rating of each unit", pattern="SEER2, AFUE, UEF"),
        _r(Req.ITEMIZED_INVOICE, "Itemized invoice"),
        _r(Req.CERTIFICATE, "Manufacturer / AHRI certification statement", pattern="*ahri*"),
        _r(
            Req.DOCUMENT,
            "Signed customer proposal",
            pattern="signed-proposal*",
            severity=WARNING,
        ),
    ),
    checks=(
        _c(Check.INSTALL_WINDOW, "Placed in service in the tax year"),
        _c(Check.MEASURE_MATCHED, "Something installed qualifies for the credit"),
        _c(Check.INVOICE_PAID, "Invoice paid in full"),
        _c(Check.INVOICE_TOTALS, "Invoice total matches its items", tolerance="0.01"),
        _c(
            Check.ONE_PER_ADDRESS,
            "One claim per home per tax year",
            period_months=12,
            severity=WARNING,
        ),
    ),
    kickback_reasons=(
        ("CERT", "Manufacturer certification statement missing"),
        ("TIER", "Equipment does not meet the efficiency tier"),
        ("INVOICE", "Invoice not itemized or not paid"),
        ("DATE", "Placed in service outside the tax year"),
    ),
)

EXAMPLES: dict[str, ExampleProgram] = {
    example.key: example for example in (UTILITY_HEAT_PUMP, STATE_WEATHERIZATION, FEDERAL_25C)
}
