"""The rebate program pages: list, copying an example, the editor and its rows."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from autofile.accounts.models import Organization, Role, User
from autofile.packets.models import (
    EligibilityCheck,
    KickbackReason,
    ProgramMeasure,
    ProgramRequirement,
    RebateProgram,
)
from autofile.packets.selectors import example_programs
from tests.factories import (
    ConnectionFactory,
    ImportRuleFactory,
    PricebookEquipmentFactory,
    RebateProgramFactory,
)

SECTIONS = ("measures", "requirements", "checks", "kickbacks")


@pytest.fixture
def admin(signed_in: Callable[[User], Client], admin_user: User) -> Client:
    return signed_in(admin_user)


def management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def program_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Oncor heat pump 2026",
        "sponsor": "Oncor",
        "sponsor_type": "utility",
        "description": "Residential ducted heat pumps",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "is_active": "on",
    }
    for prefix in SECTIONS:
        data.update(management(prefix, 0))
    data.update(changes)
    return data


def rows(prefix: str, *items: dict[str, Any], initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = management(prefix, len(items), initial)
    for index, item in enumerate(items):
        data.update({f"{prefix}-{index}-{key}": value for key, value in item.items()})
    return data


def full_program() -> dict[str, Any]:
    return program_data(
        **rows(
            "measures",
            {
                "name": "Ducted heat pump",
                "equipment_type": "Heat Pump",
                "rating": "SEER2",
                "minimum": "16",
                "amount": "500",
                "basis": "per_unit",
            },
        ),
        **rows(
            "requirements",
            {
                "kind": "customer_name",
                "label": "Customer name",
                "min_count": "1",
                "severity": "error",
            },
            {
                "kind": "photo",
                "label": "Nameplate photo",
                "pattern": "nameplate-*",
                "min_count": "1",
                "per_unit": "on",
                "severity": "error",
            },
        ),
        **rows(
            "checks",
            {
                "kind": "one_per_address",
                "label": "Once per address a year",
                "period_months": "12",
                "tolerance": "0",
                "severity": "error",
            },
        ),
        **rows("kickbacks", {"code": "MISSING-AHRI", "label": "AHRI certificate missing"}),
    )


# --- list and examples --------------------------------------------------------------------


def test_the_list_shows_programs_and_the_examples(
    admin: Client, organization: Organization
) -> None:
    RebateProgramFactory.create(organization=organization, name="Oncor heat pump")
    page = admin.get(reverse("packets:program_list")).content.decode()
    assert "Oncor heat pump" in page
    for example in example_programs():
        assert example.name in page
        assert f'value="{example.key}"' in page


def test_the_list_runs_a_fixed_number_of_queries(
    admin: Client, organization: Organization, django_assert_max_num_queries: Any
) -> None:
    RebateProgramFactory.create_batch(2, organization=organization)
    with django_assert_max_num_queries(10) as two:
        admin.get(reverse("packets:program_list"))
    RebateProgramFactory.create_batch(48, organization=organization)
    with django_assert_max_num_queries(len(two.captured_queries)):
        admin.get(reverse("packets:program_list"))


def test_copying_an_example_makes_an_editable_program(
    admin: Client, organization: Organization
) -> None:
    example = example_programs()[0]
    response = admin.post(reverse("packets:program_copy"), {"example": example.key})
    program = RebateProgram.objects.get(organization=organization)
    assert response["Location"] == reverse("packets:program_edit", args=[program.pk])
    assert program.example_key == example.key
    assert program.measures.exists() and program.requirements.exists()
    page = admin.get(response["Location"]).content.decode()
    assert "Copied from an example" in page
    assert f'value="{program.name}"' in page
    assert page.count('name="requirements-') > program.requirements.count()


def test_an_unknown_example_is_refused(admin: Client) -> None:
    response = admin.post(reverse("packets:program_copy"), {"example": "nope"}, follow=True)
    assert "No example program" in response.content.decode()
    assert not RebateProgram.objects.exists()


# --- the editor ---------------------------------------------------------------------------------


def test_an_admin_creates_a_program_with_its_rows(
    admin: Client, organization: Organization
) -> None:
    response = admin.post(reverse("packets:program_create"), full_program())
    program = RebateProgram.objects.get(organization=organization)
    assert response["Location"] == reverse("packets:program_edit", args=[program.pk])
    assert program.sponsor == "Oncor" and str(program.ends_on) == "2026-12-31"
    measure = program.measures.get()
    assert (measure.rating, measure.minimum, measure.amount) == ("SEER2", 16, 500)
    assert [r.kind for r in program.requirements.all()] == ["customer_name", "photo"]
    assert program.requirements.get(kind="photo").per_unit
    assert program.checks.get().period_months == 12
    assert program.kickback_reasons.get().code == "MISSING-AHRI"


def test_the_program_form_shows_errors_and_keeps_the_input(admin: Client) -> None:
    data = program_data(name="", starts_on="2026-06-01", ends_on="2026-01-01", sponsor="Kept Co")
    page = admin.post(reverse("packets:program_create"), data).content.decode()
    assert "This field is required." in page
    assert "The program ends before it starts." in page
    assert 'value="Kept Co"' in page
    assert not RebateProgram.objects.exists()


def test_a_bad_row_saves_nothing_and_says_why(admin: Client) -> None:
    data = full_program()
    data.update(
        rows(
            "checks",
            {"kind": "min_rating", "label": "SEER2 floor", "tolerance": "0", "severity": "error"},
        )
    )
    response = admin.post(reverse("packets:program_create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Name the rating (e.g. SEER2)." in page  # the service's refusal, on the row
    assert 'value="SEER2 floor"' in page
    assert not RebateProgram.objects.exists()  # all or nothing
    assert not ProgramMeasure.objects.exists()


def test_editing_updates_removes_and_adds_rows(admin: Client, organization: Organization) -> None:
    admin.post(reverse("packets:program_create"), full_program())
    program = RebateProgram.objects.get(organization=organization)
    measure = program.measures.get()
    name_req, photo_req = program.requirements.all()
    check = program.checks.get()
    reason = program.kickback_reasons.get()

    data = program_data(name="Oncor heat pump (2026 terms)")
    data.update(
        rows(
            "measures",
            {
                "id": measure.pk,
                "name": "Ducted heat pump",
                "equipment_type": "Heat Pump",
                "rating": "SEER2",
                "minimum": "17",
                "amount": "650",
                "basis": "per_unit",
            },
            initial=1,
        )
    )
    data.update(
        rows(
            "requirements",
            {
                "id": name_req.pk,
                "kind": "customer_name",
                "label": "Customer name",
                "min_count": "1",
                "severity": "error",
            },
            {
                "id": photo_req.pk,
                "kind": "photo",
                "label": "Nameplate photo",
                "pattern": "nameplate-*",
                "min_count": "1",
                "per_unit": "on",
                "severity": "error",
                "DELETE": "on",
            },
            initial=2,
        )
    )
    data.update(
        rows(
            "checks",
            {
                "id": check.pk,
                "kind": "one_per_address",
                "label": "Once per address a year",
                "period_months": "12",
                "tolerance": "0",
                "severity": "error",
            },
            initial=1,
        )
    )
    data.update(
        rows(
            "kickbacks",
            {"id": reason.pk, "code": "MISSING-AHRI", "label": "AHRI certificate missing"},
            {"code": "BAD-SERIAL", "label": "Serial number unreadable"},
            initial=1,
        )
    )
    response = admin.post(reverse("packets:program_edit", args=[program.pk]), data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.name == "Oncor heat pump (2026 terms)"
    measure.refresh_from_db()
    assert (measure.minimum, measure.amount) == (Decimal("17.00"), Decimal("650.00"))
    assert list(program.requirements.values_list("kind", flat=True)) == ["customer_name"]
    assert sorted(program.kickback_reasons.values_list("code", flat=True)) == [
        "BAD-SERIAL",
        "MISSING-AHRI",
    ]


def test_a_duplicate_kickback_code_is_refused_on_its_row(
    admin: Client, organization: Organization
) -> None:
    data = program_data(
        **rows(
            "kickbacks",
            {"code": "DUP", "label": "First"},
            {"code": "DUP", "label": "Second"},
        )
    )
    page = admin.post(reverse("packets:program_create"), data).content.decode()
    assert "This program already has a reason with this code." in page
    assert not KickbackReason.objects.exists()


def test_add_a_row_keeps_the_input_and_saves_nothing(admin: Client) -> None:
    data = program_data(sponsor="Typed sponsor", **rows("kickbacks", {"code": "A", "label": "B"}))
    data["add"] = "kickbacks"
    response = admin.post(
        reverse("packets:program_create"),
        data,
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="program-editor",
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<form method="post"')
    assert 'value="Typed sponsor"' in page
    assert 'name="kickbacks-1-code"' in page  # one more blank row
    assert 'value="2" id="id_kickbacks-TOTAL_FORMS"' in page
    assert not RebateProgram.objects.exists()


def test_adding_a_row_works_without_javascript(admin: Client) -> None:
    data = program_data(**rows("measures"))
    data["add"] = "measures"
    page = admin.post(reverse("packets:program_create"), data).content.decode()
    assert "<html" in page and 'name="measures-0-name"' in page


def test_blank_extra_rows_are_ignored(admin: Client, organization: Organization) -> None:
    data = program_data(
        **rows(
            "requirements",
            {"kind": "", "label": "", "pattern": "", "min_count": "1", "severity": "error"},
        )
    )
    response = admin.post(reverse("packets:program_create"), data)
    assert response.status_code == 302
    assert not ProgramRequirement.objects.exists()


def test_measures_pick_equipment_skus_from_the_mirror(
    admin: Client, organization: Organization
) -> None:
    connection = ConnectionFactory.create(organization=organization)
    sku = PricebookEquipmentFactory.create(
        connection=connection, organization=organization, code="HP-3T", display_name="3 ton"
    )
    page = admin.get(reverse("packets:program_create")).content.decode()
    assert "HP-3T — 3 ton" in page
    data = program_data(
        **rows(
            "measures",
            {"name": "Heat pump", "sku_ids": [sku.st_id], "amount": "400", "basis": "per_job"},
        )
    )
    admin.post(reverse("packets:program_create"), data)
    assert ProgramMeasure.objects.get().sku_ids == [sku.st_id]


def test_a_program_in_use_is_not_deleted(admin: Client, organization: Organization) -> None:
    rule = ImportRuleFactory.create(connection__organization=organization)
    response = admin.post(reverse("packets:program_delete", args=[rule.program.pk]), follow=True)
    assert "delete them first" in response.content.decode()
    assert RebateProgram.objects.filter(pk=rule.program.pk).exists()


def test_an_unused_program_is_deleted(admin: Client, organization: Organization) -> None:
    program = RebateProgramFactory.create(organization=organization)
    response = admin.post(reverse("packets:program_delete", args=[program.pk]))
    assert response["Location"] == reverse("packets:program_list")
    assert not RebateProgram.objects.exists()


@pytest.mark.parametrize("role", [Role.QA, Role.COORDINATOR])
def test_only_admins_manage_programs(
    role: Role,
    member: Callable[..., User],
    signed_in: Callable[[User], Client],
    organization: Organization,
) -> None:
    client = signed_in(member(role))
    program = RebateProgramFactory.create(organization=organization)
    assert client.get(reverse("packets:program_list")).status_code == 403
    assert client.get(reverse("packets:program_create")).status_code == 403
    assert client.post(reverse("packets:program_create"), full_program()).status_code == 403
    key = example_programs()[0].key
    assert client.post(reverse("packets:program_copy"), {"example": key}).status_code == 403
    assert client.get(reverse("packets:program_edit", args=[program.pk])).status_code == 403
    assert client.post(reverse("packets:program_delete", args=[program.pk])).status_code == 403
    assert RebateProgram.objects.count() == 1
    assert not EligibilityCheck.objects.exists()


def test_the_program_rules_are_edited_with_the_program(
    admin: Client, organization: Organization
) -> None:
    data = full_program()
    data.update(
        submission_deadline_days="90",
        cap_percent_of_cost="100",
        max_units_per_household="2",
        incentive_line_required="on",
        preapproval_required="on",
        income_tiers="on",
        contractor_enrollment_number="TP-00412",
        contractor_enrollment_expires_on="2027-03-31",
        source="TECH Clean California single-family heat pump rules (tech.freshdesk.com)",
        **{"measures-0-income_tier": "low", "measures-0-max_percent_of_cost": "100"},
    )
    response = admin.post(reverse("packets:program_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    program = RebateProgram.objects.get(organization=organization)
    assert (program.submission_deadline_days, program.max_units_per_household) == (90, 2)
    assert program.cap_percent_of_cost == Decimal("100")
    assert program.incentive_line_required and program.preapproval_required
    assert program.income_tiers
    assert program.contractor_enrollment_number == "TP-00412"
    assert str(program.contractor_enrollment_expires_on) == "2027-03-31"
    assert program.source.startswith("TECH Clean California")
    measure = program.measures.get()
    assert (measure.income_tier, measure.max_percent_of_cost) == ("low", Decimal("100"))
    page = admin.get(response["Location"]).content.decode()
    assert 'value="TP-00412"' in page and "File within (days)" in page


def test_program_rules_are_checked_on_the_form(admin: Client) -> None:
    data = full_program()
    data.update(
        cap_percent_of_cost="150",
        contractor_enrollment_expires_on="2027-03-31",
        **{"measures-0-income_tier": "low"},
    )
    page = admin.post(reverse("packets:program_create"), data).content.decode()
    assert "Ensure this value is less than or equal to 100." in page
    assert "Give the enrollment number that expires on this date." in page
    assert not RebateProgram.objects.exists()
    # A tier measure on a program that does not pay by tier: refused on its row.
    data = full_program()
    data["measures-0-income_tier"] = "low"
    page = admin.post(reverse("packets:program_create"), data).content.decode()
    assert "switch income tiers on for it first" in page
    assert not RebateProgram.objects.exists()
