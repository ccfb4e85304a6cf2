"""Bulk sheets: each cell holds what the program's column mapping names, in CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autofile.accounts.models import Organization, User
from autofile.filing.models import SheetField, SheetMapping
from autofile.filing.selectors.sheets import sheet_for, sheet_rows
from autofile.filing.services.batches import batch_create
from autofile.filing.services.sheets import (
    ColumnSpec,
    sheet_mapping_from_example,
    sheet_mapping_save,
)
from autofile.filing.sheet_examples import STATEWIDE_BULK_CLAIM
from autofile.mirror.models import Connection
from autofile.packets.models import CertifiedProduct, Packet, RebateProgram, UtilityAccount
from tests.autofile.filing.conftest import MakeReady
from tests.factories import (
    CustomerContactFactory,
    InstalledEquipmentFactory,
    InvoiceFactory,
    InvoiceItemFactory,
    ProgramMeasureFactory,
)

pytestmark = pytest.mark.django_db
F = SheetField

MAPPING = [
    ColumnSpec("Claim ref", F.PACKET_ID),
    ColumnSpec("Project ID", F.JOB_NUMBER),
    ColumnSpec("Batch", F.BATCH_REFERENCE),
    ColumnSpec("First", F.CUSTOMER_FIRST_NAME),
    ColumnSpec("Last", F.CUSTOMER_LAST_NAME),
    ColumnSpec("Email", F.CUSTOMER_EMAIL),
    ColumnSpec("Street", F.ADDRESS_STREET),
    ColumnSpec("City", F.ADDRESS_CITY),
    ColumnSpec("ZIP", F.ADDRESS_ZIP),
    ColumnSpec("Account", F.UTILITY_ACCOUNT),
    ColumnSpec("Installed", F.INSTALL_DATE),
    ColumnSpec("Qty", F.UNIT_COUNT),
    ColumnSpec("ODU model", F.UNIT_MODEL, 1),
    ColumnSpec("ODU serial", F.UNIT_SERIAL, 1),
    ColumnSpec("IDU model", F.UNIT_MODEL, 2),
    ColumnSpec("IDU serial", F.UNIT_SERIAL, 2),
    ColumnSpec("Unit 3 serial", F.UNIT_SERIAL, 3),
    ColumnSpec("AHRI", F.UNIT_AHRI, 1),
    ColumnSpec("Cost", F.INVOICE_TOTAL),
    ColumnSpec("Incentive", F.AMOUNT),
    ColumnSpec("Sector", F.FIXED, value="Residential"),
    ColumnSpec("Note", F.FIXED, value="=1+1"),
]


def equip(connection: Connection, packet: Packet, n: int) -> None:
    """Give the packet's job an invoice and a matched outdoor + indoor pair (unit 1, 2)."""
    job = packet.job
    invoice = InvoiceFactory.create(connection=connection, job=job, total=Decimal("14250.00"))
    completed = job.completed_on
    assert completed is not None
    for offset, model, kind in ((0, "25VNA036A003", "Heat Pump"), (1, "FE4ANF003L00", "Coil")):
        item = InvoiceItemFactory.create(connection=connection, invoice=invoice)
        InstalledEquipmentFactory.create(
            connection=connection,
            location=job.location,
            invoice_item_st_id=item.st_id,
            model=model,
            equipment_type=kind,
            serial_number=f"SN{n}-{offset}",
            installed_on=completed + dt.timedelta(minutes=offset),
        )
    CustomerContactFactory.create(
        connection=connection, customer=job.customer, value=f"owner{n}@example.com"
    )
    assert job.location is not None
    UtilityAccount.objects.create(
        organization=packet.organization, location=job.location, number=f"10443720{n:05d}"
    )


@pytest.fixture
def filed(
    organization: Organization,
    connection: Connection,
    program: RebateProgram,
    qa_user: User,
    make_ready: MakeReady,
) -> list[Packet]:
    """Three packets of the program, submitted in a batch, each with two units."""
    ProgramMeasureFactory.create(
        organization=organization,
        program=program,
        equipment_type="Heat Pump",
        rating="",
        minimum=None,
        amount=Decimal("1500.00"),
        basis="per_job",
    )
    packets = make_ready(3)
    for n, packet in enumerate(packets):
        customer = packet.job.customer
        assert customer is not None
        customer.name = f"Rivera{n}, Ana María"
        customer.save()
        equip(connection, packet, n)
    CertifiedProduct.objects.create(
        category=CertifiedProduct.Category.DUCTED_HEAT_PUMP,
        brand="Carrier",
        outdoor_model="25VNA036A**3",
        outdoor_key="25VNA036A",
        indoor_model="FE4ANF003",
        indoor_key="FE4ANF003",
        ahri_reference_number="210987654",
    )
    CertifiedProduct.objects.create(
        category=CertifiedProduct.Category.DUCTED_HEAT_PUMP,
        brand="Carrier",
        outdoor_model="25VNA036A**3",
        outdoor_key="25VNA036A",
        indoor_model="CNPVP3617",
        indoor_key="CNPVP3617",
        ahri_reference_number="200000001",
    )
    sheet_mapping_save(program=program, columns=MAPPING, date_format="us")
    batch = batch_create(
        organization=organization, packet_ids=[p.pk for p in packets], user=qa_user
    )
    assert batch.batch is not None
    return packets


