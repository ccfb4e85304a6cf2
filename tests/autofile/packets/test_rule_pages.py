"""The import rule pages: list, form with every criterion, preview, on/off switch."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autofile.accounts.models import Organization, Role, User
from autofile.mirror.models import Connection, Job
from autofile.packets.models import ImportRule, RebateProgram
from tests.factories import (
    BusinessUnitFactory,
    ConnectionFactory,
    ImportRuleFactory,
    InvoiceFactory,
    InvoiceItemFactory,
    JobFactory,
    JobTypeFactory,
    PacketFactory,
    PricebookEquipmentFactory,
    PricebookServiceFactory,
    RebateProgramFactory,
    TagTypeFactory,
)

Capture = Callable[..., Any]


@dataclass
class Tenant:
    connection: Connection
    program: RebateProgram
    rebate_tag: int
    do_not_file: int
    north: int
    south: int
    install: int
    heat_pump_sku: int
    tagged_north: Job
    tagged_south: Job
    invoiced: Job
    excluded: Job


def days_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


@pytest.fixture
def tenant(organization: Organization) -> Tenant:
    """A mirrored tenant: tags, business units, a job type, SKUs and a few jobs."""
    connection = ConnectionFactory.create(organization=organization, tenant_id=1000)
    same = {"connection": connection, "organization": organization}
    rebate = TagTypeFactory.create(name="Rebate Needed", **same).st_id
    dnf = TagTypeFactory.create(name="Do Not File", **same).st_id
    north = BusinessUnitFactory.create(name="HVAC North", **same).st_id
    south = BusinessUnitFactory.create(name="HVAC South", **same).st_id
    install = JobTypeFactory.create(name="Heat Pump Install", **same).st_id
    sku = PricebookEquipmentFactory.create(code="HP-CAR-3T", display_name="Carrier 3 ton", **same)
    PricebookServiceFactory.create(code="SVC-INSTALL", st_id=sku.st_id + 1_000, **same)

    def job(**kw: Any) -> Job:
        return JobFactory.create(job_type_st_id=install, **same, **kw)

    tagged_north = job(tag_type_ids=[rebate], business_unit_st_id=north, completed_on=days_ago(5))
    tagged_south = job(tag_type_ids=[rebate], business_unit_st_id=south, completed_on=days_ago(40))
    invoiced = job(business_unit_st_id=north, completed_on=days_ago(10))
    InvoiceItemFactory.create(
        invoice=InvoiceFactory.create(job=invoiced, **same), sku_st_id=sku.st_id, **same
    )
    excluded = job(tag_type_ids=[rebate, dnf], business_unit_st_id=north, completed_on=days_ago(2))
    JobFactory.create(**same)  # untagged, nothing to do with rebates
    program = RebateProgramFactory.create(organization=organization, name="Oncor heat pump")
    return Tenant(
        connection, program, rebate, dnf, north, south, install, sku.st_id,
        tagged_north, tagged_south, invoiced, excluded,
    )  # fmt: skip


@pytest.fixture
def admin(signed_in: Callable[[User], Client], admin_user: User) -> Client:
    return signed_in(admin_user)


def rule_form(tenant: Tenant, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "connection": tenant.connection.pk,
        "name": "Rebate Needed tag",
        "program": tenant.program.pk,
        "tag_type_ids": [tenant.rebate_tag],
        "tag_match": "any",
        "excluded_tag_type_ids": [tenant.do_not_file],
        "job_statuses": ["Completed"],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- list ---------------------------------------------------------------------------------


def test_the_list_shows_each_rule_with_its_switch(admin: Client, tenant: Tenant) -> None:
    rule = ImportRuleFactory.create(
        connection=tenant.connection, program=tenant.program, name="Tagged", is_active=False
    )
    PacketFactory.create(job=tenant.tagged_north, program=tenant.program, rule=rule)
    page = admin.get(reverse("packets:rule_list")).content.decode()
    assert "Tagged" in page and "Oncor heat pump" in page
    assert 'aria-checked="false"' in page
    assert reverse("packets:rule_switch", args=[rule.pk]) in page


def test_without_a_connection_the_list_says_to_connect_first(admin: Client) -> None:
    page = admin.get(reverse("packets:rule_list")).content.decode()
    assert "Connect ServiceTitan first" in page
    page = admin.get(reverse("packets:rule_create")).content.decode()
    assert "Connect ServiceTitan" in page


def test_the_list_runs_a_fixed_number_of_queries(
    admin: Client, tenant: Tenant, django_assert_max_num_queries: Any
) -> None:
    def make(n: int) -> None:
        for _ in range(n):
            ImportRuleFactory.create(connection=tenant.connection, program=tenant.program)

    make(2)
    with django_assert_max_num_queries(12) as two:
        admin.get(reverse("packets:rule_list"))
    make(48)
    with django_assert_max_num_queries(len(two.captured_queries)):
        page = admin.get(reverse("packets:rule_list"))
    assert page.content.decode().count(">Tagged Rebate Needed") == 50


# --- creating and editing ---------------------------------------------------------------------


def test_the_form_offers_the_mirror_by_name(admin: Client, tenant: Tenant) -> None:
    page = admin.get(reverse("packets:rule_create")).content.decode()
    for name in ("Rebate Needed", "Do Not File", "HVAC North", "HVAC South", "Heat Pump Install"):
        assert name in page
    assert "HP-CAR-3T — Carrier 3 ton" in page
    assert '<optgroup label="Equipment">' in page
    assert "Completed" in page


def test_an_admin_creates_a_rule_switched_off(
    admin: Client, tenant: Tenant, admin_user: User
) -> None:
    data = rule_form(
        tenant,
        sku_ids=[tenant.heat_pump_sku],
        business_unit_ids=[tenant.north, tenant.south],
        job_type_ids=[tenant.install],
        completed_within_days="90",
    )
    response = admin.post(reverse("packets:rule_create"), data)
    rule = ImportRule.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("packets:rule_edit", args=[rule.pk])
    assert not rule.is_active
    assert rule.connection == tenant.connection and rule.program == tenant.program
    assert rule.tag_type_ids == [tenant.rebate_tag]
    assert rule.excluded_tag_type_ids == [tenant.do_not_file]
    assert rule.sku_ids == [tenant.heat_pump_sku]
    assert sorted(rule.business_unit_ids) == sorted([tenant.north, tenant.south])
    assert rule.job_type_ids == [tenant.install]
    assert rule.job_statuses == ["Completed"]
    assert rule.completed_within_days == 90
    assert rule.created_by == admin_user


def test_a_rule_needs_something_to_look_for(admin: Client, tenant: Tenant) -> None:
    data = rule_form(tenant, tag_type_ids=None, name="Kept name")
    response = admin.post(reverse("packets:rule_create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say which jobs to import" in page
    assert 'value="Kept name"' in page
    assert not ImportRule.objects.exists()


def test_the_service_refusals_land_on_their_fields(admin: Client, tenant: Tenant) -> None:
    ImportRuleFactory.create(
        connection=tenant.connection, program=tenant.program, name="Rebate Needed tag"
    )
    data = rule_form(
        tenant,
        completed_from="2025-06-01",
        completed_to="2025-05-01",
        excluded_tag_type_ids=[tenant.rebate_tag],
    )
    page = admin.post(reverse("packets:rule_create"), data).content.decode()
    assert "Another rule of this tenant has this name." in page
    assert "The window ends before it starts." in page
    assert "A tag cannot be both wanted and excluded." in page
    assert 'value="2025-06-01"' in page
    assert ImportRule.objects.count() == 1


def test_editing_shows_the_rule_and_saves_changes(admin: Client, tenant: Tenant) -> None:
    rule = ImportRuleFactory.create(
        connection=tenant.connection,
        program=tenant.program,
        name="Tagged",
        tag_type_ids=[tenant.rebate_tag],
        is_active=False,
    )
    url = reverse("packets:rule_edit", args=[rule.pk])
    page = admin.get(url).content.decode()
    assert 'value="Tagged"' in page
    assert re.search(f'value="{tenant.rebate_tag}" id="id_tag_type_ids_\\d" checked', page)

    response = admin.post(url, rule_form(tenant, name="Renamed", business_unit_ids=[tenant.south]))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.name == "Renamed"
    assert rule.business_unit_ids == [tenant.south]


def test_ids_that_left_the_mirror_are_kept_and_labelled(admin: Client, tenant: Tenant) -> None:
    rule = ImportRuleFactory.create(
        connection=tenant.connection, program=tenant.program, tag_type_ids=[tenant.rebate_tag, 999]
    )
    page = admin.get(reverse("packets:rule_edit", args=[rule.pk])).content.decode()
    assert "Tag type 999 (no longer in ServiceTitan)" in page


# --- preview ----------------------------------------------------------------------------------


def preview(client: Client, url: str, data: dict[str, Any], *, htmx: bool = True) -> str:
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "rule-preview"} if htmx else {}
    response = client.post(url, {**data, "preview": "1"}, **headers)  # type: ignore[arg-type]
    assert response.status_code == 200
    return response.content.decode()


def test_the_preview_lists_matching_jobs_and_why(admin: Client, tenant: Tenant) -> None:
    page = preview(admin, reverse("packets:rule_create"), rule_form(tenant))
    assert page.lstrip().startswith('<div id="rule-preview"')
    assert "<strong>2 jobs</strong>" in page
    assert tenant.tagged_north.job_number in page
    assert tenant.tagged_south.job_number in page
    assert tenant.excluded.job_number not in page  # carries the excluding tag
    assert tenant.invoiced.job_number not in page
    assert "Tagged Rebate Needed" in page
    assert "HVAC North" in page and "HVAC South" in page  # counts per business unit
    assert not ImportRule.objects.exists()  # a preview saves nothing


def test_the_preview_explains_sku_matches(admin: Client, tenant: Tenant) -> None:
    data = rule_form(tenant, tag_type_ids=None, sku_ids=[tenant.heat_pump_sku])
    page = preview(admin, reverse("packets:rule_create"), data)
    assert "<strong>1 job</strong>" in page
    assert tenant.invoiced.job_number in page
    assert "Invoiced HP-CAR-3T" in page


def test_the_preview_window_narrows_the_jobs(admin: Client, tenant: Tenant) -> None:
    today = timezone.localdate()
    data = rule_form(
        tenant,
        **{
            "preview-completed_from": (today - dt.timedelta(days=14)).isoformat(),
            "preview-completed_to": today.isoformat(),
        },
    )
    page = preview(admin, reverse("packets:rule_create"), data)
    assert "<strong>1 job</strong>" in page
    assert tenant.tagged_north.job_number in page
    assert tenant.tagged_south.job_number not in page


def test_the_preview_marks_jobs_that_already_have_a_packet(admin: Client, tenant: Tenant) -> None:
    PacketFactory.create(job=tenant.tagged_south, program=tenant.program)
    page = preview(admin, reverse("packets:rule_create"), rule_form(tenant))
    assert "1 would become new packets, 1 already have one for this program" in page
    assert "Already a packet" in page


def test_the_preview_needs_no_name_but_says_what_is_missing(admin: Client, tenant: Tenant) -> None:
    page = preview(admin, reverse("packets:rule_create"), rule_form(tenant, name="", program=None))
    assert "<strong>2 jobs</strong>" in page
    page = preview(admin, reverse("packets:rule_create"), rule_form(tenant, tag_type_ids=None))
    assert "Say which jobs to import" in page


def test_the_preview_works_without_javascript(admin: Client, tenant: Tenant) -> None:
    page = preview(admin, reverse("packets:rule_create"), rule_form(tenant), htmx=False)
    assert "<html" in page and "<strong>2 jobs</strong>" in page
    assert 'value="Rebate Needed tag"' in page  # the form keeps its input


def test_previewing_a_saved_rule_uses_the_edited_criteria(admin: Client, tenant: Tenant) -> None:
    rule = ImportRuleFactory.create(
        connection=tenant.connection, program=tenant.program, tag_type_ids=[tenant.rebate_tag]
    )
    data = rule_form(tenant, business_unit_ids=[tenant.south])
    page = preview(admin, reverse("packets:rule_edit", args=[rule.pk]), data)
    assert "<strong>1 job</strong>" in page and tenant.tagged_south.job_number in page


# --- the switch -------------------------------------------------------------------------------


def test_switching_a_rule_on_queues_its_history(
    admin: Client, tenant: Tenant, django_capture_on_commit_callbacks: Capture
) -> None:
    rule = ImportRuleFactory.create(
        connection=tenant.connection, program=tenant.program, is_active=False
    )
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin.post(
            reverse("packets:rule_switch", args=[rule.pk]),
            {"is_active": "on"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="rule-switch",
        )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="rule-switch"')
    assert 'aria-checked="true"' in page
    assert "History import queued" in page
    assert reverse("packets:rule_status", args=[rule.pk]) in page  # polls for progress
    rule.refresh_from_db()
    assert rule.is_active
    assert len(callbacks) == 1  # the history import, enqueued after commit


def test_switching_off_from_the_list(admin: Client, tenant: Tenant) -> None:
    rule = ImportRuleFactory.create(
        connection=tenant.connection, program=tenant.program, is_active=True
    )
    response = admin.post(
        reverse("packets:rule_switch", args=[rule.pk]),
        {"is_active": "off"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="rules-table",
    )
    assert response.content.decode().lstrip().startswith('<div id="rules-table"')
    rule.refresh_from_db()
    assert not rule.is_active


def test_the_switch_works_without_javascript(admin: Client, tenant: Tenant) -> None:
    rule = ImportRuleFactory.create(
        connection=tenant.connection, program=tenant.program, is_active=False
    )
    response = admin.post(
        reverse("packets:rule_switch", args=[rule.pk]), {"is_active": "on", "next": "list"}
    )
    assert response["Location"] == reverse("packets:rule_list")
    rule.refresh_from_db()
    assert rule.is_active


def test_the_status_shows_what_history_imported(admin: Client, tenant: Tenant) -> None:
    rule = ImportRuleFactory.create(
        connection=tenant.connection,
        program=tenant.program,
        is_active=True,
        history_started_at=days_ago(1),
        history_finished_at=timezone.now(),
        history_imported=7,
    )
    page = admin.get(reverse("packets:rule_status", args=[rule.pk])).content.decode()
    assert "7 packets from history" in page
    assert "hx-trigger" not in page  # done: no more polling


def test_deleting_a_rule_keeps_its_packets(admin: Client, tenant: Tenant) -> None:
    rule = ImportRuleFactory.create(connection=tenant.connection, program=tenant.program)
    packet = PacketFactory.create(job=tenant.tagged_north, program=tenant.program, rule=rule)
    response = admin.post(reverse("packets:rule_delete", args=[rule.pk]))
    assert response["Location"] == reverse("packets:rule_list")
    assert not ImportRule.objects.exists()
    packet.refresh_from_db()
    assert packet.rule is None


@pytest.mark.parametrize("role", [Role.QA, Role.COORDINATOR])
def test_only_admins_manage_rules(
    role: Role, member: Callable[..., User], signed_in: Callable[[User], Client], tenant: Tenant
) -> None:
    client = signed_in(member(role))
    rule = ImportRuleFactory.create(connection=tenant.connection, program=tenant.program)
    assert client.get(reverse("packets:rule_list")).status_code == 403
    assert client.get(reverse("packets:rule_create")).status_code == 403
    assert client.post(reverse("packets:rule_create"), rule_form(tenant)).status_code == 403
    assert client.get(reverse("packets:rule_edit", args=[rule.pk])).status_code == 403
    assert client.get(reverse("packets:rule_status", args=[rule.pk])).status_code == 403
    switch = reverse("packets:rule_switch", args=[rule.pk])
    assert client.post(switch, {"is_active": "off"}).status_code == 403
    assert client.post(reverse("packets:rule_delete", args=[rule.pk])).status_code == 403
    assert ImportRule.objects.filter(pk=rule.pk, is_active=True).exists()


def test_a_new_rule_for_another_organizations_tenant_is_404(
    admin: Client, tenant: Tenant, other_organization: Organization
) -> None:
    theirs = ConnectionFactory.create(organization=other_organization)
    url = reverse("packets:rule_create") + f"?connection={theirs.pk}"
    assert admin.get(url).status_code == 404
    assert admin.post(url, rule_form(tenant, connection=theirs.pk)).status_code == 404
    assert not ImportRule.objects.exists()


def test_with_two_tenants_the_new_rule_form_lets_the_admin_pick_one(
    admin: Client, tenant: Tenant, organization: Organization
) -> None:
    second = ConnectionFactory.create(organization=organization, name="Second tenant")
    TagTypeFactory.create(connection=second, organization=organization, name="Second tenant tag")
    page = admin.get(reverse("packets:rule_create") + f"?connection={second.pk}").content.decode()
    assert "Second tenant tag" in page and "Rebate Needed" not in page
    assert f'name="connection" value="{second.pk}"' in page
