"""The dry run of a rule over the simulated tenant: which jobs, why, and how many per unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone

from autofile.accounts.models import Organization
from autofile.mirror.models import BusinessUnit, Connection, Job, PricebookEquipment
from autofile.packets.models import ImportRule, RebateProgram
from autofile.packets.selectors import rule_jobs, rule_options, rule_preview
from autofile.packets.services import rule_create, rule_import
from tests.autofile.packets.conftest import tag_id


@pytest.fixture
def draft(
    organization: Organization, tenant: Connection, utility_program: RebateProgram
) -> Callable[..., ImportRule]:
    """An unsaved rule on the tenant, as the rule form builds it before saving."""

    def make(**criteria: Any) -> ImportRule:
        return ImportRule(
            organization=organization,
            connection=tenant,
            program=utility_program,
            name="Draft",
            **criteria,
        )

    return make


def test_preview_of_a_tag_rule_lists_jobs_with_reasons_and_counts(
    tenant: Connection, draft: Callable[..., ImportRule]
) -> None:
    rebate_needed = tag_id(tenant, "Rebate Needed")
    rule = draft(tag_type_ids=[rebate_needed])
    jobs = rule_jobs(rule=rule)
    expected = jobs.count()
    assert expected > 0

    preview = rule_preview(rule=rule, limit=10)

    assert preview.total == expected
    assert preview.shown == min(10, expected)
    assert all(p.reasons == ["Tagged Rebate Needed"] for p in preview.jobs)
    assert not any(p.packet_exists for p in preview.jobs)
    # Newest completions first.
    shown = [p.job.completed_on for p in preview.jobs if p.job.completed_on]
    assert shown == sorted(shown, reverse=True)
    names = dict(BusinessUnit.objects.filter(connection=tenant).values_list("st_id", "name"))
    by_unit = {
        names.get(row["business_unit_st_id"], "No business unit"): row["n"]
        for row in jobs.order_by().values("business_unit_st_id").annotate(n=Count("id"))
    }
    assert dict(preview.by_business_unit) == by_unit
    counts = [n for _, n in preview.by_business_unit]
    assert counts == sorted(counts, reverse=True)


def test_preview_says_which_skus_matched_and_where(
    tenant: Connection, draft: Callable[..., ImportRule]
) -> None:
    carrier = PricebookEquipment.objects.get(connection=tenant, code="HP-CAR-25VNA036")
    preview = rule_preview(rule=draft(sku_ids=[carrier.st_id]), limit=100)

    assert preview.total > 0
    reasons = {reason for p in preview.jobs for reason in p.reasons}
    label = f"HP-CAR-25VNA036 ({carrier.display_name})"
    assert f"Invoiced {label}" in reasons
    assert f"Sold estimate holds {label}" in reasons  # sold but not yet installed jobs too


def test_preview_window_and_existing_packets(
    organization: Organization,
    tenant: Connection,
    utility_program: RebateProgram,
    draft: Callable[..., ImportRule],
) -> None:
    rebate_needed = tag_id(tenant, "Rebate Needed")
    everything = rule_preview(rule=draft(tag_type_ids=[rebate_needed]))
    completed = [p.job for p in everything.jobs if p.job.completed_on]
    newest = timezone.localtime(completed[0].completed_on).date()
    window = rule_preview(
        rule=draft(tag_type_ids=[rebate_needed]),
        completed_from=newest - dt.timedelta(days=60),
        completed_to=newest,
    )
    assert 0 < window.total < everything.total
    assert all(
        newest - dt.timedelta(days=60) <= timezone.localtime(p.job.completed_on).date() <= newest
        for p in window.jobs
    )
    assert window.completed_from == newest - dt.timedelta(days=60)

    rule = rule_create(
        organization=organization,
        connection=tenant,
        program=utility_program,
        name="Rebate Needed",
        tag_type_ids=[rebate_needed],
        is_active=True,
    )
    created = rule_import(rule=rule)
    again = rule_preview(rule=rule)
    assert again.already_packets == len(created) == everything.total
    assert again.new_packets == 0
    assert all(p.packet_exists for p in again.jobs)


def test_preview_explains_every_criterion(
    tenant: Connection, draft: Callable[..., ImportRule]
) -> None:
    job = (
        Job.objects.filter(connection=tenant, job_status="Completed", job_type__isnull=False)
        .exclude(tag_type_ids=[])
        .first()
    )
    assert job is not None and job.completed_on is not None
    rule = draft(
        tag_type_ids=[job.tag_type_ids[0]],
        business_unit_ids=[job.business_unit_st_id],
        job_type_ids=[job.job_type_st_id],
        job_statuses=["Completed"],
        completed_within_days=(timezone.now() - job.completed_on).days + 2,
    )
    preview = rule_preview(rule=rule, limit=500)
    listed = next(p for p in preview.jobs if p.job.pk == job.pk)
    kinds = [reason.split(" ")[0] for reason in listed.reasons]
    assert kinds == ["Tagged", "Business", "Job", "Status", "Completed"]
    assert listed.reasons[2] == f"Job type {job.job_type.name}"  # type: ignore[union-attr]


def test_preview_reads_a_fixed_number_of_rows(
    tenant: Connection,
    draft: Callable[..., ImportRule],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    carrier = PricebookEquipment.objects.get(connection=tenant, code="HP-CAR-25VNA036")
    rule = draft(tag_type_ids=[tag_id(tenant, "Rebate Needed")], sku_ids=[carrier.st_id])
    rule.business_unit_ids = list(
        BusinessUnit.objects.filter(connection=tenant).values_list("st_id", flat=True)
    )
    with django_assert_max_num_queries(11):
        rule_preview(rule=rule, limit=200)


def test_rule_options_offer_the_tenants_choices(tenant: Connection) -> None:
    options = rule_options(connection=tenant)
    assert "Rebate Needed" in {name for _, name in options.tag_types}
    assert {"HVAC Install", "Plumbing"} <= {name for _, name in options.business_units}
    assert "Heat Pump Install" in {name for _, name in options.job_types}
    assert ("Completed", "Completed") in options.job_statuses
    codes = {label.split(" — ")[0] for _, label in options.equipment}
    assert "HP-CAR-25VNA036" in codes
    assert [group for group, _ in options.skus] == ["Services", "Equipment", "Materials"]
