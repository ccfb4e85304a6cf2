"""Writes change state, bump modifiedOn, and answer the documented status codes and errors."""

from __future__ import annotations

from typing import Any

import httpx

from integrations.servicetitan.simulator import Simulator
from tests.integrations.servicetitan.simulator.support import first, url

GUID = "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
OTHER_GUID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4e"
ADDRESS = {
    "street": "500 Elm St",
    "unit": "",
    "city": "Dallas",
    "state": "TX",
    "zip": "75204",
    "country": "USA",
}


def _job(api: httpx.Client, job_id: int, **params: Any) -> dict[str, Any]:
    response = api.get(url("jpm", f"jobs/{job_id}"), params=params)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_job_patch_replaces_tag_and_custom_field_lists(sim: Simulator, api: httpx.Client) -> None:
    job = first(sim, "jobs")
    api.patch(url("jpm", f"jobs/{job['id']}"), json={"tagTypeIds": [2001, 2002, 2009]})
    assert _job(api, job["id"])["tagTypeIds"] == [2001, 2002, 2009]
    api.patch(url("jpm", f"jobs/{job['id']}"), json={"tagTypeIds": [2002]})
    updated = _job(api, job["id"])
    assert updated["tagTypeIds"] == [2002]
    assert updated["modifiedOn"] > job["modifiedOn"]
    api.patch(
        url("jpm", f"jobs/{job['id']}"),
        json={"customFields": [{"typeId": 7002, "value": "P-1"}, {"typeId": 7003, "value": "A-1"}]},
    )
    api.patch(
        url("jpm", f"jobs/{job['id']}"), json={"customFields": [{"typeId": 7003, "value": "A-2"}]}
    )
    assert _job(api, job["id"])["customFields"] == [
        {"typeId": 7003, "name": "AHRI Reference", "value": "A-2"}
    ]


def test_every_mutation_bumps_modified_on_strictly(sim: Simulator, api: httpx.Client) -> None:
    job = first(sim, "jobs")
    stamps = []
    for tags in ([2001], [2002], [2001, 2002]):
        response = api.patch(url("jpm", f"jobs/{job['id']}"), json={"tagTypeIds": tags})
        stamps.append(response.json()["modifiedOn"])
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    assert all(s.endswith("Z") for s in stamps)
    assert stamps[0] > max(
        r["modifiedOn"] for r in sim.store.iter_by_id("jobs") if r["id"] != job["id"]
    )


def test_external_data_replace_merge_and_isolation(sim: Simulator, api: httpx.Client) -> None:
    job_id = first(sim, "jobs")["id"]
    path = url("jpm", f"jobs/{job_id}")
    api.patch(
        path,
        json={
            "externalData": {
                "applicationGuid": GUID,
                "externalData": [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}],
            }
        },
    )
    api.patch(
        path,
        json={
            "externalData": {
                "applicationGuid": GUID,
                "patchMode": "Merge",
                "externalData": [{"key": "b", "value": None}, {"key": "c", "value": "3"}],
            }
        },
    )
    merged = _job(api, job_id, externalDataApplicationGuid=GUID)["externalData"]
    assert merged == [{"key": "a", "value": "1"}, {"key": "c", "value": "3"}]
    api.patch(
        path,
        json={
            "externalData": {"applicationGuid": GUID, "externalData": [{"key": "z", "value": "9"}]}
        },
    )
    assert _job(api, job_id, externalDataApplicationGuid=GUID)["externalData"] == [
        {"key": "z", "value": "9"}
    ]
    assert _job(api, job_id, externalDataApplicationGuid=OTHER_GUID)["externalData"] == []
    assert _job(api, job_id)["externalData"] == []
    found = api.get(
        url("jpm", "jobs"),
        params={
            "externalDataApplicationGuid": GUID,
            "externalDataKey": "z",
            "externalDataValues": "9",
        },
    ).json()
    assert [r["id"] for r in found["data"]] == [job_id]


