"""Serving over real HTTP: keep-alive, concurrency, dropped connections, the command line."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from integrations.servicetitan.simulator import Simulator, SimulatorConfig, run_in_thread
from tests.integrations.servicetitan.simulator.support import CREDENTIALS, url

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Simulator, str]]:
    sim = Simulator(SimulatorConfig(rate_limit=0))
    with run_in_thread(sim) as base_url:
        yield sim, base_url


@contextlib.contextmanager
def _client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        value = client.post("/connect/token", data=CREDENTIALS).json()["access_token"]
        client.headers.update({"Authorization": f"Bearer {value}", "ST-App-Key": "sim-app-key"})
        yield client


def test_connections_are_kept_alive_across_requests(served: tuple[Simulator, str]) -> None:
    _, base_url = served
    host, port = base_url.removeprefix("http://").split(":")
    request = f"GET /_sim/state HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        for _ in range(3):
            connection.sendall(request)
            head = b""
            while b"\r\n\r\n" not in head:
                head += connection.recv(65536)
            header, _, body = head.partition(b"\r\n\r\n")
            assert header.startswith(b"HTTP/1.1 200")
            length = int(
                next(
                    line.split(b":")[1]
                    for line in header.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
            )
            while len(body) < length:
                body += connection.recv(65536)
            assert b"Connection: close" not in header


def test_concurrent_requests_are_served(served: tuple[Simulator, str]) -> None:
    _, base_url = served
    with _client(base_url) as client:

        def fetch(page: int) -> int:
            return client.get(url("jpm", "jobs"), params={"page": page, "pageSize": 10}).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            assert set(pool.map(fetch, range(1, 33))) == {200}


def test_dropped_connections_close_the_socket_without_an_answer(
    served: tuple[Simulator, str],
) -> None:
    sim, base_url = served
    with _client(base_url) as client:
        sim.set_faults("drop:1@/jpm/")
        try:
            with pytest.raises(httpx.RemoteProtocolError):
                client.get(url("jpm", "jobs"))
        finally:
            sim.set_faults("")
        assert client.get(url("jpm", "jobs")).status_code == 200


def test_binary_downloads_over_http(served: tuple[Simulator, str]) -> None:
    sim, base_url = served
    attachment = next(
        a for a in sim.store.iter_by_id("job-attachments") if a["fileName"].endswith(".pdf")
    )
    with _client(base_url) as client:
        response = client.get(url("forms", f"jobs/attachment/{attachment['id']}"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-1.4")


def test_the_command_line_prints_one_line_and_stops_on_sigterm() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "integrations.servicetitan.simulator",
            "--port",
            "0",
            "--tenant",
            "77",
            "--app-key",
            "k1",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("ServiceTitan simulator at http://127.0.0.1:")
        assert (
            "tenant=77 client_id=sim-client-id client_secret=sim-client-secret app_key=k1" in line
        )
        base_url = line.split()[3]
        assert httpx.get(f"{base_url}/_sim/state", timeout=10).json()["jobs"] > 0
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_the_asgi_app_answers_like_the_wsgi_one() -> None:
    sim = Simulator(SimulatorConfig(scale="small", rate_limit=0, export_batch_size=30))

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=sim.asgi)
        async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
            issued = await client.post("/connect/token", data=CREDENTIALS)
            assert issued.status_code == 200
            client.headers.update(
                {
                    "Authorization": f"Bearer {issued.json()['access_token']}",
                    "ST-App-Key": "sim-app-key",
                }
            )
            page = await client.get(url("jpm", "export/jobs"))
            with httpx.Client(
                transport=httpx.WSGITransport(app=sim),
                base_url="http://sim",
                headers=client.headers,
            ) as sync_client:
                assert page.content == sync_client.get(url("jpm", "export/jobs")).content
            created = await client.post(
                url("crm", "customers"),
                json={
                    "name": "Async Homeowner",
                    "type": "Residential",
                    "address": {
                        "street": "1 Main St",
                        "city": "Austin",
                        "zip": "78701",
                        "country": "USA",
                        "state": "TX",
                    },
                    "locations": [
                        {
                            "name": "Home",
                            "address": {
                                "street": "1 Main St",
                                "city": "Austin",
                                "zip": "78701",
                                "country": "USA",
                                "state": "TX",
                            },
                        }
                    ],
                },
            )
            assert created.status_code == 200, created.text
            assert sim.record("customers", created.json()["id"]) is not None
            assert (await client.get(url("jpm", "jobs/1"))).status_code == 404
            state = await client.get("/_sim/state")
            assert state.json()["customers"] == sim.state()["customers"]
            sim.set_faults("drop:1.0")
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get(url("jpm", "jobs"))

    # In its own thread: Playwright's sync API (browser tests, session-scoped) keeps an
    # event loop running in the main thread, where asyncio.run() refuses to start.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, scenario()).result()


def test_nameplate_photos_show_the_units_model_and_serial(served: tuple[Simulator, str]) -> None:
    """A nameplate photo is a real JPEG of a label; the installed-equipment record of the same
    job carries the model and serial printed on it."""
    import io

    from PIL import Image

    from integrations.servicetitan.simulator.data.documents import nameplate_unit
    from integrations.servicetitan.simulator.data.files import nameplate_jpeg

    sim, base_url = served
    photo = next(
        a for a in sim.store.iter_by_id("job-attachments") if a["fileName"].startswith("nameplate-")
    )
    units = [
        e for e in sim.store.iter_by_id("installed-equipment") if e.get("_jobId") == photo["_jobId"]
    ]
    with _client(base_url) as client:
        response = client.get(url("forms", f"jobs/attachment/{photo['id']}"))
        again = client.get(url("forms", f"jobs/attachment/{photo['id']}"))
    assert response.headers["content-type"] == "image/jpeg"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "JPEG" and image.size == (480, 300)
    assert len({image.getpixel((x, 150)) for x in range(40, 440, 20)}) > 3  # a picture, not a fill
    assert again.content == response.content
    shown = nameplate_unit(sim.tenant, photo)
    assert shown is not None
    model, serial = shown
    assert (model.model, serial) in {(u["model"], u["serialNumber"]) for u in units}
    assert response.content == nameplate_jpeg(
        model.manufacturer, model.model, serial, model.rating_text, int(photo["_key"])
    )
