"""Token caching, early refresh and single-flight, in memory and through Redis."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable

import pytest
import redis
from cryptography.fernet import Fernet

from integrations.servicetitan import AccessToken, InMemoryTokenStore
from integrations.servicetitan.auth import TokenProvider, token_cache_key
from integrations.servicetitan.redis_backends import RedisTokenStore
from integrations.servicetitan.simulator import Simulator

from .conftest import REDIS_PREFIX, REDIS_URL, ClientFactory

KEY = token_cache_key("http://sim/connect/token", "sim-client-id", 1000)


def token(value: str, issued: float, lifetime: float = 900.0) -> AccessToken:
    return AccessToken(value=value, issued_at=issued, expires_at=issued + lifetime)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def counting_fetch(
    clock: Clock, lifetime: float = 900.0, delay: float = 0.0
) -> Callable[[], AccessToken]:
    count = [0]

    def fetch() -> AccessToken:
        time.sleep(delay)
        count[0] += 1
        return token(f"tok-{count[0]}", clock(), lifetime)

    return fetch


def test_token_is_cached_and_refreshed_sixty_seconds_early() -> None:
    clock = Clock()
    provider = TokenProvider(
        store=InMemoryTokenStore(), key=KEY, fetch=counting_fetch(clock), clock=clock
    )
    first = provider.current()
    clock.now += 900 - 61
    assert provider.current() is first and provider.fetch_count == 1
    clock.now += 2  # 59 s left: inside the margin
    assert provider.current().value == "tok-2"


def test_short_lived_tokens_keep_half_their_life() -> None:
    clock = Clock()
    provider = TokenProvider(
        store=InMemoryTokenStore(), key=KEY, fetch=counting_fetch(clock, lifetime=10), clock=clock
    )
    provider.current()
    clock.now += 4
    assert provider.fetch_count == 1 and provider.current().value == "tok-1"
    clock.now += 2
    assert provider.current().value == "tok-2"


def test_concurrent_callers_wait_for_one_refresh() -> None:
    clock = Clock()
    provider = TokenProvider(
        store=InMemoryTokenStore(), key=KEY, fetch=counting_fetch(clock, delay=0.05), clock=clock
    )
    values = run_threads(16, provider.current)
    assert provider.fetch_count == 1 and {t.value for t in values} == {"tok-1"}


def test_many_401s_on_one_token_trigger_one_refresh() -> None:
    clock = Clock()
    provider = TokenProvider(
        store=InMemoryTokenStore(), key=KEY, fetch=counting_fetch(clock, delay=0.02), clock=clock
    )
    rejected = provider.current()
    values = run_threads(12, lambda: provider.replace_rejected(rejected))
    assert provider.fetch_count == 2 and {t.value for t in values} == {"tok-2"}


def run_threads(count: int, work: Callable[[], AccessToken]) -> list[AccessToken]:
    barrier = threading.Barrier(count)
    results: list[AccessToken] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        value = work()
        with lock:
            results.append(value)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_clients_sharing_a_store_share_the_token(
    sim: Simulator, make_client: ClientFactory
) -> None:
    store = InMemoryTokenStore()
    make_client(sim, token_store=store).jobs.list()
    make_client(sim, token_store=store).customers.list()
    assert [e["path"] for e in sim.requests()].count("/connect/token") == 1


# --- Redis ------------------------------------------------------------------------------------


def test_redis_store_round_trips_with_expiry(redis_client: redis.Redis) -> None:
    store = RedisTokenStore(redis_client, prefix=REDIS_PREFIX)
    saved = token("secret-token", time.time(), 120)
    store.save(KEY, saved)
    assert store.load(KEY) == saved
    ttl = redis_client.pttl(REDIS_PREFIX + KEY)
    assert isinstance(ttl, int) and 0 < ttl <= 120_000
    store.discard(KEY, token("another", time.time()))
    assert store.load(KEY) == saved  # a newer token is never discarded by a stale 401
    store.discard(KEY, saved)
    assert store.load(KEY) is None


def test_redis_store_can_encrypt_tokens_at_rest(redis_client: redis.Redis) -> None:
    cipher = Fernet(Fernet.generate_key())
    store = RedisTokenStore(redis_client, prefix=REDIS_PREFIX, cipher=cipher)
    store.save(KEY, token("plain-secret-token", time.time()))
    raw = redis_client.get(REDIS_PREFIX + KEY)
    assert isinstance(raw, bytes) and b"plain-secret-token" not in raw
    loaded = store.load(KEY)
    assert loaded is not None and loaded.value == "plain-secret-token"
    other = RedisTokenStore(redis_client, prefix=REDIS_PREFIX, cipher=Fernet(Fernet.generate_key()))
    assert other.load(KEY) is None  # rotated key: fetch a new token rather than crash
    assert "plain-secret-token" not in repr(store)


def test_redis_refresh_lock_excludes_concurrent_holders(redis_client: redis.Redis) -> None:
    store = RedisTokenStore(redis_client, prefix=REDIS_PREFIX)
    inside = [0]
    peak = [0]
    guard = threading.Lock()

    def hold() -> AccessToken:
        with store.refresh_lock(KEY):
            with guard:
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
            time.sleep(0.01)
            with guard:
                inside[0] -= 1
        return token("x", 0)

    run_threads(10, hold)
    assert peak[0] == 1


def test_redis_store_single_flight_across_threads(redis_client: redis.Redis) -> None:
    """Each thread its own provider (like separate clients): one fetch in total."""
    store = RedisTokenStore(redis_client, prefix=REDIS_PREFIX)
    fetches = [0]

    def fetch() -> AccessToken:
        time.sleep(0.05)
        fetches[0] += 1
        return token(f"tok-{fetches[0]}", time.time())

    values = run_threads(12, lambda: TokenProvider(store=store, key=KEY, fetch=fetch).current())
    assert fetches[0] == 1 and {t.value for t in values} == {"tok-1"}


def _worker_fetches(barrier: multiprocessing.synchronize.Barrier) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    store = RedisTokenStore(client, prefix=REDIS_PREFIX)

    def fetch() -> AccessToken:
        client.incr(REDIS_PREFIX + "fetches")
        time.sleep(0.2)
        return token("shared", time.time())

    barrier.wait()
    assert TokenProvider(store=store, key=KEY, fetch=fetch).current().value == "shared"


def test_redis_store_single_flight_across_processes(redis_client: redis.Redis) -> None:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(4)
    workers = [context.Process(target=_worker_fetches, args=(barrier,)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    assert redis_client.get(REDIS_PREFIX + "fetches") == b"1"


def test_workers_sharing_redis_fetch_one_token(
    sim: Simulator, make_client: ClientFactory, redis_client: redis.Redis
) -> None:
    for _ in range(3):
        store = RedisTokenStore(redis_client, prefix=REDIS_PREFIX)
        make_client(sim, token_store=store).jobs.list()
    assert [e["path"] for e in sim.requests()].count("/connect/token") == 1


@pytest.mark.parametrize("garbage", [b"not json", b'{"v": 1}'])
def test_unreadable_redis_entries_are_ignored(redis_client: redis.Redis, garbage: bytes) -> None:
    redis_client.set(REDIS_PREFIX + KEY, garbage)
    assert RedisTokenStore(redis_client, prefix=REDIS_PREFIX).load(KEY) is None
