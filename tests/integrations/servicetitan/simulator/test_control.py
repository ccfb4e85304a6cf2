"""The /_sim/ control API and its Python mirror."""

from __future__ import annotations

import httpx

from integrations.servicetitan.simulator import Simulator
from integrations.servicetitan.simulator.http import Request
from tests.integrations.servicetitan.simulator.support import first, raw_client, url

MIRROR_RESOURCES = {
    "customers", "customer-contacts", "locations", "location-contacts", "contacts",
    "contact-methods", "leads", "bookings", "booking-provider-tags", "tag-types",
    "business-units", "employees", "technicians", "user-roles", "job-types", "campaigns",
    "jobs", "appointments", "appointment-assignments", "arrival-windows", "invoices",
    "invoice-items", "estimates", "estimate-items", "installed-equipment", "categories",
    "services", "equipment", "materials", "discounts-and-fees", "forms", "form-submissions",
    "job-attachments", "service-agreements", "payments", "projects", "job-cancel-reasons",
}  # fmt: skip


def test_state_counts_every_mirrored_resource(sim: Simulator) -> None:
    state = raw_client(sim).get("/_sim/state").json()
    assert set(state) >= MIRROR_RESOURCES
    assert state == sim.state()
    assert 150 <= state["jobs"] <= 250
    assert state["invoices"] == state["jobs"]


def test_the_request_log_reads_incrementally(sim: Simulator, api: httpx.Client) -> None:
    api.get(url("jpm", "jobs"))
    api.get(url("jpm", "jobs/1"))
    log = api.get("/_sim/requests").json()
    entries = log["requests"]
    assert [e["status"] for e in entries[-2:]] == [200, 404]
    assert {"method", "path", "status", "durationMs", "timestamp", "seq"} <= set(entries[-1])
    since = api.get("/_sim/requests", params={"since": entries[-1]["seq"]}).json()["requests"]
    assert since == []
    assert log["summary"]["total"] == entries[-1]["seq"]
    assert not any(e["path"].startswith("/_sim") for e in entries)


def test_office_staff_can_tag_and_untag_jobs(sim: Simulator, api: httpx.Client) -> None:
    job = first(sim, "jobs")
    tag = first(sim, "tag-types", name="Rebate Needed")["id"]
    tagged = api.post(f"/_sim/jobs/{job['id']}/tags", json={"tagTypeId": tag}).json()
    assert tag in tagged["tagTypeIds"]
    assert tagged["modifiedOn"] > job["modifiedOn"]
    assert tag in api.get(url("jpm", f"jobs/{job['id']}")).json()["tagTypeIds"]
    untagged = api.delete(f"/_sim/jobs/{job['id']}/tags/{tag}").json()
    assert tag not in untagged["tagTypeIds"]


def test_office_staff_can_edit_customers(sim: Simulator, api: httpx.Client) -> None:
    customer = first(sim, "customers")
    edited = api.patch(
        f"/_sim/customers/{customer['id']}",
        json={"name": "Renamed Household", "city": "Plano", "email": "new@example.com"},
    ).json()
    assert edited["name"] == "Renamed Household" and edited["address"]["city"] == "Plano"
    contacts = api.get(url("crm", f"customers/{customer['id']}/contacts")).json()["data"]
    assert "new@example.com" in {c["value"] for c in contacts}


def test_office_staff_can_complete_jobs(sim: Simulator, api: httpx.Client) -> None:
    job = first(sim, "jobs", jobStatus="Scheduled")
    done = api.post(f"/_sim/jobs/{job['id']}/complete").json()
    assert done["jobStatus"] == "Completed" and done["completedOn"].endswith("Z")
    appointments = api.get(url("jpm", "appointments"), params={"jobId": job["id"]}).json()["data"]
    assert {a["status"] for a in appointments} == {"Done"}


def test_office_staff_can_add_invoice_items_and_sell_estimates(
    sim: Simulator, api: httpx.Client
) -> None:
    invoice = first(sim, "invoices")
    item = api.post(
        f"/_sim/invoices/{invoice['id']}/items", json={"skuName": "SVC-PERMIT", "quantity": 1}
    ).json()
    assert item["invoiceId"] == invoice["id"] and item["skuName"] == "SVC-PERMIT"
    refreshed = api.get(url("accounting", "invoices"), params={"ids": invoice["id"]}).json()[
        "data"
    ][0]
    assert item["id"] in {i["id"] for i in refreshed["items"]}
    assert float(refreshed["subTotal"]) == round(float(invoice["subTotal"]) + 225.0, 2)
    estimate = first(sim, "estimates", status={"value": 0, "name": "Open"})
    sold = api.post(f"/_sim/estimates/{estimate['id']}/sell", json={"soldBy": 6001}).json()
    assert sold["status"] == {"value": 1, "name": "Sold"} and sold["soldBy"] == 6001


def test_raw_records_are_readable(sim: Simulator, api: httpx.Client) -> None:
    job = first(sim, "jobs")
    record = api.get(f"/_sim/records/jobs/{job['id']}").json()
    assert record["id"] == job["id"] and "_m" in record
    assert api.get("/_sim/records/jobs/1").status_code == 404
    assert api.get("/_sim/records/nonsense/1").status_code == 404


def test_reset_returns_to_the_seeded_state(sim: Simulator, api: httpx.Client) -> None:
    before = sim.state()
    job = first(sim, "jobs")
    seeded = sim.record("jobs", job["id"])
    sim.tag_job(job["id"], 2002)
    address = {
        "street": "1 Main St",
        "city": "Dallas",
        "state": "TX",
        "zip": "75204",
        "country": "USA",
    }
    created = api.post(
        url("crm", "customers"),
        json={
            "name": "New Household",
            "address": address,
            "locations": [{"name": "Home", "address": address}],
        },
    )
    assert created.status_code == 200
    assert sim.state()["customers"] == before["customers"] + 1
    sim.set_faults("500:1")
    assert api.post("/_sim/reset").status_code == 200
    assert sim.state() == before
    assert sim.record("jobs", job["id"]) == seeded
    assert sim.faults.spec == ""
    assert sim.requests() == []
    assert api.get(url("jpm", "jobs")).status_code == 401  # tokens were cleared


def test_the_control_api_refuses_remote_clients_over_http(sim: Simulator) -> None:
    remote = Request("GET", "/_sim/state", {}, {}, b"", remote_addr="10.1.2.3", over_http=True)
    assert sim.handle(remote).status == 403
    local = Request("GET", "/_sim/state", {}, {}, b"", remote_addr="::1", over_http=True)
    assert sim.handle(local).status == 200


def test_control_routes_validate_their_input(api: httpx.Client) -> None:
    assert api.post("/_sim/jobs/41000001/tags", json={}).status_code == 400
    assert api.post("/_sim/jobs/1/complete").status_code == 404
    assert api.get("/_sim/unknown").status_code == 404
    assert api.delete("/_sim/state").status_code == 405
