"""How fast does the ServiceTitan simulator serve export pages?

Starts ``python -m integrations.servicetitan.simulator`` (large tenant by default) as a separate
process, then walks export feeds over real HTTP (keep-alive, 5,000-row pages) and reports rows/s
end to end (the client parses every page with orjson, the garbage collector paused as the
ServiceTitan client does), rows/s of the simulator alone (the time
it spent answering, ``durationMs`` in ``/_sim/requests``), ms per page, bytes per row and the
server's resident memory; then repeats in-process through ``httpx.WSGITransport``. Run from the
repository root::

    .venv/bin/python bench/simulator_export.py                 # large tenant, 10 pages per feed
    .venv/bin/python bench/simulator_export.py --scale medium --pages 0   # whole feeds
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from integrations.servicetitan.resources.base import gc_paused  # noqa: E402
from integrations.servicetitan.simulator import Simulator, SimulatorConfig  # noqa: E402

FEEDS = {
    "jobs": "jpm",
    "appointments": "jpm",
    "appointment-assignments": "dispatch",
    "customers": "crm",
    "locations": "crm",
    "customers/contacts": "crm",
    "leads": "crm",
    "bookings": "crm",
    "invoices": "accounting",
    "invoice-items": "accounting",
    "payments": "accounting",
    "estimates": "sales",
    "installed-equipment": "equipmentsystems",
    "projects": "jpm",
    "service-agreements": "service-agreements",
}
CREDENTIALS = {
    "grant_type": "client_credentials",
    "client_id": "sim-client-id",
    "client_secret": "sim-client-secret",
}


@dataclass
class Result:
    feed: str
    rows: int
    pages: int
    seconds: float
    size: int
    server_ms: float = 0.0

    def line(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        server = self.rows / (self.server_ms / 1000) if self.server_ms else 0.0
        per_page = self.seconds / self.pages * 1000 if self.pages else 0.0
        per_row = self.size / self.rows if self.rows else 0
        return (
            f"| {self.feed:<24} | {self.rows:>8,} | {self.pages:>5} | {rate:>10,.0f} | "
            f"{server:>10,.0f} | {per_page:>8,.0f} | {per_row:>6,.0f} |"
        )


def rss_mib(pid: int) -> float:
    with Path(f"/proc/{pid}/status").open() as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def server_ms(client: httpx.Client, since: int) -> float:
    """Time the simulator spent answering the export calls logged after ``since``."""
    body = client.get("/_sim/requests", params={"since": since}).json()
    return float(sum(e["durationMs"] for e in body["requests"] if "/export/" in e["path"]))


def last_seq(client: httpx.Client) -> int:
    return int(client.get("/_sim/requests", params={"limit": 0}).json()["summary"]["lastSeq"])


def walk(client: httpx.Client, feed: str, max_pages: int) -> Result:
    seq = last_seq(client)
    params: dict[str, str] = {}
    rows = pages = size = 0
    started = time.perf_counter()
    while True:
        response = client.get(f"/{FEEDS[feed]}/v2/tenant/1000/export/{feed}", params=params)
        response.raise_for_status()
        with gc_paused():  # as the client decodes export pages (resources/base.py)
            body = orjson.loads(response.content)
        rows += len(body["data"])
        size += len(response.content)
        pages += 1
        params["from"] = body["continueFrom"]
        if not body["hasMore"] or (max_pages and pages >= max_pages):
            break
    seconds = time.perf_counter() - started
    return Result(feed, rows, pages, seconds, size, server_ms(client, seq))


def authenticated(client: httpx.Client) -> httpx.Client:
    value = client.post("/connect/token", data=CREDENTIALS).json()["access_token"]
    client.headers.update({"Authorization": f"Bearer {value}", "ST-App-Key": "sim-app-key"})
    return client


def table(results: list[Result]) -> str:
    head = (
        "| feed                     |     rows | pages |     rows/s |   server/s |  ms/page "
        "|  B/row |\n"
        "|--------------------------|---------:|------:|-----------:|-----------:|---------:"
        "|-------:|"
    )
    total_rows = sum(r.rows for r in results)
    total_seconds = sum(r.seconds for r in results)
    total_server = sum(r.server_ms for r in results) / 1000
    rate = total_rows / total_seconds if total_seconds else 0.0
    server = total_rows / total_server if total_server else 0.0
    footer = (
        f"| **all feeds**            | {total_rows:>8,} |       | {rate:>10,.0f} | "
        f"{server:>10,.0f} |          |        |"
    )
    return "\n".join([head, *(r.line() for r in results), footer])


def over_http(args: argparse.Namespace) -> None:
    command = [
        sys.executable, "-m", "integrations.servicetitan.simulator", "--port", "0",
        "--scale", args.scale, "--rate-limit", "0", "--export-batch-size", str(args.batch),
    ]  # fmt: skip
    started = time.perf_counter()
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert server.stdout is not None
        banner = server.stdout.readline().strip()
        ready = time.perf_counter() - started
        base_url = banner.split()[3]
        print(f"server: {banner}")
        print(
            f"startup (process start → listening): {ready:.1f} s; RSS {rss_mib(server.pid):.0f} MiB"
        )
        with httpx.Client(base_url=base_url, timeout=120) as client:
            authenticated(client)
            results = [walk(client, feed, args.pages) for feed in args.feeds]
        after = rss_mib(server.pid)
        print(
            f"\nover HTTP (keep-alive, {args.batch}-row pages), server RSS after: {after:.0f} MiB\n"
        )
        print(table(results))
    finally:
        server.terminate()
        server.wait(timeout=30)


def in_process(args: argparse.Namespace) -> None:
    before = rss_mib(os.getpid())
    started = time.perf_counter()
    sim = Simulator(SimulatorConfig(scale=args.scale, rate_limit=0, export_batch_size=args.batch))
    built = time.perf_counter() - started
    gc.collect()
    gc.freeze()  # as the server does (see server.serve)
    print(
        f"\nin-process build: {built:.1f} s; RSS {rss_mib(os.getpid()):.0f} MiB (was {before:.0f})"
    )
    transport = httpx.WSGITransport(app=sim)
    with httpx.Client(transport=transport, base_url="http://sim", timeout=120) as client:
        authenticated(client)
        results = [walk(client, feed, args.pages) for feed in args.feeds]
    print(f"\nin-process (httpx.WSGITransport), RSS after: {rss_mib(os.getpid()):.0f} MiB\n")
    print(table(results))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", default="large", choices=("small", "medium", "large"))
    parser.add_argument("--pages", type=int, default=10, help="pages per feed (0 = whole feed)")
    parser.add_argument("--batch", type=int, default=5000, help="export batch size")
    parser.add_argument("--feeds", nargs="*", default=list(FEEDS), choices=list(FEEDS))
    parser.add_argument("--skip-in-process", action="store_true")
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    over_http(args)
    if not args.skip_in_process:
        in_process(args)


if __name__ == "__main__":
    main()
