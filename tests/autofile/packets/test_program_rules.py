"""The program's own rules on real-looking packets: filing deadline, caps, the incentive as its
own invoice line, pre-approval before the install, income tiers, contractor enrollment.

Each rule in both directions: the `complete` packet (test_validation's) passes, breaking the
rule earns a finding that says what to do, and the estimate follows the caps.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from autofile.accounts.models import Organization
from autofile.mirror.models import Connection, InstalledEquipment, Invoice, InvoiceItem, Job
from autofile.packets.models import IncomeTier, Packet, PacketStatus, ProgramMeasure
from autofile.packets.selectors import packet_bundle
from autofile.packets.services import (
    measure_create,
    measure_update,
    packet_validate,
    program_update,
    requirement_create,
)
from autofile.packets.services.dates import packets_set_dates
from autofile.packets.services.validation import project_cost
from tests.autofile.packets import test_validation
from tests.autofile.packets.conftest import Filed
from tests.autofile.packets.test_validation import codes, the
from tests.factories import JobFactory

#: The packet that meets every requirement and check of the EXAMPLE utility program.
complete = test_validation.complete


def install_day(filed: Filed) -> dt.date:
    assert filed.job.completed_on is not None
    return timezone.localtime(filed.job.completed_on).date()


def estimate(packet: Packet) -> Decimal | None:
    packet_validate(packet=packet)
    packet.refresh_from_db()
    return packet.estimated_amount


def the_invoice(filed: Filed) -> Invoice:
    return Invoice.objects.get(connection_id=filed.job.connection_id, job_st_id=filed.job.st_id)


def cost_of(filed: Filed) -> Decimal:
    bundle = packet_bundle(organization=filed.packet.organization, packet_id=filed.packet.pk)
    assert bundle is not None
    cost = project_cost(bundle)
    assert cost is not None
    return cost


# --- the filing deadline


def test_the_deadline_is_kept_on_the_packet_and_a_late_filing_is_an_error(
    complete: Filed,
) -> None:
    packet, program = complete.packet, complete.program
    installed = install_day(complete)
    late = (timezone.localdate() - installed).days  # days since the install
    program_update(program=program, submission_deadline_days=late + 30)
    assert codes(packet) == []
    packet.refresh_from_db()
    assert packet.installed_on == installed
    assert packet.due_on == installed + dt.timedelta(days=late + 30)

    program_update(program=program, submission_deadline_days=late - 5)
    # The deadline moved: the stored due date follows at once, before any validation.
    packet.refresh_from_db()
    assert packet.due_on == installed + dt.timedelta(days=late - 5)
    finding = the(packet, "filing_past_deadline")
    due = installed + dt.timedelta(days=late - 5)
    assert finding.severity == "error"
    assert finding.message.startswith(
        f"The filing was due {due:%b} {due.day}, {due.year}, {late - 5} days after the install"
    )
    assert "it is 5 days late" in finding.message
    assert "withdraw the packet" in finding.message

    program_update(program=program, submission_deadline_days=None)
    assert codes(packet) == []
    packet.refresh_from_db()
    assert packet.due_on is None


def test_dates_follow_the_job_set_wise_for_every_packet_of_it(
    complete: Filed, organization: Organization, tenant: Connection
) -> None:
    program_update(program=complete.program, submission_deadline_days=90)
    other = JobFactory.create(connection=tenant, completed_on=None, job_status="InProgress")
    waiting = Packet.objects.create(
        organization=organization, job=other, program=complete.program, status=PacketStatus.NEW
    )
    filed = complete.packet
    Packet.objects.filter(pk=filed.pk).update(status=PacketStatus.SUBMITTED)
    moved = timezone.now() - dt.timedelta(days=10)
    Job.objects.filter(pk__in=[complete.job.pk, other.pk]).update(completed_on=moved)

    assert packets_set_dates(job_ids=[complete.job.pk, other.pk]) == 2
    day = timezone.localtime(moved).date()
    for packet in (filed, waiting):
        packet.refresh_from_db()
        assert (packet.installed_on, packet.due_on) == (day, day + dt.timedelta(days=90))
    assert packets_set_dates(job_ids=[complete.job.pk, other.pk]) == 0  # nothing changed
    # A job not completed keeps the install date it had.
    Job.objects.filter(pk=other.pk).update(completed_on=None)
    packets_set_dates(packet_ids=[waiting.pk])
    waiting.refresh_from_db()
    assert waiting.installed_on == day


# --- caps


def test_a_percent_of_cost_cap_limits_the_estimate_and_says_so(complete: Filed) -> None:
    packet, program = complete.packet, complete.program
    full = estimate(packet)
    assert full is not None and full > 0
    cost = cost_of(complete)
    program_update(program=program, cap_percent_of_cost=Decimal("100"))
    assert codes(packet) == []  # the project costs more than the incentive
    assert estimate(packet) == full

    program_update(program=program, cap_percent_of_cost=Decimal("1"))
    limit = (cost / 100).quantize(Decimal("0.01"))
    assert limit < full
    finding = the(packet, "incentive_capped")
    assert finding.severity == "warning"
    assert finding.message == (
        f"{program.name} pays at most 1 % of the project cost (${cost:,.2f}): the estimate "
        f"is ${limit:,.2f} instead of ${full:,.2f}."
    )
    assert estimate(packet) == limit

    with pytest.raises(ValidationError) as error:
        program_update(program=program, cap_percent_of_cost=Decimal("150"))
    assert "cap_percent_of_cost" in error.value.message_dict


def test_a_measure_paying_a_percent_of_cost_at_most(complete: Filed) -> None:
    packet = complete.packet
    full = estimate(packet)
    assert full is not None
    cost = cost_of(complete)
    bundle = packet_bundle(organization=packet.organization, packet_id=packet.pk)
    assert bundle is not None
    paid = ProgramMeasure.objects.filter(program=complete.program, equipment_type="Heat Pump")
    for measure in paid:
        measure_update(measure=measure, max_percent_of_cost=Decimal("2"))
    finding = the(packet, "measure_capped")
    assert "pays at most 2 % of the project cost" in finding.message
    capped = estimate(packet)
    assert capped is not None and capped < full
    assert capped <= (cost * 2 / 100).quantize(Decimal("0.01")) + Decimal(50)  # + a thermostat


def test_units_per_household_count_earlier_packets_at_the_address(
    complete: Filed, organization: Organization, tenant: Connection
) -> None:
    packet, program, job = complete.packet, complete.program, complete.job
    assert job.completed_on is not None
    full = estimate(packet)
    program_update(program=program, max_units_per_household=1)
    assert codes(packet) == []
    assert estimate(packet) == full

    # A second heat pump on this job: only one is paid.
    unit = InstalledEquipment.objects.filter(
        connection=tenant, location_st_id=job.location_st_id, equipment_type="Heat Pump"
    ).first()
    assert unit is not None
    second = InstalledEquipment.objects.get(pk=unit.pk)
    second.pk = None
    second.st_id = unit.st_id + 900_000
    second.invoice_item_st_id = None
    second.serial_number = "SECOND0001"
    second.save()
    capped = the(packet, "household_units_capped")
    assert capped.message == (
        f"{program.name} pays at most 1 unit per household: 1 of the 2 qualifying units on "
        "this job are counted in the estimate."
    )
    assert estimate(packet) == full
    InstalledEquipment.objects.filter(pk=second.pk).delete()

    # An earlier job at the address installed a unit that was filed already.
    earlier_job = JobFactory.create(
        connection=tenant,
        customer=job.customer,
        customer_st_id=job.customer_st_id,
        location=job.location,
        location_st_id=job.location_st_id,
        completed_on=job.completed_on - dt.timedelta(days=1200),  # outside 36 months
    )
    second.pk = None
    second.installed_on = earlier_job.completed_on
    second.save()
    earlier = Packet.objects.create(organization=organization, job=earlier_job, program=program)
    used = the(packet, "household_units_used")
    assert used.severity == "error"
    assert used.message == (
        f"{program.name} pays at most 1 unit per household, and this address already has 1 "
        f"(packets #{earlier.pk}): nothing more can be paid here."
    )
    # Two per household: this job's unit is still paid.
    program_update(program=program, max_units_per_household=2)
    assert codes(packet) == []
    # A withdrawn earlier packet does not count.
    program_update(program=program, max_units_per_household=1)
    Packet.objects.filter(pk=earlier.pk).update(status=PacketStatus.WITHDRAWN)
    assert codes(packet) == []


# --- the incentive as its own invoice line


def test_the_incentive_must_be_its_own_invoice_line(complete: Filed) -> None:
    packet, program = complete.packet, complete.program
    invoice = the_invoice(complete)
    # Start without one (the tenant puts a utility credit line on some invoices).
    InvoiceItem.objects.filter(
        invoice_st_id=invoice.st_id, connection_id=invoice.connection_id, total__lt=0
    ).delete()
    program_update(program=program, incentive_line_required=True)
    amount = estimate(packet)
    assert amount is not None
    missing = the(packet, "incentive_line_missing")
    assert missing.subject == "invoice" and missing.subject_id == invoice.pk
    assert "does not show the incentive as its own line" in missing.message
    assert f"-${amount:,.2f}" in missing.message

    # A discount or a manufacturer's rebate is not the program's incentive.
    template = InvoiceItem.objects.filter(invoice_st_id=invoice.st_id).first()
    assert template is not None
    line = InvoiceItem.objects.get(pk=template.pk)
    line.pk = None
    line.st_id = template.st_id + 900_000
    line.sku_name, line.display_name = "SVC-REBATE-MFR", "Manufacturer Rebate Credit"
    line.description = ""
    line.quantity, line.unit_price, line.total = Decimal(1), Decimal(-300), Decimal(-300)
    line.save()
    assert "incentive_line_missing" in codes(packet)

    # A line for part of it: a warning naming both amounts.
    InvoiceItem.objects.filter(pk=line.pk).update(
        sku_name="SVC-REBATE-UTIL", display_name="Utility Instant Rebate Credit"
    )
    partial = the(packet, "incentive_line_amount")
    assert partial.severity == "warning"
    assert partial.subject_id == line.pk
    assert "$300.00" in partial.message and f"${amount:,.2f}" in partial.message
    # The whole incentive on the invoice: nothing to say.
    InvoiceItem.objects.filter(pk=line.pk).update(unit_price=-amount, total=-amount)
    found = codes(packet)
    assert "incentive_line_amount" not in found and "incentive_line_missing" not in found


# --- pre-approval


def test_a_reservation_issued_before_the_install_and_unexpired(complete: Filed) -> None:
    packet, program = complete.packet, complete.program
    installed = install_day(complete)
    program_update(program=program, preapproval_required=True)
    missing = the(packet, "reservation_missing")
    assert (missing.subject, missing.subject_id, missing.field) == (
        "packet",
        packet.pk,
        "reservation_number",
    )
    assert "pays only installs it approved beforehand" in missing.message

    Packet.objects.filter(pk=packet.pk).update(reservation_number="RSV-2231")
    assert the(packet, "reservation_date_missing").field == "reservation_issued_on"

    Packet.objects.filter(pk=packet.pk).update(
        reservation_issued_on=installed + dt.timedelta(days=2)
    )
    before = the(packet, "installed_before_preapproval")
    assert before.message.startswith(
        f"Installed {installed:%b} {installed.day}, {installed.year}, before reservation "
        "RSV-2231 was issued"
    )

    Packet.objects.filter(pk=packet.pk).update(
        reservation_issued_on=installed - dt.timedelta(days=100),
        reservation_expires_on=installed - dt.timedelta(days=10),
    )
    assert "before the install" in the(packet, "reservation_expired").message

    Packet.objects.filter(pk=packet.pk).update(
        reservation_expires_on=installed + dt.timedelta(days=80)
    )
    assert codes(packet) == []


# --- income tiers


def test_income_tier_amounts(complete: Filed) -> None:
    packet, program = complete.packet, complete.program
    base = estimate(packet)
    assert base is not None
    with pytest.raises(ValidationError) as error:
        measure_create(
            program=program,
            name="Heat pump, low income",
            equipment_type="Heat Pump",
            amount="8000",
            income_tier=IncomeTier.LOW,
        )
    assert "income_tier" in error.value.message_dict

    program_update(program=program, income_tiers=True)
    for tier, amount in ((IncomeTier.LOW, "8000"), (IncomeTier.MODERATE, "4000")):
        measure_create(
            program=program,
            name=f"Heat pump ({tier.label})",
            equipment_type="Heat Pump",
            amount=amount,
            income_tier=tier,
            max_percent_of_cost="100" if tier == IncomeTier.LOW else "50",
        )
    missing = the(packet, "income_tier_missing")
    assert (missing.subject, missing.field) == ("packet", "income_tier")
    assert estimate(packet) == base  # the measures of no tier only

    cost = cost_of(complete)
    Packet.objects.filter(pk=packet.pk).update(income_tier=IncomeTier.LOW)
    assert "income_tier_missing" not in codes(packet)
    low = estimate(packet)
    assert low is not None and low > base
    assert low <= min(Decimal(8000), cost) + Decimal(50)
    Packet.objects.filter(pk=packet.pk).update(income_tier=IncomeTier.MODERATE)
    moderate = estimate(packet)
    assert moderate is not None and moderate <= min(
        Decimal(4000), (cost / 2).quantize(Decimal("0.01"))
    ) + Decimal(50)
    Packet.objects.filter(pk=packet.pk).update(income_tier=IncomeTier.ABOVE)
    assert estimate(packet) == base

    with pytest.raises(ValidationError) as error:
        program_update(program=program, income_tiers=False)
    assert "income_tiers" in error.value.message_dict


# --- contractor enrollment


def test_contractor_enrollment_present_and_current(complete: Filed) -> None:
    packet, program = complete.packet, complete.program
    requirement_create(
        program=program,
        kind="contractor_enrollment",
        label="Contractor enrolled with the program",
    )
    missing = the(packet, "enrollment_missing")
    assert (missing.subject, missing.subject_id, missing.field) == (
        "program",
        program.pk,
        "contractor_enrollment_number",
    )
    assert "an admin enters it on the program's page" in missing.message

    today = timezone.localdate()
    program_update(
        program=program,
        contractor_enrollment_number=" TP-00412 ",
        contractor_enrollment_expires_on=today + dt.timedelta(days=200),
    )
    program.refresh_from_db()
    assert program.contractor_enrollment_number == "TP-00412"
    assert codes(packet) == []

    program_update(program=program, contractor_enrollment_expires_on=today + dt.timedelta(days=9))
    soon = the(packet, "enrollment_expiring")
    assert soon.severity == "warning" and "in 9 days" in soon.message
    program_update(program=program, contractor_enrollment_expires_on=today - dt.timedelta(days=1))
    assert the(packet, "enrollment_expired").severity == "error"

    with pytest.raises(ValidationError) as error:
        program_update(program=program, contractor_enrollment_number="")
    assert "contractor_enrollment_number" in error.value.message_dict
