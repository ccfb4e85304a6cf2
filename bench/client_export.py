"""Benchmark: export the large simulated tenant through the ServiceTitan client.

Starts ``python -m integrations.servicetitan.simulator --scale large`` (its own 60 requests/s
limit on) as a separate process on an ephemeral port, then measures

1. **client export**: every export feed the simulator serves (1.5 million rows), page by page
   through ``ServiceTitanClient`` (``feed.pages()``: raw rows, orjson, keep-alive, token,
   limiter, retries): rows/s per feed and overall, and the share of that time the simulator
   itself spent on the pages (``durationMs`` in its request log);
2. **baseline**: the same feeds through a plain page-by-page loop of synchronous ``httpx``
   requests decoded with ``response.json()``. Each feed is walked three times: by the client
   first (the simulator renders the feed for the first time: "first walk"), then by the
   baseline, then by the client again, so the compared walks meet an equally warm server;
3. **requests per second observed by the simulator** during both, from ``/_sim/requests``
   (arrival times): the maximum in any one-second sliding window, and 429 answers;
4. **the client's own cost**: a few pages of jobs and invoices recorded once and replayed from
   memory (``httpx.MockTransport``) through the client and through the plain loop;
5. **the limiter holds**: a second simulator (medium tenant) serving export pages of only
   10 rows, walked by the client with its default limiter (60/s), so requests are as small as
   they get; and 8 threads sharing one client firing small list requests at the large one.
   Both report the simulator's busiest one-second window (must be <= 60) and its 429s.

Run from the repository root::

    .venv/bin/python bench/client_export.py                        # every feed, large tenant
    .venv/bin/python bench/client_export.py --feeds jpm/jobs accounting/invoices
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from integrations.servicetitan import (  # noqa: E402
    ClientOptions,
    Connection,
    InMemoryRateLimiter,
    RateLimit,
    ServiceTitanClient,
    UnlimitedRateLimiter,
)

TENANT = 1000
LIMIT = 60
CREDENTIALS = {
    "app_key": "sim-app-key",
    "client_id": "sim-client-id",
    "client_secret": "sim-client-secret",
}
BURST_THREADS = 8
BURST_REQUESTS = 40
#: Every client shares one limiter, as workers sharing Redis do: a fresh limiter would not
#: know about the requests the previous phase sent during the last second.
LIMITER = InMemoryRateLimiter(RateLimit(limit=LIMIT))


@contextmanager
def simulator(scale: str, *extra: str) -> Iterator[tuple[str, int]]:
    """``(base URL, pid)`` of a simulator subprocess with its default 60/s limit."""
    command = [
        sys.executable, "-m", "integrations.servicetitan.simulator", "--port", "0",
        "--scale", scale, *extra,
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            found = re.search(r"(http://[\d.]+:\d+)", line)
            if found:
                yield found.group(1), process.pid
                break
        else:
            raise RuntimeError("simulator exited before printing its URL")
    finally:
        process.terminate()
        process.wait(timeout=30)


def make_client(base_url: str) -> ServiceTitanClient:
    connection = Connection.for_base_url(base_url, tenant=TENANT, **CREDENTIALS)
    client = ServiceTitanClient(connection, ClientOptions(), rate_limiter=LIMITER)
    client.session.tokens.current()  # auth is not what we measure
    return client


def served_feeds(base_url: str, client: ServiceTitanClient, wanted: Sequence[str]) -> list[str]:
    """The client's export feeds (``module/resource``) whose rows the simulator holds."""
    state = httpx.get(f"{base_url}/_sim/state", timeout=600).json()
    aliases = {"customers/contacts": "customer-contacts", "locations/contacts": "location-contacts"}
    names = []
    for name in client.export_feeds():
        resource = name.split("/", 1)[1]
        if state.get(aliases.get(resource, resource)) and (not wanted or name in wanted):
            names.append(name)
    return names


@dataclass
class Walk:
    rows: int = 0
    pages: int = 0
    seconds: float = 0.0
    server_ms: float = 0.0


def client_walk(client: ServiceTitanClient, feed: str, max_pages: int | None = None) -> Walk:
    walk = Walk()
    started = time.perf_counter()
    for page in client.export_feeds()[feed].pages(max_pages=max_pages):
        walk.rows += len(page.rows)
        walk.pages += 1
    walk.seconds = time.perf_counter() - started
    return walk