def expected(packet: Packet, n: int, date_text: bool) -> list[object]:
    packet.refresh_from_db()
    job = packet.job
    assert job.location is not None and job.completed_on is not None
    installed = timezone.localtime(job.completed_on).date()
    return [
        packet.pk,
        job.job_number,
        f"B-{timezone.localdate().year}-0001",
        "Ana María",
        f"Rivera{n}",
        f"owner{n}@example.com",
        job.location.street,
        "Dallas",
        "75201",
        f"10443720{n:05d}",
        installed.strftime("%m/%d/%Y") if date_text else installed,
        2,
        "25VNA036A003",
        f"SN{n}-0",
        "FE4ANF003L00",
        f"SN{n}-1",
        "",
        "210987654",  # the pair's listing, not the same outdoor unit's other pairing
        Decimal("14250.00"),
        Decimal("1500.00"),
        "Residential",
        "=1+1",
    ]


def test_the_csv_cells_match_the_mapping(
    signed_in: Callable[[User], Client], qa_user: User, filed: list[Packet]
) -> None:
    from autofile.filing.models import SubmissionBatch

    batch = SubmissionBatch.objects.get()
    response = signed_in(qa_user).get(
        reverse("filing:batch_sheet_csv", kwargs={"submission_batch_id": batch.pk})
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="{batch.reference}-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [c.header for c in MAPPING]
    assert len(rows) == 4
    for n, packet in enumerate(filed):
        want = [str(v) for v in expected(packet, n, date_text=True)]
        want[-1] = "'=1+1"  # never run as a formula
        assert rows[n + 1] == want


def test_the_xlsx_cells_match_the_mapping_with_typed_values(
    signed_in: Callable[[User], Client], qa_user: User, filed: list[Packet]
) -> None:
    from autofile.filing.models import SubmissionBatch

    batch = SubmissionBatch.objects.get()
    response = signed_in(qa_user).get(
        reverse("filing:batch_sheet_xlsx", kwargs={"submission_batch_id": batch.pk})
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = book.active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [c.header for c in MAPPING]
    for n, packet in enumerate(filed):
        got = list(rows[n + 1])
        want = expected(packet, n, date_text=False)
        assert isinstance(got[10], dt.datetime) and got[10].date() == want[10]
        assert ws.cell(row=n + 2, column=11).number_format == "mm/dd/yyyy"
        assert got[18] == 14250 and got[19] == 1500
        assert ws.cell(row=n + 2, column=22).data_type == "s"
        want = [None if v == "" else v for v in want]
        assert got[:10] + got[11:18] + got[20:] == want[:10] + want[11:18] + want[20:]


def test_a_program_starts_with_the_plain_mapping_and_can_take_the_example(
    program: RebateProgram,
) -> None:
    sheet = sheet_for(program=program)
    assert not sheet.saved and "Packet" in sheet.headers
    sheet_mapping_from_example(program=program, key=STATEWIDE_BULK_CLAIM.key)
    sheet = sheet_for(program=program)
    assert sheet.saved
    assert sheet.headers == [c.header for c in STATEWIDE_BULK_CLAIM.columns]
    assert sheet.date_format == "us"


def test_a_program_copied_from_the_statewide_example_starts_with_its_bulk_claim_mapping(
    organization: Organization,
) -> None:
    from autofile.filing.sheet_examples import FOR_EXAMPLE_PROGRAM
    from autofile.packets.services import program_copy_example

    key = next(k for k, m in FOR_EXAMPLE_PROGRAM.items() if m is STATEWIDE_BULK_CLAIM)
    program = program_copy_example(organization=organization, key=key)
    assert sheet_for(program=program).headers == [c.header for c in STATEWIDE_BULK_CLAIM.columns]


def test_a_sheet_reads_a_fixed_number_of_queries(
    organization: Organization,
    connection: Connection,
    program: RebateProgram,
    make_ready: MakeReady,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    packets = make_ready(12)
    for n, packet in enumerate(packets):
        equip(connection, packet, n)
    sheet_mapping_from_example(program=program, key=STATEWIDE_BULK_CLAIM.key)
    sheet = sheet_for(program=program)
    with django_assert_max_num_queries(8):
        rows = list(
            sheet_rows(organization=organization, sheet=sheet, packet_ids=[p.pk for p in packets])
        )
    assert len(rows) == 12


# --- the mapping page


def test_an_admin_edits_the_mapping_and_sees_the_preview(
    signed_in: Callable[[User], Client],
    admin_user: User,
    program: RebateProgram,
    filed: list[Packet],
) -> None:
    client = signed_in(admin_user)
    url = reverse("filing:sheet_mapping", kwargs={"rebate_program_id": program.pk})
    page = client.get(url).content.decode()
    assert 'id="sheet-preview"' in page
    assert filed[0].job.job_number in page and "Ana María" in page
    data = {
        "columns-TOTAL_FORMS": "3",
        "columns-INITIAL_FORMS": "0",
        "date_format": "iso",
        "columns-0-header": "Job",
        "columns-0-field": "job_number",
        "columns-1-header": "Serial of unit 2",
        "columns-1-field": "unit_serial",
        "columns-1-unit": "2",
        "columns-2-header": "",
        "columns-2-field": "",
    }
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    sheet = sheet_for(program=program)
    assert sheet.headers == ["Job", "Serial of unit 2"]
    assert sheet.columns[1].unit == 2
    assert "SN0-1" in response.content.decode()

    data["columns-1-header"] = "Job"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "the header “Job” is already used" in response.content.decode()
    assert sheet_for(program=program).headers == ["Job", "Serial of unit 2"]


def test_only_admins_edit_mappings(
    signed_in: Callable[[User], Client], qa_user: User, program: RebateProgram
) -> None:
    url = reverse("filing:sheet_mapping", kwargs={"rebate_program_id": program.pk})
    assert signed_in(qa_user).post(url, {"example": STATEWIDE_BULK_CLAIM.key}).status_code == 403
    assert not SheetMapping.objects.exists()
