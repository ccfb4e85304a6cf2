"""60 requests per second per (app key, tenant), answered with 429 and Retry-After."""

from __future__ import annotations

from integrations.servicetitan.simulator import Simulator, SimulatorConfig
from integrations.servicetitan.simulator.ratelimit import SlidingWindowLimiter
from tests.integrations.servicetitan.simulator.support import FakeClock, api_client, raw_client, url


def test_requests_beyond_the_limit_get_429_with_retry_after() -> None:
    clock = FakeClock()
    sim = Simulator(SimulatorConfig(rate_limit=60), clock=clock)
    with api_client(sim) as api:
        statuses = [api.get(url("settings", "tag-types")).status_code for _ in range(60)]
        assert set(statuses) == {200}
        refused = api.get(url("settings", "tag-types"))
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
        title = refused.json()["title"]
        assert title.endswith(f"{refused.headers['Retry-After']} seconds.")
        clock.advance(1.0)
        assert api.get(url("settings", "tag-types")).status_code == 200


def test_the_window_slides_rather_than_resetting_on_the_second() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(60, clock)
    accepted: list[float] = []
    for _ in range(30):
        assert limiter.acquire("k") is None
        accepted.append(clock.now)
    clock.advance(0.6)
    for _ in range(30):
        assert limiter.acquire("k") is None
        accepted.append(clock.now)
    clock.advance(0.5)  # 1.1 s after the first burst, 0.5 s after the second
    allowed = sum(limiter.acquire("k") is None for _ in range(40))
    assert allowed == 30
    assert limiter.acquire("k") == 1


def test_no_one_second_window_ever_holds_more_than_the_limit() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(60, clock)
    accepted = []
    for step in range(2_000):
        clock.advance(0.003 + (step % 7) * 0.001)
        if limiter.acquire("k") is None:
            accepted.append(clock.now)
    for i, start in enumerate(accepted):
        in_window = sum(1 for t in accepted[i:] if t < start + 1.0)
        assert in_window <= 60


def test_requests_count_when_they_arrived_even_if_checked_out_of_order() -> None:
    """Server threads may check arrivals in another order than they came; every one-second
    window around an arrival is what counts."""
    limiter = SlidingWindowLimiter(3, FakeClock())
    assert [limiter.acquire("k", at) for at in (10.0, 10.5, 10.9)] == [None, None, None]
    assert limiter.acquire("k", 10.95) is not None  # [10.0, 11.0) would hold four
    assert limiter.acquire("k", 10.2) is not None  # arrived early, checked late: still four
    assert limiter.acquire("k", 11.0) is None  # (10.0, 11.0]: 10.5, 10.9 and itself
    assert limiter.acquire("k", 10.7) is not None  # [10.5, 11.5) would hold four


def test_no_window_exceeds_the_limit_under_shuffled_arrivals() -> None:
    limiter = SlidingWindowLimiter(20, FakeClock())
    arrivals = [round(k * 0.013, 3) for k in range(600)]
    shuffled = [t for pair in zip(arrivals[1::2], arrivals[::2], strict=True) for t in pair]
    accepted = sorted(t for t in shuffled if limiter.acquire("k", t) is None)
    assert len(accepted) >= 100
    for i, start in enumerate(accepted):
        assert sum(1 for t in accepted[i:] if t < start + 1.0) <= 20


def test_the_limit_is_per_app_key_and_tenant_and_spares_the_control_api() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(2, clock)
    assert limiter.acquire(("a", "1")) is None
    assert limiter.acquire(("a", "1")) is None
    assert limiter.acquire(("a", "1")) is not None
    assert limiter.acquire(("a", "2")) is None
    assert limiter.acquire(("b", "1")) is None
    sim = Simulator(SimulatorConfig(rate_limit=1), clock=clock)
    client = raw_client(sim)
    for _ in range(5):
        assert client.get("/_sim/state").status_code == 200
        assert (
            client.post(
                "/connect/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": "sim-client-id",
                    "client_secret": "sim-client-secret",
                },
            ).status_code
            == 200
        )


def test_a_rate_limit_of_zero_disables_limiting() -> None:
    sim = Simulator(SimulatorConfig(rate_limit=0), clock=FakeClock())
    with api_client(sim) as api:
        assert {api.get(url("settings", "tag-types")).status_code for _ in range(100)} == {200}
