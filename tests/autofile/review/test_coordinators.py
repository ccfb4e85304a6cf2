"""The coordinators' page: upcoming installs of packet jobs, packets missing paperwork by
technician, and tagging jobs (written back to ServiceTitan through the outbox)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autofile.accounts.models import Organization, User
from autofile.mirror.models import Connection, Job, TagType
from autofile.packets.models import Packet, PacketStatus
from autofile.review.models import Correction, Operation
from autofile.writeback.models import OutboxKind
from tests.autofile.review.qa_records import file_packet
from tests.factories import (
    AppointmentAssignmentFactory,
    AppointmentFactory,
    ConnectionFactory,
    FindingFactory,
    JobFactory,
    PacketFactory,
    TagTypeFactory,
    TechnicianFactory,
)


@pytest.fixture
def connection(organization: Organization) -> Connection:
    return ConnectionFactory.create(organization=organization)


@pytest.fixture
def tags(connection: Connection) -> dict[str, TagType]:
    return {
        name: TagTypeFactory.create(connection=connection, name=name)
        for name in ("Rebate Needed", "Oncor Eligible")
    }


def install(
    connection: Connection,
    *,
    days: float,
    technician: str = "Rosa Martinez",
    packet_status: str | None = PacketStatus.NEW,
    tag_ids: list[int] | None = None,
) -> Job:
    job = JobFactory.create(connection=connection, tag_type_ids=tag_ids or [])
    start = timezone.now() + dt.timedelta(days=days)
    appointment = AppointmentFactory.create(connection=connection, job=job, start=start)
    tech = TechnicianFactory.create(connection=connection, name=technician)
    AppointmentAssignmentFactory.create(
        connection=connection, appointment=appointment, technician=tech
    )
    if packet_status is not None:
        PacketFactory.create(job=job, status=packet_status)
    return job


def test_upcoming_installs_of_packet_jobs_in_the_next_14_days(
    signed_in: Callable[[User], Client], coordinator_user: User, connection: Connection
) -> None:
    soon = install(connection, days=2, technician="Rosa Martinez")
    later = install(connection, days=13, technician="Ken Oduya")
    too_late = install(connection, days=20)
    not_a_packet = install(connection, days=3, packet_status=None)
    withdrawn = install(connection, days=4, packet_status=PacketStatus.WITHDRAWN)
    page = signed_in(coordinator_user).get(reverse("coordinators:home")).content.decode()
    installs = page[page.index('<section id="installs"') : page.index('<section id="missing"')]
    assert soon.job_number in installs and later.job_number in installs
    for job in (too_late, not_a_packet, withdrawn):
        assert job.job_number not in installs
    assert "Rosa Martinez" in installs and "Ken Oduya" in installs
    appointment = soon.appointments.get()
    window_start = timezone.localtime(appointment.arrival_window_start)
    window_end = timezone.localtime(appointment.arrival_window_end)
    assert f"{window_start:%H:%M}\N{EN DASH}{window_end:%H:%M}" in installs
    assert "2 appointments" in installs
    packet = Packet.objects.get(job=soon)
    assert f'href="/packets/{packet.pk}/"' in installs


def test_packets_missing_paperwork_are_grouped_by_technician(
    signed_in: Callable[[User], Client],
    coordinator_user: User,
    organization: Organization,
    connection: Connection,
) -> None:
    rosa_job = install(connection, days=1, technician="Rosa Martinez")
    ken_job = install(connection, days=1, technician="Ken Oduya")
    nobody_job = JobFactory.create(connection=connection)
    rosa = Packet.objects.get(job=rosa_job)
    ken = Packet.objects.get(job=ken_job)
    nobody = PacketFactory.create(job=nobody_job)
    done = PacketFactory.create(
        job=JobFactory.create(connection=connection), status=PacketStatus.SUBMITTED
    )
    for packet, subject, field, message in (
        (rosa, "photos", "*nameplate*", "Nameplate photo: no photo attached to the job."),
        (rosa, "equipment", "serial_number", "Missing serial number on unit 1."),
        (ken, "forms", "", "Install checklist: no completed form on the job (0 of 1)."),
        (nobody, "documents", "*ahri*", "AHRI certificate: no document attached to the job."),
        (done, "photos", "", "Old photo finding of a submitted packet."),
        (ken, "invoice", "total", "Not paperwork: an invoice total."),
    ):
        FindingFactory.create(
            organization=organization, packet=packet, subject=subject, field=field, message=message
        )
    page = signed_in(coordinator_user).get(reverse("coordinators:home")).content.decode()
    missing = page[page.index('<section id="missing"') :]
    assert "3 open packets" in missing
    assert missing.index("Ken Oduya") < missing.index("Rosa Martinez")
    assert missing.index("Rosa Martinez") < missing.index("No technician on record")
    rosa_part = missing[missing.index("Rosa Martinez") : missing.index("No technician on record")]
    assert "Nameplate photo" in rosa_part and "Missing serial number on unit 1." in rosa_part
    assert "AHRI certificate" in missing[missing.index("No technician on record") :]
    assert "Old photo finding" not in missing
    assert "Not paperwork" not in missing


def test_tagging_a_job_writes_it_back(
    signed_in: Callable[[User], Client],
    coordinator_user: User,
    connection: Connection,
    tags: dict[str, TagType],
) -> None:
    job = install(connection, days=2)
    rebate = tags["Rebate Needed"]
    client = signed_in(coordinator_user)
    page = client.get(reverse("coordinators:home")).content.decode()
    assert f'<option value="{rebate.st_id}">Rebate Needed</option>' in page
    response = client.post(
        reverse("coordinators:job_tag", args=[job.pk]),
        {"op": "add", "tag_type_id": rebate.st_id, "next": "/coordinators/"},
        headers={"HX-Request": "true", "HX-Target": ""},
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div class="job-tags">')
    assert "Rebate Needed" in body and "Tagged " in body
    correction = Correction.objects.get(target_row_id=job.pk)
    assert correction.operation == Operation.TAG_ADD
    assert correction.outbox_message is not None
    assert correction.outbox_message.kind == OutboxKind.JOB_TAG_ADD
    assert f"delivery delivery-{correction.pk} queued" in body
    assert f"/packets/deliveries/?c={correction.pk}:queued" in body  # live status
    job.refresh_from_db()
    assert job.tag_type_ids == [rebate.st_id]


def test_untagging_without_javascript_redirects_back(
    signed_in: Callable[[User], Client],
    coordinator_user: User,
    connection: Connection,
    tags: dict[str, TagType],
) -> None:
    eligible = tags["Oncor Eligible"]
    job = install(connection, days=2, tag_ids=[eligible.st_id])
    client = signed_in(coordinator_user)
    response = client.post(
        reverse("coordinators:job_tag", args=[job.pk]),
        {"op": "remove", "tag_type_id": eligible.st_id, "next": "/coordinators/?job=1"},
    )
    assert response.status_code == 302 and response["Location"] == "/coordinators/?job=1"
    job.refresh_from_db()
    assert job.tag_type_ids == []
    assert Correction.objects.get(target_row_id=job.pk).operation == Operation.TAG_REMOVE
    page = client.get(reverse("coordinators:home")).content.decode()
    assert f"Untagged job {job.job_number}; the change is on its way to ServiceTitan." in page


def test_tagging_twice_says_so(
    signed_in: Callable[[User], Client],
    coordinator_user: User,
    connection: Connection,
    tags: dict[str, TagType],
) -> None:
    rebate = tags["Rebate Needed"]
    job = install(connection, days=2, tag_ids=[rebate.st_id])
    response = signed_in(coordinator_user).post(
        reverse("coordinators:job_tag", args=[job.pk]),
        {"op": "add", "tag_type_id": rebate.st_id},
        headers={"HX-Request": "true"},
    )
    assert "The job is already tagged Rebate Needed." in response.content.decode()
    assert not Correction.objects.exists()


def test_find_any_job_by_number_to_tag_it(
    signed_in: Callable[[User], Client],
    coordinator_user: User,
    connection: Connection,
    tags: dict[str, TagType],
) -> None:
    job = JobFactory.create(connection=connection, job_number="40912")
    client = signed_in(coordinator_user)
    response = client.get(
        reverse("coordinators:home"),
        {"job": "40912"},
        headers={"HX-Request": "true", "HX-Target": "job-lookup"},
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="job-lookup"')
    assert "Job 40912" in body and "not a packet yet" in body
    assert f'action="/coordinators/jobs/{job.pk}/tags/"' in body
    missing = client.get(reverse("coordinators:home"), {"job": "99999"}).content.decode()
    assert "No job 99999 in the mirror." in missing


def test_qa_reads_the_page_but_only_coordinators_and_admins_tag(
    signed_in: Callable[[User], Client],
    qa_user: User,
    admin_user: User,
    connection: Connection,
    tags: dict[str, TagType],
) -> None:
    job = install(connection, days=2)
    rebate = tags["Rebate Needed"]
    client = signed_in(qa_user)
    page = client.get(reverse("coordinators:home")).content.decode()
    assert job.job_number in page and "Tag as…" not in page
    url = reverse("coordinators:job_tag", args=[job.pk])
    assert client.post(url, {"op": "add", "tag_type_id": rebate.st_id}).status_code == 403
    client = signed_in(admin_user)
    assert client.post(url, {"op": "add", "tag_type_id": rebate.st_id}).status_code == 302


def test_a_job_of_another_organization_is_not_found(
    signed_in: Callable[[User], Client],
    coordinator_user: User,
    other_organization: Organization,
) -> None:
    theirs = JobFactory.create(connection=ConnectionFactory.create(organization=other_organization))
    response = signed_in(coordinator_user).post(
        reverse("coordinators:job_tag", args=[theirs.pk]), {"op": "add", "tag_type_id": 1}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_query_count_does_not_grow_with_installs_or_packets(
    count: int,
    signed_in: Callable[[User], Client],
    coordinator_user: User,
    organization: Organization,
    connection: Connection,
    tags: dict[str, TagType],
    django_assert_num_queries: Callable[..., Any],
) -> None:
    for n in range(count):
        job = install(
            connection,
            days=1 + n % 10,
            technician=f"Tech {n % 3}",
            tag_ids=[tags["Rebate Needed"].st_id],
        )
        FindingFactory.create(
            organization=organization, packet=Packet.objects.get(job=job), subject="photos"
        )
    file_packet(organization, connection=connection)
    client = signed_in(coordinator_user)
    client.get(reverse("coordinators:home"))
    # session, user, membership; installs + their technicians + their jobs' packets;
    # paperwork findings + technicians; tag types; tag corrections; org switcher;
    # outreach's technician requests (through review's extensions)
    with django_assert_num_queries(12):
        client.get(reverse("coordinators:home"))
