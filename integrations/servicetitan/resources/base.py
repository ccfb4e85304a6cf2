"""Building blocks shared by every resource: URLs, query building, paging, exports.

A resource (``client.jobs``) is a thin, typed facade: each method names an
:class:`~integrations.servicetitan.endpoints.Endpoint` and delegates here, so retry, rate
limiting, token handling and decoding are written once (in :mod:`..session`).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Final, Generic, TypeVar

import httpx
import orjson

from integrations.servicetitan.endpoints import Endpoint, QueryValue, format_query_value
from integrations.servicetitan.models.base import STModel
from integrations.servicetitan.paging import (
    ExportIterator,
    ExportPage,
    Page,
    format_export_from,
    iter_export_pages,
    iter_pages,
)
from integrations.servicetitan.retry import RetryPolicy
from integrations.servicetitan.session import Call, FileSpec, Session, encode_json

__all__ = [
    "ApiContext",
    "ExportFeed",
    "Exportable",
    "Gettable",
    "Listable",
    "Resource",
    "decode_json",
]

M = TypeVar("M", bound=STModel)

_NO_BODY: Final[Any] = object()
#: ServiceTitan's documented maximum for ``ids`` filters.
MAX_IDS: Final = 50


#: Bodies at least this large are decoded with the cyclic garbage collector paused.
GC_PAUSE_ABOVE: Final = 256 * 1024

_gc_lock: Final = threading.Lock()
_gc_pauses = 0
_gc_paused_here = False


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large body is decoded.

    An export page of 5,000 rows becomes a million new dicts, lists and strings; the collector
    would run hundreds of times while they are created, each pass re-examining everything the
    page allocated so far, which doubled or tripled the time to decode a page. JSON values
    hold no reference cycles, so nothing is lost: the collector resumes afterwards (and looks
    at the new objects once). Nested and concurrent pauses are counted; the collector is
    resumed only by the pause that stopped it, and never if it was already off.
    """
    global _gc_pauses, _gc_paused_here
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_paused_here = gc.isenabled()
            if _gc_paused_here:
                gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_paused_here:
                _gc_paused_here = False
                gc.enable()


def decode_json(response: httpx.Response) -> Any:
    """orjson-decode a body; empty bodies (many writes answer 200 with nothing) are ``None``.

    Raises ``ValueError`` (``orjson.JSONDecodeError``) on a non-JSON body so the session can
    treat it as transient. Large bodies (export pages) decode with the garbage collector
    paused (:func:`gc_paused`).
    """
    content = response.content
    if not content or content.isspace():
        return None
    if len(content) < GC_PAUSE_ABOVE:
        return orjson.loads(content)
    with gc_paused():
        return orjson.loads(content)


def _decode_bytes(response: httpx.Response) -> bytes:
    return response.content


@dataclass(frozen=True, slots=True)
class ApiContext:
    """What resources need from the client: the session, the tenant and per-call defaults
    (``client.with_options(debug=True, ...)`` makes a new context over the same session)."""

    session: Session
    tenant: int
    debug: bool = False
    timeout: httpx.Timeout | None = None
    retry: RetryPolicy | None = None

    def with_options(self, **changes: Any) -> ApiContext:
        return replace(self, **changes)

    @property
    def list_all_page_size(self) -> int:
        return self.session.options.list_all_page_size

    def url(self, endpoint: Endpoint, path: Mapping[str, object] | None) -> str:
        return self.session.connection.api_base_url + endpoint.url_path(self.tenant, path or {})

    def call(
        self,
        endpoint: Endpoint,
        *,
        path: Mapping[str, object] | None = None,
        query: list[tuple[str, str]] | None = None,
        json: Any = _NO_BODY,
        files: Mapping[str, FileSpec] | None = None,
        data: Mapping[str, Any] | None = None,
        follow_redirects: bool = False,
    ) -> Call:
        content = None if json is _NO_BODY else encode_json(json)
        return Call(
            method=endpoint.method,
            url=self.url(endpoint, path),
            name=endpoint.name,
            idempotent=endpoint.idempotent,
            retry=self.retry or self.session.options.retry,
            params=query or [],
            content=content,
            data=data,
            files=files,
            timeout=self.timeout,
            debug=self.debug,
            follow_redirects=follow_redirects,
        )

    def send_json(self, call: Call) -> Any:
        return self.session.send(call, decode_json)

    def send_bytes(self, call: Call) -> bytes:
        return self.session.send(call, _decode_bytes)


