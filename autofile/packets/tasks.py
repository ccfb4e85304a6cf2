"""Celery tasks of rules and packets: thin, take ids, idempotent (so acknowledged late)."""

from __future__ import annotations

from celery import shared_task

from autofile.packets import services


@shared_task(name="packets.import_rule_history", acks_late=True)
def import_rule_history(rule_id: int) -> int:
    """Run an active rule over its connection's whole mirror (after create, edit, switch on)."""
    return services.rule_run_history(rule_id=rule_id)


@shared_task(name="packets.validate_packets", acks_late=True)
def validate_packets(packet_ids: list[int]) -> int:
    """Re-validate these packets (open ones) against their programs."""
    return services.packets_validate(packet_ids=packet_ids)
