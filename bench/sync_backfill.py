"""How fast does AutoFile mirror a ServiceTitan tenant, and at what cost?

Starts the simulator (large tenant by default: 100,000 jobs, ~3 million records) as a separate
process, and a real Celery worker (``--pool solo``, the ``sync`` queue) as another, both talking
to the PostgreSQL and Redis of ``DATABASE_URL`` / ``REDIS_URL``. Then, phase by phase:

1. backfill: a full sync of every resource; rows/s into PostgreSQL overall and per resource,
   split into time spent waiting for the simulator's pages and time spent mapping and writing
   them (the worker reads the next page while it writes one: the sync's own rate is rows per
   second of writing); the worker's peak memory; requests per second against the 60/s limit.
2. incremental: 100 records changed in the simulator (50 customers renamed, 50 jobs tagged),
   then one incremental sync of every resource; how long until all of it is mirrored.
3. packet: with ``celery beat`` running at the default cadence and an import rule on a tag,
   how long from tagging a job in ServiceTitan to its packet existing (the target is 60 s).

Run from the repository root. It creates a fresh database (``autofile_sync_bench``, or
``$SYNC_BENCH_DATABASE``) on the server of ``DATABASE_URL`` and leaves it for inspection unless
``--drop``; the worker and beat use the Redis of ``REDIS_URL`` (its queues are purged)::

    set -a; . var/test.env; set +a
    .venv/bin/python bench/sync_backfill.py                      # large tenant, all phases
    .venv/bin/python bench/sync_backfill.py --scale medium --phases backfill
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autofile.settings")
BENCH_DATABASE = os.environ.get("SYNC_BENCH_DATABASE", "autofile_sync_bench")


def use_a_fresh_database() -> None:
    """Point this process (and the worker and beat it starts) at a new, empty database on the
    server of DATABASE_URL, so nothing else in it (other connections for beat to sync, rows
    of earlier runs) weighs on the figures."""
    import psycopg
    from psycopg import sql

    url = urlsplit(os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/autofile"))
    with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(BENCH_DATABASE)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DATABASE)))
    os.environ["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{BENCH_DATABASE}"))


if __name__ == "__main__":
    use_a_fresh_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection as database  # noqa: E402
from django.db.models import Max, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from autofile.accounts.models import Organization  # noqa: E402
from autofile.celery import app as celery_app  # noqa: E402
from autofile.mirror.models import (  # noqa: E402
    Connection,
    Customer,
    Job,
    SyncRun,
    SyncState,
    TagType,
)
from autofile.mirror.registry import RESOURCES  # noqa: E402
from autofile.mirror.services import connection_upsert  # noqa: E402
from autofile.mirror.tasks import sync_connection  # noqa: E402

MIRRORED = [r.name for r in RESOURCES if r.feed.kind != "per_job"]
SYNCED = list(MIRRORED)  # less what --skip leaves out
RATE_LIMIT = 60


def log(message: str) -> None:
    print(message, flush=True)


def proc_status(pid: int, field: str) -> float:
    """A /proc/<pid>/status memory figure (VmRSS, VmHWM) in MiB."""
    with contextlib.suppress(FileNotFoundError), Path(f"/proc/{pid}/status").open() as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


TICK = os.sysconf("SC_CLK_TCK")
APPLICATION = "autofile-sync-bench"  # the worker's PostgreSQL sessions, by application_name


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


class Cpu:
    """CPU seconds spent by the simulator, the worker, and the worker's PostgreSQL backends.

    Unlike wall-clock rates these do not depend on what else the machine is doing, so they
    say what a row costs each part, and how fast the sync would go with cores to spare.
    """

    def __init__(self, simulator: int, worker: int) -> None:
        self.simulator, self.worker = simulator, worker
        self.backends: dict[int, float] = {}

    def sample(self) -> None:
        with database.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APPLICATION]
            )
            for (pid,) in cursor.fetchall():
                self.backends[pid] = max(self.backends.get(pid, 0.0), cpu_seconds(pid))

    def totals(self) -> dict[str, float]:
        self.sample()
        return {
            "simulator": cpu_seconds(self.simulator),
            "worker": cpu_seconds(self.worker),
            "postgres": sum(self.backends.values()),
        }


@contextlib.contextmanager
def simulator(scale: str, rate_limit: int) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    command = [
        sys.executable, "-m", "integrations.servicetitan.simulator", "--port", "0",
        "--scale", scale, "--rate-limit", str(rate_limit),
    ]  # fmt: skip
    started = time.perf_counter()
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": "."}
    )
    try:
        assert server.stdout is not None
        banner = server.stdout.readline().strip()
        base_url = banner.split()[3]
        log(f"simulator ({scale}) ready in {time.perf_counter() - started:.1f} s at {base_url}")
        yield base_url, server
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextlib.contextmanager
def celery(*arguments: str, name: str) -> Iterator[subprocess.Popen[bytes]]:
    """A Celery process (worker or beat) of this project, logging to a temporary file."""
    logfile = Path(tempfile.gettempdir()) / f"autofile-bench-{name}.log"
    env = {
        **os.environ,
        "LOG_LEVEL": "WARNING",
        "SERVICETITAN_LOG_LEVEL": "WARNING",
        "PGAPPNAME": APPLICATION,
    }
    with logfile.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "autofile", *arguments, "--loglevel", "WARNING"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log(f"({name} log: {logfile})")


def worker() -> contextlib.AbstractContextManager[subprocess.Popen[bytes]]:
    return celery(
        "worker", "--pool", "solo", "-Q", "sync,default", "-n", "sync-bench@%h",
        "--without-gossip", "--without-mingle", name="worker",
    )  # fmt: skip


def wait_until(condition: Callable[[], Any], *, timeout: float, every: float = 0.25) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(every)
    raise TimeoutError("gave up waiting")


def runs_after(connection: Connection, mark: int) -> Any:
    return SyncRun.objects.filter(connection=connection, pk__gt=mark)


def last_run_id() -> int:
    return SyncRun.objects.aggregate(m=Max("pk"))["m"] or 0


def sync_and_wait(
    connection: Connection, *, full: bool, timeout: float, cpu: Cpu
) -> tuple[float, list[SyncRun], dict[str, float]]:
    """Queue a sync of every resource; wait for all its runs. Returns seconds, runs, and the
    worker's peak RSS (MiB) sampled while each resource ran."""
    mark = last_run_id()
    started = time.perf_counter()
    sync_connection.delay(connection.pk, None if SYNCED == MIRRORED else SYNCED, full)
    peaks: dict[str, float] = {}

    def finished() -> bool:
        runs = runs_after(connection, mark)
        running = runs.filter(status=SyncRun.Status.RUNNING).values_list("resource", flat=True)
        rss = proc_status(cpu.worker, "VmRSS")
        for resource in running:
            peaks[resource] = max(peaks.get(resource, 0.0), rss)
        cpu.sample()
        return runs.exclude(status=SyncRun.Status.RUNNING).count() >= len(SYNCED)

    wait_until(finished, timeout=timeout)
    seconds = time.perf_counter() - started
    runs = list(runs_after(connection, mark).order_by("pk"))
    return seconds, runs, peaks


