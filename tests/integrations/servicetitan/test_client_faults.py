"""What the client does when ServiceTitan misbehaves: every fault class of the simulator,
plus the ones only a mock transport can stage (timeouts after send, connect errors)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from integrations.servicetitan import (
    AuthError,
    RateLimitedError,
    RetryPolicy,
    ServiceTitanClient,
    TransientError,
    UnlimitedRateLimiter,
    WriteOutcomeUnknownError,
)
from integrations.servicetitan.simulator import Simulator, run_in_thread
from tests.waiting import wait_for

from .conftest import (
    FAST_OPTIONS,
    ClientFactory,
    ScriptedApi,
    Step,
    connection,
    make_simulator,
    ok,
)

PATIENT = FAST_OPTIONS.replace(
    retry=RetryPolicy(max_attempts=12, base_delay=0.001, max_delay=0.002, retry_after_cap=0.005)
)
BOOKING = {
    "source": "AutoFile",
    "name": "Marie Curie",
    "summary": "Heat pump",
    "isFirstTimeClient": True,
    "externalId": "autofile-42",
}


def statuses(sim: Simulator, path_part: str = "/tenant/") -> list[int]:
    return [e["status"] for e in sim.requests() if path_part in e["path"]]


def read_everything(st_client: ServiceTitanClient) -> int:
    rows = sum(1 for _ in st_client.jobs.export())
    rows += sum(len(st_client.customers.list(page=n, page_size=10)) for n in range(1, 9))
    return rows


@pytest.mark.parametrize(
    "faults",
    [
        "429:0.4x3",
        "500:0.3,502:0.2,503:0.2",
        "html500:0.3,html502:0.2,html503:0.2",
        "409:0.5",
        "drop:0.4",
        "token-expiry:0.3",
    ],
)
def test_reads_survive_fault_storms(make_client: ClientFactory, faults: str) -> None:
    expected = read_everything(make_client(make_simulator()))
    sim = make_simulator(faults=faults)
    client = make_client(sim, options=PATIENT)
    assert read_everything(client) == expected
    seen = statuses(sim)
    assert 200 in seen and any(status != 200 for status in seen)  # the faults really fired


def test_429_bursts_pause_for_retry_after_then_continue(make_client: ClientFactory) -> None:
    sleeps: list[float] = []
    sim = make_simulator(faults="429:0.3x4")
    options = PATIENT.replace(retry=RetryPolicy(max_rate_limited=50, retry_after_cap=30.0))
    client = make_client(
        sim, options=options, sleep=sleeps.append, rate_limiter=UnlimitedRateLimiter()
    )
    assert sum(1 for _ in client.customers.iter_all(page_size=5, active="Any")) == 80
    assert statuses(sim).count(429) >= 4
    assert 1.0 in sleeps  # the simulator's Retry-After: 1 (not capped at 30 s)


def test_persistent_429_raises_rate_limited_with_the_wait(make_client: ClientFactory) -> None:
    sim = make_simulator(faults="429:1")
    options = FAST_OPTIONS.replace(retry=RetryPolicy(max_rate_limited=3, retry_after_cap=0.001))
    with pytest.raises(RateLimitedError) as caught:
        make_client(sim, options=options).jobs.list()
    assert caught.value.retry_after == 1.0 and caught.value.status == 429
    assert statuses(sim).count(429) == 4


def test_persistent_html_502_becomes_a_transient_error(make_client: ClientFactory) -> None:
    sim = make_simulator(faults="html502:1")
    with pytest.raises(TransientError) as caught:
        make_client(sim).jobs.get(41000001)
    assert caught.value.status == 502 and caught.value.attempts == 4
    assert caught.value.body.text == "502 Bad Gateway"  # the HTML page's <title>


def test_persistent_maintenance_409_becomes_transient(make_client: ClientFactory) -> None:
    sim = make_simulator(faults="409:1")
    with pytest.raises(TransientError) as caught:
        make_client(sim).customers.list()
    assert caught.value.status == 409 and "maintenance" in (caught.value.title or "")


# --- non-idempotent writes ------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["500:1", "html503:1", "drop:1"])
def test_create_is_sent_once_when_it_may_have_arrived(
    make_client: ClientFactory, fault: str
) -> None:
    sim = make_simulator()
    client = make_client(sim)
    provider = client.booking_provider_tags.list().items[0].id
    sim.set_faults(fault + "@/bookings")
    with pytest.raises(WriteOutcomeUnknownError) as caught:
        client.bookings.create(provider, BOOKING)
    assert "not re-sent" in str(caught.value)
    posts = [e for e in sim.requests() if e["method"] == "POST" and "/bookings" in e["path"]]
    assert len(posts) == 1


def test_action_post_is_not_repeated_after_a_5xx(make_client: ClientFactory) -> None:
    sim = make_simulator()
    client = make_client(sim)
    appointment = client.appointments.list(status="Scheduled").items[0]
    technician = client.technicians.list().items[-1]
    sim.set_faults("502:1@/assign-technicians")
    with pytest.raises(WriteOutcomeUnknownError):
        client.appointment_assignments.assign(appointment.id, [technician.id])
    assert statuses(sim, "/assign-technicians") == [502]


@pytest.mark.parametrize("fault", ["429:0.5x2", "409:0.5x2"])
def test_create_is_retried_when_it_provably_did_not_arrive(
    make_client: ClientFactory, fault: str
) -> None:
    sim = make_simulator()
    client = make_client(sim, options=PATIENT)
    provider = client.booking_provider_tags.list().items[0].id
    before = sim.state()["bookings"]
    sim.set_faults(fault + "@/bookings")
    for n in range(6):
        client.bookings.create(provider, {**BOOKING, "externalId": f"autofile-{n}"})
    sim.set_faults("")
    assert sim.state()["bookings"] == before + 6  # each created exactly once
    assert any(s != 200 for s in statuses(sim, "/bookings"))


def test_create_is_retried_once_after_a_401(make_client: ClientFactory) -> None:
    sim = make_simulator()
    client = make_client(sim)
    provider = client.booking_provider_tags.list().items[0].id
    before = sim.state()["bookings"]
    for n in range(3):
        sim.auth.expire_all()  # the token dies server-side: the create is refused, not applied
        client.bookings.create(provider, {**BOOKING, "externalId": f"autofile-{n}"})
    assert sim.state()["bookings"] == before + 3
    assert statuses(sim, "/bookings").count(401) == 3


def test_idempotent_patch_is_retried_through_5xx_and_drops(make_client: ClientFactory) -> None:
    sim = make_simulator()
    client = make_client(sim, options=PATIENT)
    customer = client.customers.list().items[0]
    sim.set_faults("500:0.4,drop:0.3@/customers/")
    for n in range(5):
        assert client.customers.update(customer.id, {"name": f"Name {n}"}).name == f"Name {n}"
    assert any(s in (0, 500) for s in statuses(sim, "/customers/"))


def test_appending_an_invoice_item_is_not_repeated_but_updating_one_is(
    make_client: ClientFactory,
) -> None:
    sim = make_simulator()
    client = make_client(sim, options=PATIENT)
    invoice = next(i for i in client.invoices.list().items if i.items)
    sim.set_faults("500:1@/items")
    with pytest.raises(WriteOutcomeUnknownError):
        client.invoices.update_items(invoice.id, {"description": "Fee", "quantity": 1})
    assert statuses(sim, "/items") == [500]
    sim.set_faults("500:0.5@/items")
    assert invoice.items
    client.invoices.update_items(
        invoice.id, {"id": invoice.items[0].id, "description": "Ok", "quantity": 1}
    )


# --- timeouts and connection errors (mock transport) ----------------------------------------


def raise_(exc: type[httpx.TransportError]) -> Step:
    def step(request: httpx.Request) -> httpx.Response:
        raise exc("simulated", request=request)

    return step


@pytest.mark.parametrize("exc", [httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError])
def test_get_is_retried_after_timeouts_and_broken_connections(
    make_client: ClientFactory, exc: type[httpx.TransportError]
) -> None:
    api = ScriptedApi(raise_(exc), raise_(exc), ok())
    assert make_client(transport=api.transport).jobs.get(7).id == 7
    assert len(api.sent) == 3


@pytest.mark.parametrize("exc", [httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError])
def test_post_after_send_failure_is_an_unknown_outcome(
    make_client: ClientFactory, exc: type[httpx.TransportError]
) -> None:
    api = ScriptedApi(raise_(exc), ok())
    with pytest.raises(WriteOutcomeUnknownError) as caught:
        make_client(transport=api.transport).jobs.create({"customerId": 1})
    assert len(api.sent) == 1 and caught.value.method == "POST"


@pytest.mark.parametrize("exc", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
def test_post_that_never_left_is_retried(
    make_client: ClientFactory, exc: type[httpx.TransportError]
) -> None:
    api = ScriptedApi(raise_(exc), ok({"id": 9}))
    assert make_client(transport=api.transport).jobs.create({"customerId": 1}).id == 9
    assert len(api.sent) == 2


def test_retries_are_capped_then_typed(make_client: ClientFactory) -> None:
    api = ScriptedApi(raise_(httpx.ConnectError))
    with pytest.raises(TransientError) as caught:
        make_client(transport=api.transport).jobs.get(1)
    assert len(api.sent) == FAST_OPTIONS.retry.max_attempts == caught.value.attempts


def test_non_json_success_body_is_retried_for_reads(make_client: ClientFactory) -> None:
    html = lambda request: httpx.Response(200, text="<html>proxy</html>")  # noqa: E731
    api = ScriptedApi(html, ok())
    assert make_client(transport=api.transport).jobs.get(7).id == 7 and len(api.sent) == 2


def test_backoff_grows_exponentially_with_full_jitter(make_client: ClientFactory) -> None:
    sleeps: list[float] = []
    api = ScriptedApi(lambda r: httpx.Response(503, text="busy"))
    policy = RetryPolicy(max_attempts=6, base_delay=1.0, max_delay=8.0)
    client = make_client(
        transport=api.transport, options=FAST_OPTIONS.replace(retry=policy), sleep=sleeps.append
    )
    with pytest.raises(TransientError):
        client.jobs.get(1)
    assert len(sleeps) == 5
    assert all(0 <= s <= min(8.0, 2**i) for i, s in enumerate(sleeps))


def test_total_retry_time_is_capped(make_client: ClientFactory) -> None:
    api = ScriptedApi(lambda r: httpx.Response(503, text="busy"))
    policy = RetryPolicy(max_attempts=100, backoff="fixed", base_delay=0.02, max_elapsed=0.1)
    with pytest.raises(TransientError):
        make_client(transport=api.transport, options=FAST_OPTIONS.replace(retry=policy)).jobs.get(1)
    assert len(api.sent) < 10


def test_retry_after_http_date_is_honoured(make_client: ClientFactory) -> None:
    sleeps: list[float] = []
    later = httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    api = ScriptedApi(lambda r: later, ok())
    client = make_client(transport=api.transport, sleep=sleeps.append)
    assert client.jobs.get(7).id == 7
    assert sleeps == [0.0]  # a date in the past: go now


# --- tokens -----------------------------------------------------------------------------------


def test_early_token_expiry_refreshes_once_and_retries(make_client: ClientFactory) -> None:
    sim = make_simulator()
    client = make_client(sim)
    client.jobs.list()
    sim.auth.expire_all()  # ServiceTitan forgot our token before its expiry
    assert client.jobs.list().data
    tokens = statuses(sim, "/connect/token")
    assert len(tokens) == 2 and statuses(sim, "/jobs").count(401) == 1


def test_401s_in_a_row_are_retried_with_backoff_like_transient_errors(
    make_client: ClientFactory,
) -> None:
    refused = httpx.Response(401, json={"title": "Unauthorized"})
    api = ScriptedApi(lambda r: refused, lambda r: refused, lambda r: refused, ok())
    sleeps: list[float] = []
    client = make_client(transport=api.transport, sleep=sleeps.append)
    assert client.jobs.get(7).id == 7
    assert len(api.sent) == 4
    assert len(sleeps) == 2  # the first 401 retries at once, the next ones back off


def test_401s_that_never_stop_are_an_auth_error_not_a_loop(make_client: ClientFactory) -> None:
    api = ScriptedApi(lambda r: httpx.Response(401, json={"title": "Unauthorized"}))
    with pytest.raises(AuthError) as caught:
        make_client(transport=api.transport).jobs.list()
    attempts = FAST_OPTIONS.retry.max_attempts
    assert len(api.sent) == attempts + 1 and caught.value.status == 401


def test_tokens_expiring_early_again_and_again_do_not_fail_a_read(
    make_client: ClientFactory,
) -> None:
    sim = make_simulator()
    client = make_client(sim, options=PATIENT)
    sim.set_faults("token-expiry:0.4")
    for _ in range(20):
        assert client.jobs.list(page_size=5).data
    assert statuses(sim, "/jobs").count(401) >= 5


def test_bad_credentials_raise_auth_error(sim: Simulator) -> None:
    conn = connection()
    wrong = type(conn)(
        tenant=conn.tenant,
        app_key=conn.app_key,
        client_id=conn.client_id,
        client_secret="wrong",  # type: ignore[arg-type]
        auth_url=conn.auth_url,
        api_base_url=conn.api_base_url,
    )
    transport = httpx.WSGITransport(app=sim)
    with (
        ServiceTitanClient(wrong, FAST_OPTIONS, transport=transport) as client,
        pytest.raises(AuthError) as caught,
    ):
        client.jobs.list()
    assert caught.value.status in (400, 401)


def test_wrong_tenant_is_an_auth_error(sim: Simulator, make_client: ClientFactory) -> None:
    client = make_client(sim)
    with pytest.raises(AuthError) as caught:
        client.request("GET", "/jpm/v2/tenant/999/jobs")
    assert caught.value.status == 403


def test_an_ungranted_scope_is_an_auth_error_that_says_so(make_client: ClientFactory) -> None:
    sim = make_simulator(scopes=frozenset({"tn.jpm.jobs:r"}))
    client = make_client(sim)
    assert client.jobs.list().data
    with pytest.raises(AuthError) as caught:
        client.customers.list()
    assert caught.value.status == 403
    assert "scope not granted" in str(caught.value)
    assert caught.value.attempts == 1  # a 403 is not retried


def test_short_lived_tokens_are_refreshed_during_a_long_export(make_client: ClientFactory) -> None:
    sim = make_simulator(token_ttl=1, export_batch_size=20, faults="latency:120ms@/export/")
    client = make_client(sim)
    assert sum(1 for _ in client.jobs.export()) == 200  # ~1.2 s: several token lifetimes
    assert len(statuses(sim, "/connect/token")) >= 2
    assert 401 not in statuses(sim, "/export/")  # refreshed before expiry, not after


def test_retry_after_a_long_wait_carries_a_fresh_token(make_client: ClientFactory) -> None:
    now = [1_000_000.0]
    issued: list[str] = []
    seen_tokens: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/connect/token":
            issued.append(f"tok-{len(issued)}")
            return httpx.Response(200, json={"access_token": issued[-1], "expires_in": 900})
        seen_tokens.append(request.headers["Authorization"])
        if len(seen_tokens) == 1:
            return httpx.Response(429, headers={"Retry-After": "1000"})
        return httpx.Response(200, json={"id": 1})

    def sleep(seconds: float) -> None:
        now[0] += seconds

    options = FAST_OPTIONS.replace(retry=RetryPolicy(retry_after_cap=1000.0, max_elapsed=10_000))
    client = make_client(
        transport=httpx.MockTransport(handler),
        options=options,
        sleep=sleep,
        clock=lambda: now[0],
        rate_limiter=UnlimitedRateLimiter(),  # its real clock would not see the fake sleep
    )
    assert client.jobs.get(1).id == 1
    assert seen_tokens == ["Bearer tok-0", "Bearer tok-1"]  # tok-0 expired while we waited


def test_timeouts_over_real_http(make_client: ClientFactory) -> None:
    """Against the simulator over a socket: a slow answer is a read timeout."""
    sim = make_simulator(faults="latency:300ms@/bookings")
    options = FAST_OPTIONS.replace(
        timeout=httpx.Timeout(5.0, read=0.1), retry=RetryPolicy(max_attempts=2, base_delay=0.001)
    )
    with run_in_thread(sim) as base_url:
        client = ServiceTitanClient(connection(base_url), options)
        with client:
            provider = client.booking_provider_tags.list().items[0].id
            with pytest.raises(TransientError):
                client.bookings.list()
            with pytest.raises(WriteOutcomeUnknownError):
                client.bookings.create(provider, BOOKING)
    wait_for(lambda: len(posts_to(sim, "/bookings")) == 1, every=0.02)  # logged once it finishes
    assert len(posts_to(sim, "/bookings")) == 1


def posts_to(sim: Simulator, suffix: str) -> list[dict[str, Any]]:
    return [e for e in sim.requests() if e["method"] == "POST" and e["path"].endswith(suffix)]


def test_dropped_connection_over_real_http(make_client: ClientFactory) -> None:
    sim = make_simulator()
    with (
        run_in_thread(sim) as base_url,
        ServiceTitanClient(connection(base_url), PATIENT) as client,
    ):
        provider = client.booking_provider_tags.list().items[0].id
        sim.set_faults("drop:0.5")
        assert len(client.jobs.list(page_size=10)) == 10
        sim.set_faults("drop:1@/bookings")
        with pytest.raises(WriteOutcomeUnknownError):
            client.bookings.create(provider, BOOKING)


def test_retry_after_on_a_503_is_honoured(make_client: ClientFactory) -> None:
    sleeps: list[float] = []
    busy = httpx.Response(503, headers={"Retry-After": "0.004"}, text="busy")
    api = ScriptedApi(lambda r: busy, ok())
    client = make_client(transport=api.transport, sleep=sleeps.append)
    assert client.jobs.get(7).id == 7
    assert sleeps == [0.004]  # the hint, not the (at most 0.001 s) first backoff
