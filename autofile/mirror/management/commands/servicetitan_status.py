"""Print, per resource, rows mirrored, cursor, last run, errors and quarantined records.

    python manage.py servicetitan_status --connection 1 [--json]

With --json: {"resources": {"jobs": {"rows": 123, ...}, ...}}, keyed by the same
resource names as the simulator's /_sim/state.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from autofile.mirror.models import Connection
from autofile.mirror.selectors import sync_status


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--connection", type=int, required=True)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            connection = Connection.objects.get(pk=options["connection"])
        except Connection.DoesNotExist:
            raise CommandError(f"No connection {options['connection']}") from None
        statuses = sync_status(connection=connection)
        if options["json"]:
            payload = {"connection": connection.pk, "resources": {}}
            payload["resources"] = {s.name: s.as_json() for s in statuses}
            self.stdout.write(json.dumps(payload, indent=2))
            return
        self.stdout.write(f"{connection} (connection {connection.pk})")
        header = (
            f"{'resource':<26}{'rows':>9}  {'cursor':<22}{'last run':<20}{'status':<11}"
            f"{'quarantined':>11}  error"
        )
        self.stdout.write(header)
        for s in statuses:
            run = s.last_run
            when = run.started_at.strftime("%Y-%m-%d %H:%M:%S") if run else "never"
            status = (
                "running" if s.running else "stalled" if s.stalled else run.status if run else "-"
            )
            cursor = s.cursor if len(s.cursor) <= 20 else s.cursor[:19] + "…"
            self.stdout.write(
                f"{s.name:<26}{s.rows:>9}  {cursor or '-':<22}{when:<20}{status:<11}"
                f"{s.quarantined:>11}  {s.last_error[:60]}"
            )
