"""Fixtures for the ServiceTitan client tests: an in-process simulator and clients on it.

Clients get tiny backoffs (tests never really sleep long) and, unless a test is about rate
limiting, a limiter and simulator limit high enough not to slow the suite down.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import redis

from integrations.servicetitan import (
    ClientOptions,
    Connection,
    RateLimit,
    RetryPolicy,
    ServiceTitanClient,
)
from integrations.servicetitan.simulator import Simulator, SimulatorConfig

TENANT = 1000
APP_KEY = "sim-app-key"
CLIENT_ID = "sim-client-id"
CLIENT_SECRET = "sim-client-secret"
#: The real Redis the suite is given (``REDIS_URL``); keys live under a per-run prefix so
#: parallel runs sharing a database never see each other's tokens or rate windows.
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
REDIS_PREFIX = f"test-st-client:{os.getpid()}:"

FAST_RETRY = RetryPolicy(
    max_attempts=4, base_delay=0.001, max_delay=0.005, retry_after_cap=0.01, max_elapsed=10.0
)
FAST_OPTIONS = ClientOptions(retry=FAST_RETRY, rate_limit=RateLimit(limit=100_000, period=1.0))

ClientFactory = Callable[..., ServiceTitanClient]
Step = Callable[[httpx.Request], httpx.Response]


class ScriptedApi:
    """A mock ServiceTitan for edge cases the simulator cannot stage: it issues tokens itself
    and answers API calls with ``steps`` in turn (the last one repeats), recording each."""

    def __init__(self, *steps: Step) -> None:
        self.sent: list[httpx.Request] = []
        self._steps = list(steps)
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/connect/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 900})
        self.sent.append(request)
        step = self._steps.pop(0) if len(self._steps) > 1 else self._steps[0]
        return step(request)


def ok(body: object = None) -> Step:
    """A step answering 200 with ``body`` (default ``{"id": 7}``)."""
    return lambda request: httpx.Response(200, json=body if body is not None else {"id": 7})


def connection(base_url: str = "http://sim") -> Connection:
    return Connection.for_base_url(
        base_url,
        tenant=TENANT,
        app_key=APP_KEY,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )


def make_simulator(**config: Any) -> Simulator:
    settings: dict[str, Any] = {"seed": 1, "scale": "small", "rate_limit": 0, **config}
    return Simulator(SimulatorConfig(**settings))


@pytest.fixture(scope="session")
def shared_sim() -> Simulator:
    """A read-mostly simulator shared by tests that do not care about state."""
    return make_simulator()


@pytest.fixture
def sim() -> Simulator:
    """A fresh simulator per test (writes and faults stay local to the test)."""
    return make_simulator()


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    clients: list[ServiceTitanClient] = []

    def factory(
        simulator: Simulator | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        options: ClientOptions | None = None,
        **kwargs: Any,
    ) -> ServiceTitanClient:
        if transport is None:
            assert simulator is not None
            transport = httpx.WSGITransport(app=simulator)
        client = ServiceTitanClient(
            connection(), options or FAST_OPTIONS, transport=transport, **kwargs
        )
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def st_client(sim: Simulator, make_client: ClientFactory) -> ServiceTitanClient:
    """(Not ``client``: that name is pytest-django's test client.)"""
    return make_client(sim)


@pytest.fixture
def shared_client(shared_sim: Simulator, make_client: ClientFactory) -> ServiceTitanClient:
    return make_client(shared_sim)


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    """The Redis at ``REDIS_URL``; only this run's prefix is touched and cleaned."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as error:
        raise RuntimeError(f"these tests need the Redis at REDIS_URL ({REDIS_URL})") from error

    def clean() -> None:
        keys = list(client.scan_iter(match=REDIS_PREFIX + "*"))
        if keys:
            client.delete(*keys)

    clean()
    yield client
    clean()
    client.close()
