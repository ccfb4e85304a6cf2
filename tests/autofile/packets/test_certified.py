"""Certified equipment: the ENERGY STAR importer, its command, the fixture's agreement with
the simulator's pricebook, the lookup (one query a chunk) and the certification check on
simulator data, both directions."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from autofile.mirror.models import Connection, InstalledEquipment, JobAttachment
from autofile.packets.models import CertifiedProduct, Finding, Packet, RebateProgram
from autofile.packets.selectors.certified import certified_matches, model_keys
from autofile.packets.selectors.packets import _bundle_packets, packet_bundles
from autofile.packets.services import packet_validate, program_update
from autofile.packets.services.certified import (
    FIXTURES,
    CertifiedImportError,
    category_for,
    certified_import,
    certified_import_fixtures,
)
from autofile.packets.services.validation import certification
from integrations.servicetitan.simulator.data import catalog
from tests.autofile.packets.conftest import Filed, heat_pump_jobs
from tests.autofile.packets.test_validation import (  # noqa: F401
    complete,
    give_account_number,
    heat_pump,
)

pytestmark = pytest.mark.django_db

HEADER = (
    "outdoor_unit_brand_name,outdoor_unit_model_number,indoor_unit_model_number,"
    "ahri_reference_number,seer2_btu_wh,eer2_btu_wh,hspf2_btu_wh,cooling_capacity_btu_h,"
    "heating_capacity_at_47_f_btu_h,heating_capacity_at_17_f_btu_h,"
    "heating_capacity_at_5_f_btu_h,cop_at_5_f,cold_climate,compressor_staging\n"
)
GOOD = (
    HEADER + "Carrier,25VNA036A**3,FE4ANF003,203542792,21.0,12.5,9.5,36000,36000,32220,28080,1.95,"
    "Yes,Variable Speed\n"
    + "Trane,4TWV0036A1000A,TAM9A0C36V31DA,201112223,20.0,12.0,9.2,36000,36000,26000,21000,"
    "1.7,No,Variable Speed\n"
)


def run(text: str, category: str = "air_source_heat_pump") -> Any:
    return certified_import(stream=io.StringIO(text), category=category)


def test_a_good_file_is_imported_with_its_ratings_and_matching_keys() -> None:
    result = run(GOOD)
    assert (result.created, result.updated, result.unchanged, result.errors) == (2, 0, 0, [])
    carrier = CertifiedProduct.objects.get(brand="Carrier")
    assert (carrier.outdoor_key, carrier.indoor_key) == ("25VNA036A", "FE4ANF003")
    assert carrier.ahri_reference_number == "203542792"
    assert (carrier.seer2, carrier.eer2, carrier.hspf2) == (
        Decimal("21.00"),
        Decimal("12.50"),
        Decimal("9.50"),
    )
    assert carrier.heating_capacity_5f_btu_h == 28080 and carrier.cold_climate is True
    assert carrier.ratings["CAP5_47"] == Decimal("78.0")  # 5 °F capacity, % of 47 °F


def test_importing_again_changes_nothing_and_a_newer_export_updates_in_place() -> None:
    run(GOOD)
    first = {p.pk: p.imported_at for p in CertifiedProduct.objects.all()}
    again = run(GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert {p.pk: p.imported_at for p in CertifiedProduct.objects.all()} == first

    newer = run(GOOD.replace(",21.0,12.5,", ",21.5,12.5,"))
    assert (newer.created, newer.updated, newer.unchanged) == (0, 1, 1)
    assert CertifiedProduct.objects.get(brand="Carrier").seer2 == Decimal("21.50")
    assert CertifiedProduct.objects.count() == 2


def test_bad_rows_are_reported_with_their_line_and_the_rest_is_imported() -> None:
    text = (
        GOOD
        + "Lennox,,CBA38MV-036-230,203000001,22.5,13.1,9.6,36000,,,,,No,\n"  # line 4
        + "Lennox,SL25XPV-036-230,CBA38MV-036-230,2030A,22.5,13.1,9.6,36000,,,,,No,\n"
        + "Lennox,SL25XPV-036-230,CBA38MV-036-230,203000003,n/a,13.1,9.6,36000,,,,,No,\n"
        + "Lennox,SL25XPV-036-230,CBA38MV-036-230,203000004,,13.1,9.6,36000,,,,,No,\n"
        + "Lennox,SL25XPV-036-230,CBA38MV-036-230,203000005,22.5,13.1,9.6,36000,,,,,maybe,\n"
        + "Lennox,SL25XPV-036-230,CBA38MV-036-230,203000006,22.5,13.1,9.6,36000,,,,,No,\n"
    )
    result = run(text)
    assert [str(e) for e in result.errors] == [
        "line 4: no model number",
        "line 5: AHRI reference number “2030A” is not a number",
        "line 6: seer2 “n/a” is not a number",
        "line 7: no SEER2 rating",
        "line 8: cold_climate “maybe” is neither yes nor no",
    ]
    assert result.created == 3


def test_a_file_without_a_model_column_or_category_is_refused() -> None:
    with pytest.raises(CertifiedImportError, match="no model number column"):
        run("brand,seer2\nCarrier,21\n")
    with pytest.raises(CertifiedImportError, match="not a product category"):
        run(GOOD, category="boilers")
    with pytest.raises(CertifiedImportError, match="--category"):
        category_for("export.csv")
    assert category_for("ENERGY_STAR_Certified_Furnaces.csv") == "furnace"
    assert category_for("energy_star_mini_split_heat_pumps.csv") == "mini_split"
    assert category_for("Heat Pump Water Heaters.csv") == "heat_pump_water_heater"


def test_the_command_prints_counts_and_fails_on_refused_rows(tmp_path: Path) -> None:
    good = tmp_path / "ENERGY_STAR_Air_Source_Heat_Pumps.csv"
    good.write_text(GOOD)
    out, err = io.StringIO(), io.StringIO()
    call_command("equipment_import", str(good), stdout=out, stderr=err)
    assert out.getvalue() == (
        "ENERGY_STAR_Air_Source_Heat_Pumps.csv (Air-source heat pump): 2 created, 0 updated, "
        "0 unchanged, 0 refused\n"
    )
    call_command("equipment_import", str(good), "--category", "ducted_heat_pump", stdout=out)
    assert CertifiedProduct.objects.filter(category="ducted_heat_pump").count() == 2

    bad = tmp_path / "list.csv"
    bad.write_text(GOOD + "Lennox,,X,1,1,1,1,1,,,,,No,\n")
    with pytest.raises(CommandError, match="1 row could not be imported"):
        call_command(
            "equipment_import", str(bad), "--category", "central_ac", stdout=out, stderr=err
        )
    assert "list.csv line 4: no model number" in err.getvalue()
    with pytest.raises(CommandError, match="Name a CSV file"):
        call_command("equipment_import")


def test_the_fixture_lists_agree_with_the_simulators_pricebook() -> None:
    """Every certified-grade outdoor unit the simulator sells is listed with every indoor
    unit it is sold with, under the AHRI number its certificates carry; the builder-grade
    units (below ENERGY STAR's floors) are not listed."""
    results = certified_import_fixtures()
    assert all(not r.errors for r in results)
    assert {r.category for r in results} == {
        "air_source_heat_pump",
        "mini_split",
        "central_ac",
        "furnace",
        "heat_pump_water_heater",
    }
    assert all(8 <= r.created <= 40 for r in results)  # a few dozen a category
    matches = certified_matches(k for m in catalog.EQUIPMENT for k in model_keys(m.model))
    indoor = {
        kind: [m for m in catalog.EQUIPMENT if m.kind == kind] for kind in ("air_handler", "coil")
    }
    for model in catalog.EQUIPMENT:
        if model.kind not in ("heat_pump", "ac", "mini_split", "furnace", "hpwh"):
            continue
        listed = [p for key in model_keys(model.model) for p in matches.get(key, [])]
        if model.code in ("HP-GOO-GSZ140361", "AC-RHM-RA1436", "FUR-DAI-DM80HS0804"):
            assert not listed, model.code
            continue
        assert listed, model.code
        partners: list[catalog.EquipmentModel | None] = [None]
        if model.kind in ("heat_pump", "ac"):
            partners = list(indoor["air_handler" if model.kind == "heat_pump" else "coil"])
        for partner in partners:
            number = catalog.ahri_reference(model, partner)
            if model.kind in ("furnace", "hpwh"):
                break
            assert number in {p.ahri_reference_number for p in listed}, (model.code, partner)


def test_certified_lookups_cost_one_query_for_a_whole_chunk(
    tenant: Connection,
    file_packet: Callable[..., Filed],
    utility_program: RebateProgram,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    packets = [file_packet(job=job).packet for job in heat_pump_jobs(tenant)[:6]]
    loaded = list(_bundle_packets().filter(pk__in=[p.pk for p in packets]))
    with django_assert_num_queries(16):  # the bundle's 15 kinds of record, and the list
        bundles = packet_bundles(loaded[:2], history=False)
    with django_assert_num_queries(16):
        bundles = packet_bundles(loaded, history=False)
    # every unit's listings are in the one answer
    for bundle in bundles:
        for unit in bundle.units("Heat Pump"):
            if "GSZ14" not in unit.model:
                assert bundle.listings(unit.model)


def _job_with(tenant: Connection, utility_program: RebateProgram, prefix: str) -> Any:
    program_update(
        program=utility_program,
        starts_on=timezone.localdate().replace(day=1, month=1, year=timezone.localdate().year - 2),
    )
    for job in heat_pump_jobs(tenant):
        if InstalledEquipment.objects.filter(
            connection=tenant, location_st_id=job.location_st_id, model__startswith=prefix
        ).exists():
            give_account_number(job)
            return job
    raise AssertionError(f"the tenant has no heat-pump job installing {prefix}")


def findings(packet: Packet, code: str) -> list[Finding]:
    packet_validate(packet=packet)
    return list(Finding.objects.filter(packet=packet, code=code))


def test_the_clean_packet_is_certified_with_the_listings_ratings(complete: Filed) -> None:  # noqa: F811
    assert packet_validate(packet=complete.packet) == []
    bundle = packet_bundles(list(_bundle_packets().filter(pk=complete.packet.pk)))[0]
    unit = bundle.units("Heat Pump")[0]
    found = certification(bundle, unit)
    assert found is not None and found.product is not None
    assert found.product.indoor_key  # matched with the installed air handler
    assert any(found.product.indoor_key in k for m in found.indoor for k in model_keys(m))


def test_a_builder_grade_heat_pump_is_not_certified(
    tenant: Connection, file_packet: Callable[..., Filed], utility_program: RebateProgram
) -> None:
    filed = file_packet(job=_job_with(tenant, utility_program, "GSZ14"))
    [finding] = findings(filed.packet, "equipment_not_certified")
    assert finding.message.endswith(
        "is not certified: no ENERGY STAR listing matches model “GSZ140361”."
    )
    assert (finding.subject, finding.field) == ("equipment", "model")


def test_an_indoor_unit_the_outdoor_unit_is_not_rated_with_is_flagged(
    complete: Filed,  # noqa: F811
) -> None:
    bundle = packet_bundles(list(_bundle_packets().filter(pk=complete.packet.pk)))[0]
    handler = bundle.units("Air Handler")[0]
    InstalledEquipment.objects.filter(pk=handler.pk).update(model="AMST36CU1400")
    [finding] = findings(complete.packet, "equipment_pair_not_certified")
    assert "with indoor unit “AMST36CU1400” is not a certified matched system" in finding.message


def test_an_ahri_number_of_another_system_is_flagged(
    tenant: Connection, file_packet: Callable[..., Filed], utility_program: RebateProgram
) -> None:
    program_update(
        program=utility_program,
        starts_on=timezone.localdate().replace(day=1, month=1, year=timezone.localdate().year - 2),
    )
    for job in heat_pump_jobs(tenant):
        certificate = JobAttachment.objects.filter(
            connection=tenant, job_st_id=job.st_id, file_name__startswith="ahri-certificate-"
        ).first()
        if certificate is None:
            continue
        give_account_number(job)
        filed = file_packet(job=job)
        if packet_validate(packet=filed.packet):
            filed.packet.delete()
            continue
        break
    else:
        raise AssertionError("no clean heat-pump job with a certificate")
    # The certificate and the job agree, on the number of another system.
    other = "209999999"
    certificate.file_name = f"ahri-certificate-{other}.pdf"
    certificate.save(update_fields=["file_name"])
    job.raw = {
        **job.raw,
        "customFields": [
            {**f, "value": other} if f.get("name") == "AHRI Reference" else f
            for f in job.raw.get("customFields") or []
        ],
    }
    job.save(update_fields=["raw"])
    [finding] = findings(filed.packet, "ahri_pair_mismatch")
    assert finding.message.startswith(
        f"AHRI number {other} does not match this outdoor/indoor pair ("
    )
    assert "inconsistent" not in " ".join(
        f.code for f in Finding.objects.filter(packet=filed.packet)
    )


def test_the_fixture_directory_holds_the_shipped_lists() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.csv")) == [
        "energy_star_air_source_heat_pumps.csv",
        "energy_star_central_air_conditioners.csv",
        "energy_star_furnaces.csv",
        "energy_star_heat_pump_water_heaters.csv",
        "energy_star_mini_split_heat_pumps.csv",
    ]
