"""Template helpers of the import rule pages."""

from __future__ import annotations

from django import template

from autofile.packets.models import ImportRule

register = template.Library()


@register.filter
def history_state(rule: ImportRule) -> str:
    """Where the rule's history import stands: running, queued, done or never."""
    started, finished = rule.history_started_at, rule.history_finished_at
    if started is not None and (finished is None or finished < started):
        return "running"
    if rule.is_active and finished is None:
        return "queued"
    if finished is not None:
        return "done"
    return "never"
