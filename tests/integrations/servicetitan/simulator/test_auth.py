"""Client-credentials tokens, app key and tenant checks."""

from __future__ import annotations

import httpx

from integrations.servicetitan.simulator import Simulator, SimulatorConfig
from tests.integrations.servicetitan.simulator.support import (
    CREDENTIALS,
    FakeClock,
    raw_client,
    token,
    url,
)

JOBS = url("jpm", "jobs")


def _headers(value: str, app_key: str = "sim-app-key") -> dict[str, str]:
    return {"Authorization": f"Bearer {value}", "ST-App-Key": app_key}


def test_client_credentials_grant_returns_a_bearer_token(sim: Simulator) -> None:
    response = raw_client(sim).post("/connect/token", data=CREDENTIALS)
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert body["access_token"].count(".") == 2  # JWT-shaped
    assert "tn.jpm.jobs:r" in body["scope"].split()


def test_http_basic_credentials_are_accepted(sim: Simulator) -> None:
    client = raw_client(sim)
    response = client.post(
        "/connect/token",
        data={"grant_type": "client_credentials"},
        auth=("sim-client-id", "sim-client-secret"),
    )
    assert response.status_code == 200


def test_bad_credentials_are_an_invalid_client(sim: Simulator) -> None:
    client = raw_client(sim)
    response = client.post("/connect/token", data={**CREDENTIALS, "client_secret": "nope"})
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_client"}
    wrong_grant = client.post("/connect/token", data={**CREDENTIALS, "grant_type": "password"})
    assert wrong_grant.status_code == 400
    assert wrong_grant.json()["error"] == "unsupported_grant_type"


def test_api_calls_without_a_token_are_unauthorized(sim: Simulator) -> None:
    response = raw_client(sim).get(JOBS, headers={"ST-App-Key": "sim-app-key"})
    assert response.status_code == 401


def test_unknown_tokens_are_unauthorized(sim: Simulator) -> None:
    response = raw_client(sim).get(JOBS, headers=_headers("not-a-token"))
    assert response.status_code == 401
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_tokens_expire_after_their_lifetime() -> None:
    clock = FakeClock()
    sim = Simulator(SimulatorConfig(token_ttl=60, rate_limit=0), clock=clock)
    client = raw_client(sim)
    response = client.post("/connect/token", data=CREDENTIALS)
    assert response.json()["expires_in"] == 60
    value = response.json()["access_token"]
    assert client.get(JOBS, headers=_headers(value)).status_code == 200
    clock.advance(59.9)
    assert client.get(JOBS, headers=_headers(value)).status_code == 200
    clock.advance(0.2)
    expired = client.get(JOBS, headers=_headers(value))
    assert expired.status_code == 401
    assert "expired" in expired.json()["title"]


def test_the_bearer_prefix_is_optional(sim: Simulator) -> None:
    client = raw_client(sim)
    response = client.get(
        JOBS, headers={"Authorization": token(client), "ST-App-Key": "sim-app-key"}
    )
    assert response.status_code == 200


def test_a_missing_or_wrong_app_key_is_unauthorized(sim: Simulator) -> None:
    client = raw_client(sim)
    value = token(client)
    assert client.get(JOBS, headers={"Authorization": f"Bearer {value}"}).status_code == 401
    wrong = client.get(JOBS, headers=_headers(value, app_key="someone-elses-key"))
    assert wrong.status_code == 401
    assert "ST-App-Key" in wrong.json()["errors"]


def test_a_tenant_other_than_the_credentials_is_forbidden(sim: Simulator) -> None:
    client = raw_client(sim)
    response = client.get("/jpm/v2/tenant/2000/jobs", headers=_headers(token(client)))
    assert response.status_code == 403


def test_flags_override_credentials_and_tenant() -> None:
    sim = Simulator(SimulatorConfig(tenant=42, client_id="a", client_secret="b", app_key="k"))
    client = httpx.Client(transport=httpx.WSGITransport(app=sim), base_url="http://sim")
    response = client.post(
        "/connect/token",
        data={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
    )
    value = response.json()["access_token"]
    assert client.get("/jpm/v2/tenant/42/jobs", headers=_headers(value, "k")).status_code == 200
    assert client.get(JOBS, headers=_headers(value, "k")).status_code == 403


def test_operations_outside_the_granted_scopes_are_forbidden() -> None:
    sim = Simulator(SimulatorConfig(scale="small", scopes=frozenset({"tn.jpm.jobs:r"})))
    client = raw_client(sim)
    response = client.post("/connect/token", data=CREDENTIALS)
    assert response.json()["scope"] == "tn.jpm.jobs:r"
    headers = _headers(response.json()["access_token"])
    assert client.get(JOBS, headers=headers).status_code == 200
    denied = client.get(url("crm", "customers"), headers=headers)
    assert denied.status_code == 403
    assert "tn.crm.customers:r" in denied.json()["title"]
    patch = client.patch(url("jpm", "jobs/41000001"), headers=headers, json={"summary": "x"})
    assert patch.status_code == 403  # reading jobs does not grant writing them


def test_every_scope_is_granted_by_default(sim: Simulator) -> None:
    scope = raw_client(sim).post("/connect/token", data=CREDENTIALS).json()["scope"].split()
    assert {"tn.jpm.jobs:r", "tn.jpm.jobs:w", "tn.acc.invoices:r", "tn.crm.customers:w"} <= set(
        scope
    )
