"""EXAMPLE rebate programs AutoFile ships, for an admin to copy and adapt.

Five examples modelled on published programs (each names its source in `source`): a
utility heat pump rebate (Xcel Energy Colorado-style), a statewide program (TECH Clean
California-style), a Mass Save-style heat pump rebate, an IRA HEEHRA-style state program with
income tiers, and a heat pump water heater rebate. They show how real programs are shaped
and why they send packets back; they are NOT the sponsors' current terms: amounts, ratings,
windows, deadlines and documents must be checked against the sponsor's program manual before
filing. Every copied program's name starts with "EXAMPLE" until the admin renames it.

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
    #: Where the rules come from (program pages, manuals, help-centre articles).
    source: str = ""
    #: The program's own rules (RebateProgram fields: deadline, caps, pre-approval, …).
    rules: dict[str, Any] = field(default_factory=dict)


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

_CONSISTENT = (
    _c(
        Check.EQUIPMENT_CONSISTENT,
        "Model and serial numbers agree on invoice, equipment, estimate, form, certificate",
    ),
    _c(
        Check.CUSTOMER_CONSISTENT,
        "Customer name and install address agree on invoice, customer and location",
    ),
)
_CERTIFIED = _c(
    Check.CERTIFIED, "Equipment is ENERGY STAR certified and the AHRI number matches the pair"
)
_PAID = (
    _c(Check.INVOICE_PAID, "Invoice paid in full"),
    _c(Check.INVOICE_TOTALS, "Invoice total matches its items", tolerance="0.01"),
)
_MISMATCH_REASONS = (
    ("MODEL", "Model number differs from the proof of purchase (invoice)"),
    ("ADDRESS", "Install address or customer name differs from the application"),
)

UTILITY_HEAT_PUMP = ExampleProgram(
    key="utility_heat_pump",
    name="EXAMPLE — Utility residential heat pump rebate (Xcel Energy-style)",
    sponsor="Xcel Energy (example)",
    sponsor_type=RebateProgram.Sponsor.UTILITY,
    summary=(
        "A utility's residential heat pump rebate in the shape of Xcel Energy Colorado's: "
        "ducted heat pumps at Tier 1 (SEER2 ≥ 15.2, EER2 ≥ 11.7, HSPF2 ≥ 7.8) or Tier 2 cold "
        "climate (SEER2 ≥ 18), ratings from the AHRI certificate, the utility account number, "
        "nameplate photos, an itemized paid invoice whose models match the application, filed "
        "by the program's deadline. The program pays per ton from the Tier 1 floor; this "
        "example pays per unit from SEER2 16."
    ),
    source=(
        "Xcel Energy Colorado residential heat pump rebate pages (via contractor sites): Tier 1 "
        "and Tier 2 cold-climate ratings, registered contractors for ducted tiers, "
        "applications whose invoice does not match are not processed; older Xcel terms: "
        "postmarked by July 31 of the year after install (set the deadline to your terms)."
    ),
    measures=(
        {
            "name": "Tier 2 cold-climate ducted heat pump, SEER2 ≥ 18",
            "equipment_type": "Heat Pump",
            "rating": "SEER2",
            "minimum": "18",
            "amount": "800",
        },
        {
            "name": "Tier 1 ducted heat pump, SEER2 ≥ 16",
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
            "Utility account number (on the customer's bill)",
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
            "Tier 1: SEER2 at least 15.2",
            rating="SEER2",
            minimum="15.2",
            equipment_type="Heat Pump",
        ),
        _c(
            Check.MIN_RATING,
            "Tier 1: HSPF2 at least 7.8",
            rating="HSPF2",
            minimum="7.8",
            equipment_type="Heat Pump",
        ),
        _c(Check.INSTALL_WINDOW, "Installed inside the program year"),
        _c(Check.ONE_PER_ADDRESS, "One rebate per premise every 36 months", period_months=36),
        *_PAID,
        _c(Check.MEASURE_MATCHED, "Something installed qualifies for a measure"),
        *_CONSISTENT,
        _CERTIFIED,
    ),
    kickback_reasons=(
        *_MISMATCH_REASONS,
        ("NOMATCH", "Invoice information does not match the application: not processed"),
        ("AHRI", "AHRI certificate missing or does not match the installed system"),
        ("TIER", "Equipment below the tier's SEER2 / EER2 / HSPF2"),
        ("NAMEPLATE", "Nameplate photo missing or illegible"),
        ("ACCOUNT", "Utility account number missing or not at this premise"),
        ("INVOICE", "Invoice not itemized or not paid in full"),
        ("DUPLICATE", "Premise already received a rebate in the period"),
        ("LATE", "Filed after the deadline"),
    ),
)

TECH_STATEWIDE = ExampleProgram(
    key="tech_statewide",
    name="EXAMPLE — Statewide heat pump incentive (TECH Clean California-style)",
    sponsor="State heat pump initiative (example)",
    sponsor_type=RebateProgram.Sponsor.STATE,
    summary=(
        "A statewide single-family heat pump incentive in the shape of TECH Clean "
        "California's: enrolled contractors only, a reservation before the install (held 90 "
        "days), the incentive on the itemized invoice as its own line and passed fully to the "
        "customer, at most 2 outdoor units per dwelling, never more than the project cost; "
        "pre- and post-install photos, the permit and the HERS CF-3R in the first submission."
    ),
    source=(
        "TECH Clean California help centre, tech.freshdesk.com articles 69000809383, "
        "69000809911, 69000818128; switchison.org (desktop review: missing photos, permit, "
        'CF-3R and customer terms are the usual returns; "Pending user input" claims keep '
        "their place when resubmitted)."
    ),
    rules={
        "preapproval_required": True,
        "incentive_line_required": True,
        "max_units_per_household": 2,
        "cap_percent_of_cost": "100",
    },
    measures=(
        {
            "name": "Heat pump HVAC replacing a non-heat-pump system, per outdoor unit",
            "equipment_type": "Heat Pump",
            "amount": "3000",
        },
        {
            "name": "Ductless heat pump, per outdoor unit",
            "equipment_type": "Ductless Mini-Split",
            "amount": "3000",
        },
    ),
    requirements=(
        _r(Req.CONTRACTOR_ENROLLMENT, "Enrolled trade professional (signed agreement)"),
        *_CONTACT_AND_PLACE,
        *_EQUIPMENT,
        _r(Req.ITEMIZED_INVOICE, "Itemized invoice with site info and make/model"),
        _r(Req.PHOTO, "Pre-install photo of the old system's fuel source", pattern="pre-install*"),
        _r(
            Req.PHOTO,
            "Post-install nameplate photo (new serial) of each unit",
            pattern="nameplate-*",
            per_unit=True,
        ),
        _r(Req.DOCUMENT, "Building permit", pattern="permit-*"),
        _r(Req.DOCUMENT, "HERS CF-3R", pattern="*cf-3r*,*cf3r*"),
        _r(Req.DOCUMENT, "Signed customer terms exhibit", pattern="*customer-terms*,signed-*"),
    ),
    checks=(
        _c(Check.INSTALL_WINDOW, "Installed while the program is open"),
        _c(Check.MEASURE_MATCHED, "A heat pump replaces the old system"),
        *_PAID,
        *_CONSISTENT,
        _c(Check.CERTIFIED, "On the qualified product list (matched system)"),
    ),
    kickback_reasons=(
        ("PUI", "Pending user input: information missing, resubmit to keep the claim's place"),
        ("PHOTOS", "Pre- or post-install photos missing (old fuel source, new serial)"),
        ("PERMIT", "Permit number or permit missing"),
        ("CF3R", "HERS CF-3R missing"),
        ("TERMS", "Customer terms exhibit not signed"),
        ("INCENTIVE", "Incentive not shown on the invoice or not passed to the customer"),
        ("RESERVATION", "No reservation, or the reservation expired before the install"),
        *_MISMATCH_REASONS,
        ("QPL", "Equipment not on the qualified product list"),
    ),
)

MASS_SAVE = ExampleProgram(
    key="mass_save_heat_pump",
    name="EXAMPLE — Heat pump rebate (Mass Save-style)",
    sponsor="Massachusetts utilities (example)",
    sponsor_type=RebateProgram.Sponsor.UTILITY,
    summary=(
        "A heat pump rebate in the shape of Mass Save's: installers in the Heat Pump Installer "
        "Network (re-enrolled every year), an invoice with make, coil and condenser models, "
        "install date, address and total cost, the Manual J, the AHRI certificate, a recent "
        "utility bill; whole-home and partial-home tiers."
    ),
    source=(
        "Mass Save heat pump installer participation agreement and rebate forms: network "
        "membership (W-9, license, $1M liability certificate, EPA 608, training), invoice "
        "contents, Manual J, AHRI number per unit, recent utility bill; whole-home and "
        "per-ton partial tiers, integrated controls for partial."
    ),
    measures=(
        {
            "name": "Whole-home heat pump system",
            "equipment_type": "Heat Pump",
            "amount": "10000",
            "basis": PER_JOB,
        },
        {
            "name": "Partial-home ductless heat pump, per head",
            "equipment_type": "Ductless Mini-Split",
            "amount": "1250",
        },
        {"name": "Duct sealing with the heat pump", "sku_codes": ["SVC-DUCTSEAL"], "amount": "300"},
        {
            "name": "Home energy assessment",
            "sku_codes": ["SVC-AUDIT"],
            "amount": "0",
            "basis": PER_JOB,
        },
    ),
    requirements=(
        _r(Req.CONTRACTOR_ENROLLMENT, "Heat Pump Installer Network member (this year)"),
        *_CONTACT_AND_PLACE,
        _r(
            Req.UTILITY_ACCOUNT, "Electric utility account number", pattern="Utility Account Number"
        ),
        *_EQUIPMENT,
        _r(Req.ITEMIZED_INVOICE, "Invoice: make, coil and condenser models, total cost"),
        _r(Req.CERTIFICATE, "AHRI certificate of each system", pattern="*ahri*"),
        _r(Req.DOCUMENT, "Manual J load calculation", pattern="*manual-j*,*manualj*"),
        _r(Req.DOCUMENT, "Recent utility bill", pattern="*utility-bill*,*bill*"),
    ),
    checks=(
        _c(Check.INSTALL_WINDOW, "Installed in the program year"),
        _c(Check.MEASURE_MATCHED, "A qualifying heat pump system"),
        *_PAID,
        *_CONSISTENT,
        _CERTIFIED,
        _c(
            Check.MIN_RATING,
            "Heat pumps: HSPF2 at least 8.1",
            rating="HSPF2",
            minimum="8.1",
            equipment_type="Heat Pump",
            severity=WARNING,
        ),
    ),
    kickback_reasons=(
        ("NETWORK", "Installer not in the Heat Pump Installer Network this year"),
        ("MANUALJ", "Manual J missing"),
        ("AHRI", "AHRI certificate or AHRI number per unit missing"),
        ("BILL", "Recent utility bill missing"),
        ("INVOICE", "Invoice lacks models, install date, address or total cost"),
        *_MISMATCH_REASONS,
        ("CONTROLS", "Partial-home system without integrated controls"),
    ),
)

HEEHRA_STATE = ExampleProgram(
    key="heehra_state",
    name="EXAMPLE — IRA home electrification rebate (HEEHRA-style state program)",
    sponsor="State energy office, IRA funds (example)",
    sponsor_type=RebateProgram.Sponsor.FEDERAL,
    summary=(
        "An Inflation Reduction Act home electrification rebate run by a state, in the shape "
        "of California's HEEHRA via TECH: enrolled and trained contractors, the household's "
        "income verified and the project approved before the install; below 80 % of area "
        "median income $8,000 a heat pump, up to 100 % of cost; 80 to 150 % $4,000, up to 50 %; "
        "one unit per household; ENERGY STAR equipment."
    ),
    source=(
        "energy.ca.gov IRA home energy rebates FAQ (HEEHRA via TECH: income tiers, amounts, "
        "caps, one unit per household, ENERGY STAR 2-stage or variable); other states' HEAR "
        "programs: two-step pre-approval (income, then project), installing before approval "
        "is the top denial, the contractor's name on the invoice must match the enrollment."
    ),
    rules={
        "income_tiers": True,
        "preapproval_required": True,
        "max_units_per_household": 1,
    },
    measures=(
        {
            "name": "Heat pump, household below 80 % AMI",
            "equipment_type": "Heat Pump",
            "amount": "8000",
            "income_tier": "low",
            "max_percent_of_cost": "100",
        },
        {
            "name": "Heat pump, household at 80 to 150 % AMI",
            "equipment_type": "Heat Pump",
            "amount": "4000",
            "income_tier": "moderate",
            "max_percent_of_cost": "50",
        },
    ),
    requirements=(
        _r(Req.CONTRACTOR_ENROLLMENT, "Contractor enrolled and trained for the program"),
        _r(Req.CUSTOMER_NAME, "Client name as enrolled (first and last)"),
        _r(Req.CUSTOMER_PHONE, "Client phone number"),
        _r(Req.CUSTOMER_EMAIL, "Client e-mail address"),
        _r(Req.INSTALL_ADDRESS, "Install address as enrolled"),
        _r(Req.INSTALL_DATE, "Install date (after the approval)"),
        *_EQUIPMENT,
        _r(Req.ITEMIZED_INVOICE, "Invoice: equipment apart from labour, amount paid"),
        _r(Req.CERTIFICATE, "AHRI matched-system certificate", pattern="*ahri*"),
        _r(
            Req.DOCUMENT,
            "Income verification",
            pattern="*income*",
            severity=WARNING,
        ),
    ),
    checks=(
        _c(Check.INSTALL_WINDOW, "Installed while the program is open"),
        _c(Check.MEASURE_MATCHED, "A heat pump for the household's income tier"),
        _c(Check.ONE_PER_ADDRESS, "One rebate per household", period_months=120),
        *_PAID,
        *_CONSISTENT,
        _c(Check.CERTIFIED, "ENERGY STAR certified matched system"),
    ),
    kickback_reasons=(
        ("PREAPPROVAL", "Installed before the project was approved"),
        ("INCOME", "Income not verified, or above 150 % of area median income"),
        ("ENROLLMENT", "Contractor name or license differs from the enrollment"),
        *_MISMATCH_REASONS,
        ("AHRI", "AHRI matched-system number missing or wrong"),
        ("PRODUCT", "Equipment not ENERGY STAR / not 2-stage or variable"),
        ("HOUSEHOLD", "Household already received a heat pump rebate"),
    ),
)

HEAT_PUMP_WATER_HEATER = ExampleProgram(
    key="heat_pump_water_heater",
    name="EXAMPLE — Heat pump water heater rebate",
    sponsor="Electric utility (example)",
    sponsor_type=RebateProgram.Sponsor.UTILITY,
    summary=(
        "A utility's heat pump water heater rebate in the shape of the Mass Save water heater "
        "form: an ENERGY STAR heat pump water heater (UEF ≥ 3.3), manufacturer, model and "
        "serial, the paid itemized invoice, the utility account number, a nameplate photo; "
        "filed within a set time after the install."
    ),
    source=(
        "Mass Save water heating rebate form (2021): filing by January 31 of the year after "
        "install (here 90 days after it), proof of purchase, model and serial; ENERGY STAR "
        "heat pump water heater criteria (data.energystar.gov v7jr-74b4)."
    ),
    rules={"submission_deadline_days": 90},
    measures=(
        {
            "name": "Heat pump water heater, UEF ≥ 3.3",
            "equipment_type": "Heat Pump Water Heater",
            "rating": "UEF",
            "minimum": "3.3",
            "amount": "750",
        },
    ),
    requirements=(
        *_CONTACT_AND_PLACE,
        _r(Req.UTILITY_ACCOUNT, "Utility account number", pattern="Utility Account Number"),
        *_EQUIPMENT,
        _r(
            Req.EFFICIENCY_RATINGS,
            "UEF of the water heater",
            pattern="UEF",
            equipment_type="Heat Pump Water Heater",
        ),
        _r(Req.ITEMIZED_INVOICE, "Itemized invoice (proof of purchase)"),
        _r(
            Req.PHOTO,
            "Nameplate photo of the water heater",
            pattern="nameplate-hpwh*",
            equipment_type="Heat Pump Water Heater",
        ),
        _r(Req.FORM, "Water heater install checklist", pattern="*Water Heater*", severity=WARNING),
    ),
    checks=(
        _c(
            Check.MIN_RATING,
            "UEF at least 3.3",
            rating="UEF",
            minimum="3.3",
            equipment_type="Heat Pump Water Heater",
        ),
        _c(Check.INSTALL_WINDOW, "Installed inside the program year"),
        _c(Check.MEASURE_MATCHED, "A qualifying heat pump water heater"),
        _c(Check.ONE_PER_ADDRESS, "One water heater rebate per home a year", period_months=12),
        *_PAID,
        *_CONSISTENT,
        _CERTIFIED,
    ),
    kickback_reasons=(
        ("PROOF", "Proof of purchase missing (a quote is not proof of purchase)"),
        ("UEF", "Water heater not ENERGY STAR or below UEF 3.3"),
        *_MISMATCH_REASONS,
        ("LATE", "Filed after the deadline"),
        ("ACCOUNT", "Utility account number missing"),
    ),
)

EXAMPLES: dict[str, ExampleProgram] = {
    example.key: example
    for example in (
        UTILITY_HEAT_PUMP,
        TECH_STATEWIDE,
        MASS_SAVE,
        HEEHRA_STATE,
        HEAT_PUMP_WATER_HEATER,
    )
}
