"""Findings are never stale: every input of a packet marks it, and it is checked again
before anyone acts on it (the mirror's hook registry, program edits, corrections, the
packet page, mark ready)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autofile.accounts.models import Organization, User
from autofile.mirror import hooks
from autofile.mirror.models import Connection, InstalledEquipment, JobAttachment
from autofile.packets.models import Packet
from autofile.packets.services import (
    packet_validate,
    packets_inputs_changed,
    packets_mirror_changed,
    program_update,
    requirement_create,
)
from autofile.packets.tasks import validate_packets
from tests.autofile.packets.conftest import Filed, heat_pump_jobs


@pytest.fixture
def validated(file_packet: Callable[..., Filed]) -> Packet:
    packet = file_packet().packet
    packet_validate(packet=packet)
    packet.refresh_from_db()
    assert not packet.findings_stale
    return packet


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The validation tasks queued (instead of sent to a worker)."""
    sent: list[list[int]] = []
    monkeypatch.setattr(validate_packets, "delay", sent.append)
    return sent


def test_packets_and_writeback_follow_synced_pages_through_the_mirrors_hooks() -> None:
    for resource in ("jobs", "invoices", "installed-equipment", "job-attachments", "customers"):
        assert hooks.followed(resource)
    assert not hooks.followed("campaigns")


def test_a_hook_runs_inside_the_pages_transaction(tenant: Connection) -> None:
    seen: list[tuple[str, list[int], bool]] = []

    def reaction(connection: Connection, resource: str, ids: list[int]) -> None:
        seen.append((resource, ids, transaction.get_connection().in_atomic_block))

    hooks.on_page_synced({"test-resource"}, reaction)
    hooks.on_page_synced({"test-resource"}, reaction)  # a second ready() adds nothing
    try:
        with transaction.atomic():
            hooks.page_synced(tenant, "test-resource", [1, 2])
        hooks.page_synced(tenant, "test-resource", [])
    finally:
        hooks._reactions.remove((frozenset({"test-resource"}), reaction))
    assert seen == [("test-resource", [1, 2], True)]


def test_a_synced_page_marks_the_packets_it_feeds_and_revalidates_them(
    validated: Packet,
    tenant: Connection,
    enqueued: list[list[int]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    units = list(
        InstalledEquipment.objects.filter(
            connection=tenant, location_st_id=validated.job.location_st_id
        ).values_list("pk", flat=True)
    )
    assert units
    with django_capture_on_commit_callbacks(execute=True):
        packets_mirror_changed(connection=tenant, resource="installed-equipment", ids=units)
        validated.refresh_from_db()
        assert validated.findings_stale  # marked in the page's transaction
    assert enqueued == [[validated.pk]]
    validate_packets(enqueued[0])
    validated.refresh_from_db()
    assert not validated.findings_stale


def test_a_jobs_documents_mark_it_and_are_validated_once_all_are_in(
    validated: Packet,
    tenant: Connection,
    enqueued: list[list[int]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    job = validated.job
    attachment = JobAttachment.objects.create(
        organization=tenant.organization,
        connection=tenant,
        st_id=990_001,
        job_st_id=job.st_id,
        job=job,
        file_name="nameplate.jpg",
        raw={},
        synced_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        hooks.page_synced(tenant, "job-attachments", [attachment.pk])
    validated.refresh_from_db()
    assert validated.findings_stale and enqueued == []
    with django_capture_on_commit_callbacks(execute=True):
        hooks.documents_fetched(tenant, [job.pk])
    assert enqueued == [[validated.pk]]


def test_a_program_edit_marks_its_open_packets_once_per_transaction(
    validated: Packet,
    enqueued: list[list[int]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    other = heat_pump_jobs(validated.job.connection)[1]
    second = Packet.objects.create(
        organization=validated.organization, job=other, program=validated.program
    )
    filed = Packet.objects.create(
        organization=validated.organization,
        job=heat_pump_jobs(validated.job.connection)[2],
        program=validated.program,
        status="submitted",
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        program_update(program=validated.program, description="Edited")
        requirement_create(program=validated.program, kind="customer_email", label="E-mail address")
    assert enqueued == [sorted([validated.pk, second.pk])]
    for packet in (validated, second, filed):
        packet.refresh_from_db()
    assert validated.findings_stale and second.findings_stale
    assert filed.inputs_changed_at is None


def test_a_correction_marks_and_validates_at_once(
    validated: Packet, organization: Organization
) -> None:
    before = validated.validated_at
    assert before is not None
    assert packets_inputs_changed(organization=organization, job_ids=[validated.job_id]) == 1
    validated.refresh_from_db()
    assert validated.validated_at is not None and validated.validated_at > before
    assert validated.inputs_changed_at is not None
    assert not validated.findings_stale


def test_the_packet_page_recomputes_stale_findings_and_says_when(
    validated: Packet, signed_in: Callable[[User], Client], qa_user: User
) -> None:
    # An input changed after the findings were computed, both in the past (both sides of
    # the UPDATE read the old validated_at), so recomputing now clears it however fast.
    Packet.objects.filter(pk=validated.pk).update(
        validated_at=F("validated_at") - dt.timedelta(hours=1),
        inputs_changed_at=F("validated_at") - dt.timedelta(minutes=30),
    )
    validated.refresh_from_db()
    assert validated.findings_stale
    page = signed_in(qa_user).get(reverse("review:packet_detail", args=[validated.pk]))
    assert page.status_code == 200
    validated.refresh_from_db()
    assert not validated.findings_stale
    assert "Findings computed" in page.content.decode()


def test_mark_ready_checks_a_packet_marked_after_its_last_validation(
    validated: Packet, qa_user: User
) -> None:
    from autofile.packets.errors import TransitionRefused
    from autofile.packets.services import packet_mark_ready, packet_start_review

    packet_start_review(packet=validated, user=qa_user)
    # The program asks for something the packet lacks; the packet is marked, not checked.
    requirement_create(
        program=validated.program, kind="job_field", label="Permit", pattern="Permit Number"
    )
    with pytest.raises(TransitionRefused):
        packet_mark_ready(packet=validated, user=qa_user)
    validated.refresh_from_db()
    assert not validated.findings_stale and validated.error_count > 0