def request_figures(base_url: str, since: int) -> tuple[int, float, int, dict[str, int]]:
    """API requests since sequence `since`: count, mean/s over their span, busiest second,
    and the statuses answered."""
    body = httpx.get(f"{base_url}/_sim/requests", params={"since": since}, timeout=60).json()
    entries = [e for e in body["requests"] if not e["path"].startswith("/connect/")]
    if not entries:
        return 0, 0.0, 0, {}
    stamps = sorted(e["timestamp"] for e in entries)
    span = max(stamps[-1] - stamps[0], 1e-9)
    per_second: dict[int, int] = {}
    for stamp in stamps:
        per_second[int(stamp)] = per_second.get(int(stamp), 0) + 1
    statuses: dict[str, int] = {}
    for e in entries:
        statuses[str(e["status"])] = statuses.get(str(e["status"]), 0) + 1
    return len(entries), len(entries) / span, max(per_second.values()), statuses


def last_request(base_url: str) -> int:
    """The sequence number of the simulator's latest request."""
    body = httpx.get(f"{base_url}/_sim/requests", params={"limit": 0}, timeout=60).json()
    return int(body["summary"]["lastSeq"])


def runs_table(runs: list[SyncRun], peaks: dict[str, float]) -> str:
    lines = [
        "| resource                 |      rows | pages |   seconds |  rows/s | waiting s "
        "| storing s | rows/s storing | peak RSS MiB |",
        "|--------------------------|----------:|------:|----------:|--------:|----------:"
        "|----------:|---------------:|-------------:|",
    ]
    for run in sorted(runs, key=lambda r: -r.rows):
        seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0.0
        rate = run.rows / seconds if seconds else 0.0
        storing = run.rows / run.store_seconds if run.store_seconds else 0.0
        lines.append(
            f"| {run.resource:<24} | {run.rows:>9,} | {run.pages:>5} | {seconds:>9.1f} | "
            f"{rate:>7,.0f} | {run.wait_seconds:>9.1f} | {run.store_seconds:>9.1f} | "
            f"{storing:>14,.0f} | {peaks.get(run.resource, 0.0):>12.0f} |"
        )
    return "\n".join(lines)


