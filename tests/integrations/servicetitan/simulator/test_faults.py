"""Injectable faults: every kind, scoping, bursts, run-time changes and determinism."""

from __future__ import annotations

import httpx
import pytest

from integrations.servicetitan.simulator import Simulator, SimulatorConfig
from integrations.servicetitan.simulator.faults import (
    MAINTENANCE_MESSAGE,
    FaultInjector,
    FaultSpecError,
    parse_faults,
)
from tests.integrations.servicetitan.simulator.support import (
    CREDENTIALS,
    api_client,
    raw_client,
    token,
    url,
)

TAGS = url("settings", "tag-types")


def _sim(faults: str, **config: object) -> Simulator:
    return Simulator(SimulatorConfig(rate_limit=0, faults=faults, **config))  # type: ignore[arg-type]


def test_the_spec_grammar_parses_every_kind() -> None:
    items = parse_faults(
        "429:0.05x3, 500:2%, html503:0.02, 409:0.01, latency:5-50ms, drop:0.01, "
        "token-expiry:0.01, dup:0.05@/export/, malformed:0.01"
    )
    described = [item.describe() for item in items]
    assert described == [
        "429:0.05x3", "500:0.02", "html503:0.02", "409:0.01", "latency:5-50ms", "drop:0.01",
        "token-expiry:0.01", "dup:0.05@/export/", "malformed:0.01",
    ]  # fmt: skip
    for bad in ("500", "teapot:0.1", "500:2", "latency:fast", "500:0.1x0"):
        with pytest.raises(FaultSpecError):
            parse_faults(bad)


def test_429_faults_carry_retry_after() -> None:
    with api_client(_sim("429:1")) as api:
        response = api.get(TAGS)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.json()["title"].endswith("1 seconds.")


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_answer_json_problems(status: int) -> None:
    with api_client(_sim(f"{status}:1")) as api:
        response = api.get(TAGS)
    assert response.status_code == status
    assert response.json()["status"] == status


def test_html_server_errors_answer_an_html_page() -> None:
    with api_client(_sim("html503:1")) as api:
        response = api.get(TAGS)
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.lstrip().startswith("<!DOCTYPE html>")


def test_maintenance_answers_409() -> None:
    with api_client(_sim("409:1")) as api:
        response = api.get(TAGS)
    assert response.status_code == 409
    assert response.json()["title"] == MAINTENANCE_MESSAGE


def test_latency_delays_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("integrations.servicetitan.simulator.app.time.sleep", slept.append)
    with api_client(_sim("latency:20ms")) as api:
        assert api.get(TAGS).status_code == 200
    assert slept == [pytest.approx(0.020)]


def test_dropped_connections_surface_as_transport_errors_in_process() -> None:
    sim = _sim("drop:1")
    with api_client(sim) as api, pytest.raises(httpx.RemoteProtocolError):
        api.get(TAGS)
    assert sim.requests()[-1]["status"] == 0


def test_early_token_expiry_answers_401_and_revokes_the_token() -> None:
    sim = _sim("token-expiry:1")
    client = raw_client(sim)
    value = token(client)
    headers = {"Authorization": f"Bearer {value}", "ST-App-Key": "sim-app-key"}
    assert client.get(TAGS, headers=headers).status_code == 401
    sim.set_faults("")
    assert client.get(TAGS, headers=headers).status_code == 401
    fresh = {"Authorization": f"Bearer {token(client)}", "ST-App-Key": "sim-app-key"}
    assert client.get(TAGS, headers=fresh).status_code == 200


def test_duplicate_rows_repeat_the_end_of_the_previous_export_page() -> None:
    sim = _sim("", export_batch_size=20)
    with api_client(sim) as api:
        first_page = api.get(url("jpm", "export/jobs")).json()
        sim.set_faults("dup:1@/export/")
        second_page = api.get(
            url("jpm", "export/jobs"), params={"from": first_page["continueFrom"]}
        ).json()
    repeated = {r["id"] for r in first_page["data"]} & {r["id"] for r in second_page["data"]}
    assert repeated == {r["id"] for r in first_page["data"][-3:]}


def test_malformed_rows_cannot_be_mapped() -> None:
    with api_client(_sim("malformed:1")) as api:
        rows = api.get(url("jpm", "jobs"), params={"pageSize": 30}).json()["data"]
    broken = 0
    for row in rows:
        if (
            "id" not in row
            or not isinstance(row["id"], int)
            or row["modifiedOn"].startswith("0000")
        ):
            broken += 1
    assert broken == len(rows)


def test_faults_spare_the_control_api_and_the_token_endpoint_unless_scoped() -> None:
    sim = _sim("500:1")
    client = raw_client(sim)
    assert client.get("/_sim/state").status_code == 200
    assert client.post("/connect/token", data=CREDENTIALS).status_code == 200
    sim.set_faults("500:1@/connect/token")
    assert client.post("/connect/token", data=CREDENTIALS).status_code == 500


def test_scopes_limit_faults_to_matching_paths() -> None:
    with api_client(_sim("503:1@/export/")) as api:
        assert api.get(url("jpm", "jobs")).status_code == 200
        assert api.get(url("jpm", "export/jobs")).status_code == 503


def test_bursts_keep_failing_consecutive_requests() -> None:
    injector = FaultInjector(seed=3, spec="500:0.1x4")
    fired = [injector.decide("/jpm/v2/tenant/1/jobs").status == "500" for _ in range(400)]
    starts = [i for i, hit in enumerate(fired) if hit and (i == 0 or not fired[i - 1])]
    assert starts
    for start in starts:
        assert all(fired[start : start + 4]), start


def test_faults_are_deterministic_under_the_seed() -> None:
    def statuses(seed: int) -> list[int]:
        sim = Simulator(SimulatorConfig(seed=seed, rate_limit=0, faults="500:0.3,429:0.2"))
        with api_client(sim) as api:
            return [api.get(TAGS).status_code for _ in range(40)]

    assert statuses(5) == statuses(5)
    assert statuses(5) != statuses(6)


def test_faults_change_at_run_time_through_the_control_api() -> None:
    sim = _sim("")
    with api_client(sim) as api:
        assert api.get(TAGS).status_code == 200
        answer = api.post("/_sim/faults", json={"faults": "502:1"})
        assert answer.json()["items"] == ["502:1"]
        assert api.get(TAGS).status_code == 502
        assert api.post("/_sim/faults", json={"faults": "bogus"}).status_code == 400
        assert api.post("/_sim/faults", content=b"").status_code == 200
        assert api.get(TAGS).status_code == 200
