"""Rebate programs, the import rules that feed them, and the packets they produce."""

from autofile.packets.models.packets import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    Finding,
    Packet,
    PacketDocument,
    PacketEvent,
    PacketStatus,
)
from autofile.packets.models.programs import (
    EligibilityCheck,
    KickbackReason,
    ProgramMeasure,
    ProgramRequirement,
    RebateProgram,
    Severity,
)
from autofile.packets.models.rules import ImportRule

__all__ = [
    "FINAL_STATUSES",
    "OPEN_STATUSES",
    "EligibilityCheck",
    "Finding",
    "ImportRule",
    "KickbackReason",
    "Packet",
    "PacketDocument",
    "PacketEvent",
    "PacketStatus",
    "ProgramMeasure",
    "ProgramRequirement",
    "RebateProgram",
    "Severity",
]
