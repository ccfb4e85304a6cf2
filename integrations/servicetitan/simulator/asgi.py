"""The simulator as an ASGI application (``Simulator.asgi``), for async clients and servers.

Tests mount it in-process with ``httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.asgi))``
exactly as they mount the WSGI callable with ``httpx.WSGITransport``. Requests are answered by
the same :meth:`Simulator.handle` (run in a worker thread, so latency faults and big export
pages do not block the event loop). The "drop" fault raises
:class:`~integrations.servicetitan.simulator.http.ConnectionDropped` out of the app, which
``httpx.ASGITransport`` hands to the caller as the ``httpx.RemoteProtocolError`` a real hang-up
produces; an ASGI server would close the connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from integrations.servicetitan.simulator.http import ConnectionDropped, Request

if TYPE_CHECKING:
    from integrations.servicetitan.simulator.app import Simulator

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class AsgiApp:
    """ASGI 3 adapter around one :class:`Simulator` (``http`` and ``lifespan`` scopes)."""

    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            raise ValueError(f"the simulator serves HTTP, not {scope['type']!r}")
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        request = request_from_scope(scope, b"".join(chunks))
        response = await asyncio.to_thread(self.simulator.handle, request)
        if response.drop:
            raise ConnectionDropped
        headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in response.header_list()
        ]
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})


def request_from_scope(scope: Scope, body: bytes) -> Request:
    headers: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        headers[name.decode("latin-1").lower()] = value.decode("latin-1")
    client = scope.get("client")
    return Request(
        method=str(scope.get("method", "GET")).upper(),
        path=str(scope.get("path", "/")) or "/",
        query=parse_qs(
            bytes(scope.get("query_string", b"")).decode("latin-1"), keep_blank_values=True
        ),
        headers=headers,
        body=body,
        remote_addr=str(client[0]) if client else "",
        # Behind an ASGI server the control API must see the real peer (loopback only).
        over_http=scope.get("server") is not None and client is not None,
    )


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
