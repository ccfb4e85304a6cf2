"""A packet's install date and filing deadline, kept on its row for the queue.

Validation sets both from the packet's bundle (the job's completion, else its first unit's
install). The bulk paths (import, a synced page of jobs, a program's deadline edited) set
them here in one UPDATE over every packet concerned, so the queue sorts by a current
`due_on` before the packets are validated again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection as db

from autofile.mirror.models import Job
from autofile.packets.models import Packet, RebateProgram


def packets_set_dates(
    *,
    packet_ids: Iterable[int] | None = None,
    job_ids: Iterable[int] | None = None,
    program_id: int | None = None,
) -> int:
    """Set installed_on (the job's completion date, in the site's time zone; kept when the
    job is not completed) and due_on (installed_on + the program's submission days) on the
    packets given by id, by job, or by program. Returns the rows changed."""
    where: list[str] = []
    params: list[Any] = []
    if packet_ids is not None:
        where.append("p.id = ANY(%s)")
        params.append(list(packet_ids))
    if job_ids is not None:
        where.append("p.job_id = ANY(%s)")
        params.append(list(job_ids))
    if program_id is not None:
        where.append("p.program_id = %s")
        params.append(program_id)
    if not where or any(isinstance(p, list) and not p for p in params):
        return 0
    installed = "COALESCE((j.completed_on AT TIME ZONE %s)::date, p.installed_on)"
    sql = (
        f"UPDATE {Packet._meta.db_table} AS p SET installed_on = new.installed_on, "  # noqa: S608
        "due_on = new.due_on FROM ("
        f"SELECT p.id, {installed} AS installed_on, "
        f"{installed} + r.submission_deadline_days AS due_on "
        f"FROM {Packet._meta.db_table} AS p "
        f"JOIN {Job._meta.db_table} AS j ON j.id = p.job_id "
        f"JOIN {RebateProgram._meta.db_table} AS r ON r.id = p.program_id "
        f"WHERE {' AND '.join(where)}"
        ") AS new WHERE p.id = new.id AND (p.installed_on IS DISTINCT FROM new.installed_on "
        "OR p.due_on IS DISTINCT FROM new.due_on)"
    )
    with db.cursor() as cursor:
        cursor.execute(sql, [settings.TIME_ZONE, settings.TIME_ZONE, *params])
        return cursor.rowcount
