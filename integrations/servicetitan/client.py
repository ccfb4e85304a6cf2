"""``ServiceTitanClient``: every ServiceTitan operation AutoFile uses, grouped by area.

Build one per tenant connection and keep it (it holds a keep-alive connection pool and the
token cache)::

    client = ServiceTitanClient(Connection.for_environment("production", tenant=..., ...))
    job = client.jobs.get(123)
    for page in client.jobs.export_pages(from_=saved_token):
        store(page.rows); save(page.continue_from)

Tests and the demo pass ``transport=httpx.WSGITransport(app=simulator)``. Workers share tokens
and the rate budget across processes with
:class:`~integrations.servicetitan.redis_backends.RedisTokenStore` and
:class:`~integrations.servicetitan.redis_backends.RedisRateLimiter`.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from types import TracebackType
from typing import Any, Literal, Self, overload

import httpx

from .auth import TokenStore
from .config import ClientOptions, Connection
from .endpoints import ENDPOINTS, PAGED, Endpoint, QueryValue, format_query_value
from .models.base import STModel
from .paging import ExportIterator, ExportPage, Page
from .ratelimit import RateLimiter
from .resources.accounting import InventoryBills, Invoices, Payments
from .resources.base import ApiContext, ExportFeed, Resource, decode_json
from .resources.crm import (
    BookingProviderTags,
    Bookings,
    BulkTags,
    Contacts,
    Customers,
    Leads,
    Locations,
)
from .resources.dispatch import AppointmentAssignments, ArrivalWindows
from .resources.equipment import InstalledEquipmentResource
from .resources.forms import Forms, FormSubmissions, JobAttachments
from .resources.jpm import Appointments, Jobs, JobTypes, Projects
from .resources.marketing import Campaigns
from .resources.pricebook import Categories, DiscountsAndFees, Equipment, Materials, Services
from .resources.sales import Estimates
from .resources.service_agreements import ServiceAgreements
from .resources.settings import BusinessUnits, Employees, TagTypes, Technicians, UserRoles
from .retry import RetryPolicy
from .session import Call, FileSpec, Session, encode_json

__all__ = ["Pricebook", "ServiceTitanClient"]

ResponseKind = Literal["json", "text", "bytes", "response"]
_UNSET: Any = object()


class Pricebook:
    """``client.pricebook``: the pricebook's SKU families and categories."""

    def __init__(self, api: ApiContext) -> None:
        self.categories = Categories(api)
        self.services = Services(api)
        self.equipment = Equipment(api)
        self.materials = Materials(api)
        self.discounts_and_fees = DiscountsAndFees(api)


