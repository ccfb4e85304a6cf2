"""Bulk work in the queue: assign, claim, move and export the selected rows, each packet
through the same rules as one, with every refusal reported on its packet."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from autofile.accounts.models import Organization, Role, User
from autofile.packets.models import Packet, PacketEvent, PacketStatus
from tests.autofile.review.test_queue import Maker

HX = {"HX-Request": "true", "HX-Target": "queue-results"}


@pytest.fixture
def make(organization: Organization) -> Maker:
    return Maker(organization)


def test_the_queue_offers_a_checkbox_per_row_and_the_bulk_bar(
    signed_in: Callable[[User], Client], qa_user: User, make: Maker
) -> None:
    packets = make(2)
    page = signed_in(qa_user).get(reverse("review:queue")).content.decode()
    assert 'id="bulk-form"' in page
    for packet in packets:
        assert f'name="packet_ids" value="{packet.pk}" form="bulk-form"' in page
    assert f'formaction="{reverse("review:queue_export")}"' in page


def test_bulk_assign_gives_every_selected_packet_to_the_teammate(
    signed_in: Callable[[User], Client],
    qa_user: User,
    member: Callable[..., User],
    make: Maker,
) -> None:
    teammate = member(Role.QA)
    chosen = make(3)
    untouched = make(1)[0]
    response = signed_in(qa_user).post(
        reverse("review:queue_bulk"),
        {
            "action": "assign",
            "assignee": teammate.pk,
            "packet_ids": [p.pk for p in chosen],
            "next": "/packets/?sort=job",
        },
        headers=HX,
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="queue-results">')
    assert f"Assigned 3 packets to {teammate}." in body
    assert set(Packet.objects.filter(assignee=teammate).values_list("pk", flat=True)) == {
        p.pk for p in chosen
    }
    untouched.refresh_from_db()
    assert untouched.assignee is None
    assert PacketEvent.objects.filter(action="assign", user=qa_user).count() == 3
    assert response.context["state"]["sort"] == "job"  # the queue as it was


def test_bulk_claim_reports_each_packet_a_teammate_holds(
    signed_in: Callable[[User], Client],
    qa_user: User,
    member: Callable[..., User],
    make: Maker,
) -> None:
    teammate = member(Role.QA)
    free = make(2)
    held = make(1, assignee=teammate)[0]
    response = signed_in(qa_user).post(
        reverse("review:queue_bulk"),
        {"action": "claim", "packet_ids": [free[0].pk, held.pk, free[1].pk]},
        headers=HX,
    )
    body = response.content.decode()
    assert "Claimed 2 packets. 1 packet was left as it was:" in body
    assert f"#{held.pk}</a>: {teammate} already has this packet" in body
    held.refresh_from_db()
    assert held.assignee == teammate
    assert Packet.objects.filter(assignee=qa_user).count() == 2


def test_bulk_move_follows_the_status_machine_per_packet(
    signed_in: Callable[[User], Client], qa_user: User, make: Maker
) -> None:
    new = make(2)
    paid = make(1, status=PacketStatus.PAID)[0]
    submitted = make(1, status=PacketStatus.SUBMITTED)[0]
    response = signed_in(qa_user).post(
        reverse("review:queue_bulk"),
        {
            "action": "status",
            "status": PacketStatus.IN_REVIEW,
            "packet_ids": [p.pk for p in (*new, paid, submitted)],
        },
        headers=HX,
    )
    body = response.content.decode()
    assert "Moved 2 packets to in review. 2 packets were left as they were:" in body
    assert f"#{paid.pk}</a>: Cannot move a packet that is paid" in body
    assert f"#{submitted.pk}</a>: " in body  # a kickback needs its reason, per packet
    statuses = dict(Packet.objects.values_list("pk", "status"))
    assert [statuses[p.pk] for p in new] == [PacketStatus.IN_REVIEW] * 2
    assert statuses[paid.pk] == PacketStatus.PAID
    assert statuses[submitted.pk] == PacketStatus.SUBMITTED
    events = PacketEvent.objects.filter(action="start_review", user=qa_user)
    assert events.count() == 2


def test_withdrawing_several_needs_a_note(
    signed_in: Callable[[User], Client], qa_user: User, make: Maker
) -> None:
    packets = make(2)
    client = signed_in(qa_user)
    url = reverse("review:queue_bulk")
    ids = [p.pk for p in packets]
    body = client.post(
        url, {"action": "status", "status": "withdrawn", "packet_ids": ids}, headers=HX
    ).content.decode()
    assert "Moved 0 packets" in body and "add a note saying why" in body
    client.post(
        url,
        {"action": "status", "status": "withdrawn", "note": "Duplicate", "packet_ids": ids},
        headers=HX,
    )
    assert set(Packet.objects.values_list("status", flat=True)) == {PacketStatus.WITHDRAWN}


def test_bulk_without_javascript_redirects_back_with_messages(
    signed_in: Callable[[User], Client],
    qa_user: User,
    member: Callable[..., User],
    make: Maker,
) -> None:
    teammate = member(Role.QA)
    free = make(1)[0]
    held = make(1, assignee=teammate)[0]
    response = signed_in(qa_user).post(
        reverse("review:queue_bulk"),
        {"action": "claim", "packet_ids": [free.pk, held.pk], "next": "/packets/?status=new"},
    )
    assert response.status_code == 302 and response["Location"] == "/packets/?status=new"
    texts = [str(m) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
    assert texts[0] == "Claimed 1 packet. 1 packet was left as it was:"
    assert texts[1].startswith(f"#{held.pk}: {teammate} already has this packet")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "claim"}, "Select at least one packet."),
        ({"action": "claim", "packet_ids": ["1", "x"]}, "not a packet number"),
        ({"action": "status", "packet_ids": ["1"]}, "Choose the status"),
        ({"action": "explode", "packet_ids": ["1"]}, "Select a valid choice"),
        ({"action": "assign", "assignee": "999999", "packet_ids": ["1"]}, "valid choice"),
    ],
)
def test_bad_bulk_input_is_explained_not_a_server_error(
    signed_in: Callable[[User], Client], qa_user: User, data: dict[str, object], message: str
) -> None:
    response = signed_in(qa_user).post(reverse("review:queue_bulk"), data, headers=HX)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_other_organizations_packets_are_refused_not_touched(
    signed_in: Callable[[User], Client],
    qa_user: User,
    other_organization: Organization,
    make: Maker,
) -> None:
    theirs = Maker(other_organization)(1)[0]
    mine = make(1)[0]
    body = (
        signed_in(qa_user)
        .post(
            reverse("review:queue_bulk"),
            {"action": "claim", "packet_ids": [theirs.pk, mine.pk]},
            headers=HX,
        )
        .content.decode()
    )
    assert f"#{theirs.pk}</a>: No such packet." in body
    theirs.refresh_from_db()
    assert theirs.assignee is None
    # the export leaves them out too
    response = signed_in(qa_user).post(
        reverse("review:queue_export"), {"packet_ids": [theirs.pk, mine.pk]}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [r[0] for r in rows[1:]] == [str(mine.pk)]


def test_export_of_the_selection_is_a_csv_file(
    signed_in: Callable[[User], Client], qa_user: User, make: Maker
) -> None:
    plain = make(1, customer="Dana Whitfield", amount="1200.50", errors=1)[0]
    sneaky = make(1, customer="=HYPERLINK(1)")[0]
    make(1)  # not selected
    response = signed_in(qa_user).post(
        reverse("review:queue_export"), {"packet_ids": [sneaky.pk, plain.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="packets-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["Packet"] for r in rows] == [str(plain.pk), str(sneaky.pk)]
    assert rows[0]["Customer"] == "Dana Whitfield"
    assert rows[0]["Estimated amount"] == "1200.50"
    assert rows[0]["Errors"] == "1"
    assert rows[0]["Status"] == "New"
    assert rows[1]["Customer"] == "'=HYPERLINK(1)"  # never a formula in a spreadsheet


def test_coordinators_cannot_act_in_bulk(
    signed_in: Callable[[User], Client], coordinator_user: User, make: Maker
) -> None:
    packet = make(1)[0]
    client = signed_in(coordinator_user)
    data = {"action": "claim", "packet_ids": [packet.pk]}
    assert client.post(reverse("review:queue_bulk"), data).status_code == 403
    assert client.post(reverse("review:queue_export"), data).status_code == 403
