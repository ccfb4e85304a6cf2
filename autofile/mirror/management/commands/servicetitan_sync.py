"""Run a sync of a connection in the foreground, with a progress bar per resource.

python manage.py servicetitan_sync --connection 1 [--full] [--resource jobs]

A resource ServiceTitan failed to serve (retries used up) gets one line on stderr and the
command exits 1; the others are synced all the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from autofile.mirror.models import Connection
from autofile.mirror.registry import BY_NAME
from autofile.mirror.services import SyncFailed, connection_sync
from autofile.mirror.sync import Outcome


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--connection", type=int, required=True)
        parser.add_argument("--full", action="store_true", help="resync from the beginning")
        parser.add_argument(
            "--resource", action="append", choices=sorted(BY_NAME), help="repeatable"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Connection.objects.filter(pk=options["connection"]).exists():
            raise CommandError(f"No connection {options['connection']}")
        bars: dict[str, tqdm[Any]] = {}

        def progress(resource: str) -> Callable[[int], None]:
            bar = bars[resource] = tqdm(
                desc=f"{resource:<24}", unit=" rows", file=self.stderr, leave=True
            )

            def advance(rows: int) -> None:
                bar.update(rows)

            return advance

        failed: dict[str, str] = {}
        with _closing(bars):
            try:
                outcomes = connection_sync(
                    connection_id=options["connection"],
                    resources=options["resource"],
                    full=options["full"],
                    progress=progress,
                )
            except SyncFailed as error:
                outcomes, failed = error.outcomes, error.failed
        self._report(outcomes)
        for name, line in failed.items():  # one line each, never a traceback
            self.stderr.write(f"{name}: failed: {line}")
        if failed:
            raise CommandError(
                f"{len(failed)} resource(s) failed; the next sync (or beat tick) tries them again",
                returncode=1,
            )

    def _report(self, outcomes: dict[str, Outcome]) -> None:
        for name, outcome in outcomes.items():
            if outcome.skipped:
                self.stdout.write(f"{name}: skipped, another sync is running")
            elif outcome.run is not None:
                run = outcome.run
                run.refresh_from_db()
                self.stdout.write(
                    f"{name}: {run.rows} rows in {run.pages} pages, "
                    f"{len(outcome.changed_ids)} new or changed, {run.quarantined} quarantined"
                )


@contextmanager
def _closing(bars: dict[str, tqdm[Any]]) -> Iterator[None]:
    try:
        yield
    finally:
        for bar in bars.values():
            bar.close()