class ServiceTitanClient:
    """A typed, rate-limited, retrying client for one ServiceTitan tenant.

    Thread-safe: share one instance between the threads of a process.
    """

    def __init__(
        self,
        connection: Connection,
        options: ClientOptions | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        token_store: TokenStore | None = None,
        rate_limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``transport`` replaces the network (``httpx.WSGITransport(app=simulator)``);
        ``sleep``/``clock`` (wall-clock seconds, for token expiry) exist for tests."""
        self.connection = connection
        self.options = options or ClientOptions()
        self.session = Session(
            connection,
            self.options,
            transport=transport,
            token_store=token_store,
            rate_limiter=rate_limiter,
            sleep=sleep,
            wall_clock=clock,
        )
        self._bind(ApiContext(self.session, connection.tenant, debug=self.options.debug))

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, options: ClientOptions | None = None
    ) -> ServiceTitanClient:
        """A client for the ``SERVICETITAN_*`` environment variables (see the CLI)."""
        return cls(Connection.from_env(environ), options)

    def _bind(self, api: ApiContext) -> None:
        self._api = api
        # crm
        self.customers = Customers(api)
        self.locations = Locations(api)
        self.contacts = Contacts(api)
        self.leads = Leads(api)
        self.bookings = Bookings(api)
        self.booking_provider_tags = BookingProviderTags(api)
        self.tags = BulkTags(api)
        # jpm
        self.jobs = Jobs(api)
        self.appointments = Appointments(api)
        self.projects = Projects(api)
        self.job_types = JobTypes(api)
        # dispatch
        self.appointment_assignments = AppointmentAssignments(api)
        self.arrival_windows = ArrivalWindows(api)
        # accounting
        self.invoices = Invoices(api)
        self.payments = Payments(api)
        self.inventory_bills = InventoryBills(api)
        # equipment systems, forms
        self.installed_equipment = InstalledEquipmentResource(api)
        self.forms = Forms(api)
        self.form_submissions = FormSubmissions(api)
        self.job_attachments = JobAttachments(api)
        # pricebook, sales, agreements, settings, marketing
        self.pricebook = Pricebook(api)
        self.estimates = Estimates(api)
        self.service_agreements = ServiceAgreements(api)
        self.business_units = BusinessUnits(api)
        self.employees = Employees(api)
        self.technicians = Technicians(api)
        self.user_roles = UserRoles(api)
        self.tag_types = TagTypes(api)
        self.campaigns = Campaigns(api)

    def with_options(
        self,
        *,
        debug: bool | None = None,
        timeout: httpx.Timeout | float | None = None,
        retry: RetryPolicy | None = None,
    ) -> Self:
        """A view of this client whose calls use other settings (same pool, tokens, limiter)::

        client.with_options(debug=True).jobs.get(123)   # logs this call's bodies
        """
        changes: dict[str, Any] = {}
        if debug is not None:
            changes["debug"] = debug
        if timeout is not None:
            changes["timeout"] = (
                timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
            )
        if retry is not None:
            changes["retry"] = retry
        view = copy.copy(self)
        view._bind(self._api.with_options(**changes))
        return view

    # --- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"ServiceTitanClient(tenant={self.connection.tenant}, "
            f"api={self.connection.api_base_url!r}, client_id={self.connection.client_id!r})"
        )

    # --- generic access --------------------------------------------------------------------

    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        module: str | None = ...,
        params: Mapping[str, QueryValue] | None = ...,
        json: Any = ...,
        data: Mapping[str, Any] | None = ...,
        files: Mapping[str, FileSpec] | None = ...,
        headers: Mapping[str, str] | None = ...,
        response: Literal["json"] = ...,
        timeout: httpx.Timeout | float | None = ...,
        retry: RetryPolicy | None = ...,
        idempotent: bool | None = ...,
        debug: bool | None = ...,
    ) -> Any: ...

    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        module: str | None = ...,
        params: Mapping[str, QueryValue] | None = ...,
        json: Any = ...,
        data: Mapping[str, Any] | None = ...,
        files: Mapping[str, FileSpec] | None = ...,
        headers: Mapping[str, str] | None = ...,
        response: Literal["text"],
        timeout: httpx.Timeout | float | None = ...,
        retry: RetryPolicy | None = ...,
        idempotent: bool | None = ...,
        debug: bool | None = ...,
    ) -> str: ...

    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        module: str | None = ...,
        params: Mapping[str, QueryValue] | None = ...,
        json: Any = ...,
        data: Mapping[str, Any] | None = ...,
        files: Mapping[str, FileSpec] | None = ...,
        headers: Mapping[str, str] | None = ...,
        response: Literal["bytes"],
        timeout: httpx.Timeout | float | None = ...,
        retry: RetryPolicy | None = ...,
        idempotent: bool | None = ...,
        debug: bool | None = ...,
    ) -> bytes: ...

    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        module: str | None = ...,
        params: Mapping[str, QueryValue] | None = ...,
        json: Any = ...,
        data: Mapping[str, Any] | None = ...,
        files: Mapping[str, FileSpec] | None = ...,
        headers: Mapping[str, str] | None = ...,
        response: Literal["response"],
        timeout: httpx.Timeout | float | None = ...,
        retry: RetryPolicy | None = ...,
        idempotent: bool | None = ...,
        debug: bool | None = ...,
    ) -> httpx.Response: ...

    def request(
        self,
        method: str,
        path: str,
        *,
        module: str | None = None,
        params: Mapping[str, QueryValue] | None = None,
        json: Any = _UNSET,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, FileSpec] | None = None,
        headers: Mapping[str, str] | None = None,
        response: ResponseKind = "json",
        timeout: httpx.Timeout | float | None = None,
        retry: RetryPolicy | None = None,
        idempotent: bool | None = None,
        debug: bool | None = None,
    ) -> Any:
        """Any ServiceTitan call, with the client's auth, rate limit, retries and errors.

        ``path`` is relative to ``/{module}/v2/tenant/{tenant}`` when ``module`` is given
        (``request("PATCH", "/jobs/123", module="jpm", json={...})``), otherwise a path from
        the API root (``/telecom/v3/tenant/1/calls``) or an absolute URL. ``data`` sends a
        form, ``files`` multipart. ``idempotent`` defaults to ``method != "POST"``: a POST is
        never re-sent once it may have reached the server. ``retry`` replaces the client's
        policy for this call (``RetryPolicy.fixed(2.0)``, ``RetryPolicy(retry_all_errors=True)``).
        """
        method = method.upper()
        call = Call(
            method=method,
            url=self.url(path, module=module),
            name=f"raw {method} {path}",
            idempotent=method != "POST" if idempotent is None else idempotent,
            retry=retry or self._api.retry or self.options.retry,
            params=[
                (name, text)
                for name, value in (params or {}).items()
                if (text := format_query_value(value)) is not None
            ],
            content=None if json is _UNSET else encode_json(json),
            data=data,
            files=files,
            headers=dict(headers or {}),
            timeout=httpx.Timeout(timeout) if isinstance(timeout, int | float) else timeout,
            debug=self._api.debug if debug is None else debug,
            follow_redirects=response == "bytes",
        )
        if response == "json":
            return self.session.send(call, decode_json)
        if response == "text":
            return self.session.send(call, lambda r: r.text)
        if response == "bytes":
            return self.session.send(call, lambda r: r.content)
        return self.session.send(call, lambda r: r)

    def url(self, path: str, *, module: str | None = None) -> str:
        """Absolute URL for a module-relative or root-relative path (or a URL as given)."""
        if path.startswith(("http://", "https://")):
            return path
        if not path.startswith("/"):
            path = "/" + path
        if module is not None:
            path = f"/{module}/v2/tenant/{self.connection.tenant}{path}"
        return self.connection.api_base_url + path

    def list_pages(
        self,
        module: str,
        path: str,
        *,
        page_size: int | None = None,
        max_pages: int | None = None,
        params: Mapping[str, QueryValue] | None = None,
    ) -> Iterator[Page[STModel]]:
        """Raw paging over any list endpoint (``list_pages("jpm", "/jobs")``)."""
        endpoint = _adhoc(module, "GET", path)
        return _Generic(self._api).pages(endpoint, page_size, max_pages, params)

    def export_feed(self, module: str, resource: str) -> ExportFeed:
        """Any ``/{module}/v2/tenant/{t}/export/{resource}`` feed (``("jpm", "jobs")``)."""
        name = f"{module}/{resource.strip('/')}"
        known = self.export_feeds().get(name)
        if known is not None:
            return known
        endpoint = _adhoc(module, "GET", f"/export/{resource.strip('/')}", export=True)
        return ExportFeed(self._api, endpoint)

    def export_feeds(self) -> dict[str, ExportFeed]:
        """Every export feed the client knows, keyed ``"module/resource"`` (``"jpm/jobs"``):
        what a sync engine iterates to mirror a tenant."""
        return {
            f"{ep.module}/{ep.path.removeprefix('/export/')}": ExportFeed(self._api, ep)
            for ep in ENDPOINTS.values()
            if ep.path.startswith("/export/")
        }

    def export(
        self,
        module: str,
        resource: str,
        *,
        from_: str | date | datetime | None = None,
        include_recent_changes: bool = False,
        max_pages: int | None = None,
    ) -> ExportIterator:
        return self.export_feed(module, resource).rows(
            from_=from_, include_recent_changes=include_recent_changes, max_pages=max_pages
        )

    def export_pages(
        self,
        module: str,
        resource: str,
        *,
        from_: str | date | datetime | None = None,
        include_recent_changes: bool = False,
        max_pages: int | None = None,
    ) -> Iterator[ExportPage]:
        return self.export_feed(module, resource).pages(
            from_=from_, include_recent_changes=include_recent_changes, max_pages=max_pages
        )


class _Generic(Resource):
    """A resource with no typed methods, for :meth:`ServiceTitanClient.list_pages`."""

    def pages(
        self,
        endpoint: Endpoint,
        page_size: int | None,
        max_pages: int | None,
        params: Mapping[str, QueryValue] | None,
    ) -> Iterator[Page[STModel]]:
        return self._pages(
            endpoint, STModel, page_size=page_size, max_pages=max_pages, params=params, filters={}
        )


def _adhoc(module: str, method: str, path: str, *, export: bool = False) -> Endpoint:
    """An unregistered endpoint for generic access (any query parameter allowed via params)."""
    if not path.startswith("/"):
        path = "/" + path
    return Endpoint(
        name=f"raw {method} /{module}{path}",
        module=module,
        method=method,
        path=path,
        operation_id="",
        query=frozenset(("from", "includeRecentChanges", "active") if export else PAGED),
        idempotent=True,
    )