def build_query(
    endpoint: Endpoint,
    filters: Mapping[str, QueryValue],
    params: Mapping[str, QueryValue] | None = None,
) -> list[tuple[str, str]]:
    """Query pairs: ``filters`` are checked against the endpoint's documented parameters
    (snake_case accepted), ``params`` are passed through unchecked (the escape hatch for
    parameters such as ``customField.Fields`` that cannot be Python keywords)."""
    pairs: list[tuple[str, str]] = []
    for name, value in filters.items():
        text = format_query_value(value)
        if text is not None:
            pairs.append((endpoint.query_name(name), text))
    for name, value in (params or {}).items():
        text = format_query_value(value)
        if text is not None:
            pairs.append((name, text))
    return pairs


class Resource:
    """One ServiceTitan resource (``client.jobs``); holds only its :class:`ApiContext`."""

    def __init__(self, api: ApiContext) -> None:
        self._api = api

    # --- single requests ---------------------------------------------------------------------

    def _request(
        self,
        endpoint: Endpoint,
        *,
        path: Mapping[str, object] | None = None,
        filters: Mapping[str, QueryValue] | None = None,
        params: Mapping[str, QueryValue] | None = None,
        json: Any = _NO_BODY,
        files: Mapping[str, FileSpec] | None = None,
    ) -> Any:
        query = build_query(endpoint, filters or {}, params)
        call = self._api.call(endpoint, path=path, query=query, json=json, files=files)
        return self._api.send_json(call)

    def _download(
        self,
        endpoint: Endpoint,
        *,
        path: Mapping[str, object] | None = None,
        filters: Mapping[str, QueryValue] | None = None,
    ) -> bytes:
        query = build_query(endpoint, filters or {})
        call = self._api.call(endpoint, path=path, query=query, follow_redirects=True)
        return self._api.send_bytes(call)

    # --- lists -------------------------------------------------------------------------------

    def _page(
        self,
        endpoint: Endpoint,
        model: type[M],
        *,
        path: Mapping[str, object] | None = None,
        page: int = 1,
        page_size: int = 50,
        include_total: bool = False,
        sort: str | None = None,
        params: Mapping[str, QueryValue] | None = None,
        filters: Mapping[str, QueryValue],
    ) -> Page[M]:
        paging: dict[str, QueryValue] = {"page": page, "pageSize": page_size}
        if include_total:
            paging["includeTotal"] = True
        if sort is not None:
            paging["sort"] = sort
        query = build_query(endpoint, {**paging, **filters}, params)
        payload = self._api.send_json(self._api.call(endpoint, path=path, query=query))
        return Page.from_json(payload, model, page=page, page_size=page_size)

    def _pages(
        self,
        endpoint: Endpoint,
        model: type[M],
        *,
        path: Mapping[str, object] | None = None,
        page_size: int | None = None,
        sort: str | None = None,
        max_pages: int | None = None,
        params: Mapping[str, QueryValue] | None = None,
        filters: Mapping[str, QueryValue],
    ) -> Iterator[Page[M]]:
        size = page_size or self._api.list_all_page_size
        build_query(endpoint, filters)  # fail fast on a bad filter name, before iterating
        ids = filters.get("ids")
        if isinstance(ids, Sequence) and not isinstance(ids, str) and len(ids) > MAX_IDS:
            # ServiceTitan takes at most 50 ids per request: walk them in chunks.
            return (
                page
                for start in range(0, len(ids), MAX_IDS)
                for page in self._pages(
                    endpoint,
                    model,
                    path=path,
                    page_size=page_size,
                    sort=sort,
                    params=params,
                    filters={**filters, "ids": list(ids[start : start + MAX_IDS])},
                )
            )

        def fetch(number: int) -> Page[M]:
            return self._page(
                endpoint,
                model,
                path=path,
                page=number,
                page_size=size,
                sort=sort,
                params=params,
                filters=filters,
            )

        return iter_pages(fetch, max_pages=max_pages)

    # --- exports -----------------------------------------------------------------------------

    def _feed(self, endpoint: Endpoint) -> ExportFeed:
        return ExportFeed(self._api, endpoint)


