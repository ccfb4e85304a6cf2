"""`make demo`: everything AutoFile needs, on one machine, stopped together by Ctrl-C.

1. PostgreSQL and Redis: found or started by `services` (embedded fallbacks otherwise);
2. migrations, and the demo organization with an admin, a QA reviewer and a coordinator;
3. the ServiceTitan simulator seeded with a demo tenant, and a connection to it;
4. the web server on http://127.0.0.1:8000, one Celery worker per kind of work
   (interactive, sync, validation: see autofile/core/queues.py) and Celery beat;
5. e-mail kept in the demo mailbox (http://127.0.0.1:8000/dev/mailbox/) unless EMAIL_HOST
   names a mail server.

Data lives in PostgreSQL (under var/ when embedded), so it survives a restart.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from autofile.core import queues
from autofile.devtools import services

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
WEB_ADDRESS = os.environ.get("DEMO_WEB_ADDRESS", "127.0.0.1:8000")
SIMULATOR_PORT = int(os.environ.get("DEMO_SIMULATOR_PORT", "8765"))
SIMULATOR_SCALE = os.environ.get("DEMO_SIMULATOR_SCALE", "medium")
#: How long each process may take to stop (a worker finishing its task) before it is killed.
STOP_GRACE_SECONDS = 15
#: The demo's e-mail backend when no mail server is configured (autofile/devtools/mailbox.py).
MAILBOX_BACKEND = "autofile.devtools.mailbox.MailboxBackend"
COLORS = {
    "web": 34,
    "worker-interactive": 32,
    "worker-sync": 92,
    "worker-validation": 96,
    "beat": 35,
    "simulator": 33,
    "setup": 36,
}
#: Worker processes per queue. A person's action goes to `interactive`, whose worker runs
#: only short tasks and keeps a process spare, so it starts within a second or two while a
#: backfill (sync) and a full re-validation (validation) each keep one process busy: four
#: worker processes in all, sized for a 2-core machine that also runs PostgreSQL and the web.
WORKERS = {queues.INTERACTIVE: 2, queues.SYNC: 1, queues.VALIDATION: 1}


def worker_command(queue: str, concurrency: int) -> list[str]:
    """`celery worker` for one queue (the tests start the demo's workers with it too)."""
    return [
        PY,
        "-m",
        "celery",
        "-A",
        "autofile",
        "worker",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "INFO",
    ]


def _pipe(name: str, stream: IO[str]) -> None:
    color = COLORS.get(name, 0)
    for line in stream:
        sys.stdout.write(f"\x1b[{color}m{name:>18}\x1b[0m | {line}")
        sys.stdout.flush()


class Processes:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.running: dict[str, subprocess.Popen[str]] = {}

    def run(self, name: str, args: Sequence[str]) -> None:
        """Run a setup step to completion, or stop the demo if it fails."""
        result = subprocess.run(args, env=self.env, cwd=ROOT, check=False)
        if result.returncode != 0:
            raise SystemExit(f"{name} failed with exit code {result.returncode}")

    def start(self, name: str, args: Sequence[str]) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            args,
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,  # Ctrl-C reaches us; we stop each group in order
        )
        assert proc.stdout is not None
        threading.Thread(target=_pipe, args=(name, proc.stdout), daemon=True).start()
        self.running[name] = proc
        return proc

    def stop_all(self) -> None:
        """Stop in reverse start order: the web server and beat, then the workers, whose
        tasks in hand can still finish against the simulator, and the simulator last.

        SIGTERM to each leader only: Celery's main process then stops its own pool (a warm
        shutdown); whatever is still alive after the grace period is killed.
        """
        for proc in reversed(self.running.values()):
            if proc.poll() is None:
                proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=STOP_GRACE_SECONDS)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # it, if still alive, and its stragglers

    def watch(self) -> None:
        while True:
            for name, proc in self.running.items():
                if proc.poll() is not None:
                    raise SystemExit(f"{name} exited with code {proc.returncode}")
            time.sleep(0.5)


def _wait_for_port(port: int, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if services._port_open("127.0.0.1", port, timeout=0.5):
            return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not start listening on port {port}")


def main() -> int:
    found = services.ensure("demo")
    for note in found.notes:
        print(f"[demo] {note}", flush=True)
    env = {
        **os.environ,
        "DEBUG": os.environ.get("DEBUG", "1"),
        "DATABASE_URL": found.database_url,
        "REDIS_URL": found.redis_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or services._secret_key("demo"),
        "PYTHONUNBUFFERED": "1",
    }
    mail_note = f"[demo] E-mail goes to {os.environ.get('EMAIL_HOST')} over SMTP"
    if not os.environ.get("EMAIL_HOST") and not os.environ.get("EMAIL_BACKEND"):
        # no mail server: every message is kept as a file and shown on the mailbox page
        env["EMAIL_BACKEND"] = MAILBOX_BACKEND
        env["MAILBOX_DIR"] = env.get("MAILBOX_DIR") or str(ROOT / "var" / "mailbox")
        mail_note = (
            f"[demo] E-mail (homeowner links, reminders) lands in the demo mailbox: "
            f"http://{WEB_ADDRESS}/dev/mailbox/ (files under {env['MAILBOX_DIR']})"
        )
    elif os.environ.get("EMAIL_BACKEND"):
        mail_note = f"[demo] E-mail goes through {os.environ['EMAIL_BACKEND']}"
    procs = Processes(env)
    manage = [PY, str(ROOT / "manage.py")]

    def shutdown(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, shutdown)
    try:
        procs.run("migrate", [*manage, "migrate", "--no-input"])
        if not found.redis_url:
            procs.run("createcachetable", [*manage, "createcachetable"])
        procs.start(
            "simulator",
            [
                PY,
                "-m",
                "integrations.servicetitan.simulator",
                "--host",
                "127.0.0.1",
                "--port",
                str(SIMULATOR_PORT),
                "--seed",
                "1",
                "--scale",
                SIMULATOR_SCALE,
            ],
        )
        _wait_for_port(SIMULATOR_PORT, "The ServiceTitan simulator")
        procs.run(
            "demo_setup",
            [*manage, "demo_setup", "--simulator-url", f"http://127.0.0.1:{SIMULATOR_PORT}"],
        )
        for queue, concurrency in WORKERS.items():
            procs.start(f"worker-{queue}", worker_command(queue, concurrency))
        procs.start(
            "beat",
            [
                PY,
                "-m",
                "celery",
                "-A",
                "autofile",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(ROOT / "var" / "celerybeat-schedule"),
            ],
        )
        procs.start("web", [*manage, "runserver", WEB_ADDRESS, "--noreload"])
        print(mail_note, flush=True)
        print(f"[demo] AutoFile at http://{WEB_ADDRESS}  (Ctrl-C stops everything)", flush=True)
        procs.watch()
    except KeyboardInterrupt:
        print("\n[demo] stopping…", flush=True)
    finally:
        # A second Ctrl-C must not leave children behind: finish stopping them first.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        procs.stop_all()
        services.stop("demo")  # the embedded servers it started; data stays under var/
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
