"""A reviewer records what the program needs that ServiceTitan does not hold: the household's
income tier and the reservation (pre-approval) number and dates."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from autofile.accounts.models import User
from autofile.packets.models import Finding, Packet, PacketEvent
from tests.factories import PacketFactory, RebateProgramFactory


def test_a_reviewer_sets_the_tier_and_reservation_and_the_findings_follow(
    signed_in: Callable[[User], Client], qa_user: User, organization: object
) -> None:
    program = RebateProgramFactory.create(
        organization=organization, income_tiers=True, preapproval_required=True
    )
    packet: Packet = PacketFactory.create(
        program=program, job__connection__organization=organization
    )
    client = signed_in(qa_user)
    from autofile.packets.services import packet_validate

    packet_validate(packet=packet)
    codes = set(Finding.objects.filter(packet=packet).values_list("code", flat=True))
    assert {"income_tier_missing", "reservation_missing"} <= codes
    page = client.get(reverse("review:packet_detail", args=[packet.pk])).content.decode()
    assert 'id="packet-facts"' in page

    url = reverse("review:packet_facts", args=[packet.pk])
    form = client.get(url).content.decode()
    assert "Household income tier" in form and "Reservation / pre-approval number" in form

    refused = client.post(
        url,
        {
            "income_tier": "low",
            "reservation_number": "",
            "reservation_issued_on": "2026-05-01",
        },
    )
    assert refused.status_code == 422
    assert "Enter the reservation number these dates belong to." in refused.content.decode()

    saved = client.post(
        url,
        {
            "income_tier": "low",
            "reservation_number": " RSV 2231 ",
            "reservation_issued_on": "2026-01-10",
            "reservation_expires_on": "2026-12-31",
        },
    )
    assert saved.status_code == 302
    packet.refresh_from_db()
    assert (packet.income_tier, packet.reservation_number) == ("low", "RSV 2231")
    assert str(packet.reservation_expires_on) == "2026-12-31"
    event = PacketEvent.objects.get(packet=packet, action="program_facts")
    assert event.user == qa_user
    assert event.data["after"]["reservation_issued_on"] == "2026-01-10"
    codes = set(Finding.objects.filter(packet=packet).values_list("code", flat=True))
    assert "income_tier_missing" not in codes and "reservation_missing" not in codes

    again = client.post(url, {"income_tier": "low", "reservation_number": "RSV 2231",
                              "reservation_issued_on": "2026-01-10",
                              "reservation_expires_on": "2026-12-31"})  # fmt: skip
    assert "Nothing to save" in again.content.decode()


def test_a_coordinator_cannot_set_them(
    signed_in: Callable[[User], Client], coordinator_user: User, organization: object
) -> None:
    packet = PacketFactory.create(job__connection__organization=organization)
    response = signed_in(coordinator_user).post(
        reverse("review:packet_facts", args=[packet.pk]), {"income_tier": "low"}
    )
    assert response.status_code == 403
    packet.refresh_from_db()
    assert packet.income_tier == ""
