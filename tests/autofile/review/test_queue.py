"""The packet queue: status tabs with counts, filters, search, sort, pages, claim, assign."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autofile.accounts.models import Organization, Role, User
from autofile.mirror.models import BusinessUnit, Connection
from autofile.packets.models import Packet, PacketEvent, PacketStatus, RebateProgram
from tests.factories import (
    BusinessUnitFactory,
    ConnectionFactory,
    CustomerFactory,
    FindingFactory,
    JobFactory,
    KickbackReasonFactory,
    LocationFactory,
    PacketFactory,
    RebateProgramFactory,
)

HX = {"HX-Request": "true", "HX-Target": "queue-results"}


class Maker:
    """Packets of one organization, on jobs with a customer, an install address and a
    business unit, as the queue rows show them."""

    def __init__(self, organization: Organization) -> None:
        self.organization = organization
        self.connection: Connection = ConnectionFactory.create(organization=organization)
        self.program: RebateProgram = RebateProgramFactory.create(
            organization=organization, name="Oncor heat pump"
        )
        self.business_unit: BusinessUnit = BusinessUnitFactory.create(
            connection=self.connection, name="HVAC Install"
        )

    def __call__(
        self,
        count: int = 1,
        *,
        status: str = PacketStatus.NEW,
        program: RebateProgram | None = None,
        business_unit: BusinessUnit | None = None,
        assignee: User | None = None,
        errors: int = 0,
        customer: str = "",
        street: str = "",
        job_number: str = "",
        age_days: int = 0,
        kickbacks: int = 0,
        amount: str | None = None,
    ) -> list[Packet]:
        made = []
        business_unit = business_unit or self.business_unit
        for n in range(count):
            owner = CustomerFactory.create(
                connection=self.connection, **({"name": customer} if customer else {})
            )
            location = LocationFactory.create(
                connection=self.connection,
                customer=owner,
                **({"street": street} if street else {}),
            )
            job = JobFactory.create(
                connection=self.connection,
                customer=owner,
                location=location,
                location_st_id=location.st_id,
                business_unit=business_unit,
                business_unit_st_id=business_unit.st_id,
                **({"job_number": job_number} if job_number and count == 1 else {}),
            )
            packet = PacketFactory.create(
                job=job,
                program=program or self.program,
                status=status,
                assignee=assignee,
                error_count=errors,
                validated_at=timezone.now(),
                kickback_count=kickbacks,
                estimated_amount=Decimal(amount) if amount is not None else None,
            )
            for _ in range(errors):
                FindingFactory.create(organization=self.organization, packet=packet)
            if kickbacks:
                reason = KickbackReasonFactory.create(
                    organization=self.organization, program=packet.program
                )
                Packet.objects.filter(pk=packet.pk).update(kickback_reason=reason)
            if age_days:
                Packet.objects.filter(pk=packet.pk).update(
                    created_at=timezone.now() - dt.timedelta(days=age_days, hours=n)
                )
            made.append(packet)
        return made


@pytest.fixture
def make(organization: Organization) -> Maker:
    return Maker(organization)


def rows(response: Any) -> list[int]:
    return [p.pk for p in response.context["page"].object_list]


def test_queue_lists_open_packets_with_counts_per_status(
    signed_in: Callable[[User], Client], qa_user: User, make: Maker
) -> None:
    new = make(2)
    ready = make(1, status=PacketStatus.READY)
    paid = make(1, status=PacketStatus.PAID)
    response = signed_in(qa_user).get(reverse("review:queue"))
    page = response.content.decode()
    for packet in new + ready:
        assert f"#{packet.pk}<" in page
        assert packet.job.job_number in page
        assert packet.job.customer is not None and packet.job.customer.name in page
    assert f"#{paid[0].pk}<" not in page  # the default tab shows open packets
    assert 'Open<span class="count">3</span>' in page
    assert 'New<span class="count">2</span>' in page
    assert 'Ready<span class="count">1</span>' in page
    assert 'Paid<span class="count">1</span>' in page
    assert 'All<span class="count">4</span>' in page
    assert "HVAC Install" in page and "Oncor heat pump" in page


@pytest.mark.parametrize(
    ("status", "expected"), [("ready", {"ready"}), ("all", {"new", "ready", "paid"})]
)
def test_status_tabs_narrow_the_table(
    status: str,
    expected: set[str],
    signed_in: Callable[[User], Client],
    qa_user: User,
    make: Maker,
) -> None:
    for s in ("new", "ready", "paid"):
        make(1, status=s)
    response = signed_in(qa_user).get(reverse("review:queue"), {"status": status})
    assert {p.status for p in response.context["page"].object_list} == expected


def test_filters_program_business_unit_assignee(
    signed_in: Callable[[User], Client],
    qa_user: User,
    member: Callable[..., User],
    organization: Organization,
    make: Maker,
) -> None:
    teammate = member(Role.QA)
    other_program = RebateProgramFactory.create(organization=organization, name="Federal 25C")
    other_unit = BusinessUnitFactory.create(connection=make.connection, name="Plumbing")
    mine = make(1, assignee=qa_user)[0]
    theirs = make(1, assignee=teammate, program=other_program)[0]
    nobody = make(1, business_unit=other_unit)[0]
    client = signed_in(qa_user)
    url = reverse("review:queue")
    assert rows(client.get(url, {"assignee": "me"})) == [mine.pk]
    assert rows(client.get(url, {"assignee": "none"})) == [nobody.pk]
    assert rows(client.get(url, {"assignee": str(teammate.pk)})) == [theirs.pk]
    assert rows(client.get(url, {"program": other_program.pk})) == [theirs.pk]
    assert rows(client.get(url, {"business_unit": other_unit.pk})) == [nobody.pk]
    # Filters combine, and the status counts follow them.
    response = client.get(url, {"program": str(make.program.pk), "assignee": "me"})
    assert rows(response) == [mine.pk]
    assert 'New<span class="count">1</span>' in response.content.decode()


def test_filters_age_errors_kicked_back(
    signed_in: Callable[[User], Client], qa_user: User, make: Maker
) -> None:
    fresh = make(1, age_days=2)[0]
    month = make(1, age_days=20, errors=2)[0]
    old = make(1, age_days=120, kickbacks=1, status=PacketStatus.IN_REVIEW)[0]
    client = signed_in(qa_user)
    url = reverse("review:queue")
    assert rows(client.get(url, {"age": "week"})) == [fresh.pk]
    assert rows(client.get(url, {"age": "month"})) == [month.pk]
    assert rows(client.get(url, {"age": "older"})) == [old.pk]
    assert rows(client.get(url, {"has_errors": "1"})) == [month.pk]
    response = client.get(url, {"kicked_back": "on"})
    assert rows(response) == [old.pk]
    assert "Kicked back: Nameplate photo illegible" in response.content.decode()


def test_search_by_customer_job_number_address_or_packet(
    signed_in: Callable[[User], Client], qa_user: User, make: Maker
) -> None:
    dana = make(1, customer="Dana Whitfield")[0]
    numbered = make(1, job_number="J77123")[0]
    elm = make(1, street="4410 Elm Grove Rd")[0]
    client = signed_in(qa_user)
    url = reverse("review:queue")
    assert rows(client.get(url, {"q": "whitf"})) == [dana.pk]
    assert rows(client.get(url, {"q": "j77123"})) == [numbered.pk]
    assert rows(client.get(url, {"q": "elm grove"})) == [elm.pk]
    assert rows(client.get(url, {"q": f"#{dana.pk}"})) == [dana.pk]
    assert rows(client.get(url, {"q": "nobody here"})) == []
    page = client.get(url, {"q": "nobody here"}).content.decode()
    assert "No packets match these filters." in page


def test_sorting_by_each_column(
    signed_in: Callable[[User], Client], qa_user: User, make: Maker
) -> None:
    a = make(1, customer="Abbott", errors=3, amount="900", age_days=1, status="ready")[0]
    b = make(1, customer="Baker", errors=0, amount=None, age_days=30, status="new")[0]
    c = make(1, customer="Cruz", errors=1, amount="300", age_days=10, status="in_review")[0]
    client = signed_in(qa_user)
    url = reverse("review:queue")
    assert rows(client.get(url)) == [b.pk, c.pk, a.pk]  # default: oldest first
    assert rows(client.get(url, {"sort": "age"})) == [a.pk, c.pk, b.pk]
    assert rows(client.get(url, {"sort": "customer"})) == [a.pk, b.pk, c.pk]
    assert rows(client.get(url, {"sort": "-customer"})) == [c.pk, b.pk, a.pk]
    assert rows(client.get(url, {"sort": "-errors"})) == [a.pk, c.pk, b.pk]
    assert rows(client.get(url, {"sort": "status"})) == [b.pk, c.pk, a.pk]
    assert rows(client.get(url, {"sort": "-amount"})) == [a.pk, c.pk, b.pk]  # none last
    assert rows(client.get(url, {"sort": "job"})) == sorted(
        [a.pk, b.pk, c.pk], key=lambda pk: Packet.objects.get(pk=pk).job.job_number
    )
    # An unknown sort falls back to the default.
    assert rows(client.get(url, {"sort": "bogus"})) == [b.pk, c.pk, a.pk]


def test_pages_keep_the_filters_in_their_urls(
    signed_in: Callable[[User], Client], qa_user: User, make: Maker
) -> None:
    make(52, errors=1)
    client = signed_in(qa_user)
    response = client.get(reverse("review:queue"), {"has_errors": "1", "sort": "customer"})
    assert len(rows(response)) == 50
    assert response.context["next_url"] == "/packets/?has_errors=1&sort=customer&page=2"
    second = client.get(response.context["next_url"])
    assert len(rows(second)) == 2
    assert second.context["previous_url"] == "/packets/?has_errors=1&sort=customer"
    # A page past the end shows the last page.
    assert client.get(reverse("review:queue"), {"page": 99}).context["page"].number == 2


def test_htmx_swaps_the_results_and_pushes_a_clean_url(
    signed_in: Callable[[User], Client], qa_user: User, make: Maker
) -> None:
    make(1, status=PacketStatus.READY)
    response = signed_in(qa_user).get(
        reverse("review:queue"),
        {"status": "ready", "q": "", "program": "", "assignee": "", "sort": "-age"},
        headers=HX,
    )
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="queue-results">')
    assert 'id="packet-table"' in body
    assert response["HX-Push-Url"] == "/packets/?status=ready"
    assert "HX-Request" in response["Vary"]


def test_invalid_filter_values_show_the_default_page(
    signed_in: Callable[[User], Client], qa_user: User, make: Maker
) -> None:
    make(2)
    response = signed_in(qa_user).get(
        reverse("review:queue"),
        {"status": "bogus", "program": "x", "business_unit": "999999", "age": "ancient"},
    )
    assert response.status_code == 200
    assert len(rows(response)) == 2


@pytest.mark.parametrize("count", [2, 50])
def test_queue_query_count_does_not_grow_with_rows(
    count: int,
    signed_in: Callable[[User], Client],
    qa_user: User,
    member: Callable[..., User],
    make: Maker,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    teammate = member(Role.QA)
    make(count // 2, errors=2, assignee=teammate, kickbacks=1, amount="500")
    make(count - count // 2, errors=1)
    client = signed_in(qa_user)
    client.get(reverse("review:queue"))  # the first visit stores the current organization
    # session, user, membership; programs, business units, workers; the search's jobs; the
    # counts per status; the page's ids, its rows, their errors; the organization switcher;
    # outreach's request badges for the page (through review's extensions)
    with django_assert_num_queries(13):
        response = client.get(reverse("review:queue"), {"q": "Customer", "sort": "customer"})
    assert len(rows(response)) == count


def test_claim_swaps_the_row(
    signed_in: Callable[[User], Client], qa_user: User, make: Maker
) -> None:
    packet = make(1)[0]
    response = signed_in(qa_user).post(
        reverse("review:packet_claim", args=[packet.pk]),
        {"next": "/packets/?status=new"},
        headers={"HX-Request": "true", "HX-Target": f"packet-{packet.pk}"},
    )
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="packet-{packet.pk}">')
    assert f'<option value="{qa_user.pk}" selected>' in body
    packet.refresh_from_db()
    assert packet.assignee == qa_user
    assert PacketEvent.objects.filter(packet=packet, action="claim", user=qa_user).exists()


def test_claim_without_javascript_redirects_back_to_the_queue(
    signed_in: Callable[[User], Client], qa_user: User, make: Maker
) -> None:
    packet = make(1)[0]
    response = signed_in(qa_user).post(
        reverse("review:packet_claim", args=[packet.pk]), {"next": "/packets/?status=new"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/packets/?status=new"
    packet.refresh_from_db()
    assert packet.assignee == qa_user


def test_claiming_a_teammates_packet_is_refused_in_the_row(
    signed_in: Callable[[User], Client],
    qa_user: User,
    member: Callable[..., User],
    make: Maker,
) -> None:
    teammate = member(Role.QA)
    packet = make(1, assignee=teammate)[0]
    response = signed_in(qa_user).post(
        reverse("review:packet_claim", args=[packet.pk]),
        headers={"HX-Request": "true", "HX-Target": f"packet-{packet.pk}"},
    )
    assert "already has this packet" in response.content.decode()
    packet.refresh_from_db()
    assert packet.assignee == teammate


def test_assign_to_a_teammate_and_back_to_nobody(
    signed_in: Callable[[User], Client],
    qa_user: User,
    member: Callable[..., User],
    make: Maker,
) -> None:
    teammate = member(Role.QA)
    packet = make(1)[0]
    client = signed_in(qa_user)
    url = reverse("review:packet_assign", args=[packet.pk])
    hx = {"HX-Request": "true", "HX-Target": f"packet-{packet.pk}"}
    response = client.post(url, {"assignee": teammate.pk}, headers=hx)
    assert f'<option value="{teammate.pk}" selected>' in response.content.decode()
    packet.refresh_from_db()
    assert packet.assignee == teammate
    client.post(url, {"assignee": ""}, headers=hx)
    packet.refresh_from_db()
    assert packet.assignee is None


def test_assign_refuses_people_who_do_not_work_packets(
    signed_in: Callable[[User], Client],
    qa_user: User,
    member: Callable[..., User],
    other_organization: Organization,
    make: Maker,
) -> None:
    coordinator = member(Role.COORDINATOR)
    outsider = member(Role.QA, org=other_organization)
    packet = make(1)[0]
    client = signed_in(qa_user)
    for person in (coordinator, outsider):
        response = client.post(
            reverse("review:packet_assign", args=[packet.pk]), {"assignee": person.pk}
        )
        assert response.status_code == 302
        packet.refresh_from_db()
        assert packet.assignee is None
    messages = [str(m) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
    assert set(messages) == {"Choose a teammate who works packets."}


def test_coordinators_go_to_their_page_and_cannot_claim(
    signed_in: Callable[[User], Client], coordinator_user: User, make: Maker
) -> None:
    packet = make(1)[0]
    client = signed_in(coordinator_user)
    response = client.get(reverse("review:queue"))
    assert response.status_code == 302
    assert response["Location"] == reverse("coordinators:home")
    assert client.post(reverse("review:packet_claim", args=[packet.pk])).status_code == 403
    assert client.post(reverse("review:packet_assign", args=[packet.pk])).status_code == 403


def test_qa_and_admins_read_the_queue_and_anonymous_people_sign_in(
    client: Client, admin_user: User, qa_user: User
) -> None:
    response = client.get(reverse("review:queue"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (admin_user, qa_user):
        client.force_login(user)
        assert client.get(reverse("review:queue")).status_code == 200


def test_another_organizations_packets_never_show(
    signed_in: Callable[[User], Client],
    qa_user: User,
    other_organization: Organization,
    make: Maker,
) -> None:
    theirs = Maker(other_organization)(1, customer="Hidden Person")[0]
    mine = make(1)[0]
    response = signed_in(qa_user).get(reverse("review:queue"), {"status": "all"})
    assert rows(response) == [mine.pk]
    assert rows(signed_in(qa_user).get(reverse("review:queue"), {"q": f"#{theirs.pk}"})) == []
