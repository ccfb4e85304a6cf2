"""Secrets and tokens never show up in reprs, log lines or exception messages."""

from __future__ import annotations

import logging
import pickle

import httpx
import pytest

from integrations.servicetitan import (
    AuthError,
    ClientOptions,
    Connection,
    PermanentError,
    Secret,
    ServiceTitanClient,
)
from integrations.servicetitan.redaction import Redactor
from integrations.servicetitan.simulator import Simulator

from .conftest import APP_KEY, CLIENT_SECRET, FAST_OPTIONS, ClientFactory, connection

LOGGER = "integrations.servicetitan"


def issued_tokens(sim: Simulator) -> list[str]:
    return list(sim.auth._tokens)  # the simulator's issued tokens


def assert_clean(text: str, *secrets: str) -> None:
    for secret in (CLIENT_SECRET, APP_KEY, *secrets):
        assert secret not in text


def test_connection_and_client_reprs_hide_secrets(st_client: ServiceTitanClient) -> None:
    conn = connection()
    assert_clean(repr(conn))
    assert_clean(str(conn))
    assert_clean(f"{conn.client_secret} {conn.app_key!r} {conn.client_secret!s}")
    assert conn.client_secret.reveal() == CLIENT_SECRET
    assert pickle.loads(pickle.dumps(conn.client_secret)) == conn.client_secret  # noqa: S301
    st_client.jobs.list()
    assert_clean(repr(st_client) + repr(st_client.session.tokens.store))
    current = st_client.session.tokens.current()
    assert current.value not in repr(current)


def test_debug_logs_show_bodies_but_no_credentials(
    sim: Simulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(sim, options=FAST_OPTIONS.replace(debug=True))
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        client.customers.update(client.customers.list().items[0].id, {"name": "Logged Name"})
    text = caplog.text
    assert "PATCH http://sim/crm/v2/tenant/1000/customers/" in text and "Logged Name" in text
    assert (
        "authorization': '[redacted]'" in text.lower()
        and "st-app-key': '[redacted]'" in text.lower()
    )
    assert_clean(text, *issued_tokens(sim))


def test_token_endpoint_traffic_is_redacted(
    sim: Simulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(sim, options=FAST_OPTIONS.replace(debug=True))
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger=LOGGER):
        client.jobs.list()  # every logger (httpx's included) at DEBUG
    assert "POST http://sim/connect/token -> 200" in caplog.text
    assert "client_secret=[REDACTED]" in caplog.text
    assert_clean(caplog.text, *issued_tokens(sim))


def test_per_call_debug_logs_at_info(
    sim: Simulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(sim)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        client.jobs.list(page_size=1)
        assert "response body" not in caplog.text
        client.with_options(debug=True).jobs.list(page_size=1)
    records = [r for r in caplog.records if "response body" in r.getMessage()]
    assert len(records) == 1 and records[0].levelno == logging.INFO
    assert records[0].st_status == 200 and records[0].st_operation == "jobs.list"  # type: ignore[attr-defined]


def test_global_debug_logs_method_url_status_duration(
    st_client: ServiceTitanClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        st_client.jobs.get(41000001)
    line = next(r for r in caplog.records if "/jobs/41000001" in r.getMessage())
    assert "GET http://sim/jpm/v2/tenant/1000/jobs/41000001 -> 200 (" in line.getMessage()
    assert line.st_duration_ms >= 0  # type: ignore[attr-defined]


def test_errors_echoing_credentials_are_redacted(make_client: ClientFactory) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/connect/token":
            return httpx.Response(200, json={"access_token": "tok-secret-value", "expires_in": 900})
        echo = f"bad header {request.headers['Authorization']} key {request.headers['ST-App-Key']}"
        return httpx.Response(400, json={"title": echo, "errors": {"x": [CLIENT_SECRET]}})

    client = make_client(transport=httpx.MockTransport(handler))
    with pytest.raises(PermanentError) as caught:
        client.jobs.list()
    text = str(caught.value) + repr(caught.value) + caught.value.body.text
    assert_clean(text, "tok-secret-value")
    assert caught.value.status == 400


def test_rejected_credentials_error_is_redacted(sim: Simulator) -> None:
    conn = Connection.for_base_url(
        "http://sim",
        tenant=1000,
        app_key=APP_KEY,
        client_id="sim-client-id",
        client_secret="nope-123",
    )
    transport = httpx.WSGITransport(app=sim)
    with (
        ServiceTitanClient(conn, ClientOptions(), transport=transport) as c,
        pytest.raises(AuthError) as caught,
    ):
        c.jobs.list()
    assert "nope-123" not in str(caught.value) and "nope-123" not in repr(caught.value.__cause__)


def test_redactor_masks_structural_fields() -> None:
    redactor = Redactor(["s3cr3t-value"])
    text = redactor.text(
        'grant_type=client_credentials&client_secret=abc&client_id=x {"access_token": "eyJ.a.b"} '
        "Authorization: Bearer eyJhbGciOi.payload.sig s3cr3t-value"
    )
    for leaked in ("abc&", "eyJ.a.b", "eyJhbGciOi", "s3cr3t-value"):
        assert leaked not in text
    assert "client_id=x" in text
    assert redactor.headers({"Authorization": "Bearer t", "Accept": "x"}) == {
        "Authorization": "[REDACTED]",
        "Accept": "x",
    }


def test_secret_never_formats() -> None:
    secret = Secret("hunter2")
    assert "hunter2" not in f"{secret} {secret!r} {secret:>20} {[secret]}"
