from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from autofile.accounts.models import Organization, User
from autofile.packets.models import PacketStatus
from tests.factories import ConnectionFactory, JobFactory, PacketFactory


@pytest.fixture
def packets(organization: Organization) -> Callable[..., list]:
    connection = ConnectionFactory.create(organization=organization)

    def make(count: int, status: str = PacketStatus.NEW) -> list:
        return [
            PacketFactory.create(job=JobFactory.create(connection=connection), status=status)
            for _ in range(count)
        ]

    return make


def test_queue_lists_the_organizations_packets_with_counts(
    signed_in: Callable[[User], Client], qa_user: User, packets: Callable[..., list]
) -> None:
    new = packets(2)
    ready = packets(1, PacketStatus.READY)
    page = signed_in(qa_user).get(reverse("review:queue")).content.decode()
    for packet in new + ready:
        assert f"#{packet.pk}<" in page
        assert packet.job.job_number in page
    assert 'Ready<span class="count">1</span>' in page
    assert 'New<span class="count">2</span>' in page


def test_status_filter_narrows_the_table(
    signed_in: Callable[[User], Client], qa_user: User, packets: Callable[..., list]
) -> None:
    new = packets(1)
    ready = packets(1, PacketStatus.READY)
    page = signed_in(qa_user).get(reverse("review:queue"), {"status": "ready"}).content.decode()
    assert f"#{ready[0].pk}<" in page
    assert f"#{new[0].pk}<" not in page


def test_htmx_filter_swaps_only_the_results(
    signed_in: Callable[[User], Client], qa_user: User, packets: Callable[..., list]
) -> None:
    packets(1, PacketStatus.READY)
    response = signed_in(qa_user).get(
        reverse("review:queue"),
        {"status": "ready"},
        headers={"HX-Request": "true", "HX-Target": "queue-results"},
    )
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="packet-table"' in body
    assert "HX-Request" in response["Vary"]


def test_unknown_status_shows_everything(
    signed_in: Callable[[User], Client], qa_user: User, packets: Callable[..., list]
) -> None:
    packets(2)
    response = signed_in(qa_user).get(reverse("review:queue"), {"status": "bogus"})
    assert response.status_code == 200
    assert response.context["status"] == ""


@pytest.mark.parametrize("rows", [2, 50])
def test_queue_query_count_does_not_grow_with_rows(
    rows: int,
    signed_in: Callable[[User], Client],
    qa_user: User,
    packets: Callable[..., list],
    django_assert_num_queries: Callable,
) -> None:
    packets(rows)
    client = signed_in(qa_user)
    client.get(reverse("review:queue"))  # the first visit stores the current organization
    # session, user, membership, status counts, page count, page rows, org switcher
    with django_assert_num_queries(7):
        assert client.get(reverse("review:queue")).status_code == 200


def test_every_role_can_read_the_queue(
    signed_in: Callable[[User], Client],
    admin_user: User,
    qa_user: User,
    coordinator_user: User,
) -> None:
    for user in (admin_user, qa_user, coordinator_user):
        assert signed_in(user).get(reverse("review:queue")).status_code == 200
