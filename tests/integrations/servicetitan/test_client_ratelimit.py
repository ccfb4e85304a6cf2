"""The client-side limiter keeps every one-second window at or under the limit."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import httpx
import redis

from integrations.servicetitan import (
    ClientOptions,
    InMemoryRateLimiter,
    RateLimit,
    RateLimiter,
    ServiceTitanClient,
)
from integrations.servicetitan.redis_backends import RedisRateLimiter
from integrations.servicetitan.simulator import Simulator, run_in_thread

from .conftest import FAST_OPTIONS, REDIS_PREFIX, REDIS_URL, ClientFactory, make_simulator


def max_per_window(timestamps: Sequence[float], window: float = 1.0) -> int:
    """Most requests inside any ``window``-second sliding window."""
    times = sorted(timestamps)
    best = start = 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_in_memory_limiter_is_a_sliding_window() -> None:
    clock = Clock()
    limiter = InMemoryRateLimiter(RateLimit(limit=3, period=1.0), clock=clock)
    assert [limiter.try_acquire("k") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.try_acquire("k") == 1.0
    assert limiter.try_acquire("other") == 0.0  # budgets are per (app key, tenant)
    clock.now += 0.5
    assert limiter.try_acquire("k") == 0.5
    clock.now += 0.5
    assert limiter.try_acquire("k") == 0.0


def test_block_holds_every_caller_back() -> None:
    clock = Clock()
    limiter = InMemoryRateLimiter(RateLimit(limit=100), clock=clock)
    limiter.block("k", 2.0)
    assert limiter.try_acquire("k") == 2.0
    clock.now += 2.0
    assert limiter.try_acquire("k") == 0.0


def test_redis_limiter_budget_is_shared_between_processes(redis_client: redis.Redis) -> None:
    rate = RateLimit(limit=10, period=5.0)
    worker_a = RedisRateLimiter(redis_client, rate, prefix=REDIS_PREFIX)
    worker_b = RedisRateLimiter(redis_client, rate, prefix=REDIS_PREFIX)
    granted = [w.try_acquire("tenant") == 0.0 for _ in range(8) for w in (worker_a, worker_b)]
    assert granted.count(True) == 10
    wait = worker_a.try_acquire("tenant")
    assert 4.0 < wait <= 5.0
    worker_b.block("other", 3.0)
    assert 2.5 < worker_a.try_acquire("other") <= 3.0


def hammer(clients: Sequence[ServiceTitanClient], requests_per_thread: int) -> None:
    def run(client: ServiceTitanClient) -> None:
        for _ in range(requests_per_thread):
            client.job_types.list(page_size=5)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def api_timestamps(sim: Simulator) -> list[float]:
    return [e["timestamp"] for e in sim.requests() if "/tenant/" in e["path"]]


def limited(rate: RateLimit) -> ClientOptions:
    return FAST_OPTIONS.replace(rate_limit=rate)


def test_client_threads_stay_under_the_simulators_limit(make_client: ClientFactory) -> None:
    sim = make_simulator(rate_limit=25)
    client = make_client(sim, options=limited(RateLimit(limit=25)))
    hammer([client], requests_per_thread=20)
    statuses = [e["status"] for e in sim.requests() if "/tenant/" in e["path"]]
    assert len(statuses) == 60 and 429 not in statuses
    assert max_per_window(api_timestamps(sim)) <= 25


def test_redis_limiter_keeps_several_workers_under_one_budget(
    make_client: ClientFactory, redis_client: redis.Redis
) -> None:
    sim = make_simulator(rate_limit=20)
    rate = RateLimit(limit=20)

    def worker() -> ServiceTitanClient:
        limiter: RateLimiter = RedisRateLimiter(redis_client, rate, prefix=REDIS_PREFIX)
        return make_client(sim, options=limited(rate), rate_limiter=limiter)

    hammer([worker(), worker()], requests_per_thread=8)
    statuses = [e["status"] for e in sim.requests() if "/tenant/" in e["path"]]
    assert len(statuses) == 48 and 429 not in statuses
    assert max_per_window(api_timestamps(sim)) <= 20


#: One worker process: two threads sharing a client whose token store and rate limiter live
#: in Redis, as Celery workers do (argv: base URL, Redis URL, key prefix, limit, calls/thread).
WORKER = """
import sys, threading
import redis
from integrations.servicetitan import ClientOptions, Connection, RateLimit, ServiceTitanClient
from integrations.servicetitan.redis_backends import RedisRateLimiter, RedisTokenStore

base_url, redis_url, prefix, limit, calls = sys.argv[1:6]
shared = redis.Redis.from_url(redis_url)
rate = RateLimit(limit=int(limit))
client = ServiceTitanClient(
    Connection.for_base_url(
        base_url, tenant=1000, app_key="sim-app-key", client_id="sim-client-id",
        client_secret="sim-client-secret",
    ),
    ClientOptions(rate_limit=rate),
    token_store=RedisTokenStore(shared, prefix=prefix),
    rate_limiter=RedisRateLimiter(shared, rate, prefix=prefix),
)

def run():
    for _ in range(int(calls)):
        client.job_types.list(page_size=5)

threads = [threading.Thread(target=run) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
client.close()
"""


def test_worker_processes_sharing_redis_stay_under_the_limit_the_simulator_sees(
    redis_client: redis.Redis,
) -> None:
    """Two processes, over real HTTP: the simulator's own request log (``/_sim/requests``,
    arrival times) never shows more than ``limit`` calls in any one-second window, and its
    own limiter (set to the same limit) never had to answer 429."""
    limit, calls = 12, 9
    sim = make_simulator(rate_limit=limit)
    root = Path(__file__).resolve().parents[3]
    with run_in_thread(sim) as base_url:
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, base_url, REDIS_URL, REDIS_PREFIX, str(limit),
                 str(calls)],
                cwd=root,
                env={**os.environ, "PYTHONPATH": str(root)},
            )
            for _ in range(2)
        ]  # fmt: skip
        assert [worker.wait(timeout=60) for worker in workers] == [0, 0]
        logged = httpx.get(f"{base_url}/_sim/requests").json()["requests"]
    api = [entry for entry in logged if "/tenant/" in entry["path"]]
    assert len(api) == 2 * 2 * calls
    assert {entry["status"] for entry in api} == {200}
    assert max_per_window([entry["timestamp"] for entry in api]) <= limit
    tokens = [entry for entry in logged if entry["path"] == "/connect/token"]
    assert len(tokens) == 1  # the processes shared one token through Redis