def baseline_walk(base_url: str, feed: str) -> Walk:
    """What a hand-written loop does: one synchronous request per page, ``response.json()``."""
    module, resource = feed.split("/", 1)
    with httpx.Client(timeout=120) as http:
        token = http.post(
            f"{base_url}/connect/token",
            data={
                "grant_type": "client_credentials",
                "client_id": CREDENTIALS["client_id"],
                "client_secret": CREDENTIALS["client_secret"],
            },
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "ST-App-Key": CREDENTIALS["app_key"]}
        url = f"{base_url}/{module}/v2/tenant/{TENANT}/export/{resource}"
        walk = Walk()
        started = time.perf_counter()
        params: dict[str, str] = {}
        while True:
            body = http.get(url, params=params, headers=headers).json()
            walk.rows += len(body["data"])
            walk.pages += 1
            if not body["hasMore"]:
                break
            params = {"from": body["continueFrom"]}
        walk.seconds = time.perf_counter() - started
        return walk


def log_since(base_url: str, seq: int) -> list[dict[str, Any]]:
    body = httpx.get(f"{base_url}/_sim/requests", params={"since": seq}, timeout=60).json()
    entries: list[dict[str, Any]] = body["requests"]
    return entries


def last_seq(base_url: str) -> int:
    summary = httpx.get(f"{base_url}/_sim/requests", params={"limit": 0}, timeout=60).json()
    return int(summary["summary"]["lastSeq"])


def max_per_window(timestamps: Sequence[float], window: float = 1.0) -> int:
    """Most requests arriving inside any ``window``-second sliding window."""
    times = sorted(timestamps)
    best = start = 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


@dataclass
class Observed:
    requests: int
    throttled: int
    peak: int

    def line(self) -> str:
        return (
            f"simulator saw {self.requests} API requests, at most {self.peak} in any one-second "
            f"window (limit {LIMIT}), {self.throttled} x 429"
        )


def observe(base_url: str, seq: int) -> Observed:
    api = [e for e in log_since(base_url, seq) if "/tenant/" in e["path"]]
    return Observed(
        len(api),
        sum(1 for e in api if e["status"] == 429),
        max_per_window([e["timestamp"] for e in api]),
    )


def server_ms(base_url: str, seq: int) -> float:
    return sum(e["durationMs"] for e in log_since(base_url, seq) if "/export/" in e["path"])


def rss_mib(pid: int) -> float:
    with Path(f"/proc/{pid}/status").open() as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def table(rows: Sequence[tuple[str, Walk, Walk, Walk]]) -> str:
    lines = [
        "| feed                                 |      rows | first walk | client rows/s "
        "| (server share) | baseline rows/s | client/baseline |",
        "|--------------------------------------|----------:|-----------:|--------------:"
        "|---------------:|----------------:|----------------:|",
    ]
    totals = (Walk(), Walk(), Walk())
    for name, *walks in rows:
        for total, walk in zip(totals, walks, strict=True):
            total.rows += walk.rows
            total.seconds += walk.seconds
            total.server_ms += walk.server_ms
        lines.append(_row(name, *walks))
    lines.append(_row("**all feeds**", *totals))
    return "\n".join(lines)


def _rate(walk: Walk) -> float:
    return walk.rows / walk.seconds if walk.seconds else 0.0


def _row(name: str, first: Walk, client: Walk, baseline: Walk) -> str:
    share = client.server_ms / 1000 / client.seconds if client.seconds else 0.0
    ratio = _rate(client) / _rate(baseline) if _rate(baseline) else 0.0
    return (
        f"| {name:<36} | {client.rows:>9,} | {_rate(first):>10,.0f} | {_rate(client):>13,.0f} "
        f"| {share:>14.0%} | {_rate(baseline):>15,.0f} | {ratio:>14.2f}x |"
    )


