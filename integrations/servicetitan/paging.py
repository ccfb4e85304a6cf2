"""Pages of list endpoints and export feeds, and lazy iterators over them.

Rows stay raw (``orjson``-decoded dicts) until someone asks for a model: the sync engine stores
raw JSON and must move ≥10,000 rows/s, so the export path never builds a pydantic object.

Export continuation contract (what the sync persists)::

    for page in client.jobs.export_pages(from_=saved_token):
        upsert(page.rows)                      # raw dicts, duplicates possible
        save_token(page.continue_from)         # same transaction as the upsert

    rows = client.jobs.export(from_=saved_token)
    for row in rows: ...
    save_token(rows.continue_from)             # token of the last *fully consumed* page

``ExportIterator.continue_from`` moves past a page only when the consumer asks for the row
*after* that page's last row, i.e. after it finished processing every row of the page; a crash
while handling a row therefore never persists a token that skips it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from .endpoints import format_datetime
from .models.base import STModel

__all__ = [
    "ExportIterator",
    "ExportPage",
    "Page",
    "format_export_from",
    "iter_export_pages",
    "iter_pages",
]

M = TypeVar("M", bound=STModel)

_log = logging.getLogger("integrations.servicetitan")


class Page(Generic[M]):
    """One page of a list endpoint: ``{page, pageSize, hasMore, totalCount, data}``."""

    __slots__ = (
        "_items",
        "_rejected",
        "data",
        "has_more",
        "model",
        "page",
        "page_size",
        "total_count",
    )

    def __init__(
        self,
        *,
        page: int,
        page_size: int,
        has_more: bool,
        total_count: int | None,
        data: list[Any],
        model: type[M],
    ) -> None:
        self.page = page
        self.page_size = page_size
        self.has_more = has_more
        self.total_count = total_count
        self.data = data
        self.model = model
        self._items: list[M] | None = None
        self._rejected: list[Any] = []

    @classmethod
    def from_json(cls, payload: Any, model: type[M], *, page: int, page_size: int) -> Page[M]:
        """Parse the envelope leniently: missing keys fall back to what was asked for."""
        if isinstance(payload, list):  # a few endpoints answer a bare array
            return cls(
                page=page,
                page_size=page_size,
                has_more=False,
                total_count=len(payload),
                data=payload,
                model=model,
            )
        envelope = payload if isinstance(payload, dict) else {}
        data = envelope.get("data")
        total = envelope.get("totalCount")
        return cls(
            page=_int(envelope.get("page"), page),
            page_size=_int(envelope.get("pageSize"), page_size),
            has_more=bool(envelope.get("hasMore", False)),
            total_count=total if isinstance(total, int) else None,
            data=data if isinstance(data, list) else [],
            model=model,
        )

    @property
    def items(self) -> list[M]:
        """The rows as lenient models (parsed on first access).

        A row even the lenient model cannot take (no usable id, not an object) is left out
        here, logged, and kept in :attr:`rejected`; :attr:`data` always has every row.
        """
        if self._items is None:
            items: list[M] = []
            for row in self.data:
                try:
                    items.append(self.model.from_raw(row))
                except ValidationError:
                    self._rejected.append(row)
            if self._rejected:
                _log.warning(
                    "%d of %d %s rows on page %d have no usable id; see Page.rejected",
                    len(self._rejected),
                    len(self.data),
                    self.model.__name__,
                    self.page,
                )
            self._items = items
        return self._items

    @property
    def rejected(self) -> list[Any]:
        """Raw rows :attr:`items` could not parse."""
        self.items  # noqa: B018 - parse on demand
        return self._rejected

    def __iter__(self) -> Iterator[M]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return (
            f"Page[{self.model.__name__}](page={self.page}, rows={len(self.data)}, "
            f"has_more={self.has_more}, total_count={self.total_count})"
        )


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def iter_pages(
    fetch: Callable[[int], Page[M]], *, first_page: int = 1, max_pages: int | None = None
) -> Iterator[Page[M]]:
    """Request ``page=first_page, first_page+1, …`` until ``hasMore`` is false.

    Stops early on an empty page that still claims ``hasMore`` (a server bug that would
    otherwise loop forever).
    """
    number = first_page
    fetched = 0
    while True:
        page = fetch(number)
        fetched += 1
        yield page
        if not page.has_more or (max_pages is not None and fetched >= max_pages):
            return
        if not page.data:
            _log.warning("page %d was empty but claimed hasMore; stopping", number)
            return
        number += 1


class ExportPage:
    """One export response: ``{hasMore, continueFrom, data}`` plus the ``from`` that was sent."""

    __slots__ = ("continue_from", "has_more", "requested_from", "rows")

    def __init__(
        self,
        *,
        rows: list[Any],
        continue_from: str | None,
        has_more: bool,
        requested_from: str | None,
    ) -> None:
        self.rows = rows
        self.continue_from = continue_from
        self.has_more = has_more
        self.requested_from = requested_from

    @classmethod
    def from_json(cls, payload: Any, requested_from: str | None) -> ExportPage:
        envelope = payload if isinstance(payload, dict) else {}
        rows = envelope.get("data")
        token = envelope.get("continueFrom")
        return cls(
            rows=rows if isinstance(rows, list) else [],
            continue_from=str(token) if token not in (None, "") else None,
            has_more=bool(envelope.get("hasMore", False)),
            requested_from=requested_from,
        )

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return (
            f"ExportPage(rows={len(self.rows)}, has_more={self.has_more}, "
            f"continue_from={self.continue_from!r})"
        )


def format_export_from(value: str | date | datetime | None) -> str | None:
    """``from`` accepts the opaque token verbatim, or a date/datetime meaning "modified on or
    after" (datetimes are sent as UTC ``…Z``)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def iter_export_pages(
    fetch: Callable[[str | None], ExportPage],
    *,
    start: str | None,
    max_pages: int | None = None,
) -> Iterator[ExportPage]:
    """Follow ``continueFrom`` while ``hasMore`` is true.

    ``hasMore=false`` means "caught up": ServiceTitan suggests polling again with the last
    token after 5-10 minutes, which is the caller's schedule, not this loop's.
    """
    token = start
    fetched = 0
    while True:
        page = fetch(token)
        fetched += 1
        yield page
        if not page.has_more or (max_pages is not None and fetched >= max_pages):
            return
        if page.continue_from is None or (page.continue_from == token and not page.rows):
            _log.warning(
                "export answered hasMore without a new continueFrom (from=%r); stopping", token
            )
            return
        token = page.continue_from