def backfill(connection: Connection, base_url: str, cpu: Cpu, timeout: float) -> None:
    log(f"\n## backfill (load average before: {load_average()})")
    since = last_request(base_url)
    baseline = proc_status(cpu.worker, "VmRSS")
    before = cpu.totals()
    seconds, runs, peaks = sync_and_wait(connection, full=True, timeout=timeout, cpu=cpu)
    spent = {part: value - before[part] for part, value in cpu.totals().items()}
    failed = [r for r in runs if r.status == SyncRun.Status.FAILED]
    rows = sum(r.rows for r in runs)
    waited = sum(r.wait_seconds for r in runs)
    stored = sum(r.store_seconds for r in runs)
    count, mean, busiest, statuses = request_figures(base_url, since)
    peak = max(proc_status(cpu.worker, "VmHWM"), *peaks.values())
    log(runs_table(runs, peaks))
    log(
        f"\nrows: {rows:,} in {seconds:.1f} s = **{rows / seconds:,.0f} rows/s** into PostgreSQL "
        f"(load average after: {load_average()})"
    )
    log(
        f"worker wall time: waiting for pages {waited:.1f} s, mapping + writing {stored:.1f} s "
        f"= {rows / stored if stored else 0:,.0f} rows/s while writing"
    )
    sync_cpu = spent["worker"] + spent["postgres"]
    log(
        "CPU seconds: simulator {simulator:.1f}, worker {worker:.1f}, its PostgreSQL backends "
        "{postgres:.1f}".format(**spent)
        + f"; per row: simulator {spent['simulator'] / rows * 1e6:.0f} µs, worker "
        f"{spent['worker'] / rows * 1e6:.0f} µs, PostgreSQL {spent['postgres'] / rows * 1e6:.0f} µs"
        f" → the sync alone: {rows / sync_cpu if sync_cpu else 0:,.0f} rows per CPU-second"
    )
    log(f"worker memory: {baseline:.0f} MiB at rest, peak {peak:.0f} MiB (VmHWM)")
    log(
        f"requests: {count:,}, {mean:.1f}/s on average, busiest second {busiest} "
        f"(limit {RATE_LIMIT}/s); statuses {statuses}"
    )
    if failed:
        log(f"FAILED: {', '.join(f'{r.resource}: {r.error[:200]}' for r in failed)}")


def connection_rows(table: str, connection: Connection, n: int, rng: random.Random) -> list[int]:
    with database.cursor() as cursor:
        cursor.execute(
            f'SELECT st_id FROM "{table}" WHERE connection_id = %s ORDER BY st_id',
            [connection.pk],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return rng.sample(ids, n)


def least_used_tag_type(connection: Connection) -> int:
    """The active tag type on the fewest mirrored jobs (ideally none)."""
    tags = list(
        TagType.objects.filter(connection=connection, active=True).values_list("st_id", flat=True)
    )
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT tag, count(*) FROM mirror_job, unnest(tag_type_ids) AS tag "
            "WHERE connection_id = %s GROUP BY tag",
            [connection.pk],
        )
        used = dict(cursor.fetchall())
    return min(tags, key=lambda tag: (used.get(tag, 0), tag))


def incremental(connection: Connection, base_url: str, cpu: Cpu, timeout: float) -> None:
    log(f"\n## incremental sync of 100 changed records (load average: {load_average()})")
    rng = random.Random(5)
    customers = connection_rows("mirror_customer", connection, 50, rng)  # 50 renamed
    jobs = connection_rows("mirror_job", connection, 50, rng)  # 50 tagged
    tag_type = least_used_tag_type(connection)
    with httpx.Client(base_url=base_url, timeout=30) as sim:
        for st_id in customers:
            sim.patch(f"/_sim/customers/{st_id}", json={"name": f"Renamed {st_id}"})
        for st_id in jobs:
            sim.post(f"/_sim/jobs/{st_id}/tags", json={"tagTypeId": tag_type}).raise_for_status()
    since = last_request(base_url)
    seconds, runs, _ = sync_and_wait(connection, full=False, timeout=timeout, cpu=cpu)
    count, _, _, _ = request_figures(base_url, since)
    rows = sum(r.rows for r in runs)
    by_resource = {r.resource: r.rows for r in runs if r.rows}
    renamed = Customer.objects.filter(
        connection=connection, st_id__in=customers, name__startswith="Renamed "
    ).count()
    tagged = Job.objects.filter(
        connection=connection, st_id__in=jobs, tag_type_ids__contains=[tag_type]
    ).count()
    log(
        f"incremental sync of all {len(runs)} resources: **{seconds:.1f} s**, {count} requests, "
        f"{rows} rows read ({by_resource}); mirrored {renamed}/50 renamed customers, "
        f"{tagged}/50 tagged jobs"
    )