def burst(client: ServiceTitanClient) -> tuple[int, float]:
    def work() -> None:
        for _ in range(BURST_REQUESTS):
            client.job_types.list(page_size=5)

    threads = [threading.Thread(target=work) for _ in range(BURST_THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return BURST_THREADS * BURST_REQUESTS, time.perf_counter() - started


def capture(base_url: str, feed: str, pages: int) -> httpx.MockTransport:
    """Record the first ``pages`` pages of a feed, then replay them from memory: client and
    baseline measured with no server cost at all."""
    module, resource = feed.split("/", 1)
    recorded: dict[str, bytes] = {}
    with httpx.Client(timeout=120) as http:
        token = http.post(
            f"{base_url}/connect/token",
            data={
                "grant_type": "client_credentials",
                "client_id": CREDENTIALS["client_id"],
                "client_secret": CREDENTIALS["client_secret"],
            },
        ).content
        value = httpx.Response(200, content=token).json()["access_token"]
        headers = {"Authorization": f"Bearer {value}", "ST-App-Key": CREDENTIALS["app_key"]}
        url = f"{base_url}/{module}/v2/tenant/{TENANT}/export/{resource}"
        start = ""
        for _ in range(pages):
            response = http.get(url, params={"from": start} if start else {}, headers=headers)
            body = response.json()
            if len(recorded) == pages - 1 or not body["hasMore"]:
                body["hasMore"] = False  # the replayed feed ends here
                recorded[start] = httpx.Response(200, json=body).content
                break
            recorded[start] = response.content
            start = body["continueFrom"]

    def replay(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/connect/token"):
            return httpx.Response(200, content=token)
        return httpx.Response(200, content=recorded[request.url.params.get("from", "")])

    return httpx.MockTransport(replay)


def replayed(feed: str, transport: httpx.MockTransport) -> tuple[float, float]:
    """(client rows/s, baseline rows/s) over the recorded pages, best of three each."""
    connection = Connection.for_base_url("http://replay", tenant=TENANT, **CREDENTIALS)
    client = ServiceTitanClient(
        connection, ClientOptions(), transport=transport, rate_limiter=UnlimitedRateLimiter()
    )
    client.session.tokens.current()
    module, resource = feed.split("/", 1)
    url = f"http://replay/{module}/v2/tenant/{TENANT}/export/{resource}"
    best_client = best_baseline = 0.0
    with client, httpx.Client(transport=transport) as http:
        for _ in range(3):
            walk = client_walk(client, feed)
            best_client = max(best_client, walk.rows / walk.seconds)
            rows, started = 0, time.perf_counter()
            params: dict[str, str] = {}
            while True:
                body = http.get(url, params=params).json()
                rows += len(body["data"])
                if not body["hasMore"]:
                    break
                params = {"from": body["continueFrom"]}
            best_baseline = max(best_baseline, rows / (time.perf_counter() - started))
    return best_client, best_baseline


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", default="large", choices=("small", "medium", "large"))
    parser.add_argument("--feeds", nargs="*", default=[], help="module/resource (default: all)")
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    failed = False
    with simulator(args.scale) as (base_url, pid), make_client(base_url) as client:
        feeds = served_feeds(base_url, client, args.feeds)
        print(
            f"simulator ({args.scale}) at {base_url}, RSS {rss_mib(pid):.0f} MiB; "
            f"{len(feeds)} export feeds",
            flush=True,
        )
        results: list[tuple[str, Walk, Walk, Walk]] = []
        start_seq = last_seq(base_url)
        for feed in feeds:
            # First walk: the simulator renders this feed for the first time (templates,
            # name/address caches); then baseline and client again on equal terms.
            seq = last_seq(base_url)
            first = client_walk(client, feed)
            first.server_ms = server_ms(base_url, seq)
            seq = last_seq(base_url)
            base = baseline_walk(base_url, feed)
            base.server_ms = server_ms(base_url, seq)
            seq = last_seq(base_url)
            measured = client_walk(client, feed)
            measured.server_ms = server_ms(base_url, seq)
            results.append((feed, first, measured, base))
            print(
                f"  {feed}: {measured.rows:,} rows, client {first.seconds:.1f} s (first "
                f"walk), {measured.seconds:.1f} s; baseline {base.seconds:.1f} s",
                flush=True,
            )
        exports = observe(base_url, start_seq)
        print(f"\nover HTTP, 5,000-row pages; simulator RSS after: {rss_mib(pid):.0f} MiB\n")
        print(table(results))
        print(f"\nduring the exports: {exports.line()}")

        # The baseline's requests bypassed the client's limiter (another app, as far as it
        # knows): let them leave the simulator's one-second window before the burst.
        time.sleep(1.2)
        seq = last_seq(base_url)
        sent, seconds = burst(client)
        bursts = observe(base_url, seq)
        print(
            f"\nburst: {sent} small list requests from {BURST_THREADS} threads in "
            f"{seconds:.1f} s ({sent / seconds:.1f}/s); {bursts.line()}"
        )
        failed |= exports.peak > LIMIT or exports.throttled > 0
        failed |= bursts.peak > LIMIT or bursts.throttled > 0

        print("\nclient cost alone (pages recorded once, replayed from memory, best of 3):")
        for feed, pages in (("jpm/jobs", 6), ("accounting/invoices", 3)):
            if feed in feeds:
                client_rate, baseline_rate = replayed(feed, capture(base_url, feed, pages))
                print(
                    f"  {feed}: client {client_rate:,.0f} rows/s, baseline "
                    f"{baseline_rate:,.0f} rows/s ({client_rate / baseline_rate:.2f}x)"
                )

    with simulator("medium", "--export-batch-size", "10") as (small_url, _pid):
        with make_client(small_url) as client:
            seq = last_seq(small_url)
            walk = client_walk(client, "jpm/jobs")
            small = observe(small_url, seq)
        print(
            f"\nsmall pages: jobs export of the medium tenant in 10-row pages, {walk.pages} "
            f"requests in {walk.seconds:.1f} s ({walk.pages / walk.seconds:.1f}/s); "
            f"{small.line()}"
        )
        failed |= small.peak > LIMIT or small.throttled > 0
    if failed:
        print("FAIL: the simulator saw more than the limit, or answered 429", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