class ExportIterator(Iterator[Any]):
    """Raw export rows across pages, remembering the token to resume from.

    ``continue_from`` starts as the ``from`` you passed (so persisting it before any page
    completes is harmless) and advances once every row of a page has been consumed.
    ``has_more`` is false once the feed is caught up. Rows are passed through untouched —
    duplicates (``includeRecentChanges``, overlapping pages) and malformed rows included; the
    sync de-duplicates by id and quarantines what it cannot map.
    """

    def __init__(self, pages: Iterator[ExportPage], start: str | None) -> None:
        self.continue_from = start
        self.has_more = True
        self.pages_read = 0
        self.rows_read = 0
        self._pages = pages
        self._rows = self._generate()

    def _generate(self) -> Iterator[Any]:
        for page in self._pages:
            self.pages_read += 1
            for row in page.rows:
                self.rows_read += 1
                yield row
            # Reached only when the consumer asks for the row after the page's last one.
            if page.continue_from is not None:
                self.continue_from = page.continue_from
            self.has_more = page.has_more

    def __iter__(self) -> ExportIterator:
        return self

    def __next__(self) -> Any:
        return next(self._rows)

    def __repr__(self) -> str:
        return (
            f"ExportIterator(pages_read={self.pages_read}, rows_read={self.rows_read}, "
            f"continue_from={self.continue_from!r}, has_more={self.has_more})"
        )
