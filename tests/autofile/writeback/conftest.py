"""Fixtures for write-back tests: a mirrored simulated tenant and records to correct."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db.models import F

from autofile.accounts.models import Organization
from autofile.mirror.models import (
    Connection,
    Customer,
    CustomerContact,
    Invoice,
    InvoiceItem,
    Job,
    Location,
    TagType,
)
from autofile.mirror.services import connection_sync, connection_upsert
from integrations.servicetitan.simulator import ConnectionDropped, Simulator, SimulatorConfig
from integrations.servicetitan.simulator.server import run_in_thread

#: What corrections read and the round trip re-reads.
RESOURCES = [
    "tag-types",
    "services",
    "equipment",
    "materials",
    "discounts-and-fees",
    "customers",
    "customer-contacts",
    "locations",
    "jobs",
    "invoices",
    "invoice-items",
]


@dataclass
class LostAnswer:
    method: str
    path: re.Pattern[str]
    remaining: int = 1


@dataclass
class LossyNetwork:
    """Wraps the simulator: matching requests are processed, then the connection drops
    before the answer (a create that reached ServiceTitan whose answer never came back)."""

    sim: Simulator
    rules: list[LostAnswer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def lose_next(self, method: str, path: str, times: int = 1) -> None:
        with self.lock:
            self.rules.append(LostAnswer(method, re.compile(path), times))

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        with self.lock:
            rule = next(
                (
                    r
                    for r in self.rules
                    if r.remaining > 0
                    and r.method == environ["REQUEST_METHOD"]
                    and r.path.search(environ["PATH_INFO"])
                ),
                None,
            )
            if rule is not None:
                rule.remaining -= 1
        if rule is None:
            return self.sim(environ, start_response)
        list(self.sim(environ, lambda *args, **kwargs: None))  # applied by "ServiceTitan"...
        raise ConnectionDropped  # ...but the answer is lost


@pytest.fixture
def network() -> Iterator[tuple[LossyNetwork, str]]:
    """The small simulated tenant over real HTTP, behind a network that can lose answers."""
    sim = Simulator(SimulatorConfig(seed=11, scale="small"))
    lossy = LossyNetwork(sim)
    with run_in_thread(lossy) as base_url:
        yield lossy, base_url


@pytest.fixture
def sim(network: tuple[LossyNetwork, str]) -> Simulator:
    return network[0].sim


@pytest.fixture
def connection(network: tuple[LossyNetwork, str], organization: Organization) -> Connection:
    """The organization's connection to the tenant, mirrored, with its AutoFile tag set."""
    connection = connection_upsert(
        organization=organization,
        environment=Connection.Environment.CUSTOM,
        base_url=network[1],
        tenant_id=1000,
        client_id="sim-client-id",
        client_secret="sim-client-secret",
        app_key="sim-app-key",
    )
    connection_sync(connection_id=connection.pk, resources=RESOURCES)
    connection.autofile_tag_type_id = TagType.objects.get(
        connection=connection, name="AutoFile"
    ).st_id
    connection.save(update_fields=["autofile_tag_type_id"])
    return connection


def resync(connection: Connection) -> None:
    connection_sync(connection_id=connection.pk, resources=RESOURCES)


@pytest.fixture
def fast_retries(settings: Any) -> None:
    """Backoff in fractions of a second, so retries happen while the test waits."""
    settings.WRITEBACK_RETRY_BASE_SECONDS = 0.2
    settings.WRITEBACK_RETRY_MAX_SECONDS = 1.0


# --- picking records to correct -------------------------------------------------------------------


def invoice_items(
    connection: Connection, count: int = 1, *, on_one_invoice: bool = False
) -> list[InvoiceItem]:
    """Active items of active, unpaid, job-linked invoices, with a price and a quantity."""
    items = (
        InvoiceItem.objects.filter(
            connection=connection,
            active=True,
            invoice__active=True,
            invoice__job__isnull=False,
            quantity__gt=0,
            unit_price__gt=0,
            sku_st_id__isnull=False,
            invoice__balance=F("invoice__total"),  # unpaid: removing an item stays allowed
        )
        .exclude(description="")
        .select_related("invoice")
        .order_by("invoice__st_id", "st_id")
    )
    if on_one_invoice:
        for invoice_id in items.values_list("invoice_id", flat=True).distinct():
            same = [item for item in items if item.invoice_id == invoice_id]
            if len(same) >= count:
                return same[:count]
        raise AssertionError("no invoice has that many items")
    chosen: list[InvoiceItem] = []
    seen: set[int | None] = set()
    for item in items:
        if item.invoice_id not in seen:
            chosen.append(item)
            seen.add(item.invoice_id)
        if len(chosen) == count:
            return chosen
    raise AssertionError("not enough invoices with items")


def an_invoice(connection: Connection, skip: int = 0) -> Invoice:
    invoice = (
        Invoice.objects.filter(connection=connection, active=True, job__isnull=False)
        .exclude(reference_number="")
        .order_by("st_id")[skip]
    )
    return invoice


def contacts(connection: Connection, kind: str, count: int = 1) -> list[CustomerContact]:
    """Contacts of `kind` of distinct, active customers."""
    chosen: list[CustomerContact] = []
    seen: set[int | None] = set()
    for contact in CustomerContact.objects.filter(
        connection=connection, active=True, contact_type=kind, customer__active=True
    ).order_by("st_id"):
        if contact.customer_st_id not in seen and contact.value:
            chosen.append(contact)
            seen.add(contact.customer_st_id)
        if len(chosen) == count:
            return chosen
    raise AssertionError(f"not enough {kind} contacts")


def customers(connection: Connection, count: int = 1, skip: int = 0) -> list[Customer]:
    rows = list(
        Customer.objects.filter(connection=connection, active=True)
        .exclude(street="")
        .exclude(city="")
        .order_by("st_id")[skip : skip + count]
    )
    assert len(rows) == count
    return rows


def a_location(connection: Connection) -> Location:
    location = (
        Location.objects.filter(connection=connection, active=True)
        .exclude(street="")
        .order_by("st_id")
        .first()
    )
    assert location is not None
    return location


def a_job(connection: Connection, skip: int = 0) -> Job:
    return Job.objects.filter(connection=connection, active=True).order_by("st_id")[skip]


def tag(connection: Connection, name: str) -> TagType:
    return TagType.objects.get(connection=connection, name=name)
