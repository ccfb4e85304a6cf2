"""Rebate programs: who pays, for which measures, what a packet must hold, who qualifies.

A program is configured as rows an admin edits, never as free text: the measures it pays
for (and how much), the requirements a packet must meet (fields and documents), the
eligibility checks, and the kickback reasons the sponsor uses when it sends a packet back.
"""

from __future__ import annotations

import string

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models

from autofile.core.models import OrganizationOwned


class Severity(models.TextChoices):
    """How much a failed requirement or check weighs: errors block "ready"."""

    ERROR = "error", "Error"
    WARNING = "warning", "Warning"


#: What a program's document naming pattern may use, and what each stands for.
DOCUMENT_NAME_FIELDS = {
    "job_number": "the job number",
    "packet_id": "AutoFile's packet number",
    "program": "the program's name",
    "customer": "the customer's name",
    "invoice_number": "the invoice number",
    "confirmation_number": "the program's confirmation number",
    "document": "the document (file name without extension; the filing PDF is “packet”)",
    "kind": "the document's kind (packet, photo, certificate, signed_form, ...)",
    "n": "the document's position in the packet (1, 2, ...)",
}
DEFAULT_DOCUMENT_NAME_PATTERN = "{job_number}_{document}.pdf"


def validate_document_name_pattern(value: str) -> None:
    """A naming pattern names each file apart ({document} or {n}), uses known fields
    only and makes a file name, not a path."""
    try:
        parsed = list(string.Formatter().parse(value))
    except ValueError as exc:
        raise ValidationError(f"The pattern is not valid: {exc}.") from exc
    names = [name for _, name, _, _ in parsed if name is not None]
    unknown = sorted({n for n in names if n not in DOCUMENT_NAME_FIELDS})
    if unknown:
        known = ", ".join("{" + n + "}" for n in DOCUMENT_NAME_FIELDS)
        raise ValidationError(
            f"Unknown field {', '.join('{' + n + '}' for n in unknown)}; use {known}."
        )
    if any(spec or conversion for _, name, spec, conversion in parsed if name is not None):
        raise ValidationError("Write fields plainly, e.g. {job_number}, without formats.")
    if "document" not in names and "n" not in names:
        raise ValidationError("Include {document} or {n} so that each file gets its own name.")
    if "/" in value or "\\" in value or value.strip().startswith("."):
        raise ValidationError("A file name cannot contain / or \\ or start with a dot.")


class RebateProgram(OrganizationOwned):
    """A rebate a contractor files for, e.g. a utility's residential heat-pump rebate."""

    class Sponsor(models.TextChoices):
        UTILITY = "utility", "Utility"
        STATE = "state", "State"
        FEDERAL = "federal", "Federal"

    name = models.CharField(max_length=200)
    sponsor = models.CharField(max_length=200, help_text="Who pays, e.g. Oncor")
    sponsor_type = models.CharField(max_length=20, choices=Sponsor.choices)
    description = models.TextField(blank=True)
    starts_on = models.DateField(
        null=True, blank=True, help_text="First install date the program pays for"
    )
    ends_on = models.DateField(
        null=True, blank=True, help_text="Last install date the program pays for"
    )
    submission_deadline_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Days after the install by which the filing is due"
    )
    # limits
    cap_percent_of_cost = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The incentive may not exceed this percent of the project cost (invoice total)",
    )
    max_units_per_household = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="At most this many units are paid per household"
    )
    incentive_line_required = models.BooleanField(
        default=False,
        help_text="The invoice must show the incentive as its own (negative) line",
    )
    # before the install
    preapproval_required = models.BooleanField(
        default=False,
        help_text="A reservation / pre-approval must be issued before the install and not expire",
    )
    income_tiers = models.BooleanField(
        default=False,
        help_text="Amounts depend on the household's income tier (IRA-style programs)",
    )
    # the contractor
    contractor_enrollment_number = models.CharField(
        max_length=100, blank=True, help_text="The contractor's enrollment / participation number"
    )
    contractor_enrollment_expires_on = models.DateField(
        null=True, blank=True, help_text="When the contractor's enrollment must be renewed"
    )
    source = models.TextField(
        blank=True, help_text="Where the rules come from (program manual, web page)"
    )
    document_name_pattern = models.CharField(
        max_length=200,
        default=DEFAULT_DOCUMENT_NAME_PATTERN,
        db_default=DEFAULT_DOCUMENT_NAME_PATTERN,
        validators=[validate_document_name_pattern],
        help_text=(
            "How files are named in the packet's ZIP, e.g. {job_number}_{document}.pdf; "
            "fields: {job_number}, {packet_id}, {program}, {customer}, {invoice_number}, "
            "{confirmation_number}, {document}, {kind}, {n}. Files other than PDFs keep "
            "their own extension."
        ),
    )
    example_key = models.CharField(
        max_length=50,
        blank=True,
        editable=False,
        help_text="The shipped example this program was copied from, if any",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_program_name")
        ]

    def __str__(self) -> str:
        return self.name


