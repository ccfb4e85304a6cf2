"""Selectors of rules, programs and packets: everything that reads."""

from autofile.packets.selectors.packets import (
    PacketAction,
    PacketBundle,
    packet_actions,
    packet_bundle,
)
from autofile.packets.selectors.programs import (
    example_programs,
    program_choices,
    program_get,
    programs_for,
)
from autofile.packets.selectors.rules import (
    PreviewJob,
    RuleOptions,
    RulePreview,
    equipment_choices,
    rule_get,
    rule_jobs,
    rule_options,
    rule_preview,
    rules_for,
)

__all__ = [
    "PacketAction",
    "PacketBundle",
    "PreviewJob",
    "RuleOptions",
    "RulePreview",
    "equipment_choices",
    "example_programs",
    "packet_actions",
    "packet_bundle",
    "program_choices",
    "program_get",
    "programs_for",
    "rule_get",
    "rule_jobs",
    "rule_options",
    "rule_preview",
    "rules_for",
]
