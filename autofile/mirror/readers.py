"""Read a resource from ServiceTitan as pages of raw rows, each with its resume cursor.

The cursor of a page is what the sync stores with that page's rows: reading again from
it continues right after them. See registry.py for the feed kinds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofile.mirror.registry import Feed, Page, Resource
from integrations.servicetitan import ServiceTitanClient

LIST_PAGE_SIZE = 5000


def read_pages(
    client: ServiceTitanClient, resource: Resource, cursor: str | None
) -> Iterator[Page]:
    feed = resource.feed
    if feed.kind == "export":
        return _export(client, feed, cursor)
    if feed.kind == "list":
        return _since_watermark(client, feed, cursor)
    if feed.kind == "full":
        return _everything(client, feed)
    raise ValueError(f"{resource.name} is read per job, not by the sync of the whole tenant")


def _export(client: ServiceTitanClient, feed: Feed, cursor: str | None) -> Iterator[Page]:
    for page in client.export_pages(
        feed.module, feed.export.removeprefix("export/"), from_=cursor or None
    ):
        cursor = page.continue_from or cursor
        yield Page(rows=page.rows, cursor=cursor or "")


def _get(client: ServiceTitanClient, feed: Feed, params: dict[str, Any]) -> dict[str, Any]:
    body = client.request("GET", f"/{feed.path}", module=feed.module, params=params)
    return body if isinstance(body, dict) else {}


def _rows(body: dict[str, Any]) -> list[Any]:
    data = body.get("data")
    return data if isinstance(data, list) else []


def _since_watermark(client: ServiceTitanClient, feed: Feed, cursor: str | None) -> Iterator[Page]:
    """Keyset paging on the modified field, so rows changing mid-walk are never skipped.

    Each request asks for rows modified on or after the watermark, oldest first, and the
    watermark moves to the newest row seen. Rows sharing the watermark's instant are
    read again and de-duplicated by the upsert; if a whole page shares one instant, the
    walk pages through that instant before moving on.
    """
    watermark = cursor or None
    page_number = 1
    while True:
        params: dict[str, Any] = {
            **feed.params,
            "page": page_number,
            "pageSize": LIST_PAGE_SIZE,
            "sort": feed.sort,
        }
        if watermark:
            params[feed.modified_param] = watermark
        body = _get(client, feed, params)
        rows = _rows(body)
        stamps = [
            row[feed.modified_field]
            for row in rows
            if isinstance(row, dict) and isinstance(row.get(feed.modified_field), str)
        ]
        newest = max(stamps, default=None)
        if newest and newest != watermark:
            watermark, page_number = newest, 1
        else:
            page_number += 1
        yield Page(rows=rows, cursor=watermark or "")
        if not body.get("hasMore"):
            return


def _everything(client: ServiceTitanClient, feed: Feed) -> Iterator[Page]:
    page_number = 1
    while True:
        body = _get(client, feed, {**feed.params, "page": page_number, "pageSize": LIST_PAGE_SIZE})
        rows = _rows(body)
        yield Page(rows=rows, cursor="")
        if not body.get("hasMore") or not rows:
            return
        page_number += 1


def read_job_rows(client: ServiceTitanClient, feed: Feed, job_st_id: int) -> Iterator[Any]:
    """Every row of a per-job feed for one job, each stamped with the job's id."""
    path, params = feed.for_job(job_st_id)
    page_number = 1
    while True:
        body = client.request(
            "GET",
            f"/{path}",
            module=feed.module,
            params={**params, "page": page_number, "pageSize": LIST_PAGE_SIZE},
        )
        rows = _rows(body if isinstance(body, dict) else {})
        for row in rows:
            if isinstance(row, dict):
                row.setdefault(feed.job_key, job_st_id)
            yield row
        if not (isinstance(body, dict) and body.get("hasMore")) or not rows:
            return
        page_number += 1