class IncomeTier(models.TextChoices):
    """A household's income against the area median (AMI), as IRA home rebates tier it."""

    LOW = "low", "Below 80 % of area median income"
    MODERATE = "moderate", "80 to 150 % of area median income"
    ABOVE = "above", "Above 150 % of area median income"


class ProgramMeasure(OrganizationOwned):
    """Something the program pays for, and how much: "Ducted heat pump ≥ SEER2 16: $500".

    A unit installed on the job counts for the measure when its equipment type matches
    (or, if SKUs are listed, its pricebook SKU is one of them) and, when a rating is named,
    its pricebook rating reaches the minimum.
    """

    class Basis(models.TextChoices):
        PER_UNIT = "per_unit", "Per unit installed"
        PER_JOB = "per_job", "Once per job"

    program = models.ForeignKey(RebateProgram, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=200)
    equipment_type = models.CharField(
        max_length=200, blank=True, help_text="Installed equipment type, e.g. Heat Pump"
    )
    sku_ids = ArrayField(
        models.BigIntegerField(),
        default=list,
        blank=True,
        help_text="Pricebook equipment SKUs (ServiceTitan ids) that qualify; empty: any",
    )
    rating = models.CharField(max_length=30, blank=True, help_text="e.g. SEER2, HSPF2, AFUE, UEF")
    minimum = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    basis = models.CharField(max_length=20, choices=Basis.choices, default=Basis.PER_UNIT)
    income_tier = models.CharField(
        max_length=20,
        choices=IncomeTier.choices,
        blank=True,
        help_text="Only for households of this income tier; empty: any",
    )
    max_percent_of_cost = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="This measure pays at most this percent of the project cost",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["program", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name}: ${self.amount}"


