"""The packet status machine, its refusals, claiming and assigning, and the bundle's budget."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections

from autofile.accounts.models import Organization, Role, User
from autofile.mirror.models import Connection
from autofile.packets.errors import TransitionRefused
from autofile.packets.models import Packet, PacketEvent, PacketStatus, RebateProgram
from autofile.packets.selectors import packet_actions, packet_bundle
from autofile.packets.selectors.packets import _bundle_packets, packet_bundles
from autofile.packets.services import (
    kickback_reason_create,
    packet_approve,
    packet_assign,
    packet_claim,
    packet_kickback,
    packet_mark_paid,
    packet_mark_ready,
    packet_reject,
    packet_return_to_review,
    packet_start_review,
    packet_submit,
    packet_transition,
    packet_withdraw,
    requirement_create,
)
from tests.factories import (
    AppointmentAssignmentFactory,
    AppointmentFactory,
    ConnectionFactory,
    CustomerContactFactory,
    EstimateFactory,
    EstimateItemFactory,
    FormSubmissionFactory,
    InstalledEquipmentFactory,
    InvoiceFactory,
    InvoiceItemFactory,
    JobAttachmentFactory,
    JobFactory,
    LocationContactFactory,
    LocationFactory,
    PacketFactory,
    PaymentFactory,
    RebateProgramFactory,
    ServiceAgreementFactory,
)

S = PacketStatus


@pytest.fixture
def program(organization: Organization) -> RebateProgram:
    program = RebateProgramFactory.create(organization=organization, name="Oncor heat pump")
    kickback_reason_create(program=program, code="AHRI", label="AHRI certificate missing")
    kickback_reason_create(program=program, code="serial", label="Serial does not match")
    return program


@pytest.fixture
def connection(organization: Organization) -> Connection:
    return ConnectionFactory.create(organization=organization)


@pytest.fixture
def packet(connection: Connection, program: RebateProgram) -> Packet:
    return PacketFactory.create(job=JobFactory.create(connection=connection), program=program)


def at(packet: Packet, status: str) -> Packet:
    Packet.objects.filter(pk=packet.pk).update(status=status)
    packet.status = status
    return packet


def test_the_happy_path_records_every_transition(packet: Packet, qa_user: User) -> None:
    packet_start_review(packet=packet, user=qa_user)
    packet_mark_ready(packet=packet, user=qa_user, note="All documents checked")
    packet_submit(
        packet=packet,
        user=qa_user,
        confirmation_number="ONC-2025-004417",
        submitted_on=dt.date(2025, 7, 1),
    )
    packet_approve(packet=packet, user=qa_user, approved_amount="800")
    packet_mark_paid(
        packet=packet, user=qa_user, paid_amount="$800.00", paid_on=dt.date(2025, 8, 2)
    )

    packet.refresh_from_db()
    assert packet.status == S.PAID
    assert packet.confirmation_number == "ONC-2025-004417"
    assert packet.submitted_on == dt.date(2025, 7, 1)
    assert packet.approved_amount == Decimal("800.00")
    assert (packet.paid_amount, packet.paid_on) == (Decimal("800.00"), dt.date(2025, 8, 2))
    events = list(PacketEvent.objects.filter(packet=packet).order_by("id"))
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("start_review", "new", "in_review"),
        ("mark_ready", "in_review", "ready"),
        ("submit", "ready", "submitted"),
        ("approve", "submitted", "approved"),
        ("pay", "approved", "paid"),
    ]
    assert all(e.user == qa_user for e in events)
    assert events[1].note == "All documents checked"
    assert events[2].data == {
        "confirmation_number": "ONC-2025-004417",
        "submitted_on": "2025-07-01",
    }
    assert events[3].data == {"approved_amount": "800.00"}
    assert events[4].data == {"paid_amount": "800.00", "paid_on": "2025-08-02"}


def test_a_kickback_sends_it_back_to_review_with_a_reason(packet: Packet, qa_user: User) -> None:
    at(packet, S.SUBMITTED)
    packet_kickback(packet=packet, user=qa_user, reason_code="AHRI", note="Wrong coil on cert")

    packet.refresh_from_db()
    assert packet.status == S.IN_REVIEW
    assert packet.kickback_reason is not None and packet.kickback_reason.code == "AHRI"
    assert packet.kickback_count == 1
    event = PacketEvent.objects.get(packet=packet, action="kickback")
    assert (event.from_status, event.to_status, event.note) == (
        "submitted",
        "in_review",
        "Wrong coil on cert",
    )
    assert event.data == {"reason_code": "AHRI", "reason": "AHRI certificate missing"}


def test_a_kickback_needs_one_of_the_programs_reasons(packet: Packet, qa_user: User) -> None:
    at(packet, S.SUBMITTED)
    with pytest.raises(TransitionRefused) as unknown:
        packet_kickback(packet=packet, user=qa_user, reason_code="LATE")
    assert unknown.value.message == (
        "“LATE” is not one of Oncor heat pump's kickback reasons (AHRI, SERIAL)."
    )
    assert unknown.value.code == "invalid"
    with pytest.raises(TransitionRefused) as missing:
        packet_transition(packet=packet, to=S.IN_REVIEW, user=qa_user)
    assert missing.value.message == "Cannot record a kickback: give a kickback reason."
    assert Packet.objects.get(pk=packet.pk).status == S.SUBMITTED


@pytest.mark.parametrize(
    ("status", "to"),
    [
        (S.NEW, S.IN_REVIEW),
        (S.IN_REVIEW, S.READY),
        (S.READY, S.IN_REVIEW),
        (S.READY, S.SUBMITTED),
        (S.SUBMITTED, S.APPROVED),
        (S.APPROVED, S.PAID),
        (S.SUBMITTED, S.IN_REVIEW),
        (S.APPROVED, S.IN_REVIEW),
        (S.SUBMITTED, S.REJECTED),
        (S.APPROVED, S.REJECTED),
        (S.NEW, S.WITHDRAWN),
        (S.IN_REVIEW, S.WITHDRAWN),
        (S.READY, S.WITHDRAWN),
        (S.SUBMITTED, S.WITHDRAWN),
        (S.APPROVED, S.WITHDRAWN),
    ],
)
def test_every_legal_transition_through_the_generic_service(
    packet: Packet, qa_user: User, status: str, to: str
) -> None:
    at(packet, status)
    data = {
        "confirmation_number": "C-1",
        "approved_amount": "500",
        "paid_amount": "500",
        "reason_code": "AHRI",
    }
    packet_transition(packet=packet, to=to, user=qa_user, note="because", **data)

    assert Packet.objects.get(pk=packet.pk).status == to
    event = PacketEvent.objects.get(packet=packet)
    assert (event.from_status, event.to_status, event.user) == (status, to, qa_user)


@pytest.mark.parametrize(
    ("status", "to", "message"),
    [
        (
            S.NEW,
            S.READY,
            "Cannot move a packet from New to Ready: from New it can go to In review, Withdrawn.",
        ),
        (
            S.NEW,
            S.SUBMITTED,
            "Cannot move a packet from New to Submitted: from New it can go to In review, "
            "Withdrawn.",
        ),
        (
            S.IN_REVIEW,
            S.APPROVED,
            "Cannot move a packet from In review to Approved: from In review it can go to "
            "Ready, Withdrawn.",
        ),
        (
            S.READY,
            S.PAID,
            "Cannot move a packet from Ready to Paid: from Ready it can go to In review, "
            "Submitted, Withdrawn.",
        ),
        (
            S.SUBMITTED,
            S.PAID,
            "Cannot move a packet from Submitted to Paid: from Submitted it can go to Approved, "
            "In review, Rejected, Withdrawn.",
        ),
        (S.PAID, S.IN_REVIEW, "Cannot move a packet that is paid: paid packets are final."),
        (
            S.WITHDRAWN,
            S.NEW,
            "Cannot move a packet that is withdrawn: withdrawn packets are final.",
        ),
        (
            S.REJECTED,
            S.SUBMITTED,
            "Cannot move a packet that is rejected: rejected packets are final.",
        ),
    ],
)
def test_illegal_transitions_are_refused_with_a_reason(
    packet: Packet, qa_user: User, status: str, to: str, message: str
) -> None:
    at(packet, status)
    with pytest.raises(TransitionRefused) as refused:
        packet_transition(packet=packet, to=to, user=qa_user, note="x", confirmation_number="C")
    assert refused.value.message == message
    assert refused.value.code == "illegal"
    assert Packet.objects.get(pk=packet.pk).status == status
    assert not PacketEvent.objects.filter(packet=packet).exists()


def test_per_action_services_refuse_from_the_wrong_status(packet: Packet, qa_user: User) -> None:
    with pytest.raises(TransitionRefused, match="from New to Approved"):
        packet_approve(packet=packet, user=qa_user, approved_amount="5")
    with pytest.raises(TransitionRefused, match="from New to In review"):
        packet_return_to_review(packet=packet, user=qa_user)


def test_missing_or_bad_data_is_refused(packet: Packet, qa_user: User) -> None:
    at(packet, S.READY)
    with pytest.raises(TransitionRefused) as no_number:
        packet_submit(packet=packet, user=qa_user, confirmation_number=" ")
    assert no_number.value.message == (
        "Cannot mark submitted: give the program's confirmation number."
    )
    assert no_number.value.code == "missing"

    at(packet, S.SUBMITTED)
    with pytest.raises(TransitionRefused) as not_money:
        packet_approve(packet=packet, user=qa_user, approved_amount="eight hundred")
    assert not_money.value.message == "The approved amount “eight hundred” is not an amount."
    with pytest.raises(TransitionRefused, match="cannot be negative"):
        packet_approve(packet=packet, user=qa_user, approved_amount="-5")

    with pytest.raises(TransitionRefused) as no_note:
        packet_reject(packet=packet, user=qa_user, note="")
    assert no_note.value.message == "Cannot mark rejected: add a note saying why."
    with pytest.raises(TransitionRefused, match="add a note saying why"):
        packet_withdraw(packet=packet, user=qa_user, note="  ")
    packet_reject(packet=packet, user=qa_user, note="Customer not in territory")
    assert Packet.objects.get(pk=packet.pk).status == S.REJECTED


def test_errors_block_ready_with_a_message_that_says_which(
    packet: Packet, program: RebateProgram, qa_user: User
) -> None:
    requirement_create(program=program, kind="equipment_serial", label="Serials")
    requirement_create(program=program, kind="itemized_invoice", label="Invoice")
    requirement_create(program=program, kind="photo", label="Install photos", pattern="install-*")
    at(packet, S.IN_REVIEW)

    with pytest.raises(TransitionRefused) as refused:
        packet_mark_ready(packet=packet, user=qa_user)
    assert refused.value.code == "errors"
    assert refused.value.message == (
        "Cannot mark ready: 3 errors remain (No installed equipment is recorded for this job; "
        "The job has no invoice; Install photos: no photo attached to the job)."
    )
    # The refusal leaves the fresh findings in place for the reviewer.
    packet.refresh_from_db()
    assert (packet.status, packet.error_count) == (S.IN_REVIEW, 3)
    actions = {a.action: a for a in packet_actions(packet=packet)}
    assert actions["mark_ready"].blocked_reason == "3 errors remain"


def test_errors_that_appear_after_ready_block_submission(
    packet: Packet, program: RebateProgram, qa_user: User
) -> None:
    at(packet, S.READY)
    requirement_create(program=program, kind="itemized_invoice", label="Invoice")
    with pytest.raises(TransitionRefused) as refused:
        packet_submit(packet=packet, user=qa_user, confirmation_number="C-9")
    assert refused.value.message == "Cannot submit: 1 error remains (The job has no invoice)."
    InvoiceItemFactory.create(
        connection=packet.job.connection,
        invoice=InvoiceFactory.create(connection=packet.job.connection, job=packet.job),
    )
    packet_submit(packet=packet, user=qa_user, confirmation_number="C-9")
    assert Packet.objects.get(pk=packet.pk).status == S.SUBMITTED


def test_actions_offered_per_status(packet: Packet) -> None:
    def offered(status: str) -> list[str]:
        return [a.action for a in packet_actions(packet=at(packet, status))]

    assert offered(S.NEW) == ["start_review", "withdraw"]
    assert offered(S.IN_REVIEW) == ["mark_ready", "withdraw"]
    assert offered(S.READY) == ["return_to_review", "submit", "withdraw"]
    assert offered(S.SUBMITTED) == ["approve", "kickback", "reject", "withdraw"]
    assert offered(S.APPROVED) == ["pay", "kickback", "reject", "withdraw"]
    assert offered(S.PAID) == offered(S.WITHDRAWN) == offered(S.REJECTED) == []
    submit = next(a for a in packet_actions(packet=at(packet, S.READY)) if a.action == "submit")
    assert submit.needs == ("confirmation_number",)


def test_claim_and_assign(
    packet: Packet, member: Callable[..., User], other_organization: Organization
) -> None:
    alice, bob = member(Role.QA), member(Role.QA)
    packet_claim(packet=packet, user=alice)
    packet_claim(packet=packet, user=alice)  # claiming one's own packet again is fine
    with pytest.raises(TransitionRefused) as taken:
        packet_claim(packet=packet, user=bob)
    assert taken.value.code == "claimed"
    assert taken.value.message.startswith(f"{alice} already has this packet")

    admin = member(Role.ADMIN)
    packet_assign(packet=packet, assignee=bob, user=admin)
    assert Packet.objects.get(pk=packet.pk).assignee == bob
    stranger = member(Role.QA, org=other_organization)
    with pytest.raises(TransitionRefused, match="is not a member of this organization"):
        packet_assign(packet=packet, assignee=stranger, user=admin)
    packet_assign(packet=packet, assignee=None, user=admin)
    assert Packet.objects.get(pk=packet.pk).assignee is None

    events = list(PacketEvent.objects.filter(packet=packet).order_by("id"))
    assert [(e.action, e.user, e.data.get("assignee_id")) for e in events] == [
        ("claim", alice, alice.pk),
        ("assign", admin, bob.pk),
        ("assign", admin, None),
    ]
    assert all(e.from_status == e.to_status == "new" for e in events)


@pytest.mark.django_db(transaction=True)
def test_of_two_claims_at_once_one_wins(member: Callable[..., User]) -> None:
    packet = PacketFactory.create()
    users = [member(Role.QA) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes: list[Any] = []

    def claim(user: User) -> None:
        try:
            start.wait()
            packet_claim(packet=Packet.objects.get(pk=packet.pk), user=user)
            outcomes.append(user)
        except TransitionRefused as refused:
            outcomes.append(refused.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winner = Packet.objects.get(pk=packet.pk).assignee
    assert winner in users
    assert sorted(map(str, outcomes)) == sorted([str(winner), "claimed"])
    assert PacketEvent.objects.filter(packet=packet, action="claim").count() == 1


# --- the bundle


def _packet_with(organization: Organization, n: int) -> Packet:
    connection = ConnectionFactory.create(organization=organization)
    location = LocationFactory.create(connection=connection)
    job = JobFactory.create(
        connection=connection,
        customer=location.customer,
        customer_st_id=location.customer_st_id,
        location=location,
        location_st_id=location.st_id,
    )
    invoice = InvoiceFactory.create(connection=connection, job=job)
    items = [InvoiceItemFactory.create(connection=connection, invoice=invoice) for _ in range(n)]
    for item in items:
        InstalledEquipmentFactory.create(
            connection=connection, location=location, invoice_item_st_id=item.st_id
        )
    PaymentFactory.create(connection=connection, invoice_ids=[invoice.st_id])
    for _ in range(n):
        CustomerContactFactory.create(
            connection=connection, customer=job.customer, customer_st_id=job.customer_st_id
        )
        LocationContactFactory.create(connection=connection, location=location)
        assignment = AppointmentAssignmentFactory.create(
            connection=connection,
            appointment=AppointmentFactory.create(connection=connection, job=job),
        )
        assert assignment.technician is not None
        FormSubmissionFactory.create(connection=connection, job=job)
        JobAttachmentFactory.create(connection=connection, job=job)
        ServiceAgreementFactory.create(connection=connection, location_ids=[location.st_id])
    estimate = EstimateFactory.create(connection=connection, job=job, status="Sold")
    estimate_items = [
        EstimateItemFactory.create(connection=connection, estimate=estimate) for _ in range(n)
    ]
    estimate.item_ids = [item.st_id for item in estimate_items]
    estimate.save()
    packet = PacketFactory.create(job=job)
    for _ in range(n):
        earlier = JobFactory.create(
            connection=connection, location=location, location_st_id=location.st_id
        )
        PacketFactory.create(job=earlier, program=packet.program)
    return packet


@pytest.mark.parametrize("n", [2, 12])
def test_the_bundle_reads_everything_in_a_fixed_number_of_queries(
    organization: Organization, n: int, django_assert_num_queries: Callable[..., Any]
) -> None:
    packet = _packet_with(organization, n)
    # packet, customer contacts, location contacts, appointments, their assignments,
    # invoices, items, payments, estimates, estimate items, equipment, agreements, forms,
    # attachments, AutoFile's own documents, earlier packets (with their job and location),
    # findings, events, the certified listings of the units' models
    with django_assert_num_queries(19):
        bundle = packet_bundle(organization=organization, packet_id=packet.pk)
        assert bundle is not None
        names = [
            (a.appointment_number, [s.technician.name for s in a.assignments_list])  # type: ignore[attr-defined]
            for a in bundle.appointments
        ]
        models = [(u.model, u.equipment) for u in bundle.equipment]
        lines = [len(i.items_list) for i in bundle.invoices]  # type: ignore[attr-defined]
    assert len(names) == n and all(len(techs) == 1 for _, techs in names)
    assert len(models) == n
    assert lines == [n]
    assert len(bundle.invoice_items) == len(bundle.estimate_items) == n
    assert len(bundle.customer_contacts) == len(bundle.location_contacts) == n
    assert len(bundle.form_submissions) == len(bundle.attachments) == n
    assert len(bundle.service_agreements) == len(bundle.earlier_packets) == n
    assert len(bundle.technicians) == n
    assert bundle.sold_estimate is not None and len(bundle.payments) == 1


@pytest.mark.parametrize("n", [2, 12])
def test_the_chunk_loader_reads_a_chunk_in_a_fixed_number_of_queries(
    organization: Organization, n: int, django_assert_num_queries: Callable[..., Any]
) -> None:
    """Validation loads its packets' bundles a chunk at a time, in as many queries for 12
    packets (each on a tenant of its own) as for 2, and each bundle holds its own rows."""
    packets = [_packet_with(organization, 3) for _ in range(n)]
    # The same address on another location record of the first packet's tenant.
    first = packets[0]
    assert first.job.location is not None
    moved = LocationFactory.create(
        connection=first.job.connection,
        street=first.job.location.street.lower(),
        zip=first.job.location.zip,
    )
    elsewhere = PacketFactory.create(
        job=JobFactory.create(
            connection=first.job.connection, location=moved, location_st_id=moved.st_id
        ),
        program=first.program,
    )
    loaded = list(_bundle_packets().filter(pk__in=[p.pk for p in packets]).order_by("pk"))
    # contacts (customer, location), equipment, agreements, appointments and their
    # assignments, invoices, items, payments, estimates, estimate items, forms,
    # attachments, AutoFile's documents, earlier packets (with their job and location), the
    # certified listings of every unit's model (one query for the chunk)
    with django_assert_num_queries(16):
        bundles = packet_bundles(loaded, history=False)
    for bundle in bundles:
        assert len(bundle.customer_contacts) == len(bundle.location_contacts) == 3
        assert len(bundle.appointments) == len(bundle.technicians) == 3
        assert [len(i.items_list) for i in bundle.invoices] == [3]  # type: ignore[attr-defined]
        assert len(bundle.equipment) == len(bundle.estimate_items) == 3
        assert {u.location_st_id for u in bundle.equipment} == {bundle.job.location_st_id}
        assert len(bundle.form_submissions) == len(bundle.attachments) == 3
        assert len(bundle.service_agreements) == 3 and len(bundle.payments) == 1
        assert {p.job.location_st_id for p in bundle.earlier_packets} <= {
            bundle.job.location_st_id,
            moved.st_id,
        }
        assert bundle.findings == [] and bundle.events == []
    first_earlier = {p.pk for p in bundles[0].earlier_packets}
    assert elsewhere.pk in first_earlier and len(first_earlier) == 4
    assert all(len(b.earlier_packets) == 3 for b in bundles[1:])


def test_the_bundle_of_another_organizations_packet_is_none(
    organization: Organization, other_organization: Organization
) -> None:
    packet = _packet_with(other_organization, 1)
    assert packet_bundle(organization=organization, packet_id=packet.pk) is None
