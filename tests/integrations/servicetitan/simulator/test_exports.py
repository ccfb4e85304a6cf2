"""Export feeds: continuation tokens, dates, catching up, changes after a token."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from integrations.servicetitan.simulator import Simulator, SimulatorConfig
from tests.integrations.servicetitan.simulator.support import api_client, export_all, first, url


@pytest.fixture
def batched() -> Simulator:
    return Simulator(SimulatorConfig(scale="small", rate_limit=0, export_batch_size=40))


@pytest.fixture
def feed(batched: Simulator) -> Iterator[httpx.Client]:
    with api_client(batched) as client:
        yield client


def test_export_from_the_start_returns_every_row_once_in_modified_order(
    feed: httpx.Client, batched: Simulator
) -> None:
    rows, _ = export_all(feed, "jpm", "jobs")
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == batched.state()["jobs"]
    stamps = [r["modifiedOn"] for r in rows]
    assert stamps == sorted(stamps)
    assert all(r["modifiedOn"].endswith("Z") for r in rows)


def test_pages_hold_at_most_the_batch_size(feed: httpx.Client) -> None:
    body = feed.get(url("jpm", "export/jobs")).json()
    assert len(body["data"]) == 40 and body["hasMore"] is True


def test_export_from_a_date_starts_at_rows_modified_on_or_after_it(feed: httpx.Client) -> None:
    rows, _ = export_all(feed, "crm", "customers")
    pivot = rows[25]["modifiedOn"]
    later, _ = export_all(feed, "crm", "customers", **{"from": pivot})
    assert later[0]["modifiedOn"] == pivot
    assert [r["id"] for r in later] == [r["id"] for r in rows[25:]]
    day, _ = export_all(feed, "crm", "customers", **{"from": pivot[:10]})
    assert all(r["modifiedOn"] >= pivot[:10] for r in day)


def test_caught_up_feeds_return_a_stable_token(feed: httpx.Client) -> None:
    _, caught_up = export_all(feed, "accounting", "invoices")
    again = feed.get(url("accounting", "export/invoices"), params={"from": caught_up}).json()
    assert again == {"hasMore": False, "continueFrom": caught_up, "data": []}


def test_changes_after_a_token_are_delivered_on_the_next_call(
    feed: httpx.Client, batched: Simulator
) -> None:
    rows, caught_up = export_all(feed, "jpm", "jobs")
    early = rows[3]
    tag = first(batched, "tag-types", name="AutoFile")["id"]
    batched.tag_job(early["id"], tag)
    body = feed.get(url("jpm", "export/jobs"), params={"from": caught_up}).json()
    assert [r["id"] for r in body["data"]] == [early["id"]]
    changed = body["data"][0]
    assert tag in changed["tagTypeIds"]
    assert changed["modifiedOn"] > rows[-1]["modifiedOn"]
    assert body["hasMore"] is False
    after = feed.get(url("jpm", "export/jobs"), params={"from": body["continueFrom"]}).json()
    assert after["data"] == []


def test_a_row_changed_mid_walk_moves_to_its_new_position(
    feed: httpx.Client, batched: Simulator
) -> None:
    first_page = feed.get(url("jpm", "export/jobs")).json()
    late = first(batched, "jobs", id=41_000_150)
    batched.tag_job(late["id"], 2001)
    rest, _ = export_all(feed, "jpm", "jobs", **{"from": first_page["continueFrom"]})
    ids = [r["id"] for r in first_page["data"] + rest]
    assert ids.count(late["id"]) == 1
    assert ids[-1] == late["id"]


def test_inactive_and_deleted_rows_are_exported_as_inactive(
    feed: httpx.Client, batched: Simulator
) -> None:
    contact = first(batched, "customer-contacts")
    response = feed.delete(
        url("crm", f"customers/{contact['customerId']}/contacts/{contact['id']}")
    )
    assert response.status_code == 200
    rows, _ = export_all(feed, "crm", "customers/contacts")
    exported = [r for r in rows if r["id"] == contact["id"]]
    assert len(exported) == 1 and exported[0]["active"] is False
    listed = feed.get(
        url("crm", "customers/contacts"), params={"customerIds": contact["customerId"]}
    ).json()
    assert contact["id"] not in {r["id"] for r in listed["data"]}


def test_include_recent_changes_repeats_the_newest_changes(
    feed: httpx.Client, batched: Simulator
) -> None:
    _, caught_up = export_all(feed, "jpm", "jobs")
    job = first(batched, "jobs")
    batched.tag_job(job["id"], 2001)
    params = {"from": caught_up, "includeRecentChanges": "true"}
    first_call = feed.get(url("jpm", "export/jobs"), params=params).json()
    assert [r["id"] for r in first_call["data"]] == [job["id"]]
    second_call = feed.get(
        url("jpm", "export/jobs"),
        params={"from": first_call["continueFrom"], "includeRecentChanges": "true"},
    ).json()
    assert [r["id"] for r in second_call["data"]] == [job["id"]]
    plain = feed.get(url("jpm", "export/jobs"), params={"from": caught_up}).json()
    assert (
        feed.get(url("jpm", "export/jobs"), params={"from": plain["continueFrom"]}).json()["data"]
        == []
    )


def test_continuation_tokens_are_opaque_and_checked(feed: httpx.Client) -> None:
    token = feed.get(url("jpm", "export/jobs")).json()["continueFrom"]
    assert "jobs" not in token
    assert base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).startswith(b"v1:")
    assert feed.get(url("jpm", "export/jobs"), params={"from": "not a token"}).status_code == 400
    other = feed.get(url("crm", "export/customers"), params={"from": token})
    assert other.status_code == 400


def test_every_export_feed_includes_inactive_rows_in_its_count(
    batched: Simulator, feed: httpx.Client
) -> None:
    rows, _ = export_all(feed, "crm", "customers")
    assert len(rows) == batched.state()["customers"]
    inactive = [r for r in batched.store.iter_by_id("customers") if not r["active"]]
    assert {r["id"] for r in inactive} <= {r["id"] for r in rows if not r["active"]}


@pytest.mark.parametrize(
    ("module", "resource", "key", "parent"),
    [
        ("jpm", "job-notes", "id", "jobs"),
        ("jpm", "project-notes", "id", "projects"),
        ("jpm", "job-history", "jobId", "jobs"),
        ("accounting", "inventory-bills", "id", "jobs"),
    ],
)
def test_notes_history_and_bill_feeds_page_with_tokens_and_belong_to_the_tenant(
    batched: Simulator, feed: httpx.Client, module: str, resource: str, key: str, parent: str
) -> None:
    rows, token = export_all(feed, module, resource)
    keys = [r[key] for r in rows]
    assert len(keys) == len(set(keys)) == batched.state()[resource] > 0
    caught_up = feed.get(url(module, f"export/{resource}"), params={"from": token}).json()
    assert caught_up["data"] == [] and caught_up["hasMore"] is False
    parents = {r["id"]: r for r in batched.store.iter_by_id(parent)}
    owner = "projectId" if parent == "projects" else "jobId"
    assert {r[owner] for r in rows} <= set(parents)
    if resource == "inventory-bills":
        assert all(parents[r["jobId"]]["jobStatus"] == "Completed" for r in rows)
        assert all(r["jobNumber"] == parents[r["jobId"]]["jobNumber"] for r in rows)
    if resource == "job-history":
        for row in rows:
            events = [e["eventType"] for e in row["history"]]
            assert events[0] == "Job Booked"
            status = parents[row["jobId"]]["jobStatus"]
            assert (events[-1] == "Job Completed") == (status == "Completed")
    if "modifiedOn" in rows[0]:
        stamps = [r["modifiedOn"] for r in rows]
        assert stamps == sorted(stamps)


def test_a_jobs_notes_are_listed_pinned_first(batched: Simulator, feed: httpx.Client) -> None:
    job = first(batched, "jobs")
    body = feed.get(url("jpm", f"jobs/{job['id']}/notes")).json()
    assert body["data"] and body["data"][0]["isPinned"] is True
    exported, _ = export_all(feed, "jpm", "job-notes")
    assert len(body["data"]) == sum(1 for n in exported if n["jobId"] == job["id"])