class ProgramRequirement(OrganizationOwned):
    """A field or document a packet must have; one row per requirement, in order."""

    class Kind(models.TextChoices):
        # fields
        CUSTOMER_NAME = "customer_name", "Customer name"
        CUSTOMER_PHONE = "customer_phone", "Customer phone number"
        CUSTOMER_EMAIL = "customer_email", "Customer e-mail address"
        INSTALL_ADDRESS = "install_address", "Install address"
        UTILITY_ACCOUNT = "utility_account_number", "Utility account number"
        INSTALL_DATE = "install_date", "Install date"
        EQUIPMENT_MANUFACTURER = "equipment_manufacturer", "Equipment manufacturer (each unit)"
        EQUIPMENT_MODEL = "equipment_model", "Equipment model number (each unit)"
        EQUIPMENT_SERIAL = "equipment_serial", "Equipment serial number (each unit)"
        EFFICIENCY_RATINGS = "efficiency_ratings", "Efficiency ratings (each unit)"
        ITEMIZED_INVOICE = "itemized_invoice", "Itemized invoice"
        JOB_FIELD = "job_field", "Job custom field"
        CONTRACTOR_ENROLLMENT = (
            "contractor_enrollment",
            "Contractor enrollment number (current)",
        )
        # documents
        PHOTO = "photo", "Photos"
        FORM = "form", "Completed form"
        CERTIFICATE = "certificate", "Certificate"
        DOCUMENT = "document", "Other document"

    FIELD_KINDS = frozenset(
        {
            Kind.CUSTOMER_NAME,
            Kind.CUSTOMER_PHONE,
            Kind.CUSTOMER_EMAIL,
            Kind.INSTALL_ADDRESS,
            Kind.UTILITY_ACCOUNT,
            Kind.INSTALL_DATE,
            Kind.EQUIPMENT_MANUFACTURER,
            Kind.EQUIPMENT_MODEL,
            Kind.EQUIPMENT_SERIAL,
            Kind.EFFICIENCY_RATINGS,
            Kind.ITEMIZED_INVOICE,
            Kind.JOB_FIELD,
            Kind.CONTRACTOR_ENROLLMENT,
        }
    )

    program = models.ForeignKey(
        RebateProgram, on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    label = models.CharField(max_length=200, help_text="What the reviewer sees")
    pattern = models.CharField(
        max_length=200,
        blank=True,
        help_text=(
            "Documents: file or form names to look for, comma-separated, * as wildcard "
            "(e.g. nameplate-*, *ahri*). Custom fields: the field's name. "
            "Efficiency ratings: the ratings needed, e.g. SEER2, HSPF2."
        ),
    )
    equipment_type = models.CharField(
        max_length=200, blank=True, help_text="Only units of this type (e.g. Heat Pump)"
    )
    min_count = models.PositiveSmallIntegerField(default=1)
    per_unit = models.BooleanField(
        default=False, help_text="Documents: at least this many for each unit installed"
    )
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.ERROR)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["program", "position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def is_document(self) -> bool:
        return self.kind not in self.FIELD_KINDS


class EligibilityCheck(OrganizationOwned):
    """A rule a packet must pass to qualify; its parameters depend on its kind."""

    class Kind(models.TextChoices):
        MIN_RATING = "min_rating", "Minimum efficiency rating"
        INSTALL_WINDOW = "install_window", "Install date inside the program window"
        ONE_PER_ADDRESS = "one_per_address", "One filing per address per period"
        INVOICE_PAID = "invoice_paid", "Invoice paid in full"
        INVOICE_TOTALS = "invoice_totals", "Invoice total matches its items"
        MEASURE_MATCHED = "measure_matched", "Something installed qualifies for a measure"
        EQUIPMENT_CONSISTENT = (
            "equipment_consistent",
            "Model and serial numbers agree across invoice, equipment, estimate, form and "
            "certificate",
        )
        CUSTOMER_CONSISTENT = (
            "customer_consistent",
            "Customer name and install address agree across invoice, customer and location",
        )
        CERTIFIED = (
            "certified",
            "Equipment is certified (ENERGY STAR list) and the AHRI number matches the pair",
        )

    program = models.ForeignKey(RebateProgram, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    label = models.CharField(max_length=200, blank=True)
    rating = models.CharField(max_length=30, blank=True, help_text="min_rating: e.g. SEER2")
    minimum = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, help_text="min_rating"
    )
    equipment_type = models.CharField(
        max_length=200, blank=True, help_text="min_rating: only units of this type"
    )
    period_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="one_per_address: the period, in months"
    )
    count_service_agreements = models.BooleanField(
        default=False,
        help_text=(
            "one_per_address: a service agreement at the address that started inside "
            "the period counts as an earlier filing"
        ),
    )
    tolerance = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=0,
        help_text="invoice_totals / invoice_paid: amounts may differ by this much",
    )
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.ERROR)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["program", "position", "id"]

    def __str__(self) -> str:
        return self.label or self.get_kind_display()


class KickbackReason(OrganizationOwned):
    """Why a sponsor sends a packet back (code as the sponsor writes it, and a label)."""

    program = models.ForeignKey(
        RebateProgram, on_delete=models.CASCADE, related_name="kickback_reasons"
    )
    code = models.CharField(max_length=50)
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["program", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="unique_kickback_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"
