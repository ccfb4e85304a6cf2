"""Import rules: each criterion, idempotent and concurrent import, history runs, services."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from autofile.accounts.models import Organization
from autofile.mirror.models import Connection
from autofile.packets.models import ImportRule, Packet, PacketEvent, RebateProgram
from autofile.packets.selectors import rule_jobs
from autofile.packets.services import (
    packets_import,
    rule_create,
    rule_delete,
    rule_import,
    rule_run_history,
    rule_set_active,
    rule_update,
)
from tests.factories import (
    ConnectionFactory,
    EstimateFactory,
    InvoiceItemFactory,
    JobFactory,
    RebateProgramFactory,
)

HEAT_PUMP_SKU = 11_001
FURNACE_SKU = 11_002


@pytest.fixture
def connection(organization: Organization) -> Connection:
    return ConnectionFactory.create(organization=organization)


@pytest.fixture
def program(organization: Organization) -> RebateProgram:
    return RebateProgramFactory.create(organization=organization)


@pytest.fixture
def rule(connection: Connection, program: RebateProgram) -> Callable[..., ImportRule]:
    """An unsaved rule with these criteria (what a form's save(commit=False) gives)."""

    def make(**criteria: Any) -> ImportRule:
        return ImportRule(
            organization=connection.organization,
            connection=connection,
            program=program,
            name="Test rule",
            **criteria,
        )

    return make


def matched(rule: ImportRule) -> set[int]:
    return set(rule_jobs(rule=rule).values_list("pk", flat=True))


def test_any_tag_matches_jobs_carrying_one_of_them(
    connection: Connection, rule: Callable[..., ImportRule]
) -> None:
    one = JobFactory.create(connection=connection, tag_type_ids=[1, 7])
    other = JobFactory.create(connection=connection, tag_type_ids=[2])
    JobFactory.create(connection=connection, tag_type_ids=[])

    assert matched(rule(tag_type_ids=[1, 2])) == {one.pk, other.pk}
    assert matched(rule(tag_type_ids=[7])) == {one.pk}


def test_all_tags_needs_every_one(connection: Connection, rule: Callable[..., ImportRule]) -> None:
    both = JobFactory.create(connection=connection, tag_type_ids=[1, 2, 3])
    JobFactory.create(connection=connection, tag_type_ids=[1])

    assert matched(rule(tag_type_ids=[1, 2], tag_match=ImportRule.TagMatch.ALL)) == {both.pk}


def test_excluded_tags_leave_jobs_out(
    connection: Connection, rule: Callable[..., ImportRule]
) -> None:
    kept = JobFactory.create(connection=connection, tag_type_ids=[1])
    JobFactory.create(connection=connection, tag_type_ids=[1, 9])

    assert matched(rule(tag_type_ids=[1], excluded_tag_type_ids=[9])) == {kept.pk}


def test_an_invoice_item_of_a_listed_sku_matches(
    connection: Connection, rule: Callable[..., ImportRule]
) -> None:
    item = InvoiceItemFactory.create(connection=connection, sku_st_id=HEAT_PUMP_SKU)
    assert item.invoice is not None and item.invoice.job is not None
    heat_pump = item.invoice.job
    InvoiceItemFactory.create(connection=connection, sku_st_id=FURNACE_SKU)
    inactive = InvoiceItemFactory.create(connection=connection, sku_st_id=HEAT_PUMP_SKU)
    inactive.active = False
    inactive.save()

    assert matched(rule(sku_ids=[HEAT_PUMP_SKU])) == {heat_pump.pk}


def test_an_item_of_a_sold_estimate_matches_but_not_of_an_open_one(
    connection: Connection, rule: Callable[..., ImportRule]
) -> None:
    sold = EstimateFactory.create(
        connection=connection, status="Sold", sku_ids=[FURNACE_SKU, HEAT_PUMP_SKU]
    ).job
    assert sold is not None
    EstimateFactory.create(connection=connection, status="Open", sku_ids=[HEAT_PUMP_SKU])
    EstimateFactory.create(connection=connection, status="Dismissed", sku_ids=[HEAT_PUMP_SKU])

    assert matched(rule(sku_ids=[HEAT_PUMP_SKU])) == {sold.pk}


def test_business_units_job_types_and_statuses(
    connection: Connection, rule: Callable[..., ImportRule]
) -> None:
    install = JobFactory.create(
        connection=connection, business_unit_st_id=501, job_type_st_id=601, job_status="Completed"
    )
    service = JobFactory.create(
        connection=connection, business_unit_st_id=502, job_type_st_id=602, job_status="Completed"
    )
    scheduled = JobFactory.create(
        connection=connection, business_unit_st_id=501, job_type_st_id=601, job_status="Scheduled"
    )

    assert matched(rule(business_unit_ids=[501])) == {install.pk, scheduled.pk}
    assert matched(rule(job_type_ids=[602])) == {service.pk}
    assert matched(rule(business_unit_ids=[501], job_statuses=["Completed"])) == {install.pk}


def test_completion_window_by_dates_and_by_last_days(
    connection: Connection, rule: Callable[..., ImportRule]
) -> None:
    now = timezone.now()
    recent = JobFactory.create(
        connection=connection, tag_type_ids=[1], completed_on=now - dt.timedelta(days=5)
    )
    march = JobFactory.create(
        connection=connection,
        tag_type_ids=[1],
        completed_on=timezone.make_aware(dt.datetime(2025, 3, 15, 16, 30)),
    )
    open_job = JobFactory.create(connection=connection, tag_type_ids=[1], completed_on=None)

    assert matched(rule(tag_type_ids=[1])) == {recent.pk, march.pk, open_job.pk}
    assert matched(rule(tag_type_ids=[1], completed_within_days=30)) == {recent.pk}
    in_march = rule(
        tag_type_ids=[1], completed_from=dt.date(2025, 3, 1), completed_to=dt.date(2025, 3, 15)
    )
    assert matched(in_march) == {march.pk}  # the last day counts whole
    assert matched(rule(tag_type_ids=[1], completed_to=dt.date(2025, 3, 14))) == set()


def test_criteria_combine_and_skip_inactive_and_foreign_jobs(
    connection: Connection, rule: Callable[..., ImportRule]
) -> None:
    wanted = JobFactory.create(connection=connection, tag_type_ids=[1], business_unit_st_id=501)
    JobFactory.create(connection=connection, tag_type_ids=[1], business_unit_st_id=502)
    JobFactory.create(
        connection=connection, tag_type_ids=[1], business_unit_st_id=501, active=False
    )
    JobFactory.create(tag_type_ids=[1], business_unit_st_id=501)  # another tenant

    assert matched(rule(tag_type_ids=[1], business_unit_ids=[501])) == {wanted.pk}


def test_a_rule_without_a_positive_criterion_matches_nothing(
    connection: Connection, rule: Callable[..., ImportRule]
) -> None:
    JobFactory.create(connection=connection, job_status="Completed")

    assert matched(rule(job_statuses=["Completed"], completed_within_days=30)) == set()


def test_import_creates_one_packet_per_job_and_program_however_often_it_runs(
    connection: Connection, program: RebateProgram
) -> None:
    jobs = [JobFactory.create(connection=connection, tag_type_ids=[1]) for _ in range(3)]
    JobFactory.create(connection=connection, tag_type_ids=[2])
    rule_create(
        organization=connection.organization,
        connection=connection,
        program=program,
        name="Tagged",
        tag_type_ids=[1],
        is_active=True,
    )
    # A second rule for the same program and jobs adds nothing.
    rule_create(
        organization=connection.organization,
        connection=connection,
        program=program,
        name="Tagged again",
        tag_type_ids=[1],
        business_unit_ids=[],
        job_statuses=["Completed"],
        is_active=True,
    )

    assert packets_import(connection=connection) == 3
    assert packets_import(connection=connection) == 0
    assert packets_import(connection=connection, job_ids=[jobs[0].pk]) == 0
    packets = Packet.objects.filter(program=program)
    assert sorted(p.job_id for p in packets) == sorted(j.pk for j in jobs)
    assert {p.status for p in packets} == {"new"}
    # Each import is recorded once on its packet.
    assert PacketEvent.objects.filter(packet__in=packets, action="import").count() == 3


def test_a_job_can_have_packets_for_two_programs(
    connection: Connection, organization: Organization
) -> None:
    job = JobFactory.create(connection=connection, tag_type_ids=[1])
    for name in ("Utility", "Federal"):
        rule_create(
            organization=organization,
            connection=connection,
            program=RebateProgramFactory.create(organization=organization, name=name),
            name=name,
            tag_type_ids=[1],
            is_active=True,
        )

    assert packets_import(connection=connection, job_ids=[job.pk]) == 2


def test_inactive_rules_and_programs_import_nothing(
    connection: Connection, program: RebateProgram
) -> None:
    JobFactory.create(connection=connection, tag_type_ids=[1])
    rule = rule_create(
        organization=connection.organization,
        connection=connection,
        program=program,
        name="Off",
        tag_type_ids=[1],
    )
    assert packets_import(connection=connection) == 0
    rule_set_active(rule=rule, is_active=True)
    program.is_active = False
    program.save()
    assert packets_import(connection=connection) == 0
    assert rule_import(rule=rule) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_never_double_a_packet(organization: Organization) -> None:
    connection = ConnectionFactory.create(organization=organization)
    program = RebateProgramFactory.create(organization=organization)
    for _ in range(40):
        JobFactory.create(connection=connection, tag_type_ids=[1])
    rule = ImportRule.objects.create(
        organization=organization,
        connection=connection,
        program=program,
        name="Tagged",
        tag_type_ids=[1],
        is_active=True,
    )
    start = threading.Barrier(4)
    created: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            created.extend(rule_import(rule=ImportRule.objects.get(pk=rule.pk)))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(created) == 40
    assert Packet.objects.filter(program=program).count() == 40


def test_rule_services_validate_their_input(
    connection: Connection, program: RebateProgram, other_organization: Organization
) -> None:
    org = connection.organization
    with pytest.raises(ValidationError) as nothing:
        rule_create(organization=org, connection=connection, program=program, name="Empty")
    assert "__all__" in nothing.value.message_dict

    with pytest.raises(ValidationError) as window:
        rule_create(
            organization=org,
            connection=connection,
            program=program,
            name="Backwards",
            tag_type_ids=[1],
            completed_from=dt.date(2025, 5, 1),
            completed_to=dt.date(2025, 4, 1),
        )
    assert "completed_to" in window.value.message_dict

    with pytest.raises(ValidationError) as both:
        rule_create(
            organization=org,
            connection=connection,
            program=program,
            name="Both",
            tag_type_ids=[1],
            excluded_tag_type_ids=[1],
        )
    assert "excluded_tag_type_ids" in both.value.message_dict

    foreign = RebateProgramFactory.create(organization=other_organization)
    with pytest.raises(ValidationError) as program_error:
        rule_create(
            organization=org, connection=connection, program=foreign, name="X", tag_type_ids=[1]
        )
    assert "program" in program_error.value.message_dict

    rule_create(
        organization=org, connection=connection, program=program, name="A", tag_type_ids=[1]
    )
    with pytest.raises(ValidationError) as duplicate:
        rule_create(
            organization=org, connection=connection, program=program, name="A", tag_type_ids=[2]
        )
    assert "name" in duplicate.value.message_dict


def test_deleting_a_rule_keeps_its_packets(connection: Connection, program: RebateProgram) -> None:
    JobFactory.create(connection=connection, tag_type_ids=[1])
    rule = rule_create(
        organization=connection.organization,
        connection=connection,
        program=program,
        name="Tagged",
        tag_type_ids=[1],
        is_active=True,
    )
    rule_import(rule=rule)
    rule_delete(rule=rule)

    packet = Packet.objects.get(program=program)
    assert packet.rule is None


def test_rule_history_is_enqueued_on_commit_when_created_edited_or_switched_on(
    connection: Connection,
    program: RebateProgram,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """The services enqueue packets.import_rule_history after commit; its body imports."""
    with django_capture_on_commit_callbacks() as created:
        rule = rule_create(
            organization=connection.organization,
            connection=connection,
            program=program,
            name="Off",
            tag_type_ids=[1],
        )
    assert created == []  # an inactive rule does not run
    with django_capture_on_commit_callbacks() as switched_on:
        rule_set_active(rule=rule, is_active=True)
    assert len(switched_on) == 1
    with django_capture_on_commit_callbacks() as edited:
        rule_update(rule=rule, tag_type_ids=[1, 2])
    assert len(edited) == 1
    with django_capture_on_commit_callbacks() as unchanged:
        rule_update(rule=rule, tag_type_ids=[2, 1])  # the same criteria: nothing to do
    assert unchanged == []

    JobFactory.create(connection=connection, tag_type_ids=[2])
    assert rule_run_history(rule_id=rule.pk) == 1
    rule.refresh_from_db()
    assert rule.history_imported == 1
    assert rule.history_finished_at is not None
    rule_set_active(rule=rule, is_active=False)
    assert rule_run_history(rule_id=rule.pk) == 0
