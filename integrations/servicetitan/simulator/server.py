"""A small threaded HTTP/1.1 WSGI server for the simulator.

Why not gunicorn / wsgiref / waitress:

* ``wsgiref.simple_server`` speaks HTTP/1.0 semantics (one request per connection); clients
  with connection pools would pay a TCP handshake per call and the benchmark would measure
  that instead of the simulator.
* gunicorn forks workers (state would not be shared) and is awkward in-process.
* waitress would be fine but is one more dependency, and the ``drop`` fault needs to close a
  socket without answering, which is simplest with direct access to the connection.

So: ``http.server.ThreadingHTTPServer`` with ``protocol_version = "HTTP/1.1"`` (persistent
connections, one thread per connection), a minimal WSGI gateway (environ in, status/headers/
body out, one ``sendall`` per response, ``TCP_NODELAY`` so small responses are not held back by
Nagle's algorithm), and idle connections closed after 75 s.
"""

from __future__ import annotations

import contextlib
import gc
import io
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from integrations.servicetitan.simulator.http import ConnectionDropped

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], app: WsgiApp) -> None:
        self.app = app
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-response (or the drop fault) are not server errors.
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError | ConnectionDropped):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ServiceTitanSimulator/1.0"
    sys_version = ""
    timeout = 75
    server: _Server

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except (TimeoutError, ConnectionError):
            self.close_connection = True
            return
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if not self.parse_request():
            return
        self._serve()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _environ(self, body: bytes) -> dict[str, Any]:
        parts = urlsplit(self.path)
        host, port = self.server.server_address[:2]
        environ: dict[str, Any] = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": parts.path,
            "QUERY_STRING": parts.query,
            "SERVER_NAME": str(host),
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "CONTENT_LENGTH": str(len(body)),
            "servicetitan.simulator.http": True,
        }
        for key, value in self.headers.items():
            name = key.upper().replace("-", "_")
            if name == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif name != "CONTENT_LENGTH":
                environ[f"HTTP_{name}"] = value
        return environ

    def _serve(self) -> None:
        body = self._read_body()
        status_holder: list[str] = []
        headers_holder: list[list[tuple[str, str]]] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            status_holder.append(status)
            headers_holder.append(headers)
            return lambda _data: None

        try:
            chunks = self.server.app(self._environ(body), start_response)
            payload = b"".join(chunks)
        except ConnectionDropped:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        headers = headers_holder[-1] if headers_holder else []
        lines = [f"{self.protocol_version} {status_holder[-1]}"]
        lines.extend(f"{k}: {v}" for k, v in headers)
        lines.append(f"Server: {self.server_version}")
        if self.close_connection or self.headers.get("Connection", "").lower() == "close":
            lines.append("Connection: close")
            self.close_connection = True
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + payload if self.command != "HEAD" else head)

    def log_message(self, format: str, *args: Any) -> None:
        return


def make_server(app: WsgiApp, host: str = "127.0.0.1", port: int = 0) -> _Server:
    return _Server((host, port), app)


def base_url(server: _Server) -> str:
    host, port = server.server_address[:2]
    name = host.decode() if isinstance(host, bytes) else host
    return f"http://{name}:{port}"


@contextlib.contextmanager
def run_in_thread(app: WsgiApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` from a background thread; yields the base URL (port 0 = ephemeral)."""
    server = make_server(app, host, port)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield base_url(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def serve(app: WsgiApp, host: str, port: int, banner: str | None = None) -> None:
    """Serve until SIGINT/SIGTERM; prints ``banner`` (one line, flushed) once listening.

    The seeded tenant (a large one holds millions of small objects) lives as long as the
    process, so it is moved out of the garbage collector's reach with ``gc.freeze()``: full
    collections would otherwise rescan it while export pages allocate, costing up to a third of
    the serving time.
    """
    gc.collect()
    gc.freeze()
    server = make_server(app, host, port)
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        url = base_url(server)
        print(banner.format(url=url) if banner else f"ServiceTitan simulator at {url}", flush=True)
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
