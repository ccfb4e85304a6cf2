from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import redis
from django.conf import settings

from autofile.celery import app
from autofile.core import queues
from autofile.mirror.models import Connection
from autofile.mirror.registry import RESOURCES, Resource
from integrations.servicetitan.simulator import Simulator, SimulatorConfig

TENANT = 1000

ReadAll = Callable[[Resource], list[dict[str, Any]]]


class _WaitsOut429(httpx.BaseTransport):
    """The tenant's 60 requests/s limit applies to the checker too (a sync may have used the
    second up): a 429 is waited out for as long as its Retry-After says, then sent again."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        while True:
            response = self.inner.handle_request(request)
            if response.status_code != 429:
                return response
            response.read()
            time.sleep(float(response.headers.get("Retry-After") or 1))


def tenant_client(sim: Simulator) -> httpx.Client:
    """A client signed in to the simulated tenant (the tests' own view of ServiceTitan)."""
    client = httpx.Client(
        transport=_WaitsOut429(httpx.WSGITransport(app=sim)), base_url="http://sim"
    )
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
    client = tenant_client(sim)
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


# --- the mirror against the simulator's state ---------------------------------------------------

MIRRORED = [r for r in RESOURCES if r.feed.kind != "per_job"]


def row_key(value: Any) -> str:
    """A ServiceTitan id as a comparable string (GUIDs normalized)."""
    text = str(value)
    try:
        return str(uuid.UUID(text)) if not text.isdigit() else text
    except ValueError:
        return text


def tenant_rows(sim: Simulator, resources: list[Resource] = MIRRORED) -> dict[str, list[Any]]:
    """What the simulated tenant serves now, read the way each resource's feed says.

    Faults are switched off while reading (and left off)."""
    sim.set_faults("")
    client = tenant_client(sim)
    try:
        jobs = client.get(f"/jpm/v2/tenant/{TENANT}/export/jobs").raise_for_status().json()
        job_ids = [row["id"] for row in jobs["data"]]
        return {r.name: _read(client, r, job_ids) for r in resources}
    finally:
        client.close()


def assert_mirror_is_exact(connection: Connection, sim: Simulator) -> None:
    """Every mirrored table holds exactly the tenant's rows (inactive included), each row's
    raw JSON equal to what ServiceTitan serves now, once per ServiceTitan id."""
    expected = tenant_rows(sim)
    problems: list[str] = []
    for resource in MIRRORED:
        rows = {row_key(row["id"]): row for row in expected[resource.name]}
        stored = list(
            resource.model._default_manager.filter(connection=connection).values_list(
                "st_id", "raw"
            )
        )
        mirrored = {row_key(st_id): raw for st_id, raw in stored}
        if len(mirrored) != len(stored):
            problems.append(f"{resource.name}: duplicate ServiceTitan ids")
        missing = rows.keys() - mirrored.keys()
        extra = mirrored.keys() - rows.keys()
        different = [key for key in rows.keys() & mirrored.keys() if rows[key] != mirrored[key]]
        if missing or extra or different:
            problems.append(
                f"{resource.name}: {len(missing)} missing {sorted(missing)[:3]}, "
                f"{len(extra)} extra {sorted(extra)[:3]}, {len(different)} different "
                f"{sorted(different)[:3]}"
            )
    assert not problems, "\n".join(problems)


# --- what waits in the broker -----------------------------------------------------------------


def queued_messages(
    broker: redis.Redis, queue: str = queues.SYNC
) -> list[tuple[list[Any], dict[str, Any]]]:
    """(arguments, headers) of the tasks waiting in a queue (the sync one), oldest first."""
    raw: list[bytes] = broker.lrange(queue, 0, -1)  # type: ignore[assignment]
    messages = [json.loads(m) for m in reversed(raw)]
    return [(json.loads(base64.b64decode(m["body"]))[0], m["headers"]) for m in messages]


@pytest.fixture
def sync_queue() -> Iterator[Callable[..., list[list[Any]]]]:
    """The arguments of the tasks waiting in one of the broker's queues (the sync one)."""
    app.control.purge()
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def waiting(queue: str = queues.SYNC) -> list[list[Any]]:
        return [args for args, _ in queued_messages(broker, queue)]

    yield waiting
    app.control.purge()