class ExportFeed:
    """One ``/export/…`` feed: raw rows page by page, resumable by continuation token."""

    def __init__(self, api: ApiContext, endpoint: Endpoint) -> None:
        self._api = api
        self.endpoint = endpoint

    @property
    def name(self) -> str:
        return self.endpoint.name

    def pages(
        self,
        *,
        from_: str | date | datetime | None = None,
        include_recent_changes: bool = False,
        max_pages: int | None = None,
        **filters: QueryValue,
    ) -> Iterator[ExportPage]:
        """Pages from ``from_`` (a saved ``continueFrom`` token, or a date meaning "modified
        on or after"; ``None`` = from the beginning) until caught up."""
        start = format_export_from(from_)
        extra = build_query(self.endpoint, filters)

        def fetch(token: str | None) -> ExportPage:
            query: list[tuple[str, str]] = []
            if token is not None:
                query.append(("from", token))
            if include_recent_changes:
                query.append(("includeRecentChanges", "true"))
            call = self._api.call(self.endpoint, query=query + extra)
            return ExportPage.from_json(self._api.send_json(call), token)

        return iter_export_pages(fetch, start=start, max_pages=max_pages)

    def rows(
        self,
        *,
        from_: str | date | datetime | None = None,
        include_recent_changes: bool = False,
        max_pages: int | None = None,
        **filters: QueryValue,
    ) -> ExportIterator:
        """Raw rows across pages; ``.continue_from`` is the token to persist afterwards."""
        pages = self.pages(
            from_=from_,
            include_recent_changes=include_recent_changes,
            max_pages=max_pages,
            **filters,
        )
        return ExportIterator(pages, format_export_from(from_))

    def __repr__(self) -> str:
        return f"<ExportFeed {self.endpoint.template}>"


class Listable(Resource, Generic[M]):
    """``list`` (one page), ``pages`` and ``iter_all`` over the resource's list endpoint."""

    model: type[M]
    list_endpoint: Endpoint

    def list(
        self,
        *,
        page: int = 1,
        page_size: int = 50,
        include_total: bool = False,
        sort: str | None = None,
        params: Mapping[str, QueryValue] | None = None,
        **filters: QueryValue,
    ) -> Page[M]:
        """One page. ``filters`` are the endpoint's documented query parameters, in
        camelCase or snake_case (``modified_on_or_after=datetime(...)``, ``ids=[1, 2]``);
        ``params`` adds parameters verbatim."""
        return self._page(
            self.list_endpoint,
            self.model,
            page=page,
            page_size=page_size,
            include_total=include_total,
            sort=sort,
            params=params,
            filters=filters,
        )

    def pages(
        self,
        *,
        page_size: int | None = None,
        sort: str | None = None,
        max_pages: int | None = None,
        params: Mapping[str, QueryValue] | None = None,
        **filters: QueryValue,
    ) -> Iterator[Page[M]]:
        """Every page, lazily (``page.data`` holds the raw rows)."""
        return self._pages(
            self.list_endpoint,
            self.model,
            page_size=page_size,
            sort=sort,
            max_pages=max_pages,
            params=params,
            filters=filters,
        )

    def iter_all(
        self,
        *,
        page_size: int | None = None,
        sort: str | None = None,
        params: Mapping[str, QueryValue] | None = None,
        **filters: QueryValue,
    ) -> Iterator[M]:
        """Every record as a model, walking pages of ``list_all_page_size`` (5000)."""
        pages = self._pages(
            self.list_endpoint,
            self.model,
            page_size=page_size,
            sort=sort,
            params=params,
            filters=filters,
        )
        for page in pages:
            yield from page.items


class Gettable(Resource, Generic[M]):
    """``get(id)`` over the resource's get-by-id endpoint."""

    model: type[M]
    get_endpoint: Endpoint

    def get(self, record_id: int | str, **filters: QueryValue) -> M:
        payload = self._request(self.get_endpoint, path={"id": record_id}, filters=filters)
        return self.model.from_raw(payload)


class Exportable(Resource):
    """``export`` (rows) and ``export_pages`` over the resource's export feed."""

    export_endpoint: Endpoint

    @property
    def feed(self) -> ExportFeed:
        return self._feed(self.export_endpoint)

    def export_pages(
        self,
        *,
        from_: str | date | datetime | None = None,
        include_recent_changes: bool = False,
        max_pages: int | None = None,
        **filters: QueryValue,
    ) -> Iterator[ExportPage]:
        """Export pages (``page.rows`` raw dicts, ``page.continue_from``, ``page.has_more``)."""
        return self.feed.pages(
            from_=from_,
            include_recent_changes=include_recent_changes,
            max_pages=max_pages,
            **filters,
        )

    def export(
        self,
        *,
        from_: str | date | datetime | None = None,
        include_recent_changes: bool = False,
        max_pages: int | None = None,
        **filters: QueryValue,
    ) -> ExportIterator:
        """Export rows (raw dicts) with ``.continue_from`` for the last fully consumed page."""
        return self.feed.rows(
            from_=from_,
            include_recent_changes=include_recent_changes,
            max_pages=max_pages,
            **filters,
        )
