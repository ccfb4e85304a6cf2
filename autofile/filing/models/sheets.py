"""Bulk sheets: the columns of the spreadsheet a program takes for a batch, per program."""

from __future__ import annotations

from django.db import models

from autofile.core.models import OrganizationOwned


class SheetField(models.TextChoices):
    """What a bulk sheet column holds: a named packet field, or a fixed value."""

    FIXED = "fixed", "Fixed value"
    PACKET_ID = "packet_id", "AutoFile packet id"
    JOB_NUMBER = "job_number", "Job number"
    BATCH_REFERENCE = "batch_reference", "Batch reference"
    CONFIRMATION_NUMBER = "confirmation_number", "Confirmation number"
    PROGRAM_NAME = "program_name", "Program name"
    CONTRACTOR_ENROLLMENT = "contractor_enrollment_number", "Contractor enrollment number"
    CUSTOMER_NAME = "customer_name", "Customer name"
    CUSTOMER_FIRST_NAME = "customer_first_name", "Customer first name"
    CUSTOMER_LAST_NAME = "customer_last_name", "Customer last name"
    CUSTOMER_PHONE = "customer_phone", "Customer phone"
    CUSTOMER_EMAIL = "customer_email", "Customer e-mail"
    ADDRESS_STREET = "address_street", "Install address: street"
    ADDRESS_UNIT = "address_unit", "Install address: unit / apartment"
    ADDRESS_CITY = "address_city", "Install address: city"
    ADDRESS_STATE = "address_state", "Install address: state"
    ADDRESS_ZIP = "address_zip", "Install address: ZIP"
    ADDRESS_FULL = "address_full", "Install address: one line"
    UTILITY_ACCOUNT = "utility_account_number", "Utility account number"
    INSTALL_DATE = "install_date", "Install date"
    INVOICE_NUMBER = "invoice_number", "Invoice number"
    INVOICE_TOTAL = "invoice_total", "Invoice total (project cost)"
    AMOUNT = "amount", "Expected incentive amount"
    UNIT_COUNT = "unit_count", "Number of units installed"
    UNIT_TYPE = "unit_type", "Unit n: equipment type"
    UNIT_MANUFACTURER = "unit_manufacturer", "Unit n: manufacturer"
    UNIT_MODEL = "unit_model", "Unit n: model number"
    UNIT_SERIAL = "unit_serial", "Unit n: serial number"
    UNIT_AHRI = "unit_ahri", "Unit n: AHRI reference number"


#: Fields that take a unit number (1 = the job's first unit).
UNIT_FIELDS = frozenset(
    {
        SheetField.UNIT_TYPE,
        SheetField.UNIT_MANUFACTURER,
        SheetField.UNIT_MODEL,
        SheetField.UNIT_SERIAL,
        SheetField.UNIT_AHRI,
    }
)


class DateFormat(models.TextChoices):
    ISO = "iso", "2026-03-31 (ISO)"
    US = "us", "03/31/2026 (US)"


class SheetMapping(OrganizationOwned):
    """A program's bulk sheet: its date format; its columns are SheetColumn rows."""

    program = models.OneToOneField(
        "packets.RebateProgram", on_delete=models.CASCADE, related_name="sheet_mapping"
    )
    date_format = models.CharField(max_length=10, choices=DateFormat.choices, default="iso")
    #: Which shipped example mapping it started from, if any.
    example_key = models.CharField(max_length=50, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Bulk sheet of {self.program}"


class SheetColumn(OrganizationOwned):
    """One column: its header and what it holds."""

    mapping = models.ForeignKey(SheetMapping, on_delete=models.CASCADE, related_name="columns")
    position = models.PositiveSmallIntegerField()
    header = models.CharField(max_length=100)
    field = models.CharField(max_length=40, choices=SheetField.choices)
    #: For unit fields: which unit (1-based).
    unit = models.PositiveSmallIntegerField(null=True, blank=True)
    #: For a fixed value: the text every row holds.
    value = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["mapping", "position", "id"]

    def __str__(self) -> str:
        return self.header
