"""The request some operations send and the way their answers are parsed, on a mock transport
(answers the simulator does not give: other shapes and tokens)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from integrations.servicetitan import ServiceTitanClient

from .conftest import ClientFactory, ScriptedApi, ok


def mock(
    make_client: ClientFactory, body: object
) -> tuple[ServiceTitanClient, list[httpx.Request]]:
    api = ScriptedApi(ok(body))
    return make_client(transport=api.transport), api.sent


EXPORT_PAGE = {"hasMore": False, "continueFrom": "next", "data": [{"jobId": 1, "text": "x"}]}


@pytest.mark.parametrize(
    ("feed", "path"),
    [
        (lambda c: c.jobs.notes_feed, "/jpm/v2/tenant/1000/export/job-notes"),
        (lambda c: c.jobs.history_feed, "/jpm/v2/tenant/1000/export/job-history"),
        (lambda c: c.projects.notes_feed, "/jpm/v2/tenant/1000/export/project-notes"),
        (lambda c: c.inventory_bills.feed, "/accounting/v2/tenant/1000/export/inventory-bills"),
    ],
)
def test_notes_history_and_bill_feeds_send_the_token(
    make_client: ClientFactory, feed: Callable[[ServiceTitanClient], object], path: str
) -> None:
    client, seen = mock(make_client, EXPORT_PAGE)
    rows = feed(client).rows(from_="tok")  # type: ignore[attr-defined]
    assert list(rows) == EXPORT_PAGE["data"] and rows.continue_from == "next"
    assert seen[0].url.path == path and seen[0].url.params["from"] == "tok"


def test_job_notes_page(make_client: ClientFactory) -> None:
    body = {
        "page": 1,
        "pageSize": 50,
        "hasMore": False,
        "data": [{"text": "Called", "isPinned": True}],
    }
    client, seen = mock(make_client, body)
    notes = client.jobs.notes(5)
    assert notes.items[0].text == "Called" and notes.items[0].is_pinned is True
    assert seen[0].url.path == "/jpm/v2/tenant/1000/jobs/5/notes"


def test_job_attachment_rows_parse_the_observed_shape(make_client: ClientFactory) -> None:
    body = {
        "page": 1,
        "pageSize": 50,
        "hasMore": False,
        "data": [
            {"id": 9, "fileName": "after.jpg", "createdById": 3, "createdOn": "2024-05-01T10:00:00"}
        ],
    }
    client, _ = mock(make_client, body)
    attachment = client.job_attachments.list(7).items[0]
    assert attachment.file_name == "after.jpg" and attachment.created_on is not None
    assert attachment.created_on.tzinfo is not None  # naive ServiceTitan times are UTC
