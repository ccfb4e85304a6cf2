"""Reconciliation: a program's decisions file previewed, then applied once through the
status machine; unmatched, illegal and repeated rows change nothing; a malformed file
changes nothing at all."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from autofile.accounts.models import Organization, User
from autofile.filing.decisions import read_decisions
from autofile.filing.models import ReconciliationImport, ReconciliationRow
from autofile.filing.services.reconciliation import (
    ReconciliationRefused,
    reconciliation_apply,
    reconciliation_import,
)
from autofile.packets.models import Packet, PacketEvent, PacketStatus, RebateProgram
from tests.autofile.filing.conftest import MakeReady
from tests.factories import KickbackReasonFactory, RebateProgramFactory

pytestmark = pytest.mark.django_db
Out = ReconciliationRow.Outcome
S = PacketStatus


def csv_file(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def submitted(make_ready: MakeReady, program: RebateProgram) -> list[Packet]:
    KickbackReasonFactory.create(
        organization=program.organization,
        program=program,
        code="AHRI",
        label="AHRI certificate missing or does not match",
    )
    return make_ready(4, status=S.SUBMITTED, confirmation_number="B-2026-0001")


def do_import(
    organization: Organization, user: User, data: bytes, name: str = "d.csv"
) -> ReconciliationImport:
    return reconciliation_import(organization=organization, file_name=name, data=data, user=user)


def test_matched_rows_move_their_packets_with_history(
    organization: Organization, qa_user: User, submitted: list[Packet], make_ready: MakeReady
) -> None:
    a, b, c, d = submitted
    in_review = make_ready(1, status=S.IN_REVIEW)[0]
    data = csv_file(
        "Claim #,Project ID,Status,Reason,Amount Approved,Amount Paid,Date Paid",
        f'TECH-1,{a.job.job_number},Approved,,1500.00,"$1,500.00",03/31/2026',
        f"TECH-2,{b.job.job_number},Approved,,1200,,",
        f"TECH-3,{c.job.job_number},Denied,Equipment not on the list,,,",
        f"TECH-4,{d.job.job_number},Pending User Input,AHRI,,,",
        "TECH-5,NO-SUCH-JOB,Approved,,100,,",
        f"TECH-6,{in_review.job.job_number},Approved,,100,,",
    )
    preview = do_import(organization, qa_user, data)
    rows = list(preview.rows.order_by("line"))
    assert [r.outcome for r in rows] == [Out.WILL_CHANGE] * 4 + [Out.UNMATCHED, Out.ILLEGAL]
    assert rows[0].message == "Approve at $1,500.00, then mark paid $1,500.00 on 2026-03-31."
    assert rows[0].packet == a
    assert rows[4].message == "No packet for job NO-SUCH-JOB."
    assert rows[5].message == "Cannot move a packet that is in review to approved."
    a.refresh_from_db()
    assert a.status == S.SUBMITTED  # the preview changes nothing

    applied = reconciliation_apply(reconciliation=preview, user=qa_user)
    assert applied.status == ReconciliationImport.Status.APPLIED
    outcomes = list(applied.rows.order_by("line").values_list("outcome", flat=True))
    assert outcomes == [Out.CHANGED] * 4 + [Out.UNMATCHED, Out.ILLEGAL]
    for packet in (a, b, c, d, in_review):
        packet.refresh_from_db()
    assert (a.status, a.approved_amount, a.paid_amount, a.paid_on) == (
        S.PAID,
        Decimal("1500.00"),
        Decimal("1500.00"),
        dt.date(2026, 3, 31),
    )
    assert (b.status, b.approved_amount) == (S.APPROVED, Decimal("1200.00"))
    assert c.status == S.REJECTED
    assert d.status == S.IN_REVIEW and d.kickback_reason is not None
    assert d.kickback_reason.code == "AHRI"
    assert in_review.status == S.IN_REVIEW
    actions = list(
        PacketEvent.objects.filter(packet=a).order_by("id").values_list("action", "user")
    )
    assert actions[-2:] == [("approve", qa_user.pk), ("pay", qa_user.pk)]
    note = PacketEvent.objects.get(packet=c, action="reject").note
    assert "Equipment not on the list" in note and "d.csv" in note


def test_applying_twice_or_importing_the_same_file_again_changes_nothing(
    organization: Organization, qa_user: User, submitted: list[Packet]
) -> None:
    a, b, _, d = submitted
    data = csv_file(
        "Job Number,Decision,Reason,Approved Amount,Paid Amount,Paid Date",
        f"{a.job.job_number},approved,,1500,1500,2026-03-31",
        f"{b.job.job_number},approved,,1200,,",
        f"{d.job.job_number},kicked back,AHRI,,,",
    )
    first = do_import(organization, qa_user, data)
    reconciliation_apply(reconciliation=first, user=qa_user)
    events = PacketEvent.objects.count()

    again = reconciliation_apply(reconciliation=first, user=qa_user)
    assert again.status == ReconciliationImport.Status.APPLIED
    assert PacketEvent.objects.count() == events

    second = do_import(organization, qa_user, data)
    assert list(second.rows.values_list("outcome", flat=True)) == [Out.UNCHANGED] * 3
    reconciliation_apply(reconciliation=second, user=qa_user)
    assert PacketEvent.objects.count() == events
    assert list(second.rows.values_list("outcome", flat=True)) == [Out.UNCHANGED] * 3


def test_a_repeated_kickback_after_a_resubmission_applies_again(
    organization: Organization, qa_user: User, submitted: list[Packet]
) -> None:
    from autofile.packets.services.packets import packet_transition

    packet = submitted[0]
    data = csv_file("Packet ID,Status,Reason", f"{packet.pk},Returned,AHRI")
    reconciliation_apply(reconciliation=do_import(organization, qa_user, data), user=qa_user)
    packet.refresh_from_db()
    assert packet.status == S.IN_REVIEW
    packet_transition(packet=packet, to=S.READY, user=qa_user)
    packet_transition(packet=packet, to=S.SUBMITTED, user=qa_user, confirmation_number="B-2")
    later = do_import(organization, qa_user, data)
    assert later.rows.get().outcome == Out.WILL_CHANGE


def test_rows_of_a_batch_reference_need_a_packet_or_job(
    organization: Organization, qa_user: User, submitted: list[Packet]
) -> None:
    data = csv_file("Confirmation Number,Decision,Approved Amount", "B-2026-0001,approved,10")
    row = do_import(organization, qa_user, data).rows.get()
    assert row.outcome == Out.UNMATCHED
    assert "4 packets were submitted under B-2026-0001" in row.message


def test_an_unknown_kickback_reason_changes_nothing(
    organization: Organization, qa_user: User, submitted: list[Packet]
) -> None:
    data = csv_file("Packet,Decision,Reason", f"{submitted[0].pk},kickback,Bad photo")
    imported = do_import(organization, qa_user, data)
    row = imported.rows.get()
    assert row.outcome == Out.ILLEGAL
    assert "“Bad photo” is not one of Oncor heat pumps's kickback reasons: AHRI" in row.message
    reconciliation_apply(reconciliation=imported, user=qa_user)
    submitted[0].refresh_from_db()
    assert submitted[0].status == S.SUBMITTED


def test_a_malformed_file_lists_each_bad_row_and_applies_nothing(
    organization: Organization, qa_user: User, submitted: list[Packet]
) -> None:
    a, b = submitted[:2]
    data = csv_file(
        "Packet ID,Decision,Approved Amount,Paid Amount,Paid Date",
        f"{a.pk},approved,1500,,",
        f"{b.pk},approved,12x,,",
        f"{b.pk},maybe,,,",
        f"{b.pk},paid,100,100,31/31/2026",
        ",approved,10,,",
    )
    imported = do_import(organization, qa_user, data)
    assert imported.status == ReconciliationImport.Status.MALFORMED
    assert imported.error.startswith("4 rows cannot be read")
    messages = dict(imported.rows.values_list("line", "message"))
    assert "the approved amount “12x” is not an amount" in messages[3]
    assert "the decision “maybe” is not approved, paid, rejected or kicked back" in messages[4]
    assert "the payment date “31/31/2026” is not a date" in messages[5]
    assert "names no packet" in messages[6]
    with pytest.raises(ReconciliationRefused, match="Nothing was applied"):
        reconciliation_apply(reconciliation=imported, user=qa_user)
    a.refresh_from_db()
    assert a.status == S.SUBMITTED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\x00\x01binary", "neither a CSV file nor an XLSX workbook"),
        (b"PK\x03\x04garbage", "cannot be read as an XLSX workbook"),
        (b"Customer,Amount\nAna,10\n", "No column names the packet"),
        (b"Job Number,Amount Approved\n", "No column gives the decision"),
    ],
)
def test_an_unreadable_file_is_refused_whole(
    organization: Organization, qa_user: User, data: bytes, message: str
) -> None:
    imported = do_import(organization, qa_user, data)
    assert imported.status == ReconciliationImport.Status.MALFORMED
    assert message in imported.error
    assert not imported.rows.exists()


def test_an_xlsx_file_with_other_headers_and_real_dates(
    organization: Organization, qa_user: User, submitted: list[Packet]
) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(
        [
            "AutoFile Packet",
            "Application Status",
            "Approved Incentive",
            "Payment Amount",
            "Check Date",
        ]
    )
    ws.append([submitted[0].pk, "APPROVED", 1500, 1500.5, dt.datetime(2026, 4, 2)])
    out = io.BytesIO()
    book.save(out)
    parsed = read_decisions("back.xlsx", out.getvalue())
    assert parsed.columns == {
        "packet_id": "AutoFile Packet",
        "decision": "Application Status",
        "approved_amount": "Approved Incentive",
        "paid_amount": "Payment Amount",
        "paid_on": "Check Date",
    }
    assert parsed.rows[0].values == {
        "packet_id": str(submitted[0].pk),
        "decision": "approved",
        "approved_amount": "1500.00",
        "paid_amount": "1500.50",
        "paid_on": "2026-04-02",
    }


def test_an_import_for_one_program_matches_its_packets_only(
    organization: Organization, qa_user: User, submitted: list[Packet]
) -> None:
    other = RebateProgramFactory.create(organization=organization, name="Mass Save")
    data = csv_file("Packet ID,Decision,Approved Amount", f"{submitted[0].pk},approved,10")
    imported = reconciliation_import(
        organization=organization, file_name="x.csv", data=data, user=qa_user, program=other
    )
    assert imported.rows.get().message == f"No packet #{submitted[0].pk} of Mass Save."


def test_another_organizations_packets_are_never_matched(
    other_organization: Organization, qa_user: User, submitted: list[Packet]
) -> None:
    data = csv_file("Packet ID,Decision,Approved Amount", f"{submitted[0].pk},approved,10")
    imported = do_import(other_organization, qa_user, data)
    assert imported.rows.get().outcome == Out.UNMATCHED


# --- pages


def test_upload_preview_and_apply_through_the_pages(
    signed_in: Callable[[User], Client], qa_user: User, submitted: list[Packet]
) -> None:
    client = signed_in(qa_user)
    packet = submitted[0]
    upload = SimpleUploadedFile(
        "decisions.csv",
        csv_file("Packet ID,Decision,Approved Amount,Paid Amount", f"{packet.pk},paid,900,900"),
    )
    response = client.post(reverse("filing:reconciliation_list"), {"file": upload}, follow=True)
    body = response.content.decode()
    imported = ReconciliationImport.objects.get()
    assert "Approve at $900.00, then mark paid $900.00." in body
    assert "Apply the file" in body
    apply_url = reverse(
        "filing:reconciliation_apply", kwargs={"reconciliation_import_id": imported.pk}
    )
    body = client.post(apply_url, follow=True).content.decode()
    assert "1 packet moved; 0 rows changed nothing." in body
    packet.refresh_from_db()
    assert packet.status == S.PAID
    body = client.post(apply_url, follow=True).content.decode()
    assert "applied already; nothing changed" in body


def test_coordinators_cannot_reconcile(
    signed_in: Callable[[User], Client], coordinator_user: User
) -> None:
    client = signed_in(coordinator_user)
    assert client.get(reverse("filing:reconciliation_list")).status_code == 403
