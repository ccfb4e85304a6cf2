"""Benchmark: export a large simulated tenant through the ServiceTitan client.

Starts ``python -m integrations.servicetitan.simulator --scale large`` as a subprocess on an
ephemeral port, then measures

1. rows/s of ``client.jobs.export_pages()`` (100,000 jobs) and of ``client.invoices.items_feed``
   (every invoice item) — the sync engine's hot path: raw rows, orjson, keep-alive;
2. the same jobs export through a plain page-by-page loop of synchronous ``httpx`` requests
   (``response.json()``), as a baseline;
3. the client's own cost per row, without a server: the same 20 export pages (captured bytes)
   replayed through ``httpx.MockTransport``, client vs. the plain loop;
4. rate-limit safety: 8 threads firing small list requests through one client, against the
   simulator's 60 requests/s limit; the simulator's request log gives the maximum number of
   requests in any one-second sliding window (must be <= 60) and the number of 429s.

Every client shares one limiter, as workers sharing Redis would: a fresh limiter would not
know about the requests the previous phase sent during the last second.

Run: ``.venv/bin/python bench/client_export.py`` (figures go to bench/README.md by hand).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from integrations.servicetitan import (  # noqa: E402
    ClientOptions,
    Connection,
    InMemoryRateLimiter,
    RateLimit,
    ServiceTitanClient,
)

LIMITER = InMemoryRateLimiter(RateLimit())

TENANT = 1000
CREDENTIALS = {
    "app_key": "sim-app-key",
    "client_id": "sim-client-id",
    "client_secret": "sim-client-secret",
}
BURST_THREADS = 8
BURST_REQUESTS = 40


@contextmanager
def simulator(scale: str = "large") -> Iterator[str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "integrations.servicetitan.simulator",
            "--port",
            "0",
            "--scale",
            scale,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            found = re.search(r"(http://[\d.]+:\d+)", line)
            if found:
                yield found.group(1)
                break
        else:
            raise RuntimeError("simulator exited before printing its URL")
    finally:
        process.terminate()
        process.wait(timeout=10)


def make_client(base_url: str, transport: httpx.BaseTransport | None = None) -> ServiceTitanClient:
    connection = Connection.for_base_url(base_url, tenant=TENANT, **CREDENTIALS)
    return ServiceTitanClient(
        connection, ClientOptions(), transport=transport, rate_limiter=LIMITER
    )


def client_export(
    base_url: str, transport: httpx.BaseTransport | None = None
) -> tuple[int, float, int]:
    with make_client(base_url, transport) as client:
        client.session.tokens.current()  # auth is not what we measure
        started = time.perf_counter()
        rows = pages = 0
        for page in client.jobs.export_pages():
            rows += len(page.rows)
            pages += 1
        return rows, time.perf_counter() - started, pages


def client_feed(base_url: str) -> tuple[int, float]:
    with make_client(base_url) as client:
        client.session.tokens.current()
        started = time.perf_counter()
        rows = client.invoices.items_feed.rows()
        count = sum(1 for _ in rows)
        return count, time.perf_counter() - started


def baseline_export(
    base_url: str, transport: httpx.BaseTransport | None = None
) -> tuple[int, float]:
    """What a hand-written loop does: stdlib JSON decoding, one request per page."""
    with httpx.Client(timeout=100, transport=transport) as http:
        token = http.post(
            f"{base_url}/connect/token",
            data={
                "grant_type": "client_credentials",
                "client_id": CREDENTIALS["client_id"],
                "client_secret": CREDENTIALS["client_secret"],
            },
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "ST-App-Key": CREDENTIALS["app_key"]}
        url = f"{base_url}/jpm/v2/tenant/{TENANT}/export/jobs"
        started = time.perf_counter()
        rows = 0
        params: dict[str, str] = {}
        while True:
            body = http.get(url, params=params, headers=headers).json()
            rows += len(body["data"])
            if not body["hasMore"]:
                break
            params = {"from": body["continueFrom"]}
        return rows, time.perf_counter() - started


def burst(base_url: str) -> tuple[int, float]:
    with make_client(base_url) as client:
        client.session.tokens.current()

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


def capture_pages(base_url: str) -> httpx.MockTransport:
    """Record the jobs export once, then replay it from memory (no server cost at all)."""
    pages: dict[str, bytes] = {}
    with httpx.Client(timeout=100) as http:
        token = http.post(
            f"{base_url}/connect/token",
            data={
                "grant_type": "client_credentials",
                "client_id": CREDENTIALS["client_id"],
                "client_secret": CREDENTIALS["client_secret"],
            },
        ).content
        headers = {"ST-App-Key": CREDENTIALS["app_key"]}
        headers["Authorization"] = (
            "Bearer " + httpx.Response(200, content=token).json()["access_token"]
        )
        url = f"{base_url}/jpm/v2/tenant/{TENANT}/export/jobs"
        start = ""
        while True:
            response = http.get(url, params={"from": start} if start else {}, headers=headers)
            pages[start] = response.content
            body = response.json()
            if not body["hasMore"]:
                break
            start = body["continueFrom"]

    def replay(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/connect/token"):
            return httpx.Response(200, content=token)
        return httpx.Response(200, content=pages[request.url.params.get("from", "")])

    return httpx.MockTransport(replay)


def max_per_window(timestamps: Sequence[float], window: float = 1.0) -> int:
    times = sorted(timestamps)
    best = start = 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def observed(base_url: str, since: int) -> tuple[int, int, int]:
    entries = httpx.get(f"{base_url}/_sim/requests", params={"since": since}).json()
    rows = entries["requests"] if isinstance(entries, dict) else entries
    api = [e for e in rows if "/tenant/" in e["path"]]
    return (
        len(api),
        sum(1 for e in api if e["status"] == 429),
        max_per_window([e["timestamp"] for e in api]),
    )


def last_seq(base_url: str) -> int:
    entries = httpx.get(f"{base_url}/_sim/requests").json()
    rows = entries["requests"] if isinstance(entries, dict) else entries
    return max((e["seq"] for e in rows), default=0)


def best(runs: Sequence[tuple[int, float]]) -> tuple[int, float]:
    return min(runs, key=lambda run: run[1])


def rate(rows: int, seconds: float) -> str:
    return f"{rows:>7} rows in {seconds:6.2f} s = {rows / seconds:>9,.0f} rows/s"


def main() -> int:
    print("starting the simulator (scale=large)...", flush=True)
    with simulator() as base_url:
        httpx.get(f"{base_url}/_sim/state", timeout=600)
        baseline_export(base_url)  # warm-up: the simulator builds rows on first read
        client_runs = [client_export(base_url)[:2] for _ in range(2)]
        baseline_runs = [baseline_export(base_url) for _ in range(2)]
        print("over HTTP against the simulator (best of 2):")
        print("  client   jobs export   :", rate(*best(client_runs)))
        print("  baseline jobs export   :", rate(*best(baseline_runs)))
        print("  client   invoice items :", rate(*client_feed(base_url)))

        replay = capture_pages(base_url)
        cached_client = best([client_export("http://replay", replay)[:2] for _ in range(3)])
        cached_baseline = best([baseline_export("http://replay", replay) for _ in range(3)])
        print("client cost only (the 20 pages replayed from memory, best of 3):")
        print("  client   jobs export   :", rate(*cached_client))
        print("  baseline jobs export   :", rate(*cached_baseline))

        seq = last_seq(base_url)
        sent, burst_seconds = burst(base_url)
        total, throttled, peak = observed(base_url, seq)
        print(
            f"burst: {sent} requests from {BURST_THREADS} threads in {burst_seconds:.2f} s "
            f"({sent / burst_seconds:.1f}/s); the simulator saw {total}, "
            f"max {peak} in any 1-s window (limit 60), {throttled} x 429"
        )
        if peak > 60 or throttled:
            print("FAIL: the client exceeded the rate limit", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