def packet_latency(connection: Connection, base_url: str, trials: int) -> None:
    from autofile.packets.models import Packet
    from autofile.packets.services.programs import program_create
    from autofile.packets.services.rules import rule_create

    log(f"\n## tagged job → packet, beat at its default cadence (load average: {load_average()})")
    tag = least_used_tag_type(connection)
    stamp = f"{time.time():.0f}"
    program = program_create(
        organization=connection.organization,
        name=f"Bench heat pump rebate {stamp}",
        sponsor="Bench Utility",
        sponsor_type="utility",
    )
    rule_create(
        organization=connection.organization,
        connection=connection,
        program=program,
        name=f"Bench tag rule {stamp}",
        is_active=True,
        tag_type_ids=[tag],
    )
    untagged = Job.objects.filter(connection=connection).exclude(tag_type_ids__contains=[tag])
    rng = random.Random(7)
    candidates = list(untagged.order_by("st_id").values_list("st_id", flat=True)[:5000])
    schedule = Path(tempfile.gettempdir()) / "autofile-bench-beat-schedule"
    schedule.unlink(missing_ok=True)
    latencies = []
    with celery("beat", "-s", str(schedule), name="beat"), httpx.Client(base_url=base_url) as sim:
        time.sleep(rng.uniform(5, 15))
        for trial in range(trials):
            st_id = rng.choice(candidates)
            candidates.remove(st_id)
            tagged_at = time.perf_counter()
            sim.post(f"/_sim/jobs/{st_id}/tags", json={"tagTypeId": tag}).raise_for_status()
            packet = Packet.objects.filter(
                program=program, job__connection=connection, job__st_id=st_id
            )
            wait_until(packet.exists, timeout=300, every=0.1)
            latencies.append(time.perf_counter() - tagged_at)
            log(f"trial {trial + 1}: job {st_id} became a packet in {latencies[-1]:.1f} s")
            time.sleep(rng.uniform(1, 15))  # land at another point of beat's 15 s tick
    mean = sum(latencies) / len(latencies)
    log(
        f"tag → packet: **{max(latencies):.1f} s at worst**, {mean:.1f} s on average "
        f"over {len(latencies)} trials"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", default="large", choices=("small", "medium", "large"))
    parser.add_argument(
        "--phases", nargs="*", default=["backfill", "incremental", "packet"],
        choices=("backfill", "incremental", "packet"),
    )  # fmt: skip
    parser.add_argument("--rate-limit", type=int, default=RATE_LIMIT, help="simulator's limit")
    parser.add_argument("--trials", type=int, default=5, help="tagged jobs in the packet phase")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per sync")
    parser.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=MIRRORED, metavar="RESOURCE",
        help="resources to leave out (beat is told they are fresh)",
    )  # fmt: skip
    args = parser.parse_args()

    log(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"load average {load_average()}"
    )
    call_command("migrate", verbosity=0)
    celery_app.control.purge()
    organization = Organization.objects.create(name=f"Sync bench {timezone.now():%Y%m%d %H%M%S}")
    with simulator(args.scale, args.rate_limit) as (base_url, server):
        connection = connection_upsert(
            organization=organization,
            environment=Connection.Environment.CUSTOM,
            base_url=base_url,
            tenant_id=1000,
            client_id="sim-client-id",
            client_secret="sim-client-secret",
            app_key="sim-app-key",
        )
        SYNCED[:] = [name for name in MIRRORED if name not in args.skip]
        for name in args.skip:  # a day ahead: beat will not find them due during the run
            SyncState.objects.create(
                organization=organization,
                connection=connection,
                resource=name,
                last_started_at=timezone.now() + dt.timedelta(days=1),
            )
        state = httpx.get(f"{base_url}/_sim/state", timeout=60).json()
        left_out = f" ({', '.join(args.skip)} left out)" if args.skip else ""
        log(f"tenant: {sum(state[name] for name in SYNCED):,} rows to mirror{left_out}")
        with worker() as process:
            wait_until(
                lambda: celery_app.control.ping(destination=[f"sync-bench@{socket.gethostname()}"]),
                timeout=60,
            )
            cpu = Cpu(server.pid, process.pid)
            if "backfill" in args.phases:
                backfill(connection, base_url, cpu, args.timeout)
            if "incremental" in args.phases:
                incremental(connection, base_url, cpu, args.timeout)
            if "packet" in args.phases:
                packet_latency(connection, base_url, args.trials)
            log(
                f"\nworker peak memory over all phases: "
                f"{proc_status(process.pid, 'VmHWM'):.0f} MiB; "
                f"simulator RSS {proc_status(server.pid, 'VmRSS'):.0f} MiB"
            )
        rows = SyncRun.objects.filter(connection=connection).aggregate(n=Sum("rows"))["n"]
        log(f"({rows or 0:,} rows read in all)")
    if args.drop:
        from django.db import connections

        connections.close_all()
        import psycopg

        url = urlsplit(os.environ["DATABASE_URL"])
        with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{BENCH_DATABASE}"')


if __name__ == "__main__":
    main()
