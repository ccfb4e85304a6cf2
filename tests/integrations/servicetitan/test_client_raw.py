"""``client.request``: any module, path and method, with the client's safety nets."""

from __future__ import annotations

import gc

import httpx
import pytest

from integrations.servicetitan import (
    NotFoundError,
    RetryPolicy,
    ServiceTitanClient,
    TransientError,
    WriteOutcomeUnknownError,
)
from integrations.servicetitan.simulator import Simulator

from .conftest import ClientFactory, ScriptedApi, ok


def test_module_relative_root_relative_and_absolute_paths(
    shared_client: ServiceTitanClient,
) -> None:
    by_module = shared_client.request("GET", "/jobs", module="jpm", params={"pageSize": 2})
    from_root = shared_client.request("GET", "/jpm/v2/tenant/1000/jobs", params={"pageSize": 2})
    absolute = shared_client.request("GET", "http://sim/jpm/v2/tenant/1000/jobs?pageSize=2")
    assert by_module == from_root == absolute and len(by_module["data"]) == 2


def test_patch_with_json_body(sim: Simulator, st_client: ServiceTitanClient) -> None:
    job_id = st_client.jobs.list(page_size=1).items[0].id
    result = st_client.request(
        "PATCH", f"/jobs/{job_id}", module="jpm", json={"summary": "<p>raw</p>"}
    )
    assert result["summary"] == "<p>raw</p>"


def test_text_bytes_and_response_outputs(sim: Simulator, st_client: ServiceTitanClient) -> None:
    path = st_client.installed_equipment.upload_attachment(b"\x00\x01raw", filename="r.bin")
    params = {"path": path}
    url = "/installed-equipment/attachments"
    assert (
        st_client.request("GET", url, module="equipmentsystems", params=params, response="bytes")
        == b"\x00\x01raw"
    )
    text = st_client.request("GET", "/jobs", module="jpm", params={"pageSize": 1}, response="text")
    assert text.startswith("{")
    response = st_client.request("GET", "/jobs", module="jpm", response="response")
    assert isinstance(response, httpx.Response) and response.status_code == 200


def test_form_multipart_headers_and_timeout_are_sent(make_client: ClientFactory) -> None:
    api = ScriptedApi(lambda r: httpx.Response(200, json={"ok": True}))
    client, seen = make_client(transport=api.transport), api.sent
    client.request(
        "POST", "/x", module="jpm", data={"a": "1"}, headers={"X-Trace": "abc"}, timeout=3.0
    )
    client.request("POST", "/y", module="forms", files={"file": ("a.txt", b"hello", "text/plain")})
    assert seen[0].headers["content-type"] == "application/x-www-form-urlencoded"
    assert seen[0].content == b"a=1" and seen[0].headers["X-Trace"] == "abc"
    assert seen[0].extensions["timeout"]["read"] == 3.0
    assert seen[1].headers["content-type"].startswith("multipart/form-data")
    assert b"hello" in seen[1].read()


def test_raw_post_is_not_repeated_unless_declared_idempotent(make_client: ClientFactory) -> None:
    api = ScriptedApi(lambda r: httpx.Response(500, json={"title": "boom"}))
    client, seen = make_client(transport=api.transport), api.sent
    with pytest.raises(WriteOutcomeUnknownError):
        client.request("POST", "/capacity", module="dispatch", json={})
    assert len(seen) == 1
    with pytest.raises(TransientError):
        client.request("POST", "/capacity", module="dispatch", json={}, idempotent=True)
    assert len(seen) == 1 + 4


def test_own_retry_settings(make_client: ClientFactory) -> None:
    sleeps: list[float] = []
    api = ScriptedApi(lambda r: httpx.Response(404, json={"title": "gone"}))
    client, seen = make_client(transport=api.transport, sleep=sleeps.append), api.sent
    client = client.with_options()  # the view shares the session
    with pytest.raises(NotFoundError):
        client.request("GET", "/jobs/1", module="jpm")
    assert len(seen) == 1  # 404 is permanent by default
    retrying = RetryPolicy(max_attempts=3, backoff="fixed", base_delay=0.0, retry_all_errors=True)
    with pytest.raises(NotFoundError):
        client.request("GET", "/jobs/1", module="jpm", retry=retrying)
    assert len(seen) == 1 + 3
    with pytest.raises(NotFoundError):
        client.request("GET", "/jobs/1", module="jpm", retry=RetryPolicy.never())
    assert len(seen) == 1 + 3 + 1
    assert sleeps == [0.0, 0.0]  # only the retrying policy waited, its fixed 0 s, twice


def test_fixed_delay_policy(make_client: ClientFactory) -> None:
    sleeps: list[float] = []
    busy = lambda request: httpx.Response(503, json={})  # noqa: E731
    api = ScriptedApi(busy, busy, ok())
    client = make_client(transport=api.transport, sleep=sleeps.append)
    client.request("GET", "/jobs", module="jpm", retry=RetryPolicy.fixed(0.25, max_attempts=3))
    assert sleeps == [0.25, 0.25] and len(api.sent) == 3


def _live_responses() -> int:
    # type() rather than isinstance(): isinstance() on a dead weakref proxy that the
    # collector still lists raises ReferenceError.
    return sum(type(o) is httpx.Response for o in gc.get_objects())


def test_responses_are_freed_without_waiting_for_the_cyclic_collector(
    st_client: ServiceTitanClient,
) -> None:
    """httpx ties a response and its stream in a cycle; the client unties it, so a decoded
    body (an export page is ~30 MB) is freed at once, not at the next full collection."""
    gc.collect()
    gc.disable()
    try:
        before = _live_responses()
        for _ in range(3):
            st_client.request("GET", "/jobs", module="jpm", params={"pageSize": 50})
        list(st_client.export_pages("jpm", "jobs", max_pages=2))
        assert _live_responses() == before
    finally:
        gc.enable()