def test_unknown_fields_are_ignored_and_wrong_types_rejected(
    sim: Simulator, api: httpx.Client
) -> None:
    job = first(sim, "jobs")
    ignored = api.patch(
        url("jpm", f"jobs/{job['id']}"), json={"summary": "<p>ok</p>", "colour": "teal"}
    )
    assert ignored.status_code == 200 and ignored.json()["summary"] == "<p>ok</p>"
    assert "colour" not in (sim.record("jobs", job["id"]) or {})
    wrong = api.patch(url("jpm", f"jobs/{job['id']}"), json={"tagTypeIds": "2001"})
    assert wrong.status_code == 400
    body = wrong.json()
    assert set(body) == {"type", "title", "status", "traceId", "errors", "data"}
    assert "$.tagTypeIds" in body["errors"]
    missing = api.put(url("jpm", f"jobs/{job['id']}/cancel"), json={"memo": "no reason"})
    assert missing.status_code == 400 and "ReasonId" in missing.json()["errors"]
    garbage = api.patch(
        url("jpm", f"jobs/{job['id']}"),
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert garbage.status_code == 400


def test_unknown_ids_are_not_found(api: httpx.Client) -> None:
    assert api.get(url("jpm", "jobs/123")).status_code == 404
    assert api.patch(url("jpm", "jobs/123"), json={"summary": "x"}).status_code == 404
    assert api.get(url("crm", "customers/abc")).status_code == 404
    assert api.delete(url("accounting", "invoices/51000001/items/1")).status_code == 404


def test_invoice_updates_items_and_custom_fields(sim: Simulator, api: httpx.Client) -> None:
    invoice = next(i for i in sim.store.iter_by_id("invoices") if len(i["items"]) >= 2)
    path = url("accounting", f"invoices/{invoice['id']}")
    header = api.patch(path, json={"summary": "<p>Checked by QA</p>", "number": "INV-42"})
    assert (header.status_code, header.content) == (200, b"")
    appended = api.patch(
        f"{path}/items",
        json={"skuId": 10008, "description": "Permit", "quantity": 1, "unitPrice": 240},
    )
    assert (appended.status_code, appended.content) == (200, b"")
    item = invoice["items"][0]
    api.patch(f"{path}/items", json={"id": item["id"], "description": "Fixed", "quantity": 2})
    removed = api.delete(f"{path}/items/{invoice['items'][1]['id']}")
    assert (removed.status_code, removed.content) == (200, b"")
    fields = api.patch(
        url("accounting", "invoices/custom-fields"),
        json={
            "operations": [
                {
                    "objectId": invoice["id"],
                    "customFields": [{"name": "Rebate Claim Number", "value": "RC-7"}],
                }
            ]
        },
    )
    assert fields.status_code == 200
    current = api.get(url("accounting", "invoices"), params={"ids": invoice["id"]}).json()["data"][
        0
    ]
    assert current["referenceNumber"] == "INV-42"
    assert current["customFields"] == [{"name": "Rebate Claim Number", "value": "RC-7"}]
    by_id = {i["id"]: i for i in current["items"]}
    assert invoice["items"][1]["id"] not in by_id
    assert by_id[item["id"]]["quantity"] == "2.00" and by_id[item["id"]]["description"] == "Fixed"
    assert any(i["skuId"] == 10008 and i["price"] == "240.00" for i in current["items"])
    assert float(current["subTotal"]) == round(sum(float(i["total"]) for i in current["items"]), 2)
    assert current["modifiedOn"] > invoice["modifiedOn"]
    items_feed = api.get(url("accounting", "export/invoice-items")).json()
    assert items_feed["data"]


def test_adjustment_invoices_answer_a_bare_id(sim: Simulator, api: httpx.Client) -> None:
    original = first(sim, "invoices")
    response = api.post(
        url("accounting", "invoices"),
        json={
            "adjustmentToId": original["id"],
            "summary": "Rebate correction",
            "items": [{"skuId": 10023, "description": "Credit", "quantity": 1}],
        },
    )
    assert response.status_code == 200
    new_id = response.json()
    assert isinstance(new_id, int)
    created = api.get(url("accounting", "invoices"), params={"ids": new_id}).json()["data"][0]
    assert created["adjustmentToId"] == original["id"] and len(created["items"]) == 1


def test_customers_and_locations_are_created_and_updated(sim: Simulator, api: httpx.Client) -> None:
    created = api.post(
        url("crm", "customers"),
        json={
            "name": "Priya Patel",
            "address": ADDRESS,
            "contacts": [{"type": "Email", "value": "priya@example.com"}],
            "locations": [
                {
                    "name": "Home",
                    "address": ADDRESS,
                    "contacts": [{"type": "Phone", "value": "2145550100"}],
                }
            ],
        },
    ).json()
    assert created["locations"][0]["contacts"][0]["value"] == "2145550100"
    customer_id = created["id"]
    updated = api.patch(
        url("crm", f"customers/{customer_id}"),
        json={"name": "Priya P. Patel", "tagTypeIds": [2009]},
    ).json()
    assert updated["name"] == "Priya P. Patel" and updated["tagTypeIds"] == [2009]
    location = api.post(
        url("crm", "locations"),
        json={"customerId": customer_id, "name": "Rental", "address": ADDRESS},
    ).json()
    moved = api.patch(
        url("crm", f"locations/{location['id']}"),
        json={"address": {**ADDRESS, "street": "9 Oak Ct"}},
    ).json()
    assert moved["address"]["street"] == "9 Oak Ct"
    bad = api.post(url("crm", "locations"), json={"customerId": 1, "name": "X", "address": ADDRESS})
    assert bad.status_code == 400


def test_customer_contacts_are_listed_created_updated_and_deleted(
    sim: Simulator, api: httpx.Client
) -> None:
    customer_id = first(sim, "customers")["id"]
    path = url("crm", f"customers/{customer_id}/contacts")
    contact = api.post(path, json={"type": "Email", "value": "old@example.com"}).json()
    changed = api.patch(f"{path}/{contact['id']}", json={"value": "new@example.com"}).json()
    assert changed["value"] == "new@example.com" and changed["modifiedOn"] > contact["modifiedOn"]
    assert (api.delete(f"{path}/{contact['id']}").status_code, api.get(path).status_code) == (
        200,
        200,
    )
    assert contact["id"] not in {c["id"] for c in api.get(path).json()["data"]}


def test_bulk_customer_tags_add_and_remove_with_a_json_body(
    sim: Simulator, api: httpx.Client
) -> None:
    customers = [c["id"] for c in list(sim.store.iter_by_id("customers"))[:3]]
    body = {"customerIds": customers, "tagTypeIds": [2009, 2013]}
    assert api.put(url("crm", "tags"), json=body).status_code == 200
    assert all(
        {2009, 2013} <= set(api.get(url("crm", f"customers/{c}")).json()["tagTypeIds"])
        for c in customers
    )
    removed = api.request(
        "DELETE", url("crm", "tags"), json={"customerIds": customers, "tagTypeIds": [2013]}
    )
    assert removed.status_code == 200
    assert all(
        2013 not in api.get(url("crm", f"customers/{c}")).json()["tagTypeIds"] for c in customers
    )


def test_guid_contacts_and_contact_methods(api: httpx.Client) -> None:
    contact = api.post(url("crm", "contacts"), json={"name": "Sam Lee", "title": "Tenant"}).json()
    assert len(contact["id"]) == 36
    method = api.post(
        url("crm", f"contacts/{contact['id']}/contact-methods"),
        json={"type": "MobilePhone", "value": "2145550111"},
    ).json()
    assert method["contactId"] == contact["id"]
    updated = api.patch(
        url("crm", f"contacts/{contact['id']}/contact-methods/{method['id']}"),
        json={"value": "2145550112"},
    ).json()
    assert updated["value"] == "2145550112"
    listed = api.get(url("crm", f"contacts/{contact['id']}/contact-methods")).json()["data"]
    assert [m["id"] for m in listed] == [method["id"]]
    archived = api.patch(url("crm", f"contacts/{contact['id']}"), json={"isArchived": True}).json()
    assert archived["isArchived"] is True
    assert api.delete(url("crm", f"contacts/{contact['id']}")).status_code == 200
    assert api.get(url("crm", f"contacts/{contact['id']}")).status_code == 404


def test_jobs_are_created_canceled_and_report_their_cancel_reason(
    sim: Simulator, api: httpx.Client
) -> None:
    location = first(sim, "locations")
    appointment = {
        "start": "2031-01-05T15:00:00Z",
        "end": "2031-01-05T19:00:00Z",
        "technicianIds": [6001],
    }
    job_body = {
        "customerId": location["customerId"],
        "locationId": location["id"],
        "businessUnitId": 1001,
        "jobTypeId": 3001,
        "priority": "Normal",
        "campaignId": 4001,
        "tagTypeIds": [2001],
        "appointments": [appointment],
    }
    created = api.post(url("jpm", "jobs"), json=job_body)
    assert created.status_code == 200
    job = created.json()
    assert job["appointmentCount"] == 1 and job["tagTypeIds"] == [2001]
    assert (
        api.get(url("accounting", "invoices"), params={"jobId": job["id"]}).json()["data"][0]["id"]
        == job["invoiceId"]
    )
    assert (
        api.put(
            url("jpm", f"jobs/{job['id']}/cancel"), json={"reasonId": 5002, "memo": "Scheduling"}
        ).content
        == b""
    )
    assert _job(api, job["id"])["jobStatus"] == "Canceled"
    reasons = api.get(url("jpm", "jobs/cancel-reasons"), params={"ids": job["id"]}).json()["data"]
    assert reasons == [
        {"jobId": job["id"], "reasonId": 5002, "name": "Scheduling conflict", "text": "Scheduling"}
    ]
    catalog = api.get(url("jpm", "job-cancel-reasons")).json()["data"]
    assert "Customer canceled" in {r["name"] for r in catalog}
    missing_campaign = api.post(
        url("jpm", "jobs"),
        json={
            "customerId": location["customerId"],
            "locationId": location["id"],
            "businessUnitId": 1001,
            "jobTypeId": 3001,
            "priority": "Normal",
            "appointments": [],
        },
    )
    assert missing_campaign.status_code == 400


def test_appointments_are_added_read_listed_and_deleted(sim: Simulator, api: httpx.Client) -> None:
    job = first(sim, "jobs", jobStatus="Scheduled")
    added = api.post(
        url("jpm", "appointments"),
        json={
            "jobId": job["id"],
            "start": "2031-02-01T15:00:00Z",
            "end": "2031-02-01T17:00:00Z",
            "technicianIds": [6002],
        },
    ).json()
    assert api.get(url("jpm", f"appointments/{added['id']}")).json()["jobId"] == job["id"]
    listed = api.get(url("jpm", "appointments"), params={"jobId": job["id"]}).json()["data"]
    assert added["id"] in {a["id"] for a in listed}
    assert _job(api, job["id"])["appointmentCount"] == job["appointmentCount"] + 1
    assert api.delete(url("jpm", f"appointments/{added['id']}")).status_code == 200
    assert api.get(url("jpm", f"appointments/{added['id']}")).status_code == 404
    assert _job(api, job["id"])["appointmentCount"] == job["appointmentCount"]
    last = api.delete(url("jpm", f"appointments/{job['firstAppointmentId']}"))
    assert last.status_code == 409 if job["appointmentCount"] == 1 else last.status_code == 200


def test_technicians_are_assigned_and_unassigned(sim: Simulator, api: httpx.Client) -> None:
    appointment = first(sim, "appointments", status="Scheduled")
    path = url("dispatch", "appointment-assignments")
    assigned = api.post(
        f"{path}/assign-technicians",
        json={"jobAppointmentId": appointment["id"], "technicianIds": [6005]},
    )
    assert assigned.status_code == 200 and assigned.json()["id"] == appointment["id"]
    active = api.get(path, params={"appointmentIds": appointment["id"]}).json()["data"]
    assert 6005 in {a["technicianId"] for a in active}
    api.post(
        f"{path}/unassign-technicians",
        json={"jobAppointmentId": appointment["id"], "technicianIds": [6005]},
    )
    remaining = api.get(path, params={"appointmentIds": appointment["id"]}).json()["data"]
    assert 6005 not in {a["technicianId"] for a in remaining}
    everything = api.get(
        path, params={"appointmentIds": appointment["id"], "active": "Any"}
    ).json()["data"]
    assert 6005 in {a["technicianId"] for a in everything}


def test_bookings_by_provider_and_provider_tags(sim: Simulator, api: httpx.Client) -> None:
    tag = api.post(
        url("crm", "booking-provider-tags"),
        json={"tagName": "Partner", "description": "Partner portal"},
    ).json()
    base = url("crm", f"booking-provider/{tag['id']}/bookings")
    booking = api.post(
        base,
        json={
            "source": "Partner",
            "name": "Ana Ruiz",
            "summary": "HP quote",
            "isFirstTimeClient": True,
            "externalId": "P-1",
        },
    ).json()
    assert booking["bookingProviderId"] == tag["id"] and booking["status"] == "New"
    assert (
        api.patch(f"{base}/{booking['id']}", json={"summary": "Heat pump quote"}).json()["summary"]
        == "Heat pump quote"
    )
    assert api.get(f"{base}/{booking['id']}").status_code == 200
    assert [b["id"] for b in api.get(base).json()["data"]] == [booking["id"]]
    assert api.get(url("crm", f"bookings/{booking['id']}")).status_code == 200
    other_provider = url("crm", f"booking-provider/{8101}/bookings/{booking['id']}")
    assert api.get(other_provider).status_code == 404
    renamed = api.patch(
        url("crm", f"booking-provider-tags/{tag['id']}"), json={"tagName": "Partner 2"}
    )
    assert renamed.json()["tagName"] == "Partner 2"


def test_installed_equipment_and_its_attachments(sim: Simulator, api: httpx.Client) -> None:
    location = first(sim, "locations")
    created = api.post(
        url("equipmentsystems", "installed-equipment"),
        json={
            "locationId": location["id"],
            "name": "Heat pump",
            "manufacturer": "Carrier",
            "model": "25VNA036A003",
            "serialNumber": "",
            "equipmentTypeId": 8201,
        },
    ).json()
    updated = api.patch(
        url("equipmentsystems", f"installed-equipment/{created['id']}"),
        json={"serialNumber": "2319E12345"},
    ).json()
    assert updated["serialNumber"] == "2319E12345" and updated["modifiedOn"] > created["modifiedOn"]
    dated = api.patch(
        url("equipmentsystems", f"installed-equipment/{created['id']}"),
        json={"manufacturedOn": "2024-03-09T23:00:00Z", "actualReplacementDate": "2031-01-02"},
    ).json()
    assert (dated["manufacturedOn"], dated["actualReplacementDate"]) == ("2024-03-09", "2031-01-02")
    not_a_date = api.patch(
        url("equipmentsystems", f"installed-equipment/{created['id']}"),
        json={"manufacturedOn": "last spring"},
    )
    assert not_a_date.status_code == 400 and "$.manufacturedOn" in not_a_date.json()["errors"]
    upload = api.post(
        url("equipmentsystems", "installed-equipment/attachments"),
        files={"file": ("plate.jpg", b"\xff\xd8jpegdata\xff\xd9", "image/jpeg")},
    )
    path = upload.json()["path"]
    download = api.get(
        url("equipmentsystems", "installed-equipment/attachments"), params={"path": path}
    )
    assert download.content == b"\xff\xd8jpegdata\xff\xd9"
    assert download.headers["content-type"] == "image/jpeg"
    listed = api.get(
        url("equipmentsystems", "installed-equipment"), params={"locationIds": location["id"]}
    ).json()["data"]
    assert created["id"] in {e["id"] for e in listed}


def test_payments_are_created_updated_and_annotated(sim: Simulator, api: httpx.Client) -> None:
    invoice = first(sim, "invoices")
    created = api.post(
        url("accounting", "payments"),
        json={
            "typeId": 8306,
            "customerId": invoice["customer"]["id"],
            "amount": 500,
            "paidOn": "2031-01-02T00:00:00Z",
            "splits": [{"invoiceId": invoice["id"], "amount": 500}],
        },
    ).json()
    assert created["typeId"] == 8306 and created["splits"][0]["invoiceId"] == invoice["id"]
    updated = api.patch(
        url("accounting", f"payments/{created['id']}"),
        json={
            "typeId": 8306,
            "memo": "Utility rebate check",
            "splits": [{"invoiceId": invoice["id"], "amount": 450}],
        },
    ).json()
    assert updated["memo"] == "Utility rebate check"
    api.patch(
        url("accounting", "payments/custom-fields"),
        json={
            "operations": [
                {
                    "objectId": created["id"],
                    "customFields": [{"name": "Rebate Check Number", "value": "1001"}],
                }
            ]
        },
    )
    listed = api.get(url("accounting", "payments"), params={"ids": created["id"]}).json()["data"][0]
    assert listed["customFields"] == [{"name": "Rebate Check Number", "value": "1001"}]
    assert listed["total"] == "450.00"


def test_projects_are_created_read_listed_and_updated(sim: Simulator, api: httpx.Client) -> None:
    location = first(sim, "locations")
    project = api.post(
        url("jpm", "projects"),
        json={"locationId": location["id"], "name": "Electrification", "statusId": 5301},
    ).json()
    assert project["customerId"] == location["customerId"] and project["status"] == "Planning"
    updated = api.patch(url("jpm", f"projects/{project['id']}"), json={"statusId": 5302}).json()
    assert updated["status"] == "In Progress"
    assert api.get(url("jpm", f"projects/{project['id']}")).json()["name"] == "Electrification"
    assert project["id"] in {
        p["id"]
        for p in api.get(
            url("jpm", "projects"), params={"customerId": location["customerId"]}
        ).json()["data"]
    }


def test_technicians_are_created_read_and_updated(api: httpx.Client) -> None:
    created = api.post(
        url("settings", "technicians"),
        json={
            "name": "Rosa Diaz",
            "accountCreationMethod": "CreateLater",
            "roleId": 5206,
            "positions": ["Installer"],
            "licenseType": "ManagedTech",
            "businessUnitId": 1001,
        },
    ).json()
    technician = api.get(url("settings", f"technicians/{created['id']}")).json()
    assert technician["name"] == "Rosa Diaz" and technician["businessUnitId"] == 1001
    api.patch(url("settings", f"technicians/{created['id']}"), json={"team": "Install Crew B"})
    assert (
        api.get(url("settings", f"technicians/{created['id']}")).json()["team"] == "Install Crew B"
    )


def test_pricebook_creates_answer_201_and_deletes_204(api: httpx.Client) -> None:
    created = api.post(
        url("pricebook", "services"),
        json={"code": "SVC-NEW", "description": "<p>New</p>", "price": 99},
    )
    assert created.status_code == 201
    service = created.json()
    assert (
        api.patch(url("pricebook", f"services/{service['id']}"), json={"price": 109}).json()[
            "price"
        ]
        == 109
    )
    deleted = api.delete(url("pricebook", f"services/{service['id']}"))
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert api.get(url("pricebook", f"services/{service['id']}")).status_code == 404
    exported = api.get(url("pricebook", "export/services")).json()["data"]
    assert [s["active"] for s in exported if s["id"] == service["id"]] == [False]


def test_estimates_are_sold_and_their_items_edited(sim: Simulator, api: httpx.Client) -> None:
    estimate = first(sim, "estimates", status={"value": 0, "name": "Open"})
    sold = api.put(url("sales", f"estimates/{estimate['id']}/sell"), json={"soldBy": 6001}).json()
    assert sold["status"]["name"] == "Sold" and sold["soldOn"]
    item = api.put(
        url("sales", f"estimates/{estimate['id']}/items"),
        json={"skuId": 10007, "quantity": 1, "unitCost": 0},
    ).json()
    assert item["estimateId"] == estimate["id"]
    items = api.get(url("sales", "estimates/items"), params={"estimateId": estimate["id"]}).json()[
        "data"
    ]
    assert item["id"] in {i["id"] for i in items}
    assert (
        api.delete(url("sales", f"estimates/{estimate['id']}/items/{item['id']}")).status_code
        == 200
    )
    assert api.get(
        url("sales", "estimates"), params={"ids": estimate["id"], "status": "Sold"}
    ).json()["data"]


def test_job_attachments_are_listed_downloaded_and_uploaded(
    sim: Simulator, api: httpx.Client
) -> None:
    attachment = first(sim, "job-attachments")
    listed = api.get(url("forms", f"jobs/{attachment['_jobId']}/attachments")).json()
    assert attachment["id"] in {a["id"] for a in listed["data"]}
    assert set(listed["data"][0]) == {"id", "fileName", "createdById", "createdOn"}
    uploaded = api.post(
        url("forms", f"jobs/{attachment['_jobId']}/attachments"),
        files={"file": ("note.pdf", b"%PDF-1.4 tiny", "application/pdf")},
    )
    assert uploaded.json() == {"fileName": "note.pdf"}
    listed = api.get(url("forms", f"jobs/{attachment['_jobId']}/attachments")).json()["data"]
    new = next(a for a in listed if a["fileName"] == "note.pdf")
    download = api.get(url("forms", f"jobs/attachment/{new['id']}"))
    assert (download.content, download.headers["content-type"]) == (
        b"%PDF-1.4 tiny",
        "application/pdf",
    )
