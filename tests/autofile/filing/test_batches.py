"""Submission batches: ready packets of one program, submitted together from the queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autofile.accounts.models import Organization, Role, User
from autofile.filing.models import BatchPacket, SubmissionBatch
from autofile.filing.services.batches import BatchRefused, batch_create
from autofile.packets.models import PacketEvent, PacketStatus
from tests.autofile.filing.conftest import MakeReady
from tests.factories import RebateProgramFactory, SubmissionBatchFactory

pytestmark = pytest.mark.django_db
#: Queries of the batch pages (session, membership, organization, then the page's own).
QUERIES = {"detail": 6, "list": 5}


def test_a_batch_submits_its_packets_under_a_numbered_reference(
    organization: Organization, qa_user: User, make_ready: MakeReady
) -> None:
    packets = make_ready(3)
    year = timezone.localdate().year
    result = batch_create(
        organization=organization, packet_ids=[p.pk for p in packets], user=qa_user
    )
    assert result.refused == []
    batch = result.batch
    assert batch is not None
    assert batch.reference == f"B-{year}-0001"
    assert batch.confirmation_number == batch.reference
    assert [e.packet_id for e in batch.entries.order_by("position")] == [p.pk for p in packets]
    for packet in packets:
        packet.refresh_from_db()
        assert packet.status == PacketStatus.SUBMITTED
        assert packet.confirmation_number == batch.reference
        assert packet.submitted_on == timezone.localdate()
        event = PacketEvent.objects.get(packet=packet, action=PacketEvent.Action.SUBMIT)
        assert event.user == qa_user
        assert event.from_status == PacketStatus.READY
        assert f"batch {batch.reference}" in event.note

    second = batch_create(
        organization=organization,
        packet_ids=[p.pk for p in make_ready(1)],
        user=qa_user,
        confirmation_number="TECH-UPLOAD-778",
    ).batch
    assert second is not None
    assert second.reference == f"B-{year}-0002"
    assert second.confirmation_number == "TECH-UPLOAD-778"


def test_numbers_are_per_organization(
    organization: Organization,
    other_organization: Organization,
    qa_user: User,
    make_ready: MakeReady,
) -> None:
    SubmissionBatchFactory.create(organization=other_organization, year=timezone.localdate().year)
    batch = batch_create(
        organization=organization, packet_ids=[make_ready(1)[0].pk], user=qa_user
    ).batch
    assert batch is not None and batch.number == 1


def test_packets_that_cannot_be_submitted_are_left_out_with_the_reason(
    organization: Organization, qa_user: User, make_ready: MakeReady
) -> None:
    ready = make_ready(2)
    in_review = make_ready(1, status=PacketStatus.IN_REVIEW)[0]
    result = batch_create(
        organization=organization,
        packet_ids=[ready[0].pk, in_review.pk, ready[1].pk, 999_999],
        user=qa_user,
    )
    assert result.batch is not None
    assert sorted(BatchPacket.objects.values_list("packet_id", flat=True)) == sorted(
        p.pk for p in ready
    )
    reasons = {r.packet_id: r.message for r in result.refused}
    assert reasons[999_999] == "No such packet."
    assert "from In review to Submitted" in reasons[in_review.pk]
    in_review.refresh_from_db()
    assert in_review.status == PacketStatus.IN_REVIEW


def test_a_selection_of_two_programs_is_refused_whole(
    organization: Organization, qa_user: User, make_ready: MakeReady
) -> None:
    other = RebateProgramFactory.create(organization=organization, name="Mass Save")
    packets = make_ready(1) + make_ready(1, of=other)
    with pytest.raises(BatchRefused, match="one program.*2 programs.*Mass Save, Oncor heat pumps"):
        batch_create(organization=organization, packet_ids=[p.pk for p in packets], user=qa_user)
    assert not SubmissionBatch.objects.exists()
    assert all(p.status == PacketStatus.READY for p in packets)


def test_no_batch_when_no_packet_can_be_submitted(
    organization: Organization, qa_user: User, make_ready: MakeReady
) -> None:
    packet = make_ready(1, status=PacketStatus.NEW)[0]
    result = batch_create(organization=organization, packet_ids=[packet.pk], user=qa_user)
    assert result.batch is None
    assert len(result.refused) == 1
    assert not SubmissionBatch.objects.exists()


def test_another_organizations_packets_are_not_batched(
    organization: Organization,
    other_organization: Organization,
    qa_user: User,
    make_ready: MakeReady,
) -> None:
    packet = make_ready(1)[0]
    result = batch_create(organization=other_organization, packet_ids=[packet.pk], user=qa_user)
    assert result.batch is None
    assert [r.message for r in result.refused] == ["No such packet."]
    packet.refresh_from_db()
    assert packet.status == PacketStatus.READY


# --- pages


def test_the_queue_offers_the_batch_button_to_filers_only(
    signed_in: Callable[[User], Client], qa_user: User, make_ready: MakeReady
) -> None:
    make_ready(1)
    page = signed_in(qa_user).get(reverse("review:queue")).content.decode()
    assert f'formaction="{reverse("filing:batch_create")}"' in page
    assert "Create submission batch" in page


def test_creating_a_batch_from_the_queue_lands_on_its_page(
    signed_in: Callable[[User], Client], qa_user: User, make_ready: MakeReady
) -> None:
    packets = make_ready(2)
    new = make_ready(1, status=PacketStatus.NEW)[0]
    client = signed_in(qa_user)
    response = client.post(
        reverse("filing:batch_create"),
        {"packet_ids": [p.pk for p in [*packets, new]], "next": "/packets/?status=ready"},
        follow=True,
    )
    batch = SubmissionBatch.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "filing:batch_detail", kwargs={"submission_batch_id": batch.pk}
    )
    body = response.content.decode()
    assert f"Batch {batch.reference} created: 2 packets submitted to Oncor heat pumps." in body
    assert f"Packet #{new.pk}: Cannot move a packet from New to Submitted" in body
    for packet in packets:
        assert f"#{packet.pk}</a>" in body

    listing = client.get(reverse("filing:batch_list")).content.decode()
    assert batch.reference in listing


def test_a_mixed_selection_goes_back_to_the_queue_with_the_reason(
    signed_in: Callable[[User], Client],
    organization: Organization,
    qa_user: User,
    make_ready: MakeReady,
) -> None:
    other = RebateProgramFactory.create(organization=organization, name="Mass Save")
    packets = make_ready(1) + make_ready(1, of=other)
    response = signed_in(qa_user).post(
        reverse("filing:batch_create"),
        {"packet_ids": [p.pk for p in packets], "next": "/packets/?status=ready"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/packets/?status=ready"
    assert "A batch goes to one program" in response.content.decode()


@pytest.mark.parametrize("role", [Role.COORDINATOR])
def test_coordinators_cannot_file(
    signed_in: Callable[[User], Client],
    member: Callable[..., User],
    role: Role,
    make_ready: MakeReady,
) -> None:
    client = signed_in(member(role))
    packet = make_ready(1)[0]
    assert client.get(reverse("filing:batch_list")).status_code == 403
    assert (
        client.post(reverse("filing:batch_create"), {"packet_ids": [packet.pk]}).status_code == 403
    )
    packet.refresh_from_db()
    assert packet.status == PacketStatus.READY


@pytest.mark.parametrize("size", [2, 30])
def test_the_batch_pages_read_a_fixed_number_of_queries(
    signed_in: Callable[[User], Client],
    organization: Organization,
    qa_user: User,
    make_ready: MakeReady,
    django_assert_num_queries: Callable[..., Any],
    size: int,
) -> None:
    packets = make_ready(size)
    batch = batch_create(
        organization=organization, packet_ids=[p.pk for p in packets], user=qa_user
    ).batch
    assert batch is not None
    client = signed_in(qa_user)
    client.get(reverse("filing:batch_list"))  # the session, warmed
    url = reverse("filing:batch_detail", kwargs={"submission_batch_id": batch.pk})
    with django_assert_num_queries(QUERIES["detail"]):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(QUERIES["list"]):
        assert client.get(reverse("filing:batch_list")).status_code == 200
