"""Example bulk sheet mappings shipped with AutoFile, keyed by example program.

Like the example programs (autofile/packets/examples.py) they show how real programs'
uploads are shaped and are nobody's current template: an admin checks every header
against the program's own bulk upload template before filing with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from autofile.filing.models import DateFormat, SheetField

F = SheetField


@dataclass(frozen=True)
class ExampleColumn:
    header: str
    field: str
    unit: int | None = None
    value: str = ""


@dataclass(frozen=True)
class ExampleMapping:
    key: str
    name: str
    source: str
    date_format: str
    columns: tuple[ExampleColumn, ...]


C = ExampleColumn

STATEWIDE_BULK_CLAIM = ExampleMapping(
    key="statewide_bulk_claim",
    name="EXAMPLE — statewide heat pump program's bulk claim upload",
    source=(
        "Shaped like the bulk claim spreadsheets statewide heat pump programs take from "
        "enrolled contractors (TECH Clean California's portal asks for the contractor's "
        "enrollment, the customer's site, the installed make/model and the incentive; "
        "tech.freshdesk.com). Not any program's current template."
    ),
    date_format=DateFormat.US,
    columns=(
        C("Contractor Enrollment ID", F.CONTRACTOR_ENROLLMENT),
        C("Contractor Project ID", F.JOB_NUMBER),
        C("Submission Batch", F.BATCH_REFERENCE),
        C("Customer First Name", F.CUSTOMER_FIRST_NAME),
        C("Customer Last Name", F.CUSTOMER_LAST_NAME),
        C("Customer Phone", F.CUSTOMER_PHONE),
        C("Customer Email", F.CUSTOMER_EMAIL),
        C("Site Street Address", F.ADDRESS_STREET),
        C("Site Unit", F.ADDRESS_UNIT),
        C("Site City", F.ADDRESS_CITY),
        C("Site State", F.ADDRESS_STATE),
        C("Site ZIP", F.ADDRESS_ZIP),
        C("Utility Account Number", F.UTILITY_ACCOUNT),
        C("Building Type", F.FIXED, value="Single Family"),
        C("Installation Date", F.INSTALL_DATE),
        C("Measure Quantity", F.UNIT_COUNT),
        C("Outdoor Unit Manufacturer", F.UNIT_MANUFACTURER, 1),
        C("Outdoor Unit Model Number", F.UNIT_MODEL, 1),
        C("Outdoor Unit Serial Number", F.UNIT_SERIAL, 1),
        C("Indoor Unit Model Number", F.UNIT_MODEL, 2),
        C("Indoor Unit Serial Number", F.UNIT_SERIAL, 2),
        C("AHRI Reference Number", F.UNIT_AHRI, 1),
        C("Total Project Cost", F.INVOICE_TOTAL),
        C("Incentive Amount Requested", F.AMOUNT),
    ),
)

#: The mapping a program starts with when none was saved: a plain one for any program.
DEFAULT = ExampleMapping(
    key="default",
    name="AutoFile's plain bulk sheet",
    source="",
    date_format=DateFormat.ISO,
    columns=(
        C("Packet", F.PACKET_ID),
        C("Job number", F.JOB_NUMBER),
        C("Confirmation number", F.CONFIRMATION_NUMBER),
        C("Customer", F.CUSTOMER_NAME),
        C("Address", F.ADDRESS_STREET),
        C("City", F.ADDRESS_CITY),
        C("State", F.ADDRESS_STATE),
        C("ZIP", F.ADDRESS_ZIP),
        C("Utility account", F.UTILITY_ACCOUNT),
        C("Install date", F.INSTALL_DATE),
        C("Unit 1 manufacturer", F.UNIT_MANUFACTURER, 1),
        C("Unit 1 model", F.UNIT_MODEL, 1),
        C("Unit 1 serial", F.UNIT_SERIAL, 1),
        C("Unit 1 AHRI", F.UNIT_AHRI, 1),
        C("Amount", F.AMOUNT),
    ),
)

MAPPINGS = {m.key: m for m in (STATEWIDE_BULK_CLAIM, DEFAULT)}

#: Which example mapping a program copied from an example program starts with.
FOR_EXAMPLE_PROGRAM = {
    "tech_statewide": STATEWIDE_BULK_CLAIM,
    "heehra_state": STATEWIDE_BULK_CLAIM,
}


def mapping_for_example(example_key: str) -> ExampleMapping:
    """The example mapping a program copied from example `example_key` starts with."""
    return FOR_EXAMPLE_PROGRAM.get(example_key, DEFAULT)
