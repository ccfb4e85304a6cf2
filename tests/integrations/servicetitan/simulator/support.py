"""Helpers for the simulator tests (plain functions, no fixtures)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import httpx

from integrations.servicetitan.simulator import Simulator

TENANT = 1000
CREDENTIALS = {
    "grant_type": "client_credentials",
    "client_id": "sim-client-id",
    "client_secret": "sim-client-secret",
}


class FakeClock:
    """A monotonic clock tests move by hand (token expiry, rate-limit windows)."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def raw_client(sim: Simulator) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=sim), base_url="http://sim")


def token(client: httpx.Client) -> str:
    response = client.post("/connect/token", data=CREDENTIALS)
    response.raise_for_status()
    value: str = response.json()["access_token"]
    return value


@contextlib.contextmanager
def api_client(sim: Simulator) -> Iterator[httpx.Client]:
    client = raw_client(sim)
    client.headers["Authorization"] = f"Bearer {token(client)}"
    client.headers["ST-App-Key"] = "sim-app-key"
    try:
        yield client
    finally:
        client.close()


def url(module: str, path: str) -> str:
    return f"/{module}/v2/tenant/{TENANT}/{path.lstrip('/')}"


def first(sim: Simulator, resource: str, **where: Any) -> dict[str, Any]:
    """The first stored record of a resource matching ``where`` (by id order)."""
    for record in sim.store.iter_by_id(resource):
        if all(record.get(k) == v for k, v in where.items()):
            return record
    raise LookupError(f"no {resource} with {where}")


def export_all(
    client: httpx.Client, module: str, resource: str, **params: Any
) -> tuple[list[dict[str, Any]], str]:
    """Follow an export feed to the end; returns (rows, last token)."""
    rows: list[dict[str, Any]] = []
    query = dict(params)
    for _ in range(10_000):
        response = client.get(url(module, f"export/{resource}"), params=query)
        response.raise_for_status()
        body = response.json()
        rows.extend(body["data"])
        query["from"] = body["continueFrom"]
        if not body["hasMore"]:
            return rows, body["continueFrom"]
    raise AssertionError("export never caught up")
