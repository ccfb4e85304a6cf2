"""Read a resource from ServiceTitan as pages of raw rows, each with its resume cursor.

The cursor of a page is what the sync stores with that page's rows: reading again from
it continues right after them. See registry.py for the feed kinds.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Generator, Iterator
from typing import Any, TypeVar

from autofile.mirror.registry import Feed, Page, Resource
from integrations.servicetitan import ServiceTitanClient

LIST_PAGE_SIZE = 5000

logger = logging.getLogger(__name__)

T = TypeVar("T")


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
    """Follow the export's continuation tokens while it has more.

    One page per call, and nothing of a page is kept while the next is fetched: a page of
    invoices is a hundred megabytes of Python objects.
    """
    resource = feed.export.removeprefix("export/")
    token = cursor or None
    while True:
        page = next(iter(client.export_pages(feed.module, resource, from_=token, max_pages=1)))
        rows, has_more, following = page.rows, page.has_more, page.continue_from
        del page
        empty = not rows
        yield Page(rows=rows, cursor=following or token or "", more=has_more)
        del rows
        if not has_more:
            return
        if following is None or (following == token and empty):
            logger.warning("export %s answered hasMore without a new token; stopping", resource)
            return
        token = following


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
        rows, has_more = _rows(body), bool(body.get("hasMore"))
        del body
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
        yield Page(rows=rows, cursor=watermark or "", more=has_more)
        del rows, stamps  # not kept while the next page is read
        if not has_more:
            return


def _everything(client: ServiceTitanClient, feed: Feed) -> Iterator[Page]:
    page_number = 1
    while True:
        body = _get(client, feed, {**feed.params, "page": page_number, "pageSize": LIST_PAGE_SIZE})
        rows, has_more = _rows(body), bool(body.get("hasMore"))
        del body
        empty = not rows
        yield Page(rows=rows, cursor="")
        del rows
        if not has_more or empty:
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


def prefetched(pages: Iterator[T], *, name: str = "prefetch") -> Generator[T, None, None]:
    """Read (and map) the next page from ServiceTitan while the caller stores this one.

    A reader thread runs `pages` one page ahead: at most two pages are in memory (the one
    being stored and the one being read). Errors raised while reading are raised here, at
    the page they stopped. The reader touches no database; closing this iterator (or an
    error while storing) stops it after the request it is making.
    """
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    may_read = threading.Semaphore(1)  # released each time the caller takes a page
    stop = threading.Event()

    def give(kind: str, value: Any) -> None:
        while not stop.is_set():
            try:
                handoff.put((kind, value), timeout=0.2)
                return
            except queue.Full:
                continue

    def read() -> None:
        try:
            while True:
                while not may_read.acquire(timeout=0.2):
                    if stop.is_set():
                        return
                if stop.is_set():
                    return
                page = next(pages, None)
                if page is None:
                    give("end", None)
                    return
                give("page", page)
                del page
        except BaseException as exc:
            give("error", exc)
        finally:
            close = getattr(pages, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=read, name=name, daemon=True)
    reader.start()
    try:
        while True:
            kind, value = handoff.get()
            if kind == "error":
                raise value
            if kind == "end":
                return
            may_read.release()
            yield value
            del value
    finally:
        stop.set()
        reader.join(timeout=30)
