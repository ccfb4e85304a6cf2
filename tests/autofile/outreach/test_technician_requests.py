"""Technician requests: one e-mail per technician listing their jobs and what each lacks,
over real SMTP; the coordinators' page shows what was asked and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autofile.accounts.models import Organization, User
from autofile.mirror.models import Connection, Technician
from autofile.outreach.models import RequestState, TechnicianRequest
from autofile.packets.models import Packet
from tests.autofile.outreach.conftest import REFUSED_DOMAIN, Mailbox
from tests.factories import (
    AppointmentAssignmentFactory,
    AppointmentFactory,
    ConnectionFactory,
    EmployeeFactory,
    FindingFactory,
    JobFactory,
    PacketFactory,
    TechnicianFactory,
)


def assigned_packet(connection: Connection, technician: Technician) -> Packet:
    job = JobFactory.create(connection=connection)
    appointment = AppointmentFactory.create(
        connection=connection, job=job, start=timezone.now() - dt.timedelta(days=2)
    )
    AppointmentAssignmentFactory.create(
        connection=connection, appointment=appointment, technician=technician
    )
    return PacketFactory.create(job=job)


def lacks(organization: Organization, packet: Packet, subject: str, message: str) -> None:
    FindingFactory.create(
        organization=organization, packet=packet, subject=subject, message=message
    )


def test_each_technician_gets_one_message_listing_their_jobs_and_what_each_lacks(
    smtp: Mailbox,
    organization: Organization,
    coordinator_user: User,
    signed_in: Callable[[User], Client],
) -> None:
    connection = ConnectionFactory.create(organization=organization)
    rosa = TechnicianFactory.create(
        connection=connection, name="Rosa Martinez", email="rosa@example.com"
    )
    ken = TechnicianFactory.create(connection=connection, name="Ken Oduya", email="")
    EmployeeFactory.create(connection=connection, name="Ken Oduya", email="ken@example.com")
    first = assigned_packet(connection, rosa)
    second = assigned_packet(connection, rosa)
    third = assigned_packet(connection, ken)
    lacks(organization, first, "photos", "Nameplate photo: no photo attached to the job.")
    lacks(organization, first, "forms", "Install checklist: no completed form on the job.")
    lacks(organization, second, "photos", "Outdoor unit photo: no photo attached to the job.")
    lacks(organization, third, "documents", "AHRI certificate: no document attached to the job.")

    coordinator = signed_in(coordinator_user)
    response = coordinator.post(reverse("outreach:technicians_send"))
    assert response.status_code == 302 and response["Location"].endswith("#technician-requests")

    [to_rosa] = smtp.to("rosa@example.com")
    text = smtp.text(to_rosa)
    assert first.job.job_number in text and second.job.job_number in text
    assert third.job.job_number not in text
    assert "Nameplate photo" in text and "Install checklist" in text and "Outdoor unit" in text
    assert organization.name in str(to_rosa["Subject"]) and "2 jobs" in str(to_rosa["Subject"])
    [to_ken] = smtp.to("ken@example.com")  # his address from the employees list
    assert third.job.job_number in smtp.text(to_ken) and "AHRI" in smtp.text(to_ken)

    sent = {t.name: t for t in TechnicianRequest.objects.filter(organization=organization)}
    assert set(sent) == {"Rosa Martinez", "Ken Oduya"}
    assert set(sent["Rosa Martinez"].packet_ids) == {first.pk, second.pk}
    assert sent["Rosa Martinez"].created_by == coordinator_user
    assert all(t.state == RequestState.SENT for t in sent.values())

    page = coordinator.get(reverse("coordinators:home")).content.decode()
    panel = page[page.index('id="technician-requests"') :]
    row = panel[panel.index(f'id="technician-request-{sent["Rosa Martinez"].pk}"') :]
    row = row[: row.index("</tr>")]
    asked_at = timezone.localtime(sent["Rosa Martinez"].created_at)
    assert f"{asked_at:%b} {asked_at.day}, {asked_at:%H:%M}" in row
    assert "Rosa Martinez" in row and "Nameplate photo" in row and "Sent" in row
    assert coordinator_user.username in row or coordinator_user.get_full_name() in row


def test_one_technician_can_be_asked_alone(
    smtp: Mailbox, organization: Organization, qa_user: User, signed_in: Callable[[User], Client]
) -> None:
    connection = ConnectionFactory.create(organization=organization)
    rosa = TechnicianFactory.create(connection=connection, name="Rosa", email="rosa@example.com")
    ken = TechnicianFactory.create(connection=connection, name="Ken", email="ken@example.com")
    for tech in (rosa, ken):
        lacks(organization, assigned_packet(connection, tech), "photos", "Nameplate photo.")
    signed_in(qa_user).post(reverse("outreach:technicians_send"), {"technician_id": ken.st_id})
    assert smtp.to("ken@example.com") and not smtp.to("rosa@example.com")


def test_a_missing_or_refused_address_is_recorded_and_shown(
    smtp: Mailbox,
    organization: Organization,
    coordinator_user: User,
    signed_in: Callable[[User], Client],
) -> None:
    connection = ConnectionFactory.create(organization=organization)
    nowhere = TechnicianFactory.create(connection=connection, name="No Mail", email="")
    refused = TechnicianFactory.create(
        connection=connection, name="Refused", email=f"tech@{REFUSED_DOMAIN}"
    )
    for tech in (nowhere, refused):
        lacks(organization, assigned_packet(connection, tech), "photos", "Nameplate photo.")
    coordinator = signed_in(coordinator_user)
    coordinator.post(reverse("outreach:technicians_send"))
    by_name = {t.name: t for t in TechnicianRequest.objects.all()}
    assert by_name["No Mail"].state == RequestState.FAILED
    assert "No e-mail address" in by_name["No Mail"].last_error
    assert by_name["Refused"].state == RequestState.BOUNCED
    assert "550" in by_name["Refused"].last_error
    assert smtp.messages == []
    page = coordinator.get(reverse("coordinators:home")).content.decode()
    assert "2 not delivered" in page and "No such user here" in page


def test_nothing_to_ask_says_so_and_sends_nothing(
    smtp: Mailbox,
    organization: Organization,
    coordinator_user: User,
    signed_in: Callable[[User], Client],
) -> None:
    coordinator = signed_in(coordinator_user)
    response = coordinator.post(reverse("outreach:technicians_send"), follow=True)
    assert "No technician has jobs missing paperwork." in response.content.decode()
    assert not TechnicianRequest.objects.exists() and smtp.messages == []


def test_another_organizations_technician_requests_are_not_shown(
    smtp: Mailbox,
    organization: Organization,
    other_organization: Organization,
    coordinator_user: User,
    signed_in: Callable[[User], Client],
) -> None:
    TechnicianRequest.objects.create(
        organization=other_organization, name="Their Tech", email="their@example.com"
    )
    page = signed_in(coordinator_user).get(reverse("coordinators:home")).content.decode()
    assert "Their Tech" not in page and "No technician has been asked yet." in page
