from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from autofile.mirror.registry import Resource
from integrations.servicetitan.simulator import Simulator, SimulatorConfig

TENANT = 1000

ReadAll = Callable[[Resource], list[dict[str, Any]]]


def _client(sim: Simulator) -> httpx.Client:
    client = httpx.Client(transport=httpx.WSGITransport(app=sim), base_url="http://sim")
    answer = client.post(
        "/connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "sim-client-id",
            "client_secret": "sim-client-secret",
        },
        headers={"ST-App-Key": "sim-app-key"},
    )
    answer.raise_for_status()
    client.headers.update(
        {"Authorization": f"Bearer {answer.json()['access_token']}", "ST-App-Key": "sim-app-key"}
    )
    return client


def _read(client: httpx.Client, resource: Resource, job_ids: list[int]) -> list[dict[str, Any]]:
    """Every row of a resource, read the way its Feed says (exports followed to the end,
    lists paged, per-job feeds for every job)."""
    feed = resource.feed
    base = f"/{feed.module}/v2/tenant/{TENANT}/"
    rows: list[dict[str, Any]] = []
    if feed.kind == "export":
        params: dict[str, str] = {**feed.params}
        while True:
            body = client.get(base + feed.export, params=params).raise_for_status().json()
            rows.extend(body["data"])
            if not body["hasMore"]:
                return rows
            params["from"] = body["continueFrom"]
    targets: list[tuple[str, dict[str, str], int | None]] = [(feed.path, dict(feed.params), None)]
    if feed.kind == "per_job":
        targets = [(*feed.for_job(job_id), job_id) for job_id in job_ids]
    for path, fixed, job_id in targets:
        page = 1
        while True:
            params = {**fixed, "page": str(page), "pageSize": "5000"}
            body = client.get(base + path, params=params).raise_for_status().json()
            for row in body["data"]:
                if job_id is not None and isinstance(row, dict) and row:
                    row.setdefault(feed.job_key, job_id)  # what the per-job reader does
                rows.append(row)
            if not body["hasMore"]:
                break
            page += 1
    return rows


def _reader(sim: Simulator) -> Iterator[tuple[Simulator, ReadAll]]:
    client = _client(sim)
    try:
        jobs = client.get(f"/jpm/v2/tenant/{TENANT}/export/jobs").raise_for_status().json()
        job_ids = [row["id"] for row in jobs["data"]]
        cache: dict[str, list[dict[str, Any]]] = {}

        def read_all(resource: Resource) -> list[dict[str, Any]]:
            if resource.name not in cache:
                cache[resource.name] = _read(client, resource, job_ids)
            return cache[resource.name]

        yield sim, read_all
    finally:
        client.close()


@pytest.fixture(scope="session")
def clean_tenant() -> Iterator[tuple[Simulator, ReadAll]]:
    """The small simulated tenant with no imperfect records, and a reader of its rows."""
    yield from _reader(
        Simulator(SimulatorConfig(seed=1, scale="small", imperfect_share=0.0, rate_limit=0))
    )


@pytest.fixture(scope="session")
def imperfect_tenant() -> Iterator[tuple[Simulator, ReadAll]]:
    """The small simulated tenant where every record carries real tenants' blemishes."""
    yield from _reader(
        Simulator(SimulatorConfig(seed=1, scale="small", imperfect_share=1.0, rate_limit=0))
    )
