"""The seeded tenant: deterministic, believable, and imperfect where real tenants are."""

from __future__ import annotations

import re
import struct
import zlib
from collections import Counter
from datetime import UTC, datetime

import httpx

from integrations.servicetitan.simulator import Simulator, SimulatorConfig
from integrations.servicetitan.simulator.data import files
from tests.integrations.servicetitan.simulator.support import api_client, export_all, first, url

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)


def _export(seed: int, resource: str, module: str) -> list[dict[str, object]]:
    sim = Simulator(SimulatorConfig(seed=seed, rate_limit=0, anchor=ANCHOR))
    with api_client(sim) as api:
        rows, _ = export_all(api, module, resource)
    return rows


def test_the_same_seed_yields_the_same_tenant() -> None:
    for module, resource in (
        ("jpm", "jobs"),
        ("crm", "customers"),
        ("accounting", "invoice-items"),
    ):
        assert _export(11, resource, module) == _export(11, resource, module)


def test_different_seeds_yield_different_tenants() -> None:
    assert _export(11, "jobs", "jpm") != _export(12, "jobs", "jpm")


def test_jobs_span_eighteen_months_and_a_few_weeks_ahead(perfect_sim: Simulator) -> None:
    jobs = list(perfect_sim.store.iter_by_id("jobs"))
    created = sorted(j["createdOn"] for j in jobs)
    anchor = perfect_sim.config.anchor
    assert created[0] < f"{anchor.year - 1}-{anchor.month:02d}"
    starts = [a["start"] for a in perfect_sim.store.iter_by_id("appointments")]
    assert max(starts) > anchor.isoformat()[:10]
    statuses = Counter(j["jobStatus"] for j in jobs)
    assert statuses["Completed"] > len(jobs) * 0.7 and statuses["Scheduled"] > 0


def test_the_contractor_looks_like_an_hvac_company(api: httpx.Client) -> None:
    units = {u["name"] for u in api.get(url("settings", "business-units")).json()["data"]}
    assert {"HVAC Install", "HVAC Service", "Plumbing", "Energy Audits"} <= units
    tags = {t["name"] for t in api.get(url("settings", "tag-types")).json()["data"]}
    assert {
        "Rebate Needed",
        "AutoFile",
        "Oncor Eligible",
        "Mass Save",
        "Federal 25C",
        "VIP",
        "Warranty",
    } <= tags
    equipment = api.get(url("pricebook", "equipment"), params={"pageSize": 200}).json()["data"]
    makers = {e["manufacturer"] for e in equipment}
    assert {
        "Carrier",
        "Trane",
        "Lennox",
        "Rheem",
        "Mitsubishi",
        "Daikin",
        "A.O. Smith",
        "ecobee",
    } <= makers
    text = " ".join(e["description"] for e in equipment)
    for rating in ("SEER2", "EER2", "HSPF2", "AFUE", "UEF"):
        assert rating in text
    services = api.get(url("pricebook", "services"), params={"pageSize": 200}).json()["data"]
    assert any(s["price"] < 0 and "Rebate" in s["displayName"] for s in services)
    states = {
        c["address"]["state"]
        for c in api.get(url("crm", "customers"), params={"pageSize": 500}).json()["data"]
    }
    assert {"TX", "MA", "CA", "CO", "NY"} <= states


def test_a_share_of_completed_installs_needs_a_rebate(perfect_sim: Simulator) -> None:
    rebate = first(perfect_sim, "tag-types", name="Rebate Needed")["id"]
    tagged = [j for j in perfect_sim.store.iter_by_id("jobs") if rebate in j["tagTypeIds"]]
    assert len(tagged) >= 5
    assert all(j["equipmentIds"] or j["jobStatus"] != "Completed" for j in tagged)


def test_invoices_agree_with_their_items_and_use_string_money(perfect_sim: Simulator) -> None:
    for invoice in perfect_sim.store.iter_by_id("invoices"):
        assert re.fullmatch(r"-?\d+\.\d{2}", invoice["total"])
        subtotal = round(sum(float(i["total"]) for i in invoice["items"]), 2)
        assert float(invoice["subTotal"]) == subtotal
        assert float(invoice["total"]) == round(subtotal + float(invoice["salesTax"]), 2)


