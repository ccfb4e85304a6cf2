"""List endpoints: paging, clamps, ids, active, date filters, sort and resource filters."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import httpx

from integrations.servicetitan.simulator import Simulator, SimulatorConfig
from tests.integrations.servicetitan.simulator.support import api_client, first, url

JOBS = url("jpm", "jobs")
CUSTOMERS = url("crm", "customers")


def _all(api: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        body = api.get(path, params={**params, "page": page, "pageSize": 37}).json()
        rows.extend(body["data"])
        if not body["hasMore"]:
            return rows
        page += 1


def test_pages_default_to_fifty_rows_and_walk_to_the_end(api: httpx.Client, sim: Simulator) -> None:
    body = api.get(JOBS).json()
    assert (body["page"], body["pageSize"], len(body["data"]), body["hasMore"]) == (1, 50, 50, True)
    assert body["totalCount"] is None
    rows = _all(api, JOBS)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == sim.state()["jobs"]
    assert ids == sorted(ids)


def test_page_size_is_clamped_to_five_thousand() -> None:
    sim = Simulator(SimulatorConfig(scale="medium", rate_limit=0))
    with api_client(sim) as api:
        body = api.get(url("jpm", "appointments"), params={"pageSize": 9000}).json()
    assert body["pageSize"] == 5000
    assert len(body["data"]) == 5000


def test_include_total_fills_total_count(api: httpx.Client, sim: Simulator) -> None:
    body = api.get(JOBS, params={"pageSize": 1, "includeTotal": "true"}).json()
    assert body["totalCount"] == sim.state()["jobs"]
    assert len(body["data"]) == 1


def test_ids_are_looked_up_and_limited_to_fifty(api: httpx.Client) -> None:
    wanted = [41_000_003, 41_000_001, 41_000_010]
    body = api.get(JOBS, params={"ids": ",".join(map(str, wanted))}).json()
    assert [r["id"] for r in body["data"]] == sorted(wanted)
    too_many = api.get(JOBS, params={"ids": ",".join(str(41_000_001 + i) for i in range(51))})
    assert too_many.status_code == 400
    assert "ids" in too_many.json()["errors"]


def test_active_defaults_to_true_and_accepts_false_and_any(
    api: httpx.Client, sim: Simulator
) -> None:
    inactive = first(sim, "customers")
    assert (
        api.patch(url("crm", f"customers/{inactive['id']}"), json={"active": False}).status_code
        == 200
    )
    default = {r["id"] for r in _all(api, CUSTOMERS)}
    only_inactive = {r["id"] for r in _all(api, CUSTOMERS, active="False")}
    everything = {r["id"] for r in _all(api, CUSTOMERS, active="Any")}
    assert inactive["id"] not in default
    assert inactive["id"] in only_inactive
    assert everything == default | only_inactive
    assert all(not r["active"] for r in _all(api, CUSTOMERS, active="False"))


def test_accounting_uses_active_state(api: httpx.Client) -> None:
    body = api.get(
        url("accounting", "invoices"), params={"activeState": "All", "pageSize": 5}
    ).json()
    assert len(body["data"]) == 5
    assert (
        api.get(url("accounting", "invoices"), params={"activeState": "Sometimes"}).status_code
        == 400
    )


def test_modified_filters_are_inclusive_then_exclusive(api: httpx.Client) -> None:
    rows = _all(api, JOBS)
    pivot = rows[10]["modifiedOn"]
    after = _all(api, JOBS, modifiedOnOrAfter=pivot)
    before = _all(api, JOBS, modifiedBefore=pivot)
    assert pivot in {r["modifiedOn"] for r in after}
    assert pivot not in {r["modifiedOn"] for r in before}
    assert len(after) + len(before) == len(rows)


def test_created_filters_are_inclusive_then_exclusive(api: httpx.Client) -> None:
    rows = _all(api, CUSTOMERS, active="Any")
    pivot = sorted(r["createdOn"] for r in rows)[20]
    after = _all(api, CUSTOMERS, active="Any", createdOnOrAfter=pivot)
    before = _all(api, CUSTOMERS, active="Any", createdBefore=pivot)
    assert all(r["createdOn"] >= pivot for r in after)
    assert all(r["createdOn"] < pivot for r in before)
    assert len(after) + len(before) == len(rows)


def test_sort_orders_by_the_documented_fields(api: httpx.Client) -> None:
    descending = api.get(JOBS, params={"sort": "-Id", "pageSize": 10}).json()["data"]
    assert [r["id"] for r in descending] == sorted((r["id"] for r in descending), reverse=True)
    by_modified = _all(api, JOBS, sort="+ModifiedOn")
    assert [r["modifiedOn"] for r in by_modified] == sorted(r["modifiedOn"] for r in by_modified)
    unsupported = api.get(url("pricebook", "categories"), params={"sort": "+ModifiedOn"})
    assert unsupported.status_code == 400


def test_jobs_filter_by_tags_any_of_status_unit_and_completion(
    api: httpx.Client, sim: Simulator
) -> None:
    tags = {t["name"]: t["id"] for t in api.get(url("settings", "tag-types")).json()["data"]}
    rebate, vip = tags["Rebate Needed"], tags["VIP"]
    tagged = _all(api, JOBS, tagTypeIds=f"{rebate},{vip}")
    assert tagged
    assert all({rebate, vip} & set(r["tagTypeIds"]) for r in tagged)
    completed = _all(api, JOBS, jobStatus="Completed")
    assert completed and all(r["jobStatus"] == "Completed" for r in completed)
    unit = completed[0]["businessUnitId"]
    assert all(r["businessUnitId"] == unit for r in _all(api, JOBS, businessUnitId=unit))
    pivot = sorted(r["completedOn"] for r in completed)[5]
    later = _all(api, JOBS, completedOnOrAfter=pivot)
    assert all(r["completedOn"] >= pivot for r in later)
    assert len(later) == sum(1 for r in completed if r["completedOn"] >= pivot)
    customer = completed[0]["customerId"]
    assert all(r["customerId"] == customer for r in _all(api, JOBS, customerId=customer))


def test_jobs_filter_by_appointment_start(api: httpx.Client) -> None:
    upcoming = _all(api, JOBS, appointmentStartsOnOrAfter="2100-01-01")
    assert upcoming == []
    scheduled = _all(api, JOBS, jobStatus="Scheduled")
    soonest = _all(api, JOBS, firstAppointmentStartsOnOrAfter="2000-01-01")
    assert len(soonest) == len(_all(api, JOBS))
    assert scheduled


def test_child_resources_filter_by_their_parent(api: httpx.Client, sim: Simulator) -> None:
    job = first(sim, "jobs", appointmentCount=2)
    appointments = api.get(url("jpm", "appointments"), params={"jobId": job["id"]}).json()["data"]
    assert {a["id"] for a in appointments} == {job["firstAppointmentId"], job["lastAppointmentId"]}
    invoices = api.get(url("accounting", "invoices"), params={"jobId": job["id"]}).json()["data"]
    assert [i["id"] for i in invoices] == [job["invoiceId"]]
    estimates = api.get(url("sales", "estimates"), params={"jobId": job["id"]}).json()["data"]
    assert [e["id"] for e in estimates] == job["estimateIds"]
    assignments = api.get(
        url("dispatch", "appointment-assignments"),
        params={"appointmentIds": job["firstAppointmentId"]},
    ).json()["data"]
    assert assignments and all(a["appointmentId"] == job["firstAppointmentId"] for a in assignments)
    by_job = api.get(
        url("dispatch", "appointment-assignments"), params={"jobId": job["id"]}
    ).json()["data"]
    assert {a["jobId"] for a in by_job} == {job["id"]}


def test_appointments_filter_by_start_window(api: httpx.Client) -> None:
    rows = _all(api, url("jpm", "appointments"))
    pivot = sorted(r["start"] for r in rows)[30]
    assert all(
        r["start"] >= pivot for r in _all(api, url("jpm", "appointments"), startsOnOrAfter=pivot)
    )
    assert all(
        r["start"] < pivot for r in _all(api, url("jpm", "appointments"), startsBefore=pivot)
    )


def test_estimates_filter_by_status(api: httpx.Client) -> None:
    sold = _all(api, url("sales", "estimates"), status="Sold")
    assert sold and all(r["status"]["name"] == "Sold" and r["soldOn"] for r in sold)


def test_installed_equipment_filters_by_locations(api: httpx.Client, sim: Simulator) -> None:
    unit = first(sim, "installed-equipment")
    rows = _all(
        api, url("equipmentsystems", "installed-equipment"), locationIds=str(unit["locationId"])
    )
    assert unit["id"] in {r["id"] for r in rows}
    assert {r["locationId"] for r in rows} == {unit["locationId"]}


def test_form_submissions_filter_by_form_owner_and_date(api: httpx.Client, sim: Simulator) -> None:
    submission = first(sim, "form-submissions")
    job_id = submission["owners"][0]["id"]
    rows = api.get(
        url("forms", "submissions"),
        params={"owners[0].type": "Job", "owners[0].id": job_id, "formIds": submission["formId"]},
    ).json()["data"]
    assert submission["id"] in {r["id"] for r in rows}
    assert all(any(o["id"] == job_id for o in r["owners"]) for r in rows)
    later = _all(api, url("forms", "submissions"), submittedOnOrAfter=submission["submittedOn"])
    assert submission["id"] in {r["id"] for r in later}
    assert all(r["submittedOn"] >= submission["submittedOn"] for r in later)


def test_customer_contacts_filter_by_customers(api: httpx.Client, sim: Simulator) -> None:
    customer = first(sim, "customers")
    rows = api.get(url("crm", "customers/contacts"), params={"customerIds": customer["id"]}).json()[
        "data"
    ]
    assert rows and {r["customerId"] for r in rows} == {customer["id"]}
    nested = api.get(url("crm", f"customers/{customer['id']}/contacts")).json()["data"]
    assert {r["id"] for r in nested} == {r["id"] for r in rows}


def test_filter_values_of_the_wrong_type_are_rejected(api: httpx.Client) -> None:
    response = api.get(JOBS, params={"customerId": "abc"})
    assert response.status_code == 400
    assert set(response.json()) == {"type", "title", "status", "traceId", "errors", "data"}
    assert api.get(JOBS, params={"modifiedOnOrAfter": "yesterday"}).status_code == 400


def test_modified_order_pages_equal_a_full_sort_after_changes(sim: Simulator) -> None:
    """`sort=+ModifiedOn` streams from the watermark instead of sorting every row after it;
    the rows and their order must be those of the full sort, run-time changes included."""
    from integrations.servicetitan.simulator.data.collections import MODIFIED
    from integrations.servicetitan.simulator.query import ListQuery, _matches, candidates, run_list

    jobs = [r["id"] for r in sim.store.iter_by_id("jobs")]
    tag = next(sim.store.iter_by_id("tag-types"))["id"]
    for job_id in jobs[5:40:3]:
        sim.tag_job(job_id, tag)
    sim.complete_job(jobs[7])
    sim.edit_customer(next(sim.store.iter_by_id("customers"))["id"], name="Renamed")
    for resource in ("jobs", "customers", "estimate-items", "tag-types"):
        base = sim.store.state(resource).base
        seeded = [base.modified_at(i) for i in range(len(base))]
        assert all(a < b for a, b in pairwise(seeded)), "seeded stamps never tie"
        stamps = sorted({r[MODIFIED] for r in sim.store.iter_by_id(resource)})
        for watermark in (None, stamps[0], stamps[len(stamps) // 2], stamps[-1]):
            for active in ("Any", "True"):
                query = ListQuery(
                    page_size=100_000, sort_key=MODIFIED, modified_from=watermark, active=active
                )
                expected = [r for r in candidates(sim.store, resource, query) if _matches(r, query)]
                expected.sort(key=lambda r: r[MODIFIED])
                streamed = run_list(sim.store, resource, query).rows
                assert [r["id"] for r in streamed] == [r["id"] for r in expected], (
                    resource,
                    watermark,
                )


def test_an_empty_ids_list_matches_nothing_in_any_order(api: httpx.Client) -> None:
    for sort in ("+Id", "+ModifiedOn", "-ModifiedOn"):
        body = api.get(JOBS, params={"ids": ",", "sort": sort}).json()
        assert body["data"] == [], sort
