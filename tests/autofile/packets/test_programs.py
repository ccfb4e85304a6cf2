"""Rebate programs: the shipped examples, copying them, and the editor's services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from autofile.accounts.models import Organization
from autofile.mirror.models import Connection, PricebookService
from autofile.packets.examples import EXAMPLES
from autofile.packets.models import (
    EligibilityCheck,
    KickbackReason,
    Packet,
    ProgramMeasure,
    ProgramRequirement,
    RebateProgram,
)
from autofile.packets.selectors import example_programs, program_get, programs_for
from autofile.packets.services import (
    check_create,
    kickback_reason_create,
    kickback_reason_update,
    measure_create,
    measure_delete,
    measure_update,
    program_copy_example,
    program_create,
    program_delete,
    program_update,
    requirement_create,
    rule_create,
)
from autofile.packets.services.programs import (
    _clean_check,
    _clean_measure,
    _clean_requirement,
)
from tests.factories import ConnectionFactory, JobFactory, PacketFactory


def test_examples_are_labelled_and_cover_the_three_sponsor_types() -> None:
    examples = example_programs()
    assert {e.sponsor_type for e in examples} == {"utility", "state", "federal"}
    for example in examples:
        assert example.name.startswith("EXAMPLE")
        assert example.measures and example.requirements and example.checks
        assert example.kickback_reasons
        assert example.source  # each names the published program it is modelled on


def test_five_examples_modelled_on_published_programs_use_every_kind() -> None:
    examples = {e.key: e for e in example_programs()}
    assert set(examples) == {
        "utility_heat_pump",
        "tech_statewide",
        "mass_save_heat_pump",
        "heehra_state",
        "heat_pump_water_heater",
    }
    used = {check["kind"] for e in examples.values() for check in e.checks}
    assert used == set(EligibilityCheck.Kind.values)
    kinds = {r["kind"] for e in examples.values() for r in e.requirements}
    assert kinds == set(ProgramRequirement.Kind.values) - {"job_field"}
    assert examples["heehra_state"].rules["income_tiers"]
    assert {m.get("income_tier") for m in examples["heehra_state"].measures} == {
        "low",
        "moderate",
    }


def test_a_copy_carries_the_program_rules_and_source(organization: Organization) -> None:
    tech = program_copy_example(organization=organization, key="tech_statewide")
    assert tech.preapproval_required and tech.incentive_line_required
    assert (tech.max_units_per_household, tech.cap_percent_of_cost) == (2, 100)
    assert "tech.freshdesk.com" in tech.source
    heehra = program_copy_example(organization=organization, key="heehra_state")
    assert heehra.income_tiers
    tiers = dict(heehra.measures.values_list("income_tier", "max_percent_of_cost"))
    assert tiers == {"low": 100, "moderate": 50}
    water = program_copy_example(organization=organization, key="heat_pump_water_heater")
    assert water.submission_deadline_days == 90


@pytest.mark.parametrize("key", sorted(EXAMPLES))
def test_every_example_copies_into_valid_editable_rows(
    organization: Organization, key: str
) -> None:
    program = program_copy_example(organization=organization, key=key)

    example = EXAMPLES[key]
    year = timezone.localdate().year
    assert (program.starts_on, program.ends_on) == (dt.date(year, 1, 1), dt.date(year, 12, 31))
    assert program.example_key == key
    assert program.name == example.name
    loaded = program_get(organization=organization, program_id=program.pk)
    assert loaded is not None
    assert len(loaded.measures.all()) == len(example.measures)
    assert len(loaded.requirements.all()) == len(example.requirements)
    assert len(loaded.checks.all()) == len(example.checks)
    assert [r.code for r in loaded.kickback_reasons.all()] == [
        c for c, _ in example.kickback_reasons
    ]
    # Every copied row is one the editor itself would accept.
    for requirement in loaded.requirements.all():
        _clean_requirement(requirement)
    for check in loaded.checks.all():
        _clean_check(check)
    for measure in loaded.measures.all():
        if measure.equipment_type:
            _clean_measure(measure)


def test_copying_resolves_sku_codes_against_the_mirrored_pricebook(
    organization: Organization,
) -> None:
    connection = ConnectionFactory.create(organization=organization)
    now = timezone.now()
    PricebookService.objects.create(
        organization=organization,
        connection=connection,
        st_id=61_010,
        code="SVC-DUCTSEAL",
        display_name="Duct Sealing (per system)",
        raw={},
        synced_at=now,
    )
    program = program_copy_example(organization=organization, key="mass_save_heat_pump")

    duct = ProgramMeasure.objects.get(program=program, name="Duct sealing with the heat pump")
    assert duct.sku_ids == [61_010]
    audit = ProgramMeasure.objects.get(program=program, name="Home energy assessment")
    assert audit.sku_ids == []  # not in this pricebook yet: the admin picks it


def test_copying_twice_gives_a_new_name_and_other_organizations_are_separate(
    organization: Organization, other_organization: Organization
) -> None:
    first = program_copy_example(organization=organization, key="heehra_state")
    second = program_copy_example(organization=organization, key="heehra_state")
    elsewhere = program_copy_example(organization=other_organization, key="heehra_state")

    assert second.name == f"{first.name} (2)"
    assert elsewhere.name == first.name
    named = program_copy_example(organization=organization, key="heehra_state", name="HEEHRA 2026")
    assert named.name == "HEEHRA 2026"
    with pytest.raises(ValidationError):
        program_copy_example(organization=organization, key="no_such_program")


def test_program_create_and_update_validate(organization: Organization) -> None:
    program = program_create(
        organization=organization,
        name=" Xcel heat pump ",
        sponsor="Xcel Energy",
        sponsor_type="utility",
    )
    assert program.name == "Xcel heat pump"
    with pytest.raises(ValidationError) as duplicate:
        program_create(
            organization=organization, name="Xcel heat pump", sponsor="X", sponsor_type="utility"
        )
    assert "name" in duplicate.value.message_dict
    with pytest.raises(ValidationError) as window:
        program_update(program=program, starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 1, 1))
    assert "ends_on" in window.value.message_dict
    with pytest.raises(ValidationError) as kind:
        program_update(program=program, sponsor_type="city")
    assert "sponsor_type" in kind.value.message_dict
    with pytest.raises(TypeError):
        program_update(program=program, example_key="x")


def test_row_services_validate_what_each_kind_needs(organization: Organization) -> None:
    program = program_create(organization=organization, name="P", sponsor="S", sponsor_type="state")
    with pytest.raises(ValidationError) as measure:
        measure_create(program=program, name="Anything", amount="100")
    assert "equipment_type" in measure.value.message_dict
    with pytest.raises(ValidationError) as rating:
        measure_create(
            program=program, name="HP", equipment_type="Heat Pump", rating="SEER2", amount="1"
        )
    assert "minimum" in rating.value.message_dict
    with pytest.raises(ValidationError) as document:
        requirement_create(program=program, kind="photo", label="Photos")
    assert "pattern" in document.value.message_dict
    with pytest.raises(ValidationError) as minimum:
        check_create(program=program, kind="min_rating", label="SEER2", rating="SEER2")
    assert "minimum" in minimum.value.message_dict
    with pytest.raises(ValidationError) as period:
        check_create(program=program, kind="one_per_address", label="Once")
    assert "period_months" in period.value.message_dict
    with pytest.raises(ValidationError) as severity:
        requirement_create(program=program, kind="install_date", label="Date", severity="fatal")
    assert "severity" in severity.value.message_dict

    first = measure_create(program=program, name="HP", equipment_type="Heat Pump", amount="500")
    second = measure_create(
        program=program, name="HPWH", equipment_type="Heat Pump Water Heater", amount=700
    )
    assert (first.position, second.position) == (0, 1)
    assert second.amount == Decimal("700")
    measure_update(measure=first, amount="650.50", rating="SEER2", minimum="16")
    first.refresh_from_db()
    assert (first.amount, first.minimum) == (Decimal("650.50"), Decimal("16"))
    measure_delete(measure=second)
    assert list(ProgramMeasure.objects.filter(program=program)) == [first]

    reason = kickback_reason_create(program=program, code=" ahri ", label="AHRI missing")
    assert reason.code == "AHRI"
    with pytest.raises(ValidationError) as code:
        kickback_reason_create(program=program, code="AHRI", label="Again")
    assert "code" in code.value.message_dict
    kickback_reason_update(reason=reason, label="AHRI certificate missing")
    assert KickbackReason.objects.get(pk=reason.pk).label == "AHRI certificate missing"


def test_editing_a_program_revalidates_its_open_packets_once_per_commit(
    organization: Organization, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    program = program_create(organization=organization, name="P", sponsor="S", sponsor_type="state")
    PacketFactory.create(
        job=JobFactory.create(connection=ConnectionFactory.create(organization=organization)),
        program=program,
    )
    from django.db import transaction

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        requirement_create(program=program, kind="install_date", label="Date")
        requirement_create(program=program, kind="customer_name", label="Name")
        program_update(program=program, description="Edited")
    assert len(callbacks) == 1


def test_a_program_in_use_cannot_be_deleted(organization: Organization) -> None:
    connection: Connection = ConnectionFactory.create(organization=organization)
    program = program_create(organization=organization, name="P", sponsor="S", sponsor_type="state")
    rule = rule_create(
        organization=organization,
        connection=connection,
        program=program,
        name="R",
        tag_type_ids=[1],
    )
    with pytest.raises(ValidationError, match="Import rules send packets"):
        program_delete(program=program)
    rule.delete()
    packet = PacketFactory.create(job=JobFactory.create(connection=connection), program=program)
    with pytest.raises(ValidationError, match="has packets"):
        program_delete(program=program)
    Packet.objects.filter(pk=packet.pk).delete()
    program_delete(program=program)
    assert not RebateProgram.objects.filter(pk=program.pk).exists()


def test_programs_are_listed_per_organization_with_their_use(
    organization: Organization, other_organization: Organization
) -> None:
    mine = program_create(organization=organization, name="Mine", sponsor="S", sponsor_type="state")
    program_create(
        organization=other_organization, name="Theirs", sponsor="S", sponsor_type="state"
    )
    PacketFactory.create(
        job=JobFactory.create(connection=ConnectionFactory.create(organization=organization)),
        program=mine,
    )

    listed = list(programs_for(organization=organization))
    assert [p.name for p in listed] == ["Mine"]
    assert (listed[0].packet_count, listed[0].rule_count) == (1, 0)  # type: ignore[attr-defined]
    assert program_get(organization=other_organization, program_id=mine.pk) is None


def test_rows_of_another_program_kind_are_not_confused(organization: Organization) -> None:
    program = program_copy_example(organization=organization, key="utility_heat_pump")
    kinds = set(ProgramRequirement.objects.filter(program=program).values_list("kind", flat=True))
    assert {"utility_account_number", "photo", "form", "certificate"} <= kinds
    checks = set(EligibilityCheck.objects.filter(program=program).values_list("kind", flat=True))
    assert checks == set(EligibilityCheck.Kind.values)