def test_installs_are_documented_with_equipment_forms_and_files(perfect_sim: Simulator) -> None:
    unit = first(perfect_sim, "installed-equipment")
    assert unit["manufacturer"] and unit["model"] and unit["serialNumber"] and unit["installedOn"]
    submission = next(
        s
        for s in perfect_sim.store.iter_by_id("form-submissions")
        if s["formName"] == "Heat Pump Install Checklist"
    )
    fields = [f for section in submission["units"] for f in section["units"]]
    assert any("Serial Number" in f["name"] and f["value"] for f in fields)
    assert any(f["type"] == "Picture" and f["attachments"] for f in fields)


def _png_is_valid(data: bytes) -> bool:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    position, idat = 8, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert zlib.crc32(kind + body) == crc
        if kind == b"IDAT":
            idat += body
        position += 12 + length
    width, height = struct.unpack(">II", data[16:24])
    return len(zlib.decompress(idat)) == height * (1 + 3 * width)


def test_generated_attachments_are_real_files() -> None:
    assert _png_is_valid(files.png(5))
    jpeg = files.jpeg(5)
    assert jpeg.startswith(b"\xff\xd8") and jpeg.endswith(b"\xff\xd9") and b"JFIF" in jpeg
    pdf = files.pdf("Permit", ["Line one"])
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    xref = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
    assert pdf[xref : xref + 4] == b"xref"
    offsets = [int(line.split()[0]) for line in pdf[xref:].split(b"\n")[3:8]]
    assert all(re.match(rb"\d+ 0 obj", pdf[o : o + 8]) for o in offsets)


def test_job_attachments_download_with_their_content_type(
    sim: Simulator, api: httpx.Client
) -> None:
    seen = set()
    for attachment in sim.store.iter_by_id("job-attachments"):
        kind = attachment["fileName"].rsplit(".", 1)[1]
        if kind in seen:
            continue
        seen.add(kind)
        response = api.get(url("forms", f"jobs/attachment/{attachment['id']}"))
        assert response.status_code == 200
        assert response.headers["content-type"] == files.content_type(attachment["fileName"])
        magic = {"png": b"\x89PNG", "jpg": b"\xff\xd8", "pdf": b"%PDF"}[kind]
        assert response.content.startswith(magic)
    assert seen == {"png", "jpg", "pdf"}


def test_imperfect_records_exist_only_when_asked_for(
    sim: Simulator, perfect_sim: Simulator
) -> None:
    def blemishes(target: Simulator) -> Counter[str]:
        found: Counter[str] = Counter()
        for unit in target.store.iter_by_id("installed-equipment"):
            found["blank serial"] += unit["serialNumber"] == ""
            found["null model"] += unit["model"] is None
            found["enum as int"] += isinstance(unit["status"], int)
        for invoice in target.store.iter_by_id("invoices"):
            total = round(
                sum(float(i["total"]) for i in invoice["items"]) + float(invoice["salesTax"]), 2
            )
            found["total mismatch"] += float(invoice["total"]) != total
        for contact in target.store.iter_by_id("customer-contacts"):
            found["junk email"] += contact["type"] == "Email" and "@" not in contact["value"][1:-1]
        for job in target.store.iter_by_id("jobs"):
            found["null in non-null"] += job["customerPo"] is None or job["priority"] is None
        return found

    heavy = Simulator(SimulatorConfig(rate_limit=0, imperfect_share=0.3))
    found = blemishes(heavy)
    assert all(
        found[kind] > 0
        for kind in (
            "blank serial",
            "null model",
            "enum as int",
            "total mismatch",
            "junk email",
            "null in non-null",
        )
    ), found
    assert sum(blemishes(sim).values()) > 0
    assert sum(blemishes(perfect_sim).values()) == 0


def test_scales_grow_the_tenant() -> None:
    small = Simulator(SimulatorConfig(scale="small")).state()
    medium = Simulator(SimulatorConfig(scale="medium")).state()
    assert 150 <= small["jobs"] <= 250
    assert medium["jobs"] == 5000
    assert sum(medium.values()) > 20 * sum(small.values()) / 2
